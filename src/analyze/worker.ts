// The analysis on a one-off worker thread: `run.ts` starts one per cancellable analysis when no pool is
// given, so the caller's event loop stays free and an abort ends the work at once (the thread is terminated).

import { parentPort, workerData } from 'node:worker_threads';
import { runWorkerInput, type WorkerInput, type WorkerMessage } from './thread-task.js';

const post = (m: WorkerMessage): void => parentPort?.postMessage(m);
post({ type: 'done', diagnosis: runWorkerInput(workerData as WorkerInput, post) });
