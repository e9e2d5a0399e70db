// An update that the event log says failed to install (System log WindowsUpdateClient 20) or to download
// (Operational 31), per update and code: the decisive lines when CBS.log has rotated away (seed 001).

import { eventXml } from './bundle-case.js';
import { defineStoryRule } from './define-story-rule.js';
import { DOWNLOAD_FAILED, INSTALL_FAILED, UPDATE_FAILURE_NOTES } from './update-failure-text.js';

const WU = 'Microsoft-Windows-WindowsUpdateClient';
const LCU = '2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)';

export default defineStoryRule({
  id: 'evt-update-failed',
  kind: 'story',
  meta: {
    severity: 'error',
    confidence: 'high',
    root: true,
    summary: { en: 'Update installation failed (event log)', zh: '更新安装失败（事件日志）' },
    codes: [],
    mechanism:
      'WindowsUpdateClient event 20 (installation failure) or 31 (download failure) with the update title and errorCode; one finding per update and code. Information only when a later try of the same update succeeded (19 or 41) or the update is a Microsoft Store app.',
    references: ['docs/domain.md event logs', 'corpus evtx01, evt01', 'fixtures/events'],
  },
  messages: {
    failed: INSTALL_FAILED,
    downloadFailed: {
      ...DOWNLOAD_FAILED,
      title: { en: 'Update download failed (event log)', zh: '更新下载失败（事件日志）' },
    },
  },
  phrases: UPDATE_FAILURE_NOTES,
  cases: {
    valid: [
      {
        name: 'the cumulative update starts and installs',
        files: {
          'System.xml': [
            eventXml(WU, 43, '2022-07-22T00:22:20.5120468Z', 26978, { updateTitle: LCU }),
            eventXml(WU, 19, '2022-07-22T00:41:07.5281946Z', 26981, { updateTitle: LCU }),
          ].join('\n'),
        },
      },
    ],
    invalid: [
      {
        name: 'event 20: the cumulative update fails with 0x80070570 (fixtures/events)',
        files: {
          'System.xml': [
            eventXml(WU, 43, '2022-07-22T00:22:20.5120468Z', 26978, { updateTitle: LCU }),
            '> ' +
              eventXml(WU, 20, '2022-07-22T00:41:07.5281946Z', 26981, {
                errorCode: '0x80070570',
                updateTitle: LCU,
              }),
          ].join('\n'),
        },
        findings: [{ messageId: 'failed', code: '0x80070570', facts: { kb: 'KB5015811', attempts: '1' } }],
      },
      {
        name: 'event 31: a download fails twice, then event 41 says it downloaded (transient)',
        files: {
          'Operational.xml': [
            '> ' +
              eventXml(WU, 31, '2024-01-16T01:00:00.0000000Z', 1, {
                errorCode: '0x80240022',
                updateTitle: LCU,
              }),
            '> ' +
              eventXml(WU, 31, '2024-01-16T02:00:00.0000000Z', 2, {
                errorCode: '0x80240022',
                updateTitle: LCU,
              }),
            eventXml(WU, 41, '2024-01-16T03:00:00.0000000Z', 3, { updateTitle: LCU }),
          ].join('\n'),
        },
        findings: [
          {
            messageId: 'downloadFailed',
            code: '0x80240022',
            severity: 'info',
            root: false,
            facts: { attempts: '2' },
          },
        ],
      },
      {
        name: 'the July cumulative update fails; the August one of the same product installs: superseded (information)',
        files: {
          'System.xml': [
            '> ' +
              eventXml(WU, 20, '2022-07-22T00:41:07.5281946Z', 26981, {
                errorCode: '0x80070570',
                updateTitle: LCU,
              }),
            eventXml(WU, 19, '2022-08-10T02:10:00.0000000Z', 27100, {
              updateTitle:
                '2022-08 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5016623)',
            }),
          ].join('\n'),
        },
        findings: [
          {
            messageId: 'failed',
            code: '0x80070570',
            severity: 'info',
            root: false,
            facts: { kb: 'KB5015811', resolvedBy: 'KB5016623', resolvedAt: '2022-08-10T02:10:00Z' },
          },
        ],
      },
      {
        name: 'a security update (not cumulative) fails; a later cumulative update installs: still failed',
        files: {
          'System.xml': [
            '> ' +
              eventXml(WU, 20, '2024-01-10T01:00:00.0000000Z', 1, {
                errorCode: '0x80070643',
                updateTitle:
                  '2024-01 Security Update for Windows 10 Version 22H2 for x64-based Systems (KB5034441)',
              }),
            eventXml(WU, 19, '2024-02-14T01:00:00.0000000Z', 2, {
              updateTitle:
                '2024-02 Cumulative Update for Windows 10 Version 22H2 for x64-based Systems (KB5034763)',
            }),
          ].join('\n'),
        },
        findings: [{ messageId: 'failed', code: '0x80070643', root: true, facts: { kb: 'KB5034441' } }],
      },
      {
        name: 'corpus evtx04: Microsoft Store app updates fail with 0x8024001e (information)',
        files: {
          'System.evtx': { corpus: 'evtx04-omerbenamram-vss-1803-store-8024001e/2-vss_7-System.evtx' },
        },
        findings: [
          { messageId: 'failed', code: '0x8024001e', severity: 'info', root: false },
          { messageId: 'failed', code: '0x8024001e', severity: 'info', root: false },
        ],
      },
      {
        name: 'corpus evtx01: KB4025342 fails four times with 0x80248007, another update with 0x80246013',
        files: {
          'system.evtx': { corpus: 'evtx01-omerbenamram-w10-1703-kb4025342-80248007/system.evtx' },
        },
        findings: [
          { messageId: 'failed', code: '0x80248007', facts: { kb: 'KB4025342', attempts: '4' } },
          { messageId: 'failed', code: '0x80246013' },
        ],
      },
    ],
  },
});
