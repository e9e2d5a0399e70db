// The analysis as the public API offers it: any source (a path, bytes in memory, a stream), asynchronous,
// with progress, and cancellable. A cancellable analysis runs on a worker thread, which an abort terminates
// at once; otherwise it runs in this thread (no thread start-up for the CLI). The diagnosis is stamped with
// the input's identity: name, SHA-256, size.

import { createHash } from 'node:crypto';
import { createWriteStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { Diagnosis } from '../model/types.js';
import type { BundleLimits } from '../ingest/inputs.js';
import { analyzeBuffer, analyzePath } from './analyze.js';
import { analysisThread } from './analysis-thread.js';
import { SPLIT_MIN_BYTES } from './split-read.js';
import type { WorkerInput, WorkerMessage } from './thread-task.js';

export { THREAD_YOUNG_GENERATION_MB } from './analysis-thread.js';

/** What `analyze` reads: a path (file, folder, zip), bytes in memory, or a stream of bytes, each with a name. */
export type AnalyzeSource =
  string | { name: string; data: Uint8Array } | { name: string; stream: AsyncIterable<Uint8Array> };

/** How far an analysis has come. `done` comes last, with every byte read. */
export interface Progress {
  stage: 'reading' | 'done';
  /** Input bytes read so far, of `totalBytes` (uncompressed, every file of the input). */
  bytesRead: number;
  totalBytes: number;
}

export interface AnalyzeOptions {
  onProgress?: (p: Progress) => void;
  /** Cancels the analysis: the promise rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
  /** Run on a worker thread (default: when a signal is given). */
  thread?: boolean;
  /** Longest line read whole; longer lines are cut and reported (default 256 KiB). */
  maxLineBytes?: number;
  /**
   * Limits of the bundle: `maxExpandedBytes` (bytes read, files and archive members together; 16 GiB),
   * `maxEntries` (files and archive entries; 20,000), nesting, ratio… (`DEFAULT_BUNDLE_LIMITS`). What lies past
   * a limit is skipped with a diagnostic naming the input and the limit; the rest is analysed.
   */
  limits?: Partial<BundleLimits>;
  /**
   * Milliseconds the analysis may take (none by default): past it, reading stops and the diagnosis is made of
   * what was read, with a diagnostic naming the input it stopped in. Unlike an abort, it resolves.
   */
  timeoutMs?: number;
  /**
   * Read a large CBS or dism log on disk (48 MB and more) with two threads, a half each. With a core free for
   * it the analysis of a 300 MB CBS.log takes about 20 % less time (1.38 → 1.10 s, measured); on 2 cores, where
   * the input's hash and the analysis already take both, it gains nothing and costs about 35 MB (measured).
   * Off by default; the CLI asks for it on machines of 4 cores or more.
   */
  splitLargeLogs?: boolean;
}

/**
 * Runs one analysis off this thread: the one-off thread below by default, a pool's thread when the pool
 * passes its own. Posts progress through `onProgress`; an abort of `signal` rejects at once.
 */
export type ThreadExecutor = (input: WorkerInput, opts: AnalyzeOptions) => Promise<Diagnosis>;

/** Internal: what the pool adds to the public options. */
export interface RunOptions extends AnalyzeOptions {
  executor?: ThreadExecutor;
}

/** Files larger than this are hashed on a thread of their own, beside the analysis. */
const HASH_IN_THREAD_BYTES = 16 * 1024 * 1024;

function sha256Sync(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null))
      h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

