// The collector's Commands/pending.txt says a restart is owed: pending.xml holds operations for the next boot
// or the CBS RebootPending / Windows Update RebootRequired key is set. Until the machine restarts, servicing
// refuses new operations, and an install tried now fails for that reason, not for the update's own.

import { defineStoryRule } from './define-story-rule.js';

export default defineStoryRule({
  id: 'collector-reboot-pending',
  kind: 'story',
  meta: {
    severity: 'warning',
    confidence: 'high',
    root: false,
    summary: { en: 'A restart is pending', zh: '系统等待重启' },
    codes: ['0x80070bc9'],
    mechanism:
      "The collector's pending.txt: pending.xml present (operations queued for the next boot) or the CBS RebootPending / Windows Update RebootRequired key set. CBS refuses new operations until the restart (0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED).",
    references: ['src/collector/layout.ts (Commands/pending.txt)'],
  },
  messages: {
    pending: {
      en: 'A restart is pending ({{what}}): restart the machine before installing or repairing anything, or servicing refuses the next operation (0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED).',
      zh: '系统正在等待重启（{{whatZh}}）：请先重启再安装或修复，否则后续服务操作会被拒绝（0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED）。',
    },
  },
  phrases: {
    pendingXml: { en: 'pending.xml is present', zh: '存在 pending.xml' },
    rebootPending: { en: 'the CBS RebootPending key is set', zh: '存在 CBS RebootPending 注册表项' },
    rebootRequired: {
      en: 'the Windows Update RebootRequired key is set',
      zh: '存在 Windows 更新 RebootRequired 注册表项',
    },
    fileRenames: { en: 'file renames wait for the restart', zh: '有文件重命名操作等待重启' },
  },
  cases: {
    valid: [
      {
        name: 'nothing pending',
        files: {
          'pending.txt': [
            'pending.xml: absent',
            'CBS RebootPending key: False',
            'Windows Update RebootRequired key: False',
            'PendingFileRenameOperations: True',
            '',
          ].join('\n'),
        },
      },
    ],
    invalid: [
      {
        name: 'pending.xml and the CBS key: a restart is owed',
        files: {
          'pending.txt': [
            '> pending.xml: present, 48211 bytes, last written 2023-05-23 15:02:11',
            '> CBS RebootPending key: True',
            'Windows Update RebootRequired key: False',
            '> PendingFileRenameOperations: True',
            '',
          ].join('\n'),
        },
        findings: [
          {
            messageId: 'pending',
            facts: {
              pendingXml: 'true',
              rebootPending: 'true',
              rebootRequired: 'false',
              fileRenames: 'true',
            },
          },
        ],
      },
    ],
  },
});
