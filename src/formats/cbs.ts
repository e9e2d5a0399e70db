// CBS.log and its CbsPersist archives (also a `findstr` extract of them): the WDS line grammar with CBS/CSI
// components. Recognised here; read by the CBS line parser and the rule engine in the pass that follows
// the reads (logs oldest first, overlaps read once), so a format's read only keeps the log for it.

import { detectCbs } from '../parse/cbs.js';
import { defineFormat, headOf, type BundleContext, type Head } from './define-format.js';
import type { Input } from '../ingest/inputs.js';

const DISM_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, \w+\s+DISM\s+.*PID=\d+/;

/**
 * Whether a head is a CBS log, a dism.log or neither: both share the grammar (and dism.log often carries CBS
 * lines), so one decision serves both formats. Findstr extracts prefix each line with the source path.
 */
export function servicingKind(head: Head): 'cbs' | 'dism' | null {
  const memo = head.memo.get('servicing') as 'cbs' | 'dism' | null | undefined;
  if (memo !== undefined) return memo;
  const stripped = head.rawLines.map((l) => l.replace(/^[^\s]*?\.log:(?=\d{4}-)/i, ''));
  // `DISM_LINE` is anchored on a timestamp: a line that does not start with one fails at once.
  const dismLines = stripped.filter((l) => DISM_LINE.test(l)).length;
  let kind: 'cbs' | 'dism' | null = null;
  if (detectCbs(stripped) > 0.2) kind = dismLines > stripped.length * 0.3 ? 'dism' : 'cbs';
  else if (dismLines > 10) kind = 'dism';
  head.memo.set('servicing', kind);
  return kind;
}

/** Keeps a CBS or dism log for the engine pass, with its first timestamp (logs are read oldest first). */
export function keepServicingLog(input: Input, ctx: BundleContext, kind: 'cbs' | 'dism'): void {
  const head = headOf(input.head(), input.bytes);
  const first = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),/.exec(head.rawLines.join('\n'))?.[1] ?? null;
  ctx.logs.push({ input, kind, first });
}

/** CBS.log, CbsPersist_*.log, a findstr extract of them. */
export default defineFormat({
  id: 'cbs',
  kind: 'cbs',
  summary: 'CBS.log and CbsPersist archives (component-based servicing)',
  sniff: (head) => servicingKind(head) === 'cbs',
  read: (input, ctx) => keepServicingLog(input, ctx, 'cbs'),
  samples: [
    {
      // Corpus cbs01-appostarsi-w11, CBS.log lines 1-7.
      name: 'TiWorker start',
      text: [
        '2023-05-17 08:24:08, Info                  CBS    Starting TiWorker initialization.',
        '2023-05-17 08:24:08, Info                  CBS    Lock: New lock added: TiWorkerClassFactory, level: 30, total lock:2',
        '2023-05-17 08:24:08, Info                  CBS    Ending TiWorker initialization.',
        '2023-05-17 08:24:08, Info                  CBS    Starting the TiWorker main loop.',
        '2023-05-17 08:24:08, Info                  CBS    TiWorker starts successfully.',
        '2023-05-17 08:24:08, Info                  CBS    Lock: New lock added: CCbsWorker, level: 5, total lock:3',
        '2023-05-17 08:24:08, Info                  CBS    InitializeUpdateReserves called',
      ].join('\r\n'),
      expect: { logs: 1 },
    },
    {
      // Corpus sfc02-emmanuel-sfcdetails-clean: `findstr /c:"[SR]" CBS.log` (sfcdetails.txt), lines 1-4.
      name: 'sfcdetails.txt extract',
      text: [
        '2025-09-17 11:21:12, Info                  CSI    0000000d [SR] Verifying 100 components',
        '2025-09-17 11:21:12, Info                  CSI    0000000e [SR] Beginning Verify and Repair transaction',
        '2025-09-17 11:21:12, Info                  CSI    0000000f [SR] Verify complete',
        '2025-09-17 11:21:12, Info                  CSI    00000010 [SR] Verifying 100 components',
      ].join('\r\n'),
      expect: { logs: 1 },
    },
  ],
});
