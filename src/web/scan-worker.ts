// The worker thread of `runScan`: runs one scan task and posts its result.

import { parentPort, workerData } from 'node:worker_threads';
import { runScanHere, type ScanTask } from './scan.js';

try {
  parentPort!.postMessage({ ok: true, result: runScanHere(workerData as ScanTask) });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: (err as Error).message });
}
