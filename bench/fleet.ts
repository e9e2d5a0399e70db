// Benchmark (not a test) of the fleet. Generates N machine bundles (default 1,000) from real logs: the
// failure mechanisms of examples/CBS.log, the seed excerpts (fixtures/seeds) and two corpus logs (dism04,
// wu02), with the component names and KBs rewritten per cluster variant and the machine's build varied
// per machine; padded to a realistic size with the noisy DISM log of the corpus (dism07: ~1,100 benign
// Error lines), median about 3 MB, a few of 100 MB+; as zips, folders and single logs; healthy machines
// (cbs16) and unreadable bundles in between. Writes the generator's truth (the intended cluster of each
// machine), then: the local `patchdx fleet` (wall time, peak RSS of the process whose threads analyse),
// a check that every machine lands in its intended cluster, the same fleet through BullMQ with 2 worker
// processes (wall time, peak RSS of coordinator and each worker, overhead against the local pool), and a
// paper projection for 100,000 machines on 20 workers from the measured per-bundle cost.
// Usage: npm run bench:fleet [-- --n 1000 --big 4 --dir DIR --skip-queue --keep --pg URL --redis URL]

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { zipSync } from 'fflate';
import pg from 'pg';
import { hashBundles, listBundles, type FleetReport } from '../src/index.js';
import { binPath } from '../src/testing/paths.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    big: { type: 'string' },
    dir: { type: 'string' },
    'skip-queue': { type: 'boolean' },
    keep: { type: 'boolean' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    seed: { type: 'string', default: '42' },
  },
});
const N = Number(values.n);
const BIG = values.big !== undefined ? Number(values.big) : Math.max(1, Math.round(N / 250));
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = (...p: string[]): string => join(root, '..', 'shared', 'corpus', ...p);
const BIN = binPath();

