// Benchmark (not a test) of the case store: fills a SQLite file and a PostgreSQL database with 10,000 cases
// and 50,000 rounds (real diagnoses of the seed-004 fixtures, 7–94 KB of JSON each) through the public API,
// one transaction per write as the CLI does, then times what `case list --due` and `case show` ask of the
// store (median and 95th percentile over repeated calls).
// Usage: npm run bench:cases [-- --cases 10000 --rounds 5 --runs 50 --writers 4 --only sqlite|postgres --pg URL]
// Without --pg a database named patchdx_bench_<pid> is created on 127.0.0.1:5432 and dropped after.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { analyze, openCaseStore, type Diagnosis } from '../src/index.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '50' },
    writers: { type: 'string', default: '4' },
    only: { type: 'string' },
    pg: { type: 'string' },
  },
});
const CASES = Number(values.cases);
const ROUNDS_PER_CASE = Number(values.rounds);
const RUNS = Number(values.runs);
const WRITERS = Number(values.writers);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `median ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${s[s.length - 1]!.toFixed(2)} ms`;
}

async function diagnoses(): Promise<Diagnosis[]> {
  const files = [
    'fixtures/cases/seed-004-round1-download.xml',
    'fixtures/seeds/seed-004-not-found.log',
    'fixtures/seeds/seed-004-forward-delta.log',
    'fixtures/cases/seed-004-round4-installed.xml',
  ];
  return Promise.all(files.map((f) => analyze(join(root, f))));
}

async function run(kind: 'sqlite' | 'postgres', target: string, ds: Diagnosis[]): Promise<void> {
  // The clock moves over the last 40 days, so about half the open cases are due "today".
  let now = new Date('2024-03-01T02:00:00Z');
  const today = new Date('2024-04-10T02:00:00Z');
  const store = await openCaseStore(target, { now: () => now });
  try {
    const t0 = process.hrtime.bigint();
    let done = 0;
    // Several writers at once, as a team shares one database (SQLite serialises them on its write lock).
    const worker = async (w: number): Promise<void> => {
      for (let i = w; i < CASES; i += WRITERS) await fill(i);
    };
    const fill = async (i: number): Promise<void> => {
      now = new Date(Date.parse('2024-03-01T02:00:00Z') + ((i * 7919) % 40) * 86_400_000);
      const number = `CAS-${String(i).padStart(5, '0')}-BENCH`;
      await store.createCase({
        number,
        customer: `客户${i % 97}`,
        org: `ORG${i % 13}`,
        engineer: `eng${i % 25}`,
        priority: `P${1 + (i % 3)}`,
      });
      for (let r = 0; r < ROUNDS_PER_CASE; r++)
        await store.addRound(number, {
          diagnosis: ds[r % ds.length]!,
          machine: `PC${1 + (r % 2)}`,
          keepInput: false,
        });
      if (i % 10 === 3) await store.note(number, { kind: 'email', text: '请收集日志', waiting: true });
      else if (i % 10 === 7) await store.closeCase(number, '组件缺失', '安装新的累积更新');
      else if (i % 3 === 0) await store.note(number, { kind: 'call', text: '电话跟进' });
      if (++done % 1000 === 0)
        process.stderr.write(`  ${kind}: ${done} cases, ${(ms(t0) / 1000).toFixed(0)} s\n`);
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => worker(w)));
    const fillS = ms(t0) / 1000;
    now = today;
    const due: number[] = [];
    let dueRows = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = process.hrtime.bigint();
      dueRows = (await store.list({ due: true })).length;
      due.push(ms(t));
    }
    const dueAll: number[] = [];
    let dueAllRows = 0;
    for (let i = 0; i < Math.min(RUNS, 10); i++) {
      const t = process.hrtime.bigint();
      dueAllRows = (await store.list({ due: true, limit: CASES })).length;
      dueAll.push(ms(t));
    }
    const engineer: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = process.hrtime.bigint();
      await store.list({ due: true, engineer: `eng${i % 25}` });
      engineer.push(ms(t));
    }
    const show: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const number = `CAS-${String((i * 4099) % CASES).padStart(5, '0')}-BENCH`;
      const t = process.hrtime.bigint();
      await store.show(number);
      show.push(ms(t));
    }
    const size = kind === 'sqlite' ? ` (${(statSync(target).size / 1e9).toFixed(2)} GB file)` : '';
    console.log(
      `${kind}: filled ${CASES} cases / ${CASES * ROUNDS_PER_CASE} rounds in ${fillS.toFixed(1)} s${size}`,
    );
    console.log(`  case list --due (first 200 of ${dueAllRows} due): ${stats(due)} [${dueRows} rows]`);
    console.log(`  case list --due --limit ${CASES} (all ${dueAllRows} due): ${stats(dueAll)}`);
    console.log(`  case list --due --engineer X: ${stats(engineer)}`);
    console.log(
      `  case show (2 machines, ${ROUNDS_PER_CASE} rounds, diff of the latest two): ${stats(show)}`,
    );
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  const ds = await diagnoses();
  console.log(
    `node ${process.version}; ${CASES} cases × ${ROUNDS_PER_CASE} rounds; ${RUNS} timed calls each`,
  );
  if (values.only !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'patchdx-bench-cases-'));
    try {
      await run('sqlite', join(dir, 'cases.db'), ds);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (values.only !== 'sqlite') {
    if (values.pg) await run('postgres', values.pg, ds);
    else {
      const name = `patchdx_bench_${process.pid}`;
      const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
      await admin.connect();
      await admin.query(`create database ${name}`);
      try {
        await run('postgres', `postgres://postgres@127.0.0.1:5432/${name}`, ds);
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    }
  }
}

await main();
