// Windows Update could not scan for updates (WindowsUpdate.log `Finding updates` exit codes, ReportingEvents
// 148 AGENT_DETECTION_FAILED, Operational event 25): how often, the longest run of failed scans, the codes,
// and whether the last scan failed too.

import { reportingLine } from './bundle-case.js';
import { defineStoryRule } from './define-story-rule.js';

const UPDATE = '9482F4B4-E343-43B6-B170-9A65BC822C77';

/** A ReportingEvents.log detection at an hour of 2023-07-05, failed with 0x80072ee2 or finished. */
function detection(hour: number, failed: boolean): string {
  return reportingLine(
    failed ? '148 AGENT_DETECTION_FAILED' : '147 AGENT_DETECTION_FINISHED',
    `2023-07-05 ${String(hour).padStart(2, '0')}:12:21:242+0300`,
    UPDATE,
    failed ? '80072ee2' : '0',
    failed ? 'Failure' : 'Success',
    'Software Synchronization',
    failed
      ? 'Windows Update Client failed to detect with error 0x80072ee2.'
      : 'Windows Update Client successfully detected 0 updates.',
  );
}

export default defineStoryRule({
  id: 'wu-detection-failed',
  kind: 'story',
  meta: {
    severity: 'error',
    confidence: 'high',
    root: true,
    summary: { en: 'Scanning for updates failed', zh: '更新扫描失败' },
    codes: [],
    mechanism:
      'Failed scans of one log counted, with the longest run of consecutive failures and its most frequent code. An error from three failures in a row, a warning while the last scan still fails, information when later scans succeeded.',
    references: ['docs/domain.md Windows Update', 'corpus re01, wu02'],
  },
  messages: {
    stillFailing: {
      en: 'Windows Update could not scan for updates {{times}} ({{first}} … {{last}}){{longestRun}}, with {{code}} {{codeName}}: {{meaning}}.{{otherCodes}} The last scan in the log failed too.',
      zh: 'Windows 更新扫描失败 {{timesZh}} 次（{{first}} 至 {{last}}）{{longestRunZh}}，错误 {{code}} {{codeName}}：{{meaningZh}}。{{otherCodesZh}}日志中最后一次扫描同样失败。',
    },
    run: {
      en: 'Windows Update could not scan for updates {{times}} ({{first}} … {{last}}){{longestRun}}, with {{code}} {{codeName}}: {{meaning}}.{{otherCodes}} Later scans succeeded: the cause was temporary (typically network, proxy, DNS or the update service).',
      zh: 'Windows 更新扫描失败 {{timesZh}} 次（{{first}} 至 {{last}}）{{longestRunZh}}，错误 {{code}} {{codeName}}：{{meaningZh}}。{{otherCodesZh}}之后的扫描已成功：原因是暂时性的（通常是网络、代理、DNS 或更新服务）。',
    },
    intermittent: {
      en: 'Windows Update could not scan for updates {{times}} ({{first}} … {{last}}){{longestRun}}, with {{code}} {{codeName}}: {{meaning}}.{{otherCodes}} Later scans succeeded: the cause was temporary (typically network, proxy, DNS or the update service).',
      zh: 'Windows 更新扫描失败 {{timesZh}} 次（{{first}} 至 {{last}}）{{longestRunZh}}，错误 {{code}} {{codeName}}：{{meaningZh}}。{{otherCodesZh}}之后的扫描已成功：原因是暂时性的（通常是网络、代理、DNS 或更新服务）。',
    },
  },
  phrases: {
    longestRun: {
      en: '; the longest run was {{run}} failed scans in a row ({{runFirst}} … {{runLast}})',
      zh: '；最长连续失败 {{run}} 次（{{runFirst}} 至 {{runLast}}）',
    },
    otherCodes: { en: ' Other codes: {{codes}}.', zh: '其他错误码：{{codesZh}}。' },
  },
  cases: {
    valid: [
      {
        name: 'every scan succeeds',
        files: { 'ReportingEvents.log': [1, 2, 3].map((h) => detection(h, false)).join('\n') },
      },
    ],
    invalid: [
      {
        name: 'three failed scans in a row, then one succeeds (the shape of corpus re01)',
        files: {
          'ReportingEvents.log': [
            ...[1, 2, 3].map((h) => '> ' + detection(h, true)),
            detection(4, false),
          ].join('\n'),
        },
        findings: [{ messageId: 'run', code: '0x80072ee2', facts: { failures: '3', longestRun: '3' } }],
      },
      {
        name: 'one failed scan between successful ones',
        files: {
          'ReportingEvents.log': [detection(1, false), '> ' + detection(2, true), detection(3, false)].join(
            '\n',
          ),
        },
        findings: [{ messageId: 'intermittent', code: '0x80072ee2', facts: { stillFailing: 'false' } }],
      },
      {
        name: 'corpus wu02: the last scans fail with 0x8024402c',
        files: { 'WindowsUpdate.log': { corpus: 'wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log' } },
        findings: [{ messageId: 'stillFailing', code: '0x8024402c', facts: { stillFailing: 'true' } }],
      },
      {
        name: 'corpus re01: detection fails with 0x80072ee2 for days',
        files: {
          'ReportingEvents.log': {
            corpus: 're01-dcheva-reportingevents-detect-80072ee2/ReportingEvents.log',
          },
        },
        findings: [{ messageId: 'run', code: '0x80072ee2' }],
      },
    ],
  },
});