// A small seeded generator, so a run can be repeated.
let state = Number(values.seed) >>> 0 || 42;
function rand(): number {
  state = (state * 1664525 + 1013904223) >>> 0;
  return state / 2 ** 32;
}
function gauss(): number {
  return Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
}
function pick<T>(xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

/** A failure mechanism from a real or seed log, and how its variants rewrite it. */
interface Template {
  id: string;
  file: string;
  name: string;
  /** The component-name token rewritten per variant (its variant value must show in the signature). */
  token: RegExp | null;
  variants: number;
  /** Varies the machine build with a RollupFix line (CBS logs only). */
  cbs: boolean;
}

const TEMPLATES: Template[] = [
  {
    id: 'net-manifest',
    file: join(root, 'examples', 'CBS.log'),
    name: 'CBS.log',
    token: /e7efbb5769027affbc1fbfd7101971df/g,
    variants: 6,
    cbs: true,
  },
  {
    id: 'manifest-hash',
    file: join(root, 'fixtures', 'seeds', 'seed-003-manifest-hash.log'),
    name: 'CBS.log',
    token: /wlidfdp/g,
    variants: 5,
    cbs: true,
  },
  {
    id: 'forward-delta',
    file: join(root, 'fixtures', 'seeds', 'seed-004-forward-delta.log'),
    name: 'CBS.log',
    token: /netapi/gi,
    variants: 4,
    cbs: true,
  },
  {
    id: 'not-found',
    file: join(root, 'fixtures', 'seeds', 'seed-004-not-found.log'),
    name: 'CBS.log',
    token: /vmsynthnic/gi,
    variants: 5,
    cbs: true,
  },
  {
    id: 'netfx3-source',
    file: corpus('dism04-iideerii-netfx3-0x800f081f', 'dism.log'),
    name: 'dism.log',
    token: null,
    variants: 1,
    cbs: false,
  },
  {
    id: 'wu-kb',
    file: corpus('wu02-reeceketley-kb5034441-80070643', 'WindowsUpdate.log'),
    name: 'WindowsUpdate.log',
    token: null,
    variants: 3,
    cbs: false,
  },
];
const UBRS = ['1879', '2114', '2300', '2628', '3046', '3287'];

interface Variant {
  key: string;
  template: Template;
  text: string;
  /** What its signature must contain (the rewritten component name), lower case. */
  mark: string | null;
  weight: number;
}

function variants(): Variant[] {
  const out: Variant[] = [];
  for (const t of TEMPLATES) {
    const base = readFileSync(t.file, 'latin1');
    for (let v = 0; v < t.variants; v++) {
      let text = base;
      let mark: string | null = null;
      if (t.token) {
        const sample = t.token.source.replace(/\\/g, '');
        const repl =
          v === 0
            ? sample
            : t.id === 'net-manifest'
              ? randomHex(32)
              : `${sample}${String.fromCharCode(97 + v)}`;
        text = text.replace(t.token, (m) =>
          m === m.toUpperCase() && m !== m.toLowerCase() ? repl.toUpperCase() : repl,
        );
        mark = repl.toLowerCase();
      }
      // Each variant its own KBs (KB5017270 → KB5017270 + 7·v …), so the updates involved differ per cluster.
      if (v > 0) text = text.replace(/KB(50\d{5})/g, (_m, n: string) => `KB${Number(n) + 7 * v}`);
      out.push({ key: `${t.id}#${v}`, template: t, text, mark, weight: 0 });
    }
  }
  // Cluster sizes fall off like real fleets: a few big problems, many small ones.
  out.forEach((x, i) => (x.weight = 1 / (1 + i * 0.6)));
  return out;
}

function randomHex(n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(rand() * 16).toString(16);
  return s;
}

/** Noise from a real, healthy DISM log, at least `bytes` long, cut at a line end. */
function padding(noise: Buffer, bytes: number, machine: string): Buffer {
  const parts: Buffer[] = [];
  let n = 0;
  while (n + noise.length <= bytes) {
    parts.push(noise);
    n += noise.length;
  }
  if (bytes - n > 0) {
    const cut = noise.lastIndexOf(10, bytes - n);
    if (cut > 0) parts.push(noise.subarray(0, cut + 1));
  }
  parts.push(
    Buffer.from(`2019-11-30 23:59:59, Info                  DISM   DISM.EXE: bench machine ${machine}\r\n`),
  );
  return Buffer.concat(parts);
}

interface Truth {
  machine: string;
  path: string;
  kind: 'failed' | 'healthy' | 'unreadable';
  cluster: string | null;
  mark: string | null;
  bytes: number;
  shape: 'zip' | 'folder' | 'log';
}

function generate(dir: string): Truth[] {
  const vs = variants();
  const total = vs.reduce((a, v) => a + v.weight, 0);
  const noise = readFileSync(corpus('dism07-krynddi-1903-noisy-negative', 'dism.log'));
  const healthyCbs = readFileSync(corpus('cbs16-jessestew-w11-22h2-healthy', 'CBS.log'));
  const truth: Truth[] = [];
  const bigAt = new Set(Array.from({ length: BIG }, (_, i) => Math.floor(((i + 0.5) * N) / BIG)));
  for (let i = 0; i < N; i++) {
    const machine = `PC-${String(i + 1).padStart(5, '0')}`;
    const r = rand();
    const kind: Truth['kind'] = bigAt.has(i)
      ? 'failed'
      : r < 0.02
        ? 'unreadable'
        : r < 0.2
          ? 'healthy'
          : 'failed';
    if (kind === 'unreadable') {
      const which = i % 3;
      const path = join(dir, which === 0 ? `${machine}.log` : which === 1 ? `${machine}.zip` : machine);
      if (which === 0) writeFileSync(path, '');
      else if (which === 1) writeFileSync(path, randomBytes(4096));
      else {
        mkdirSync(path);
        writeFileSync(
          join(path, 'screenshot.png'),
          Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), randomBytes(2048)]),
        );
      }
      truth.push({
        machine,
        path,
        kind,
        cluster: null,
        mark: null,
        bytes: 0,
        shape: which === 2 ? 'folder' : which === 1 ? 'zip' : 'log',
      });
      continue;
    }
    let main: { name: string; data: Buffer };
    let variant: Variant | null = null;
    if (kind === 'failed') {
      let x = rand() * total;
      variant = vs.find((v) => (x -= v.weight) < 0) ?? vs[vs.length - 1]!;
      let text = variant.text;
      if (variant.template.cbs) {
        const first = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.exec(text)?.[0] ?? '2023-01-05 00:00:00';
        text = `${first}, Info                  CBS    Read out cached applicability from TiLight for package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.${pick(UBRS)}.1.6, ApplicableState: 112, CurrentState:112\r\n${text}`;
      }
      main = { name: variant.template.name, data: Buffer.from(text, 'latin1') };
    } else {
      main = { name: 'CBS.log', data: healthyCbs };
    }
    const big = bigAt.has(i);
    const target = big
      ? 100 * 2 ** 20 + Math.floor(rand() * 10 * 2 ** 20)
      : Math.min(20 * 2 ** 20, Math.max(300_000, Math.exp(Math.log(3 * 2 ** 20) + 0.6 * gauss())));
    const shape: Truth['shape'] = big ? 'folder' : rand() < 0.15 ? 'log' : rand() < 0.5 ? 'zip' : 'folder';
    let bytes: number;
    let path: string;
    if (shape === 'log') {
      // A lone log, as customers send it: the main log alone, made unique by a last line.
      path = join(dir, `${machine}.log`);
      const data = Buffer.concat([main.data, Buffer.from(`\r\n`)]);
      writeFileSync(path, data);
      appendFileSync(path, kind === 'healthy' ? `${machine}\r\n` : '');
      bytes = statSync(path).size;
    } else {
      const pad = padding(noise, Math.max(0, target - main.data.length), machine);
      const logDir =
        main.name === 'WindowsUpdate.log'
          ? 'Logs/WindowsUpdate'
          : main.name === 'dism.log'
            ? 'Logs/DISM2'
            : 'Logs/CBS';
      const files: Record<string, Buffer> = {
        [`${logDir}/${main.name}`]: main.data,
        'Logs/DISM/dism.log': pad,
      };
      bytes = main.data.length + pad.length;
      if (shape === 'zip') {
        path = join(dir, `${machine}.zip`);
        writeFileSync(path, zipSync(files, { level: 1 }));
      } else {
        path = join(dir, machine);
        for (const [name, data] of Object.entries(files)) {
          mkdirSync(dirname(join(path, name)), { recursive: true });
          writeFileSync(join(path, name), data);
        }
      }
    }
    truth.push({
      machine,
      path,
      kind,
      cluster: variant?.key ?? null,
      mark: variant?.mark ?? null,
      bytes,
      shape,
    });
  }
  return truth;
}