const HASH_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const h = createHash('sha256');
const fd = fs.openSync(workerData, 'r');
const buf = Buffer.allocUnsafe(1 << 20);
for (let n = fs.readSync(fd, buf, 0, buf.length, null); n > 0; n = fs.readSync(fd, buf, 0, buf.length, null)) h.update(buf.subarray(0, n));
fs.closeSync(fd);
parentPort.postMessage(h.digest('hex'));
`;

/** SHA-256 of a file: at once for small files, on a thread of its own for large ones. Null for a folder. */
function hashFile(path: string): Promise<string | null> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return Promise.resolve(null);
    size = st.size;
  } catch {
    return Promise.resolve(null);
  }
  if (size < HASH_IN_THREAD_BYTES) {
    try {
      return Promise.resolve(sha256Sync(path));
    } catch {
      return Promise.resolve(null);
    }
  }
  return new Promise((resolve) => {
    const w = new Worker(HASH_THREAD, { eval: true, workerData: path });
    w.once('message', (hex: string) => resolve(hex));
    w.once('error', () => resolve(null));
    w.once('exit', () => resolve(null));
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The analysis was aborted', 'AbortError');
}

/** The analysis on a worker thread; an abort terminates the thread and rejects at once. */
const inThread: ThreadExecutor = (workerData, opts) => {
  return new Promise((resolve, reject) => {
    const w = analysisThread(workerData);
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = (): void => {
      finish(() => reject(abortReason(opts.signal!)));
      void w.terminate();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    w.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress') {
        if (!settled)
          opts.onProgress?.({ stage: 'reading', bytesRead: m.bytesRead, totalBytes: m.totalBytes });
      } else finish(() => resolve(m.diagnosis));
    });
    w.once('error', (err) => finish(() => reject(err)));
    w.once('exit', (code) =>
      finish(() => reject(new Error(`the analysis thread stopped (exit code ${code}) before it finished`))),
    );
  });
};

/** The options a thread is handed (plain data). */
function workerOptions(opts: AnalyzeOptions): Omit<WorkerInput, 'source'> {
  return {
    maxLineBytes: opts.maxLineBytes,
    limits: opts.limits,
    timeoutMs: opts.timeoutMs,
    ...(opts.splitLargeLogs ? { splitMinBytes: SPLIT_MIN_BYTES } : {}),
  };
}

function isStream(s: AnalyzeSource): s is { name: string; stream: AsyncIterable<Uint8Array> } {
  return typeof s === 'object' && 'stream' in s;
}

/** A name safe as one file name in a temporary folder. */
function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^\w.\-\u4e00-\u9fff]/g, '_');
  return base.replace(/^\.+/, '').slice(0, 120) || 'input';
}

/**
 * Diagnoses a CBS.log, a folder, a zip bundle or any log patchdx reads — given as a path, as bytes with a name
 * (`{ name, data }`) or as a stream with a name (`{ name, stream }`). Bad input never rejects: it becomes a
 * diagnostic and the rest is analysed. With `signal` the work runs on a worker thread and an abort rejects
 * with an `AbortError` at once. Returns facts only; `advise` adds the plans and scripts.
 */
export function analyze(source: AnalyzeSource, options: AnalyzeOptions = {}): Promise<Diagnosis> {
  return runAnalysis(source, options);
}

/**
 * Diagnoses a source (`analyze`, with the options of the pool and tests). Bad input never rejects (it becomes
 * a diagnostic); an abort rejects with the signal's reason.
 */
export async function runAnalysis(source: AnalyzeSource, opts: RunOptions = {}): Promise<Diagnosis> {
  opts.signal?.throwIfAborted();
  if (isStream(source)) {
    // A stream is spooled to a private temporary file (memory stays bounded), read, and removed.
    const dir = await mkdtemp(join(tmpdir(), 'patchdx-'));
    try {
      const path = join(dir, safeFileName(source.name));
      await pipeline(source.stream, createWriteStream(path, { mode: 0o600 }), { signal: opts.signal });
      const d = await runAnalysis(path, opts);
      d.input.name = source.name;
      for (const m of d.machines ?? []) m.diagnosis.input.name = source.name;
      return d;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const thread = opts.executor !== undefined || (opts.thread ?? opts.signal !== undefined);
  const exec = opts.executor ?? inThread;
  let d: Diagnosis;
  let sha256: string | null;
  let bytes: number;
  let name: string;
  if (typeof source === 'string') {
    const hashing = hashFile(source);
    if (thread) d = await exec({ source, ...workerOptions(opts) }, opts);
    else {
      d = analyzePath(source, {
        ...workerOptions(opts),
        onProgress: (bytesRead, totalBytes) => opts.onProgress?.({ stage: 'reading', bytesRead, totalBytes }),
      });
    }
    sha256 = await hashing;
    name = basename(source.replace(/[\\/]+$/, '')) || source;
    bytes = sha256 === null ? d.stats.bytes : statSync(source).size;
  } else {
    const data = Buffer.from(source.data.buffer, source.data.byteOffset, source.data.byteLength);
    sha256 = createHash('sha256').update(data).digest('hex');
    if (thread)
      d = await exec({ source: { name: source.name, data: source.data }, ...workerOptions(opts) }, opts);
    else {
      d = analyzeBuffer(source.name, data, {
        ...workerOptions(opts),
        onProgress: (bytesRead, totalBytes) => opts.onProgress?.({ stage: 'reading', bytesRead, totalBytes }),
      });
    }
    name = source.name;
    bytes = data.length;
  }
  opts.signal?.throwIfAborted();
  d.input = { ...d.input, name, sha256, bytes };
  for (const m of d.machines ?? []) m.diagnosis.input = { ...m.diagnosis.input, name, sha256, bytes };
  opts.onProgress?.({ stage: 'done', bytesRead: d.stats.bytes, totalBytes: d.stats.bytes });
  return d;
}
