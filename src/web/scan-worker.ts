// A thread of the scan pool: runs one scan task (a viewer slice, the error index) and returns its result.

import { runScanHere, type ScanResult, type ScanTask } from './scan.js';

export default function scanTask(task: ScanTask): ScanResult {
  return runScanHere(task);
}
