// A fleet run on this machine: list the bundles, hash them (a cache skips unchanged ones), record the run,
// analyse on the analysis pool only the contents that have no stored result for this version, store each
// compact diagnosis as it comes, and build the cluster report from the store. A stopped run resumes: what
// was stored is not analysed again.

import { hostname } from 'node:os';
import { AnalysisPool } from '../pool/pool.js';
import { VERSION } from '../version.js';
import { clusterFleet, type FleetReport } from './cluster.js';
import { compactDiagnosis } from './compact.js';
import { hashBundles, listBundles, type HashedBundle } from './scan.js';
import type { BundleResult, FleetRun, FleetStore } from './store.js';

/** How far a fleet run has come (distinct bundle contents). */
export interface FleetProgress {
  stage: 'hashing' | 'analysing' | 'done';
  total: number;
  done: number;
  failed: number;
  remaining: number;
  /** Contents whose result was already stored (not analysed again). */
  reused: number;
  elapsedMs: number;
  /** Bundles a second over the analysed ones, and the time left at that rate (null before the first). */
  rate: number | null;
  etaMs: number | null;
}

/** What a fleet run needs. */
export interface FleetRunOptions {
  store: FleetStore;
  /** The pool to analyse on; without one, a pool of `threads` is started when there is work, and closed. */
  pool?: AnalysisPool;
  /** Threads of the run's own pool (default: the machine's cores). */
  threads?: number;
  /** Analyzer version the results are keyed by (default: this patchdx's). */
  version?: string;
  onProgress?: (p: FleetProgress) => void;
  signal?: AbortSignal;
  /** The clock (tests and benchmarks). */
  now?: () => number;
}

/** The outcome of a run. */
export interface FleetOutcome {
  run: FleetRun;
  report: FleetReport;
  /** Contents analysed by this run, and those whose stored result was reused. */
  analysed: number;
  reused: number;
}

// A test may set this (only code loaded into the process can): called before each analysis, may throw.
const HOOK = Symbol.for('patchdx.fleet.testHook');
type Hook = (sha256: string, path: string) => Promise<void>;

/** Analyses one bundle on the pool into the result the store keeps; an analyzer failure throws. */
export async function analyzeBundle(
  pool: AnalysisPool,
  path: string,
  sha256: string,
  version: string,
  signal?: AbortSignal,
): Promise<BundleResult> {
  const started = performance.now();
  const hook = (globalThis as Record<symbol, unknown>)[HOOK] as Hook | undefined;
  if (hook) await hook(sha256, path);
  const d = await pool.analyze(path, { signal });
  const c = compactDiagnosis(d);
  return {
    sha256,
    version,
    status: 'ok',
    verdict: c.verdict,
    error: null,
    attempts: 1,
    result: c,
    bytes: d.stats.bytes,
    ms: performance.now() - started,
    by: `${hostname()}:${process.pid}`,
  };
}

/** The message of an error, in one line. */
export function reasonOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 500);
}

/** A progress tracker shared by the local run and the queue's coordinator. */
export function progressOf(
  start: number,
  now: number,
  total: number,
  reused: number,
  done: number,
  failed: number,
  stage: FleetProgress['stage'],
): FleetProgress {
  const elapsedMs = now - start;
  const worked = done + failed - reused;
  const remaining = Math.max(0, total - done - failed);
  const rate = worked > 0 && elapsedMs > 0 ? worked / (elapsedMs / 1000) : null;
  return {
    stage,
    total,
    done,
    failed,
    remaining,
    reused,
    elapsedMs,
    rate,
    etaMs: rate ? (remaining / rate) * 1000 : null,
  };
}

/** Lists and hashes the bundles of a folder or list file and records the run. */
export async function startFleetRun(
  source: string,
  store: FleetStore,
  mode: FleetRun['mode'],
  version: string,
  onHashed?: (hashed: number, total: number) => void,
): Promise<{ run: FleetRun; bundles: HashedBundle[] }> {
  const refs = await listBundles(source);
  let hashed = 0;
  const bundles = await hashBundles(refs, {
    cache: store.hashCache(),
    onHashed: () => onHashed?.(++hashed, refs.length),
  });
  const run = await store.startRun(source, version, mode, bundles);
  return { run, bundles };
}

/** Runs a fleet analysis on this machine's pool and returns the cluster report. */
export async function runFleet(source: string, opts: FleetRunOptions): Promise<FleetOutcome> {
  const { store } = opts;
  const version = opts.version ?? VERSION;
  const now = opts.now ?? (() => performance.now());
  const start = now();
  const { run } = await startFleetRun(source, store, 'local', version, (n, total) =>
    opts.onProgress?.(progressOf(start, now(), total, 0, n, 0, 'hashing')),
  );
  const before = await store.progress(run.id, version);
  const todo = await store.pending(run.id, version);
  const reused = before.ok;
  let done = before.ok;
  let failed = 0;
  const tell = (stage: FleetProgress['stage']): void =>
    opts.onProgress?.(progressOf(start, now(), before.total, reused, done, failed, stage));
  if (todo.length > 0) tell('analysing');
  const pool = opts.pool ?? (todo.length > 0 ? new AnalysisPool({ threads: opts.threads }) : null);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < todo.length) {
      opts.signal?.throwIfAborted();
      const t = todo[next++]!;
      let r: BundleResult;
      try {
        r = await analyzeBundle(pool!, t.path, t.sha256, version, opts.signal);
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        r = {
          sha256: t.sha256,
          version,
          status: 'failed',
          verdict: null,
          error: reasonOf(err),
          attempts: 1,
          result: null,
          bytes: 0,
          ms: 0,
          by: `${hostname()}:${process.pid}`,
        };
      }
      await store.saveResult(r);
      if (r.status === 'ok') done++;
      else failed++;
      if (next < todo.length) tell('analysing');
    }
  };
  try {
    // Twice the threads in flight keeps every thread busy while results are written.
    // Every lane is let stop (an abort ends each at once) before the pool closes and the caller goes on.
    if (pool) {
      const ends = await Promise.allSettled(Array.from({ length: Math.max(1, pool.threads * 2) }, lane));
      const failed = ends.find((x) => x.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } finally {
    if (pool && !opts.pool) await pool.close();
  }
  await store.finishRun(run.id);
  tell('done');
  const finished = (await store.run(run.id))!;
  const report = clusterFleet(finished, await store.rows(run.id, version));
  return { run: finished, report, analysed: todo.length, reused };
}
