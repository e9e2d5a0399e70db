// An update that Windows Update failed to install, per update and code, from WindowsUpdate.log (Win10
// `LogHistory` results explained by the handler lines before them, Win7 `REPORT EVENT:` lines) or
// ReportingEvents.log (182 AGENT_INSTALLING_FAILED); transient when a later attempt installed it.

import { reportingLine } from './bundle-case.js';
import { defineStoryRule } from './define-story-rule.js';
import { INSTALL_FAILED, UPDATE_FAILURE_NOTES } from './update-failure-text.js';

const KB5034441 =
  'Installation Failure: Windows failed to install the following update with error 0x80070643: 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441).';
const UPDATE = '3D6B9C5E-5A0C-4C3B-9D0E-1F2A3B4C5D6E';

export default defineStoryRule({
  id: 'wu-install-failed',
  kind: 'story',
  meta: {
    severity: 'error',
    confidence: 'high',
    root: true,
    summary: { en: 'Windows Update installation failed', zh: 'Windows 更新安装失败' },
    codes: [],
    mechanism:
      "Install results of WindowsUpdate.log or ReportingEvents.log grouped by update and code; the installer's own (inner) code and the update handler's code are added when the log gives them. Information only when every failing try was followed by one that went through, or for a Microsoft Store app.",
    references: ['docs/domain.md Windows Update', 'corpus wu01, wu02'],
  },
  messages: { failed: INSTALL_FAILED, retried: INSTALL_FAILED },
  phrases: {
    inner: {
      en: " The installer's own code was {{inner}} {{innerName}}: {{innerMeaning}}.",
      zh: '安装程序自身的错误码为 {{inner}} {{innerName}}：{{innerMeaningZh}}。',
    },
    handler: {
      en: ' The update handler reported {{handler}} {{handlerName}}: {{handlerMeaning}}.',
      zh: '更新处理程序报告 {{handler}} {{handlerName}}：{{handlerMeaningZh}}。',
    },
    unfinished: {
      en: ' The install stopped part-way{{at}} and Windows Update recorded no result and no retry for it: it stands.',
      zh: '安装在中途停止{{atZh}}，Windows 更新没有记录结果，也没有重试：该失败仍然存在。',
    },
    at: { en: ' (at {{progress}})', zh: '（停在 {{progress}}）' },
    installRetried: UPDATE_FAILURE_NOTES.installRetried,
    store: UPDATE_FAILURE_NOTES.store,
  },
  cases: {
    valid: [
      {
        name: 'ReportingEvents.log: the update installs',
        files: {
          'ReportingEvents.log': reportingLine(
            '183 AGENT_INSTALLING_SUCCEEDED',
            '2024-01-10 09:12:44:120+0800',
            UPDATE,
            '0',
            'Success',
            'Content Install',
            'Installation Successful: Windows successfully installed the following update: 2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)',
          ),
        },
      },
    ],
    invalid: [
      {
        name: 'ReportingEvents.log: KB5034441 fails twice with 0x80070643',
        files: {
          'ReportingEvents.log': [
            '> ' +
              reportingLine(
                '182 AGENT_INSTALLING_FAILED',
                '2024-01-10 09:12:44:120+0800',
                UPDATE,
                '80070643',
                'Failure',
                'Content Install',
                KB5034441,
              ),
            '> ' +
              reportingLine(
                '182 AGENT_INSTALLING_FAILED',
                '2024-01-11 09:12:44:120+0800',
                UPDATE,
                '80070643',
                'Failure',
                'Content Install',
                KB5034441,
              ),
          ].join('\n'),
        },
        findings: [{ messageId: 'failed', code: '0x80070643', facts: { kb: 'KB5034441', attempts: '2' } }],
      },
      {
        name: 'corpus wu02: KB5034441 fails with 0x80070643 (WinRE partition too small)',
        files: { 'WindowsUpdate.log': { corpus: 'wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log' } },
        findings: [{ messageId: 'failed', code: '0x80070643', facts: { kb: 'KB5034441' } }],
      },
      {
        name: 'corpus wu01: a driver fails with 0x80240009 and 0x800f024b, then installs (transient)',
        files: { 'WindowsUpdate.log': { corpus: 'wu01-appostarsi-driver-800f024b/WindowsUpdate.log' } },
        findings: [
          { messageId: 'retried', code: '0x80240009', severity: 'info', root: false },
          { messageId: 'retried', code: '0x800f024b' },
        ],
      },
      {
        name: 'WindowsUpdate.log: a feature update fails part-way through its install and is never retried',
        files: {
          'WindowsUpdate.log': [
            '> 2024/03/12 09:58:41.0012093 5120  6032  Agent             Title = 适用于 Windows 10 的功能更新，版本 22H2',
            '2024/03/12 09:58:41.0012188 5120  6032  Agent             UpdateId = 8D2F1A7C-3B5E-4C19-A6D4-0E9B7F21C3A5.1',
            '> 2024/03/12 10:02:16.2218833 3344  4096  UDP             Deployment job Id 4A1C9E2B-7D3F-4E81-9B06-5C2D8A7F1E34 : Update 8D2F1A7C-3B5E-4C19-A6D4-0E9B7F21C3A5.1 started delegate invoked.',
            '2024/03/12 10:02:16.4410291 5808  6620  Handler         * START *   Install  Updates to install = 1',
            '> 2024/03/12 10:41:02.3309114 5808  6620  Handler         Setup360: install phase 3, progress 62%',
            '> 2024/03/12 10:41:09.9012045 5808  6620  Handler         *FAILED* [C1900101] Setup360 install failed',
            '> 2024/03/12 10:41:10.0100217 3344  4412  UDP             *FAILED* [C1900101] Deployment job Id 4A1C9E2B-7D3F-4E81-9B06-5C2D8A7F1E34 : Installing for Top level update id 8D2F1A7C-3B5E-4C19-A6D4-0E9B7F21C3A5.1, bundled update id 8D2F1A7C-3B5E-4C19-A6D4-0E9B7F21C3A5.1',
          ].join('\n'),
        },
        findings: [
          {
            messageId: 'failed',
            code: '0xc1900101',
            facts: { updateId: '8D2F1A7C-3B5E-4C19-A6D4-0E9B7F21C3A5', progress: 'phase 3, 62%' },
          },
        ],
      },
    ],
  },
});
