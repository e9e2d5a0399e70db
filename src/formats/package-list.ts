// Installed packages and hotfixes as captured: `dism /Get-Packages` (list or table), PowerShell
// Get-WindowsPackage, `wmic qfe` / Get-HotFix. Pending packages become findings; an installed LCU gives the build.

import { parsePackageList, detectPackageList, samples } from '../parse/package-list.js';
import { buildsFromCaptures, pendingPackages } from '../timeline/outputs-story.js';
import { defineCapture, readCapture } from './capture-common.js';

/** A captured package or hotfix list. */
export default defineCapture({
  id: 'package-list',
  kind: 'packages',
  summary: 'captured package or hotfix list (dism /Get-Packages, Get-WindowsPackage, wmic qfe)',
  sniff: (head) => detectPackageList(head.lines),
  read: (input, ctx) =>
    readCapture(input, ctx, 'packages', (text) => {
      const packages = parsePackageList(text);
      ctx.findings.push(...pendingPackages(input.name, text, packages, ctx.nextFinding));
      ctx.reportedBuilds.push(...buildsFromCaptures(input.name, [], [], packages));
    }),
  samples: samples.map((s, i) => ({ name: `package list ${i + 1}`, text: s.text })),
});
