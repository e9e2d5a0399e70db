// Benchmark (not a test) of similar past cases: imports 20,000 generated case threads into a SQLite file and
// a PostgreSQL database through the public API (`importThreads`: read, redact, facts, the quoted log lines
// analysed, one transaction per thread), then times `similarCases` — what `patchdx case similar` asks of the
// store — for the seeds' logs and a manifest corruption elsewhere (median and 95th percentile).
// The threads are the five seed threads with their case number, dates, component identities, codes and KBs
// drawn at random (seeded, so every run builds the same store).
// Usage: npm run bench:similar [-- --cases 20000 --runs 30 --only sqlite|postgres --pg URL]
// `--reuse FILE|URL` times the queries on a store an earlier run filled (its import is skipped); a database
// given with --pg is kept.
// Without --pg a database named patchdx_bench_sim_<pid> is created on 127.0.0.1:5432 and dropped after.

import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { analyze, importThreads, openCaseStore, similarCases, type Diagnosis } from '../src/index.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '20000' },
    runs: { type: 'string', default: '30' },
    only: { type: 'string' },
    pg: { type: 'string' },
    reuse: { type: 'string' },
  },
});
const CASES = Number(values.cases);
const RUNS = Number(values.runs);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const seedsDir = join(root, '..', 'shared', 'seeds');

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms (${s.length} queries)`;
}

/** A small seeded generator (mulberry32), so every run builds the same store. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'shell',
  'servicingstack',
  'netapi',
  'defender',
  'photos',
  'print',
  'font',
  'crypt',
  'media',
  'edge',
  'hyperv',
  'netfx',
  'wmi',
  'tcpip',
  'bits',
  'search',
  'store',
  'ie',
  'smb',
  'rdp',
  'audio',
  'usb',
  'kernel',
  'boot',
];
const CODES = [
  '0x80073712',
  '0x8007025d',
  '0x80070570',
  '0x80070490',
  '0x800f0986',
  '0x800f081f',
  '0x800f0922',
  '0x80070002',
  '0x800f0831',
  '0x800736cc',
  '0x80070bc9',
  '0x800f0823',
  '0x80248007',
  '0x8024200b',
  '0x80070005',
];

function generate(templates: string[], n: number, r: () => number): { name: string; data: Uint8Array }[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const hex = (k: number): string => Array.from({ length: k }, () => pick([...'0123456789abcdef'])).join('');
  const t = templates[n % templates.length]!;
  const comp = new Map<string, string>();
  const text = t
    .replace(/CAS-\d{5}-[A-Z0-9]{6}/g, `CAS-${String(10000 + n).padStart(5, '0')}-G${hex(5).toUpperCase()}`)
    .replace(
      /\b(amd64|x86|wow64|msil)_([a-z0-9][a-z0-9._+-]*?)_([0-9a-f]{16})_(\d+\.\d+\.\d+\.\d+)_(none|[a-z]{2}-[a-z]{2})_([0-9a-f]{16})\b/g,
      (m) => {
        if (!comp.has(m))
          comp.set(
            m,
            `amd64_microsoft-windows-${pick(WORDS)}-${pick(WORDS)}${Math.floor(r() * 20)}_31bf3856ad364e35_10.0.17763.${Math.floor(r() * 6000)}_none_${hex(16)}`,
          );
        return comp.get(m)!;
      },
    )
    .replace(/0x80073712|0x80070570|0x800F0986/gi, () => (r() < 0.5 ? pick(CODES) : '0x80073712'))
    .replace(/KB50(\d{5})/g, () => `KB50${String(Math.floor(r() * 50000)).padStart(5, '0')}`)
    .replace(
      /(\d{4})-(\d\d)-(\d\d) /g,
      (_m, y: string, mo: string, d: string) => `${Number(y) - Math.floor(r() * 3)}-${mo}-${d} `,
    );
  return [{ name: `gen-${n}.txt`, data: Buffer.from(text, 'utf8') }];
}

async function queries(): Promise<{ name: string; d: Diagnosis }[]> {
  const seedLog = (prefix: string): string => {
    const f = readdirSync(seedsDir).find((x) => x.startsWith(prefix))!;
    return readFileSync(join(seedsDir, f), 'utf8')
      .split(/\r?\n/)
      .filter((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, |^\s|^\[gle=/.test(l))
      .join('\r\n');
  };
  const out: { name: string; d: Diagnosis }[] = [];
  for (const p of ['000', '001', '002'])
    out.push({
      name: `seed ${p} log lines`,
      d: await analyze({ name: `${p}.log`, data: Buffer.from(seedLog(p)) }),
    });
  for (const f of [
    'seeds/seed-003-manifest-hash.log',
    'seeds/seed-004-not-found.log',
    'dism/appx-version-conflict.log',
  ])
    out.push({ name: f, d: await analyze(join(root, 'fixtures', f)) });
  return out;
}

async function run(
  kind: 'sqlite' | 'postgres',
  target: string,
  templates: string[],
  qs: { name: string; d: Diagnosis }[],
): Promise<void> {
  const store = await openCaseStore(target);
  try {
    const r = rng(20_000);
    const t0 = process.hrtime.bigint();
    const have = (await similarCases(store, { diagnoses: [] })).pastCases;
    // Three importers at once, as a team shares one database.
    for (let n = values.reuse ? CASES : 0; n < CASES; n += 150) {
      const batches = [0, 50, 100].map((o) => {
        const b = [];
        for (let i = n + o; i < Math.min(CASES, n + o + 50); i++) b.push(...generate(templates, i, r));
        return b;
      });
      await Promise.all(batches.map((b) => importThreads(store, b)));
      if ((n / 150) % 20 === 0) process.stdout.write(`  ${kind}: ${n} threads imported\n`);
    }
    const secs = ms(t0) / 1000;
    if (values.reuse) console.log(`  ${kind}: ${have} past cases in the store (reused)`);
    else
      console.log(
        `  ${kind}: ${CASES} threads imported in ${secs.toFixed(0)} s (${(CASES / secs).toFixed(0)}/s)`,
      );
    if (kind === 'postgres' && !values.reuse) {
      // Planner statistics and the visibility map after a bulk import, as autovacuum leaves a live database
      // (measured without: median 122 ms, p95 2.1 s; with: median 30 ms, p95 85 ms).
      const c = new pg.Client({ connectionString: target });
      await c.connect();
      try {
        await c.query('vacuum analyze past_cases, past_signatures, past_steps, past_messages');
      } finally {
        await c.end();
      }
    }
    const all: number[] = [];
    for (const q of qs) {
      await similarCases(store, { diagnoses: [q.d] }); // warm
      const times: number[] = [];
      let top = '';
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < RUNS; i++) {
        const t = process.hrtime.bigint();
        const res = await similarCases(store, { diagnoses: [q.d] });
        times.push(ms(t));
        top = res.none ? 'none' : `${res.results.length} results, first score ${res.results[0]!.score}`;
      }
      all.push(...times);
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000 / RUNS;
      console.log(
        `  ${kind} ${q.name}: ${stats(times)}; this process's CPU ${cpuMs.toFixed(1)} ms/query; ${top}`,
      );
    }
    console.log(`  ${kind} all queries: ${stats(all)}`);
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const templates = readdirSync(seedsDir)
    .filter((f) => /^\d{3}_.*\.txt$/.test(f))
    .sort()
    .map((f) => readFileSync(join(seedsDir, f), 'utf8'));
  const qs = await queries();
  console.log(
    `similar past cases: ${CASES} generated threads, ${RUNS} runs per query, node ${process.version}`,
  );
  if (values.reuse)
    await run(/^postgres/.test(values.reuse) ? 'postgres' : 'sqlite', values.reuse, templates, qs);
  else if (values.only !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'patchdx-bench-sim-'));
    try {
      await run('sqlite', join(dir, 'cases.db'), templates, qs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (values.only !== 'sqlite' && !values.reuse) {
    let url = values.pg;
    let drop: (() => Promise<void>) | null = null;
    if (!url) {
      const name = `patchdx_bench_sim_${process.pid}`;
      const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      url = `postgres://postgres@127.0.0.1:5432/${name}`;
      drop = async () => {
        const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      };
    }
    try {
      await run('postgres', url, templates, qs);
    } finally {
      await drop?.();
    }
  }
}

await main();
