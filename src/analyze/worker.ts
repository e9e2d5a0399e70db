// The analysis on a one-off worker thread: `run.ts` starts one per cancellable analysis when no pool is
// given, so the caller's event loop stays free and an abort ends the work at once (the thread is terminated).
// Its input comes as workerData, or as the first message when the thread was started ahead of it
// (analysis-thread.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { runWorkerInput, type WorkerInput, type WorkerMessage } from './thread-task.js';

const post = (m: WorkerMessage): void => parentPort?.postMessage(m);
const run = (input: WorkerInput): void => post({ type: 'done', diagnosis: runWorkerInput(input, post) });
if (workerData) run(workerData as WorkerInput);
else parentPort?.once('message', run);
