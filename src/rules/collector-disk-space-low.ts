// The collector's Commands/disk-space.txt shows little free space on the system drive. A cumulative update
// unpacks and stages several GB in WinSxS and SoftwareDistribution before it installs, and a feature upgrade
// needs far more: an install that runs out of space fails with a code that does not say so.

import { defineStoryRule } from './define-story-rule.js';

/** Below this many bytes free on C:, the finding is reported. */
export const LOW_FREE_BYTES = 10 * 1024 ** 3;

export default defineStoryRule({
  id: 'collector-disk-space-low',
  kind: 'story',
  meta: {
    severity: 'warning',
    confidence: 'medium',
    root: false,
    summary: { en: 'Little free space on the system drive', zh: '系统盘可用空间不足' },
    codes: ['0x80070070'],
    mechanism:
      "The collector's disk-space.txt (Win32_LogicalDisk, Get-Volume): less than 10 GB free on C:. Updates stage several GB in WinSxS and SoftwareDistribution (the threshold is expert knowledge, not a documented limit); 0x80070070 ERROR_DISK_FULL is the plain symptom, others hide it.",
    references: ['src/collector/layout.ts (Commands/disk-space.txt)'],
  },
  messages: {
    low: {
      en: 'Only {{free}} GB of {{size}} GB is free on {{drive}}: free at least 10 GB (Disk Cleanup, DISM /StartComponentCleanup, move user data) before installing updates; an update that runs out of space can fail with a code that does not say so.',
      zh: '{{drive}} 仅剩 {{free}} GB 可用（共 {{size}} GB）：安装更新前请至少释放 10 GB（磁盘清理、DISM /StartComponentCleanup、移走用户数据）；空间不足导致的更新失败，其错误代码未必指明是空间问题。',
    },
  },
  cases: {
    valid: [
      {
        name: '120 GB free',
        files: {
          'disk-space.txt': [
            '',
            'DeviceID VolumeName FileSystem    FreeSpace         Size',
            '-------- ---------- ----------    ---------         ----',
            'C:                  NTFS       128849018880 255369777152',
            '',
          ].join('\n'),
        },
      },
    ],
    invalid: [
      {
        name: '3.0 GB free on C:',
        files: {
          'disk-space.txt': [
            '',
            'DeviceID VolumeName FileSystem  FreeSpace         Size',
            '-------- ---------- ----------  ---------         ----',
            '> C:                  NTFS       3221225472 255369777152',
            'D:       Data       NTFS       9663676416 500105216000',
            '',
          ].join('\n'),
        },
        findings: [
          { messageId: 'low', facts: { drive: 'C:', freeBytes: '3221225472', sizeBytes: '255369777152' } },
        ],
      },
    ],
  },
});