/** Runs a command, polling the peak resident set (VmHWM) of it and of any extra pids given. */
function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; ms: number; peakKb: number; err: string }> {
  return new Promise((res) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, LANG: 'C', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    let peakKb = 0;
    const timer = setInterval(() => (peakKb = Math.max(peakKb, hwm(child.pid!))), 200);
    child.on('exit', (code) => {
      clearInterval(timer);
      res({ code, ms: performance.now() - t0, peakKb, err });
    });
  });
}

function hwm(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function check(report: FleetReport, truth: Truth[]): { ok: number; wrong: string[] } {
  const where = new Map<string, string>();
  for (const c of report.clusters) for (const m of c.machineList) where.set(m.machine, c.signature);
  for (const m of report.healthy) where.set(m.machine, 'healthy');
  for (const u of report.unreadable) where.set(u.machine, 'unreadable');
  const byVariant = new Map<string, Set<string>>();
  const wrong: string[] = [];
  for (const t of truth) {
    const got = where.get(t.machine);
    if (t.kind !== 'failed') {
      if (got !== t.kind) wrong.push(`${t.machine}: ${t.kind} expected, got ${got}`);
      continue;
    }
    if (!got || got === 'healthy' || got === 'unreadable') {
      wrong.push(`${t.machine}: ${t.cluster} expected, got ${got}`);
      continue;
    }
    if (t.mark && !got.toLowerCase().includes(t.mark))
      wrong.push(`${t.machine}: signature ${got} lacks ${t.mark}`);
    const s = byVariant.get(t.cluster!) ?? new Set();
    s.add(got);
    byVariant.set(t.cluster!, s);
  }
  const owner = new Map<string, string>();
  for (const [v, sigs] of byVariant) {
    if (sigs.size !== 1) wrong.push(`${v}: split over ${sigs.size} clusters`);
    for (const s of sigs) {
      if (owner.has(s) && owner.get(s) !== v) wrong.push(`${v} and ${owner.get(s)} share the cluster ${s}`);
      owner.set(s, v);
    }
  }
  return { ok: truth.length - wrong.length, wrong };
}

function mb(n: number): string {
  return (n / 2 ** 20).toFixed(1);
}

async function main(): Promise<void> {
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'patchdx-fleet-bench-'));
  const fleet = join(dir, 'fleet');
  rmSync(fleet, { recursive: true, force: true });
  mkdirSync(fleet, { recursive: true });
  const cores = availableParallelism();
  console.log(`patchdx fleet benchmark: ${N} bundles (${BIG} of 100 MB+) in ${fleet}, ${cores} cores`);
  let t0 = performance.now();
  const truth = generate(fleet);
  writeFileSync(join(dir, 'truth.json'), JSON.stringify(truth, null, 1));
  const sizes = truth.map((t) => t.bytes).sort((a, b) => a - b);
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  const clusters = new Set(truth.map((t) => t.cluster).filter(Boolean)).size;
  console.log(
    `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${truth.filter((t) => t.kind === 'failed').length} failing in ${clusters} intended clusters, ${truth.filter((t) => t.kind === 'healthy').length} healthy, ${truth.filter((t) => t.kind === 'unreadable').length} unreadable; logs ${mb(totalBytes)} MB, median ${mb(sizes[Math.floor(sizes.length / 2)]!)} MB, max ${mb(sizes[sizes.length - 1]!)} MB`,
  );

  // Hashing alone (the coordinator's own work before any analysis).
  t0 = performance.now();
  await hashBundles(await listBundles(fleet), { concurrency: 4 });
  const hashMs = performance.now() - t0;
  console.log(`hashing every bundle (no cache): ${(hashMs / 1000).toFixed(1)} s`);

  const db = join(dir, 'local.db');
  rmSync(db, { force: true });
  const local = await run(['fleet', fleet, '--db', db, '--format', 'json', '--out', join(dir, 'local.json')]);
  if (local.code === 2) throw new Error(`local fleet failed: ${local.err}`);
  const report = JSON.parse(readFileSync(join(dir, 'local.json'), 'utf8')) as FleetReport;
  const verdict = check(report, truth);
  console.log(
    `local fleet (pool of ${cores} threads): ${(local.ms / 1000).toFixed(1)} s wall, ${(N / (local.ms / 1000)).toFixed(1)} bundles/s, peak RSS ${(local.peakKb / 1024).toFixed(0)} MB (one process: the coordinator and its ${cores} analysis threads share it)`,
  );
  console.log(
    `clusters found ${report.totals.clusters}; machines in their intended cluster: ${verdict.ok}/${truth.length}`,
  );
  for (const w of verdict.wrong.slice(0, 10)) console.log(`  wrong: ${w}`);
  const again = await run([
    'fleet',
    fleet,
    '--db',
    db,
    '--format',
    'json',
    '--out',
    join(dir, 'local2.json'),
  ]);
  console.log(`local re-run, nothing changed: ${(again.ms / 1000).toFixed(1)} s (hash cache, no analysis)`);
  const perBundleThreadS = (((local.ms - hashMs / 4) / 1000) * cores) / N;

  let queue: { ms: number; coordKb: number; workerKb: number[] } | null = null;
  if (!values['skip-queue']) {
    const name = `patchdx_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: values.pg });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(values.pg!);
    url.pathname = `/${name}`;
    const prefix = `patchdx-bench-${process.pid}`;
    const workers = [0, 1].map(() => {
      const child = spawn(
        process.execPath,
        [
          BIN,
          'worker',
          '--queue',
          values.redis!,
          '--db',
          url.toString(),
          '--prefix',
          prefix,
          '--concurrency',
          String(Math.max(1, Math.floor(cores / 2))),
        ],
        {
          env: { ...process.env, LANG: 'C' },
          stdio: ['ignore', 'ignore', 'ignore'],
        },
      );
      const peak = { kb: 0 };
      const timer = setInterval(() => (peak.kb = Math.max(peak.kb, hwm(child.pid!))), 200);
      const exited = new Promise<void>((res) => child.on('exit', () => res()));
      return { child, peak, timer, exited };
    });
    try {
      await new Promise((r) => setTimeout(r, 3000));
      const q = await run([
        'fleet',
        fleet,
        '--queue',
        values.redis!,
        '--prefix',
        prefix,
        '--db',
        url.toString(),
        '--format',
        'json',
        '--out',
        join(dir, 'queue.json'),
      ]);
      if (q.code === 2) throw new Error(`queued fleet failed: ${q.err}`);
      const qr = JSON.parse(readFileSync(join(dir, 'queue.json'), 'utf8')) as FleetReport;
      const qv = check(qr, truth);
      queue = { ms: q.ms, coordKb: q.peakKb, workerKb: workers.map((w) => w.peak.kb) };
      console.log(
        `BullMQ fleet, 2 worker processes × ${Math.max(1, Math.floor(cores / 2))}: ${(q.ms / 1000).toFixed(1)} s wall (${((q.ms / local.ms - 1) * 100).toFixed(0)} % over the local pool), peak RSS coordinator ${(q.peakKb / 1024).toFixed(0)} MB, workers ${queue.workerKb.map((k) => (k / 1024).toFixed(0)).join(' and ')} MB; machines in their intended cluster: ${qv.ok}/${truth.length}`,
      );
    } finally {
      for (const w of workers) {
        w.child.kill('SIGTERM');
        await w.exited;
        clearInterval(w.timer);
      }
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
      const u = new URL(values.redis!);
      const keys = execFileSync(
        'redis-cli',
        ['-h', u.hostname, '-p', u.port || '6379', '--scan', '--pattern', `${prefix}:*`],
        { encoding: 'utf8' },
      )
        .split('\n')
        .filter(Boolean);
      for (let i = 0; i < keys.length; i += 100)
        execFileSync('redis-cli', [
          '-h',
          u.hostname,
          '-p',
          u.port || '6379',
          'del',
          ...keys.slice(i, i + 100),
        ]);
    }
  }

  // Paper projection: 100,000 machines on 20 workers of this machine's size, from the measured cost.
  const M = 100_000;
  const workersN = 20;
  const analyseH = (M * perBundleThreadS) / (workersN * cores) / 3600;
  const hashH = (M * (hashMs / N / 1000)) / 4 / 3600;
  console.log(
    `per bundle: ${perBundleThreadS.toFixed(2)} thread-seconds of analysis (avg ${mb(totalBytes / N)} MB of logs), ${(hashMs / N).toFixed(0)} ms of hashing`,
  );
  console.log(
    `projection, ${M.toLocaleString('en')} machines on ${workersN} workers × ${cores} cores: analysis ≈ ${analyseH.toFixed(1)} h` +
      `${queue ? ` (+${((queue.ms / local.ms - 1) * 100).toFixed(0)} % queue overhead as measured ≈ ${(analyseH * (queue.ms / local.ms)).toFixed(1)} h)` : ''}; the coordinator's hashing ≈ ${hashH.toFixed(1)} h unless the bundles are hashed where they are collected`,
  );
  if (!values.keep && !values.dir) rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
