// `patchdx fleet <folder | list file>`: one bundle per machine analysed on the analysis pool (or, with
// --queue, by workers through Redis), each diagnosis stored once per content and analyzer version in the
// case database, the machines clustered by root-cause signature; the report as a terminal table, JSON, CSV
// or HTML. A progress line goes to stderr when it is a terminal or with --progress.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CaseStoreError,
  defaultDbTarget,
  FleetInputError,
  openFleetStore,
  QueueUnreachableError,
  renderFleet,
  runFleet,
  runFleetQueue,
  type FleetFormat,
  type FleetOutcome,
  type FleetProgress,
} from '../../index.js';
import { langOption, type Io } from '../io.js';
import { safeLine } from '../../report/safe-text.js';

/** What the fleet command needs of the process, handed in by main.ts. */
export interface FleetContext {
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM: the run stops, what was stored stays (a re-run resumes). */
  signal?: AbortSignal;
}

const USAGE = `Usage:
  patchdx fleet <folder | list-file> [--jobs N] [--format text|json|csv|html] [--out FILE] [--db FILE|postgres://…]
                [--lang zh|en] [--progress]
  patchdx fleet <folder | list-file> --queue redis://127.0.0.1:6379 --db postgres://… [--queue-name NAME] [--prefix P]
                [--attempts N]      (jobs on BullMQ for \`patchdx worker\`; the report when all are done)
Each entry of the folder (a zip, a folder or a log) is one machine; a list file has one path per line.
`;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The progress line: done/failed/remaining, rate and time left. */
export function progressLine(p: FleetProgress): string {
  if (p.stage === 'hashing') return `fleet: hashing ${p.done}/${p.total} bundles, ${duration(p.elapsedMs)}`;
  const rate = p.rate === null ? '' : `, ${p.rate.toFixed(p.rate < 10 ? 1 : 0)}/s`;
  const eta = p.etaMs === null || p.remaining === 0 ? '' : `, ETA ${duration(p.etaMs)}`;
  const reused = p.reused ? ` (${p.reused} stored before)` : '';
  return `fleet: ${p.done + p.failed}/${p.total} done${reused}, ${p.failed} failed, ${p.remaining} remaining${rate}${eta}, ${duration(p.elapsedMs)}`;
}

export async function fleetCommand(args: string[], io: Io, ctx: FleetContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        jobs: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        db: { type: 'string' },
        lang: { type: 'string' },
        progress: { type: 'boolean' },
        queue: { type: 'string' },
        'queue-name': { type: 'string' },
        prefix: { type: 'string' },
        attempts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`patchdx fleet: ${safeLine((err as Error).message)}\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    io.err(`patchdx fleet: give one folder or list file\n${USAGE}`);
    return 2;
  }
  const format = (v.format ?? 'text') as FleetFormat;
  if (!['text', 'json', 'csv', 'html'].includes(format)) {
    io.err(`patchdx fleet: --format must be text, json, csv or html, not "${safeLine(format)}"\n`);
    return 2;
  }
  const lang = langOption(v.lang, io);
  if (!lang) return 2;
  const int = (name: string, s: string | undefined): number | null | undefined => {
    if (s === undefined) return undefined;
    if (!/^[1-9]\d{0,4}$/.test(s)) {
      io.err(`patchdx fleet: --${name} must be a whole number ≥ 1, not "${safeLine(s)}"\n`);
      return null;
    }
    return Number(s);
  };
  const jobs = int('jobs', v.jobs);
  const attempts = int('attempts', v.attempts);
  if (jobs === null || attempts === null) return 2;
  const source = parsed.positionals[0]!;
  const showProgress = v.progress === true || io.errIsTty;
  let lastLine = 0;
  const onProgress = (p: FleetProgress): void => {
    if (!showProgress) return;
    const t = Date.now();
    if (p.stage !== 'done' && t - lastLine < (io.errIsTty ? 200 : 1000)) return;
    lastLine = t;
    const line = progressLine(p);
    io.err(io.errIsTty ? `\r\x1b[2K${line}${p.stage === 'done' ? '\n' : ''}` : `${line}\n`);
  };
  let store;
  try {
    store = await openFleetStore(defaultDbTarget(ctx.env, v.db));
  } catch (err) {
    io.err(`patchdx fleet: ${safeLine((err as Error).message)}\n`);
    return 2;
  }
  let outcome: FleetOutcome;
  try {
    if (v.queue) {
      outcome = await runFleetQueue(source, {
        store,
        queue: { url: v.queue, name: v['queue-name'], prefix: v.prefix },
        attempts,
        onProgress,
        onEnqueued: (n) => {
          if (showProgress)
            io.err(
              `fleet: ${n} job${n === 1 ? '' : 's'} queued on ${safeLine(v.queue!.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@'))}\n`,
            );
        },
        signal: ctx.signal,
      });
    } else {
      // The run starts its pool (all cores, or --jobs) only when a bundle needs analysing.
      outcome = await runFleet(source, { store, threads: jobs, onProgress, signal: ctx.signal });
    }
  } catch (err) {
    if (
      err instanceof FleetInputError ||
      err instanceof CaseStoreError ||
      err instanceof QueueUnreachableError ||
      (err as Error).name === 'AbortError'
    ) {
      if (io.errIsTty && showProgress) io.err('\n');
      const stopped = (err as Error).name === 'AbortError' ? ' (stopped; run it again to resume)' : '';
      io.err(`patchdx fleet: ${safeLine((err as Error).message)}${stopped}\n`);
      return 2;
    }
    throw err;
  } finally {
    await store.close();
  }
  const text = renderFleet(outcome.report, format, { lang });
  if (v.out) {
    try {
      writeFileSync(v.out, text);
    } catch (err) {
      io.err(`patchdx fleet: cannot write ${safeLine(v.out)}: ${safeLine((err as Error).message)}\n`);
      return 2;
    }
    io.err(`fleet: report written to ${safeLine(v.out)}\n`);
  } else io.out(text);
  return outcome.report.totals.failed > 0 ? 1 : 0;
}
