// The analysis on a worker thread: `run.ts` starts one per cancellable analysis, so the caller's event loop
// stays free and an abort ends the work at once (the thread is terminated). Posts progress, then the result.

import { parentPort, workerData } from 'node:worker_threads';
import { analyzeBuffer, analyzePath } from './analyze.js';

/** What `run.ts` hands the thread. */
export interface WorkerInput {
  source: string | { name: string; data: Uint8Array };
  maxLineBytes?: number;
}

/** What the thread posts back. */
export type WorkerMessage =
  | { type: 'progress'; bytesRead: number; totalBytes: number }
  | { type: 'done'; diagnosis: ReturnType<typeof analyzePath> };

const PROGRESS_EVERY_MS = 50;

const input = workerData as WorkerInput;
let last = 0;
const onProgress = (bytesRead: number, totalBytes: number): void => {
  const now = Date.now();
  if (now - last < PROGRESS_EVERY_MS) return;
  last = now;
  parentPort?.postMessage({ type: 'progress', bytesRead, totalBytes } satisfies WorkerMessage);
};
const opts = { onProgress, maxLineBytes: input.maxLineBytes };
const diagnosis =
  typeof input.source === 'string'
    ? analyzePath(input.source, opts)
    : analyzeBuffer(
        input.source.name,
        Buffer.from(input.source.data.buffer, input.source.data.byteOffset, input.source.data.byteLength),
        opts,
      );
parentPort?.postMessage({ type: 'done', diagnosis } satisfies WorkerMessage);
