// `patchdx serve [--port 8080] [--host 127.0.0.1] [--db …]`: the web app in one process, offline. Listens on
// loopback by default; any other address needs `--token` (and says so), and only the names given by
// `--host` and `--allow-host` are accepted in the Host header. Runs until the entry calls `stop`.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAnalysisPool, dataDir, defaultDbTarget, openCaseStore, type CaseStore } from '../../index.js';
import { similarForPage } from '../../web/similar.js';

import { createApp } from '../../web/server.js';
import { errLine, type Io } from '../io.js';
import { safeLine } from '../../report/safe-text.js';

export interface ServeContext {
  env: Record<string, string | undefined>;
  pid: number;
  isAlive: (pid: number) => boolean;
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM). */
  stopped: Promise<void>;
}

const USAGE = `Usage: patchdx serve [--port 8080] [--host 127.0.0.1] [--db FILE|postgres://…] [--inputs DIR]
                     [--token SECRET] [--allow-host NAME,…] [--threads N] [--max-upload-mb 2048] [--max-files 10000]
`;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function serveCommand(args: string[], io: Io, ctx: ServeContext): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args,
      options: {
        port: { type: 'string', default: '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        db: { type: 'string' },
        inputs: { type: 'string' },
        token: { type: 'string' },
        'allow-host': { type: 'string' },
        threads: { type: 'string' },
        'max-upload-mb': { type: 'string' },
        'max-files': { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.err(`patchdx serve: ${safeLine((err as Error).message)}\n${USAGE}`);
    return 2;
  }
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const port = Number(v.port);
  const num = (s: string | undefined, name: string): number | undefined | null => {
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s) || Number(s) < 1) {
      io.err(`patchdx serve: --${name} must be a whole number of 1 or more, not "${safeLine(s)}"\n`);
      return null;
    }
    return Number(s);
  };
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`patchdx serve: --port must be 0–65535, not "${safeLine(String(v.port))}"\n`);
    return 2;
  }
  const threads = num(v.threads, 'threads');
  const maxMb = num(v['max-upload-mb'], 'max-upload-mb');
  const maxFiles = num(v['max-files'], 'max-files');
  if (threads === null || maxMb === null || maxFiles === null) return 2;
  const host = v.host!;
  const token = v.token ?? ctx.env.PATCHDX_TOKEN;
  if (!LOOPBACK.has(host) && !token) {
    io.err(
      `patchdx serve: listening on ${safeLine(host)} (beyond this machine) needs --token SECRET (or PATCHDX_TOKEN): every browser must then open the address with ?token=SECRET once\n`,
    );
    return 2;
  }
  let store: CaseStore;
  try {
    store = await openCaseStore(defaultDbTarget(ctx.env, v.db), {
      inputsDir: v.inputs ?? ctx.env.PATCHDX_INPUTS,
      calendarDir: join(dataDir(ctx.env), 'calendars'),
      pid: ctx.pid,
      isAlive: ctx.isAlive,
    });
  } catch (err) {
    errLine(io, 'patchdx serve', 'database', (err as Error).message);
    return 2;
  }
  const uploadsDir = join(store.inputs?.dir ?? join(dataDir(ctx.env), 'inputs'), 'uploads');
  const pool = createAnalysisPool({ threads });
  const allowHosts = (v['allow-host'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const app = await createApp({
    store,
    pool,
    uploadsDir,
    token,
    allowedHosts: LOOPBACK.has(host) ? allowHosts : [host, ...allowHosts],
    similar: (d, lang) => similarForPage(store, d, lang),
    limits: {
      ...(maxMb ? { maxBytes: maxMb * 1024 * 1024 } : {}),
      ...(maxFiles ? { maxFiles } : {}),
    },
  });
  try {
    await app.listen({ port, host });
  } catch (err) {
    errLine(io, 'patchdx serve', `${host}:${port}`, (err as Error).message);
    await app.close();
    await pool.close();
    await store.close();
    return 2;
  }
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const shown = host.includes(':') ? `[${host}]` : host;
  io.err(`patchdx serve: http://${shown}:${bound}/${token ? `?token=${encodeURIComponent(token)}` : ''}\n`);
  io.err(
    `patchdx serve: cases in ${safeLine(store.where)}; uploads in ${safeLine(uploadsDir)} (deleted unless added to a case)\n`,
  );
  if (!LOOPBACK.has(host))
    io.err(
      `patchdx serve: listening beyond loopback on ${safeLine(host)}: every request needs the token; Host names accepted: ${safeLine([host, ...allowHosts].join(', '))}\n`,
    );
  await ctx.stopped;
  io.err('patchdx serve: stopping\n');
  await app.close();
  await pool.close();
  await store.close();
  return 0;
}
