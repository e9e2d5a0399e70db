// The thread an analysis runs on when it runs off the caller's thread (analyze/run.ts), and its head start:
// a command that knows it will analyse a large input starts the thread first (prestartAnalysisThread), so the
// thread loads the analysis while the command loads the rest of itself; the analysis then takes that thread.
// A leaf module (only node:worker_threads), cheap to load before anything else.

import { Worker } from 'node:worker_threads';
import type { WorkerInput } from './thread-task.js';

/**
 * Young generation of an analysis thread. It was 64 MB when V8's default heap growth let the old generation
 * swell with promoted line objects; since the CLI sets a 20 % heap growing factor (cli/main.ts) a small
 * nursery costs no time and saves memory (300 MB CBS log, whole process, paired runs: CPU 2.44 s against
 * 2.50 s, peak RSS 139 against 180 MiB; 1 GB: 162 against 210 MB). 12 MB against 16 (seventh session, paired,
 * medians): the 600 MB bundle peaks at 183.5 instead of 195.5 MiB (192 decimal MB: under the 200 MB asked,
 * which 16 was not) for 3–4 % more time; the 300 MB log 123 against 131 MiB for 5–6 % more time. 8 MB costs
 * 15–20 % more CPU on the 300 MB log (more scavenges).
 */
export const THREAD_YOUNG_GENERATION_MB = 12;

const WORKER = new URL('./worker.js', import.meta.url);

/** The thread started ahead of its task, if any (waiting for one message: its WorkerInput). */
let spare: Worker | null = null;

/**
 * Starts an analysis thread now, before its input is known: it loads the analysis while the caller goes on.
 * It does not keep the process alive until it is taken; a second call does nothing.
 */
export function prestartAnalysisThread(): void {
  if (spare) return;
  spare = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB } });
  spare.unref();
  // A thread that fails while waiting is simply not used (its error reaches whoever takes it).
  spare.once('error', () => {});
}

/** Whether a thread started ahead waits for its input. */
export function spareThreadWaiting(): boolean {
  return spare !== null;
}

/** A thread analysing `input`: the one started ahead when there is one, else a new one. */
export function analysisThread(input: WorkerInput): Worker {
  const w = spare;
  spare = null;
  if (!w) {
    return new Worker(WORKER, {
      workerData: input,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
  }
  w.ref();
  w.postMessage(input);
  return w;
}
