// The work one analysis thread does, shared by the one-off thread (`worker.ts`) and the pool's threads
// (`pool/pool-worker.ts`): analyse the input, posting throttled progress on the way.

import { analyzeBuffer, analyzePath } from './analyze.js';
import type { Diagnosis } from '../model/types.js';
import type { BundleLimits } from '../ingest/inputs.js';

/** What a thread is handed. */
export interface WorkerInput {
  source: string | { name: string; data: Uint8Array };
  maxLineBytes?: number;
  limits?: Partial<BundleLimits>;
  timeoutMs?: number;
  /** Logs from this size on are read by two threads (see analyze.ts); none when absent. */
  splitMinBytes?: number;
}

/** What a thread posts back. */
export type WorkerMessage =
  { type: 'progress'; bytesRead: number; totalBytes: number } | { type: 'done'; diagnosis: Diagnosis };

const PROGRESS_EVERY_MS = 50;

/** Runs the analysis of `input`, calling `post` with progress at most every 50 ms. */
export function runWorkerInput(input: WorkerInput, post: (m: WorkerMessage) => void): Diagnosis {
  let last = 0;
  const onProgress = (bytesRead: number, totalBytes: number): void => {
    const now = Date.now();
    if (now - last < PROGRESS_EVERY_MS) return;
    last = now;
    post({ type: 'progress', bytesRead, totalBytes });
  };
  const opts = {
    onProgress,
    maxLineBytes: input.maxLineBytes,
    limits: input.limits,
    timeoutMs: input.timeoutMs,
    splitMinBytes: input.splitMinBytes,
  };
  return typeof input.source === 'string'
    ? analyzePath(input.source, opts)
    : analyzeBuffer(
        input.source.name,
        Buffer.from(input.source.data.buffer, input.source.data.byteOffset, input.source.data.byteLength),
        opts,
      );
}
