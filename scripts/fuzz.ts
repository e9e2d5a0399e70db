// The fuzz harness: `npm run fuzz -- --n 10000 --seed 1 [--jobs 2] [--out fuzz-out] [--timeout 120] [--max-rss 400]`
// (`--only 40,3946` runs just those inputs of the seed again).
// Generates inputs of every class (scripts/fuzz-gen.ts), runs `patchdx analyze` on each in a child process
// (scripts/fuzz-child.ts: all four report formats) under a time and a memory limit, and classifies each
// run: crash (an exception or internal error), hang (past the time limit), memory (past the RSS limit),
// escape (a raw control character in stdout, stderr or a report, or live HTML from the input), or ok. Every
// run that is not ok is kept as a reproducer (input + result) under `<out>/repro/`; a summary is written to
// `<out>/summary.json` and printed.

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLASSES, generate, loadCorpus, Rng, type FuzzClass } from './fuzz-gen.js';
import type { ChildResult } from './fuzz-child.js';
import { corpusPath, examplePath, fixturePath } from '../src/testing/paths.js';

export type Outcome = 'ok' | 'crash' | 'hang' | 'memory' | 'escape';

export interface RunRecord {
  i: number;
  cls: FuzzClass;
  note: string;
  outcome: Outcome;
  ms: number;
  maxRssMb: number;
  inputBytes: number;
  detail: string;
}

export interface FuzzOptions {
  n: number;
  /** Only these input numbers (each made again from the seed and its number), instead of 0…n-1. */
  only?: number[];
  seed: number;
  jobs: number;
  out: string;
  timeoutMs: number;
  maxRssMb: number;
  /** Called after each run (progress). */
  onRun?: (r: RunRecord, done: number) => void;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fuzz-child.js');

function sizeOf(p: string): number {
  const s = statSync(p);
  return s.isDirectory() ? -1 : s.size;
}

/** Runs the child on `path`: its result, or how it ended. */
function runOne(
  path: string,
  timeoutMs: number,
  maxRssMb: number,
): Promise<{ outcome: Outcome; ms: number; rss: number; detail: string }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    // The heap is capped a little above the RSS limit, so a runaway analysis ends as a memory failure.
    const child = spawn(process.execPath, [`--max-old-space-size=${maxRssMb + 128}`, CHILD, path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      if (hung) return resolve({ outcome: 'hang', ms, rss: 0, detail: `killed after ${timeoutMs} ms` });
      let r: (ChildResult & { thrown?: undefined }) | { thrown: string } | null;
      try {
        r = JSON.parse(out.trim().split('\n').pop() ?? '');
      } catch {
        r = null;
      }
      if (!r || ('thrown' in r && r.thrown !== undefined)) {
        const oom = /heap out of memory|Allocation failed/i.test(err);
        return resolve({
          outcome: oom ? 'memory' : 'crash',
          ms,
          rss: 0,
          detail: (r && 'thrown' in r ? r.thrown! : `exit ${code} ${signal ?? ''} ${err.slice(-1500)}`).slice(
            0,
            2000,
          ),
        });
      }
      const c = r as ChildResult;
      if (c.internal.length > 0)
        return resolve({ outcome: 'crash', ms, rss: c.maxRssMb, detail: c.internal[0]! });
      if (c.exits.some((x) => x !== 0 && x !== 1 && x !== 2))
        return resolve({ outcome: 'crash', ms, rss: c.maxRssMb, detail: `exit codes ${c.exits.join(',')}` });
      if (c.maxRssMb > maxRssMb)
        return resolve({
          outcome: 'memory',
          ms,
          rss: c.maxRssMb,
          detail: `peak RSS ${c.maxRssMb} MB > ${maxRssMb} MB`,
        });
      if (c.escapes.length > 0 || c.html)
        return resolve({
          outcome: 'escape',
          ms,
          rss: c.maxRssMb,
          detail: [...c.escapes, ...(c.html ? ['live HTML'] : [])].join(', '),
        });
      resolve({ outcome: 'ok', ms, rss: c.maxRssMb, detail: '' });
    });
  });
}

