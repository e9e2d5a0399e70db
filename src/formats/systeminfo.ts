// What `systeminfo` printed: OS name, version and build, the hotfix list (which gives the build), the
// computer, install date and time zone.

import { detectSystemInfo, parseSystemInfo, samples } from '../parse/systeminfo.js';
import { defineCapture, readCapture } from './capture-common.js';

/** A captured systeminfo output. */
export default defineCapture({
  id: 'systeminfo',
  kind: 'systeminfo',
  summary: 'captured systeminfo output',
  sniff: (head) => detectSystemInfo(head.lines),
  read: (input, ctx) =>
    readCapture(input, ctx, 'systeminfo', (text) => {
      ctx.systemInfos.push(parseSystemInfo(text));
    }),
  samples: samples.map((s, i) => ({ name: `systeminfo ${i + 1}`, text: s.text, expect: { systemInfos: 1 } })),
});
