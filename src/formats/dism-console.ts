// What DISM printed (`DISM /Online /Cleanup-Image /RestoreHealth` and siblings, English or Chinese): the
// runs, their health verdicts and errors, the image version.

import { detectDismConsole, samples } from '../parse/dism-console.js';
import { defineCapture, readConsole } from './capture-common.js';

/** A captured DISM console output. */
export default defineCapture({
  id: 'dism-console',
  kind: 'console',
  summary: 'captured DISM console output (CheckHealth, ScanHealth, RestoreHealth…)',
  sniff: (head) => detectDismConsole(head.lines),
  read: readConsole,
  samples: samples.map((s, i) => ({ name: `DISM run ${i + 1}`, text: s.text })),
});
