// The collector's Commands/pending.txt: whether pending.xml exists, the CBS RebootPending and Windows Update
// RebootRequired keys, PendingFileRenameOperations. A restart owed becomes a collector-reboot-pending finding.

import { pendingFindings } from '../timeline/collector-story.js';
import { defineCapture, readCapture } from './capture-common.js';

/** The collector's pending.txt. */
export default defineCapture({
  id: 'collector-pending',
  kind: 'pending',
  summary: "patchdx collector's Commands/pending.txt (pending.xml, reboot-pending keys)",
  sniff: (head) =>
    head.lines.some((l) => /^pending\.xml: (?:present|absent)/.test(l.replace(/^\uFEFF/, ''))) &&
    head.lines.some((l) => /^CBS RebootPending key: (?:True|False)\s*$/.test(l)),
  read: (input, ctx) =>
    readCapture(input, ctx, 'pending', (text) => {
      ctx.findings.push(...pendingFindings(input.name, text, ctx.nextFinding));
    }),
  samples: [
    {
      // Constructed from the lines collectorScript() writes (remedy/collector.ts, Commands/pending.txt).
      name: 'pending.txt',
      text: [
        'pending.xml: present, 48211 bytes, last written 2023-05-23 15:02:11',
        'CBS RebootPending key: True',
        'Windows Update RebootRequired key: False',
        'PendingFileRenameOperations: True',
        '',
      ].join('\r\n'),
      expect: { findings: ['collector-reboot-pending'] },
    },
  ],
});