/** Generates and runs `n` inputs; returns every run's record. Reproducers are kept under `<out>/repro`. */
export async function fuzz(opts: FuzzOptions): Promise<RunRecord[]> {
  const corpus = loadCorpus([corpusPath(), examplePath(), fixturePath()]);
  const work = join(opts.out, 'work');
  mkdirSync(work, { recursive: true });
  const records: RunRecord[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const k = next++;
      if (k >= (opts.only?.length ?? opts.n)) return;
      const i = opts.only ? opts.only[k]! : k;
      // Each input has its own generator, from the seed and its number: any one can be made again alone.
      const rng = new Rng((opts.seed * 1_000_003 + i) >>> 0);
      const cls = CLASSES[i % CLASSES.length]!;
      const dir = join(work, String(i));
      rmSync(dir, { recursive: true, force: true });
      let made;
      try {
        made = generate(rng, cls, corpus, dir);
      } catch (err) {
        // A generator that cannot make its input (a file system refusing a name) is not the analysis's fault.
        rmSync(dir, { recursive: true, force: true });
        records.push({
          i,
          cls,
          note: `not generated: ${(err as Error).message}`,
          outcome: 'ok',
          ms: 0,
          maxRssMb: 0,
          inputBytes: 0,
          detail: 'skipped',
        });
        continue;
      }
      const res = await runOne(made.path, opts.timeoutMs, opts.maxRssMb);
      const rec: RunRecord = {
        i,
        cls,
        note: made.note,
        outcome: res.outcome,
        ms: res.ms,
        maxRssMb: res.rss,
        inputBytes: sizeOf(made.path),
        detail: res.detail,
      };
      if (rec.outcome !== 'ok') {
        const keep = join(opts.out, 'repro', `${opts.seed}-${i}-${rec.outcome}`);
        mkdirSync(keep, { recursive: true });
        cpSync(dir, keep, { recursive: true, verbatimSymlinks: true });
        writeFileSync(join(keep, 'result.json'), JSON.stringify(rec, null, 2));
      }
      rmSync(dir, { recursive: true, force: true });
      records.push(rec);
      opts.onRun?.(rec, ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  return records.sort((a, b) => a.i - b.i);
}

/** Counts per class and outcome, and the slowest, the heaviest and the largest inputs. */
export function summarize(records: RunRecord[], seed: number) {
  const byClass: Record<string, Record<string, number>> = {};
  for (const r of records) {
    const c = (byClass[r.cls] ??= { inputs: 0, ok: 0, crash: 0, hang: 0, memory: 0, escape: 0 });
    c.inputs!++;
    c[r.outcome] = (c[r.outcome] ?? 0) + 1;
  }
  const top = (key: (r: RunRecord) => number) =>
    [...records]
      .sort((a, b) => key(b) - key(a))
      .slice(0, 5)
      .map((r) => ({
        i: r.i,
        cls: r.cls,
        ms: r.ms,
        maxRssMb: r.maxRssMb,
        inputBytes: r.inputBytes,
        note: r.note,
      }));
  const total = (o: Outcome) => records.filter((r) => r.outcome === o).length;
  return {
    seed,
    inputs: records.length,
    outcomes: {
      ok: total('ok'),
      crash: total('crash'),
      hang: total('hang'),
      memory: total('memory'),
      escape: total('escape'),
    },
    byClass,
    slowest: top((r) => r.ms),
    heaviest: top((r) => r.maxRssMb),
    largest: top((r) => r.inputBytes),
    failures: records
      .filter((r) => r.outcome !== 'ok')
      .map((r) => ({ i: r.i, cls: r.cls, outcome: r.outcome, detail: r.detail })),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '200' },
      only: { type: 'string' },
      seed: { type: 'string', default: String(Date.now() % 100000) },
      jobs: { type: 'string', default: '2' },
      out: { type: 'string', default: 'fuzz-out' },
      timeout: { type: 'string', default: '120' },
      'max-rss': { type: 'string', default: '400' },
    },
  });
  // `--only 40,3946`: those inputs of the seed again (a reproducer checked after a fix).
  const only = values.only
    ?.split(',')
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isInteger(x) && x >= 0);
  const n = only?.length ?? Number(values.n);
  const seed = Number(values.seed);
  const t0 = Date.now();
  // Stopped early (SIGTERM, Ctrl-C): the summary of the runs so far is still written.
  const seen: RunRecord[] = [];
  const write = (records: RunRecord[], stopped: boolean): { inputs: number; outcomes: { ok: number } } => {
    const summary = { ...summarize(records, seed), seconds: Math.round((Date.now() - t0) / 1000), stopped };
    mkdirSync(values.out!, { recursive: true });
    writeFileSync(join(values.out!, 'summary.json'), JSON.stringify(summary, null, 2));
    writeFileSync(join(values.out!, 'runs.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    process.stderr.write('\n');
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return summary;
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      write(
        [...seen].sort((a, b) => a.i - b.i),
        true,
      );
      process.exit(1);
    });
  const records = await fuzz({
    n,
    only,
    seed,
    jobs: Number(values.jobs),
    out: values.out!,
    timeoutMs: Number(values.timeout) * 1000,
    maxRssMb: Number(values['max-rss']),
    onRun: (r, done) => {
      seen.push(r);
      if (r.outcome !== 'ok')
        process.stderr.write(
          `\n#${r.i} ${r.cls}: ${r.outcome} (${r.detail.slice(0, 200).replace(/[^\x20-\x7e]/g, '?')})\n`,
        );
      if (done % 25 === 0 || done === n)
        process.stderr.write(`\rfuzz: ${done}/${n} inputs, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    },
  });
  const summary = write(records, false);
  const bad = summary.inputs - summary.outcomes.ok;
  process.exitCode = bad > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
