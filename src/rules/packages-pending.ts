// Packages a captured package list (DISM /Get-Packages, Get-WindowsPackage) shows as InstallPending or
// UninstallPending: a reboot is owed, and servicing refuses the next operation until it happens.

import { defineStoryRule } from './define-story-rule.js';

export default defineStoryRule({
  id: 'packages-pending',
  kind: 'story',
  meta: {
    severity: 'warning',
    confidence: 'high',
    root: false,
    summary: { en: 'Packages pending a reboot', zh: '程序包等待重启' },
    codes: ['0x80070bc9'],
    mechanism:
      'A package list with packages in InstallPending or UninstallPending state: until the machine restarts, CBS refuses new operations with 0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED.',
    references: ['fixtures/outputs/packages-zh.gbk.txt'],
  },
  messages: {
    pending: {
      en: '{{count}} {{waiting}} for a reboot ({{names}}{{more}}): restart before installing anything else, or servicing refuses the next operation (0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED).',
      zh: '有 {{count}} {{waitingZh}}等待重启（{{namesZh}}{{moreZh}}）：请先重启再安装其它更新，否则后续服务操作会被拒绝（0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED）。',
    },
  },
  phrases: {
    onePackage: { en: 'package waits', zh: '个程序包' },
    packages: { en: 'packages wait', zh: '个程序包' },
    more: { en: ', …', zh: '等' },
  },
  cases: {
    valid: [
      {
        name: 'every package installed',
        files: {
          'packages.txt': [
            'Package Identity : Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7',
            'State : Installed',
            'Release Type : Security Update',
            'Install Time : 4/14/2021 3:12 AM',
            '',
          ].join('\n'),
        },
      },
    ],
    invalid: [
      {
        name: 'fixtures: a GBK package list with a cumulative update waiting for a reboot',
        files: { 'packages-zh.gbk.txt': { fixture: 'fixtures/outputs/packages-zh.gbk.txt' } },
        findings: [{ messageId: 'pending' }],
      },
    ],
  },
});
