// The collector's Commands/disk-space.txt: Get-Volume and Win32_LogicalDisk as tables (Format-Table).
// Less than 10 GB free on C: becomes a collector-disk-space-low finding.

import { diskSpaceFindings } from '../timeline/collector-story.js';
import { defineCapture, readCapture } from './capture-common.js';

/** The collector's disk-space.txt. */
export default defineCapture({
  id: 'collector-disk-space',
  kind: 'diskspace',
  summary: "patchdx collector's Commands/disk-space.txt (Get-Volume, Win32_LogicalDisk)",
  // The Win32_LogicalDisk table's header, or Get-Volume's: column names as Format-Table writes them.
  sniff: (head) =>
    head.lines.some(
      (l) =>
        /^DeviceID +VolumeName +FileSystem +FreeSpace +Size\s*$/.test(l) ||
        /^DriveLetter +FileSystemLabel +FileSystem +DriveType +HealthStatus +SizeRemaining +Size\s*$/.test(l),
    ),
  read: (input, ctx) =>
    readCapture(input, ctx, 'diskspace', (text) => {
      ctx.findings.push(...diskSpaceFindings(input.name, text, ctx.nextFinding));
    }),
  samples: [
    {
      // Constructed from the tables collectorScript() writes (remedy/collector.ts, Commands/disk-space.txt).
      name: 'disk-space.txt',
      text: [
        '',
        'DriveLetter FileSystemLabel FileSystem DriveType HealthStatus SizeRemaining         Size',
        '----------- --------------- ---------- --------- ------------ -------------         ----',
        '          C                 NTFS       Fixed     Healthy        12884901888 255369777152',
        '                            NTFS       Fixed     Healthy          104857600    554696704',
        '',
        '',
        '',
        'DeviceID VolumeName FileSystem   FreeSpace         Size',
        '-------- ---------- ----------   ---------         ----',
        'C:                  NTFS       12884901888 255369777152',
        '',
      ].join('\r\n'),
    },
  ],
});
