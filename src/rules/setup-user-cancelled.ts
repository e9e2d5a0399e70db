// A Windows setup run the user cancelled (0x800704c7 ERROR_CANCELLED with the cancel lines of setupact.log):
// informational, no underlying failure.

import { defineStoryRule } from './define-story-rule.js';

export default defineStoryRule({
  id: 'setup-user-cancelled',
  kind: 'story',
  meta: {
    severity: 'info',
    confidence: 'high',
    root: false,
    summary: { en: 'Setup cancelled by the user', zh: '用户取消了安装' },
    codes: ['0x800704c7'],
    mechanism:
      'Setup ends with 0x800704c7 after the user closed the wizard or answered "cancel": nothing failed; the upgrade simply did not happen.',
    references: ['corpus setup03'],
  },
  messages: {
    cancelled: {
      en: 'Windows setup was cancelled by the user{{at}} ({{code}} {{codeName}}: {{meaning}}). No underlying failure: rerun setup if the upgrade is still wanted.',
      zh: 'Windows 安装程序被用户取消{{atZh}}（{{code}} {{codeName}}：{{meaningZh}}）。并非系统故障：如仍需升级，请重新运行安装程序。',
    },
  },
  phrases: { at: { en: ' at {{when}}', zh: '（{{when}}）' } },
  cases: {
    valid: [
      {
        name: 'corpus setup05: a clean install that completes',
        files: { 'setupact.log': { corpus: 'setup05-bitbtrust-clean-install-ok/setupact.log' } },
      },
    ],
    invalid: [
      {
        name: 'corpus setup03: the Media Creation Tool run is cancelled',
        files: {
          'setupact.log': { corpus: 'setup03-copyleft21-w11-mct-user-cancel/setupact.log' },
          'setuperr.log': { corpus: 'setup03-copyleft21-w11-mct-user-cancel/setuperr.log' },
        },
        findings: [{ messageId: 'cancelled', code: '0x800704c7' }],
      },
    ],
  },
});
