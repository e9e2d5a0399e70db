// The OS version as captured: `ver`, winver's text, a listing of the CurrentVersion key (reg query, .reg,
// Get-ItemProperty). Before registry-export in the registry: a `reg query` of CurrentVersion is both.

import { detectOsVersion, parseOsVersions, samples } from '../parse/os-version.js';
import { buildsFromCaptures } from '../timeline/outputs-story.js';
import { defineCapture, readCapture } from './capture-common.js';

/** A captured OS version. */
export default defineCapture({
  id: 'os-version',
  kind: 'osversion',
  summary: 'captured OS version (ver, winver, the CurrentVersion key)',
  sniff: (head) => detectOsVersion(head.lines),
  read: (input, ctx) =>
    readCapture(input, ctx, 'osversion', (text) => {
      ctx.reportedBuilds.push(...buildsFromCaptures(input.name, parseOsVersions(text), [], []));
    }),
  shadows: ['registry-export'],
  samples: samples.map((s, i) => ({ name: `OS version ${i + 1}`, text: s.text })),
});
