// The collector's Commands/os-build.txt: `OS version:`, `OS build: <build>.<UBR>`, `UBR:`, `Product:`,
// `Version:`, `Edition:`, `Installation type:` lines. Gives the build as the other OS version captures do.

import type { OsVersion } from '../parse/os-version.js';
import { buildsFromCaptures } from '../timeline/outputs-story.js';
import { defineCapture, readCapture } from './capture-common.js';
import { splitLines } from './define-format.js';

const BUILD = /^OS build: (\d{4,5})\.(\d*)\s*$/;

/** The OS version the capture states, or null when it has no build line. */
export function osBuildOf(text: string): OsVersion | null {
  const lines = splitLines(text.replace(/^\uFEFF/, ''));
  const at = lines.findIndex((l) => BUILD.test(l));
  if (at < 0) return null;
  const m = BUILD.exec(lines[at]!)!;
  const value = (name: string): string | null => {
    const l = lines.find((x) => x.startsWith(`${name}: `));
    return l ? l.slice(name.length + 2).trim() || null : null;
  };
  return {
    build: Number(m[1]),
    ubr: m[2] ? Number(m[2]) : null,
    version: value('Version'),
    versionFromBuild: false,
    edition: value('Edition'),
    productName: value('Product'),
    line: at + 1,
    lines: { build: at + 1 },
    source: 'powershell',
  };
}

/** The collector's os-build.txt. */
export default defineCapture({
  id: 'collector-os-build',
  kind: 'osversion',
  summary: "patchdx collector's Commands/os-build.txt",
  sniff: (head) =>
    head.lines.some((l) => /^OS version: \d+\.\d+/.test(l.replace(/^\uFEFF/, ''))) &&
    head.lines.some((l) => BUILD.test(l)),
  read: (input, ctx) =>
    readCapture(input, ctx, 'osversion', (text) => {
      const v = osBuildOf(text);
      if (v) ctx.reportedBuilds.push(...buildsFromCaptures(input.name, [v], [], []));
    }),
  samples: [
    {
      // Constructed from the lines collectorScript() writes (remedy/collector.ts, Commands/os-build.txt).
      name: 'os-build.txt',
      text: [
        'OS version: 10.0.19045.0',
        'OS build: 19045.2965',
        'UBR: 2965',
        'Product: Windows 10 Pro',
        'Version: 22H2',
        'Edition: Professional',
        'Installation type: Client',
        '',
      ].join('\r\n'),
      expect: { builds: ['19045.2965'] },
    },
  ],
});
