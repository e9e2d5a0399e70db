// A thread of the analysis pool: kept warm between tasks (module start-up is paid once per thread).
// Progress goes back through the task's own message port.

import type { MessagePort } from 'node:worker_threads';
import { runWorkerInput, type WorkerInput } from '../analyze/thread-task.js';
import type { Diagnosis } from '../model/types.js';

/** One pool task: the input and the port its progress is posted on. */
export interface PoolTask {
  input: WorkerInput;
  port: MessagePort;
}

export default function analyzeTask(task: PoolTask): Diagnosis {
  try {
    return runWorkerInput(task.input, (m) => task.port.postMessage(m));
  } finally {
    task.port.close();
  }
}
