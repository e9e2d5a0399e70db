// The analysis pool: a fixed number of warm worker threads (piscina) that the web app, the fleet and the
// bundle reader share. Callers wait in a first-in first-out queue in front of the pool, so each knows its
// place (`onQueued`), at most `threads` analyses run at once, and the caller's event loop stays free.
// An abort while queued removes the caller from the queue; while running it terminates that thread.

import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import {
  runAnalysis,
  THREAD_YOUNG_GENERATION_MB,
  type AnalyzeOptions,
  type AnalyzeSource,
  type ThreadExecutor,
} from '../analyze/run.js';
import type { WorkerMessage } from '../analyze/thread-task.js';
import type { Diagnosis } from '../model/types.js';
import type { PoolTask } from './pool-worker.js';

export { THREAD_YOUNG_GENERATION_MB };
/** The CommonJS file piscina loads (see esm-entry.cts): it imports the worker module named by each task. */
export const ESM_ENTRY = new URL('./esm-entry.cjs', import.meta.url).href;
const POOL_WORKER = new URL('./pool-worker.js', import.meta.url).href;

/**
 * A pool whose stray errors do not end the process. piscina emits `error` when a thread answers a task that
 * was already aborted (its result crossed the abort: "Unexpected message from Worker") or when an idle
 * thread fails; the callers' own tasks are settled either way, and without a listener the event would be
 * thrown as an uncaught exception.
 */
export function quietErrors<T extends { on(event: 'error', listener: (err: unknown) => void): unknown }>(
  pool: T,
): T {
  pool.on('error', () => undefined);
  return pool;
}

/** A task for a thread started from `ESM_ENTRY`: the ES module to run (its default export) and its task. */
export function esmTask(module: string, task: unknown): { module: string; task: unknown } {
  return { module, task };
}

export interface PoolOptions {
  /** Threads analysing at once (default: the machine's cores). */
  threads?: number;
  /** Idle threads are stopped after this long (default 30 s); at least one is kept. */
  idleTimeoutMs?: number;
}

export interface PoolAnalyzeOptions extends AnalyzeOptions {
  /** Called when the analysis waits, with its place in the queue (1 = next), again as it moves up, then 0. */
  onQueued?: (position: number) => void;
}

export interface PoolStats {
  threads: number;
  running: number;
  queued: number;
  completed: number;
}

interface Waiter {
  start: () => void;
  cancel: (reason: unknown) => void;
  onQueued?: (position: number) => void;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The analysis was aborted', 'AbortError');
}

export class AnalysisPool {
  readonly threads: number;
  /** Started at the first analysis (piscina and the threads cost nothing until then). */
  private piscina: Promise<Piscina> | null = null;
  private readonly idleTimeoutMs: number;
  private readonly waiting: Waiter[] = [];
  private running = 0;
  private completed = 0;
  private closed = false;

  constructor(opts: PoolOptions = {}) {
    this.threads = Math.max(1, Math.floor(opts.threads ?? availableParallelism()));
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 30_000;
  }

  private threadsReady(): Promise<Piscina> {
    this.piscina ??= import('piscina').then(({ Piscina: P }) =>
      quietErrors(
        new P({
          filename: ESM_ENTRY,
          minThreads: 1,
          maxThreads: this.threads,
          idleTimeout: this.idleTimeoutMs,
          // The queue lives in front of the pool (positions are ours to tell); piscina only runs.
          maxQueue: this.threads,
          // The same young generation as analyze()'s own thread: short-lived line objects die young.
          resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
        }),
      ),
    );
    return this.piscina;
  }

  stats(): PoolStats {
    return {
      threads: this.threads,
      running: this.running,
      queued: this.waiting.length,
      completed: this.completed,
    };
  }

  /** Diagnoses `source` on a pool thread once a thread is free. Same result as the public `analyze`. */
  async analyze(source: AnalyzeSource, opts: PoolAnalyzeOptions = {}): Promise<Diagnosis> {
    if (this.closed) throw new Error('the analysis pool is closed');
    opts.signal?.throwIfAborted();
    await this.slot(opts);
    try {
      return await runAnalysis(source, { ...opts, executor: this.executor });
    } finally {
      this.running--;
      this.completed++;
      this.next();
    }
  }

  /** Stops the threads; queued analyses reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.cancel(new Error('the analysis pool was closed'));
    if (this.piscina) await (await this.piscina).destroy();
  }

  private slot(opts: PoolAnalyzeOptions): Promise<void> {
    if (this.running < this.threads && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) {
          this.waiting.splice(i, 1);
          this.tellPositions(i);
        }
        reject(abortReason(opts.signal!));
      };
      const waiter: Waiter = {
        start: () => {
          opts.signal?.removeEventListener('abort', onAbort);
          opts.onQueued?.(0);
          resolve();
        },
        cancel: (reason) => {
          opts.signal?.removeEventListener('abort', onAbort);
          reject(reason);
        },
        onQueued: opts.onQueued,
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      opts.onQueued?.(this.waiting.length);
    });
  }

  private next(): void {
    if (this.running >= this.threads) return;
    const w = this.waiting.shift();
    if (!w) return;
    this.running++;
    w.start();
    this.tellPositions(0);
  }

  private tellPositions(from: number): void {
    for (let i = from; i < this.waiting.length; i++) this.waiting[i]!.onQueued?.(i + 1);
  }

  private readonly executor: ThreadExecutor = async (input, opts) => {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: WorkerMessage) => {
      if (m.type === 'progress')
        opts.onProgress?.({ stage: 'reading', bytesRead: m.bytesRead, totalBytes: m.totalBytes });
    });
    try {
      const task: PoolTask = { input, port: port2 };
      const piscina = await this.threadsReady();
      return (await piscina.run(esmTask(POOL_WORKER, task), {
        transferList: [port2],
        signal: opts.signal,
      })) as Diagnosis;
    } catch (err) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      throw err;
    } finally {
      port1.close();
    }
  };
}

/** A pool of `threads` warm analysis threads (default: the machine's cores); `close()` it when done. */
export function createAnalysisPool(options: PoolOptions = {}): AnalysisPool {
  return new AnalysisPool(options);
}
