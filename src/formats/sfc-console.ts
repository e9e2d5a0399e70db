// What `sfc /scannow` (or /verifyonly) printed, English or Chinese: the verdict of each run.

import { detectSfcConsole, samples } from '../parse/sfc-console.js';
import { defineCapture, readConsole } from './capture-common.js';

/** A captured sfc console output. */
export default defineCapture({
  id: 'sfc-console',
  kind: 'console',
  summary: 'captured sfc /scannow console output',
  sniff: (head) => detectSfcConsole(head.lines),
  read: readConsole,
  samples: samples.map((s, i) => ({ name: `sfc run ${i + 1}`, text: s.text })),
});
