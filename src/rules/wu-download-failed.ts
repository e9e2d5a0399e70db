// An update that Windows Update failed to download, per update and code, from WindowsUpdate.log or
// ReportingEvents.log; transient when a later download of it went through or it installed afterwards.

import { reportingLine } from './bundle-case.js';
import { defineStoryRule } from './define-story-rule.js';
import { DOWNLOAD_FAILED, UPDATE_FAILURE_NOTES } from './update-failure-text.js';

const UPDATE = '5A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D';
const TITLE = '2023-06 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5027215)';

export default defineStoryRule({
  id: 'wu-download-failed',
  kind: 'story',
  meta: {
    severity: 'error',
    confidence: 'high',
    root: true,
    summary: { en: 'Windows Update download failed', zh: 'Windows 更新下载失败' },
    codes: [],
    mechanism:
      'Download results of WindowsUpdate.log (DownloadManager) or ReportingEvents.log (Content Download) grouped by update and code. Information only when a later download of the same update went through or it installed afterwards, or for a Microsoft Store app.',
    references: ['docs/domain.md Windows Update', 'corpus wu01'],
  },
  messages: { failed: DOWNLOAD_FAILED, retried: DOWNLOAD_FAILED },
  phrases: { downloadRetried: UPDATE_FAILURE_NOTES.downloadRetried, store: UPDATE_FAILURE_NOTES.store },
  cases: {
    valid: [
      {
        name: 'ReportingEvents.log: the download succeeds',
        files: {
          'ReportingEvents.log': reportingLine(
            '162 AGENT_DOWNLOAD_SUCCEEDED',
            '2023-06-14 10:00:00:000+0200',
            UPDATE,
            '0',
            'Success',
            'Content Download',
            `Download succeeded: ${TITLE}`,
          ),
        },
      },
    ],
    invalid: [
      {
        name: 'ReportingEvents.log: the cumulative update fails to download with 0x80246017',
        files: {
          'ReportingEvents.log':
            '> ' +
            reportingLine(
              '161 AGENT_DOWNLOAD_FAILED',
              '2023-06-14 10:00:00:000+0200',
              UPDATE,
              '80246017',
              'Failure',
              'Content Download',
              `Download Failure: Windows failed to download the following update with error 0x80246017: ${TITLE}.`,
            ),
        },
        findings: [{ messageId: 'failed', code: '0x80246017' }],
      },
      {
        name: 'corpus wu01: downloads fail, most of them retried with success',
        files: { 'WindowsUpdate.log': { corpus: 'wu01-appostarsi-driver-800f024b/WindowsUpdate.log' } },
        findings: [
          { messageId: 'failed', code: '0x8007000d' },
          { messageId: 'retried', code: '0x80240061' },
          { messageId: 'retried', code: '0x80d03805' },
          { messageId: 'retried', code: '0x80096010' },
          { messageId: 'retried', code: '0x80070003' },
        ],
      },
    ],
  },
});
