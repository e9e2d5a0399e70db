// Bugchecks and unexpected shutdowns in the System log (WER-SystemErrorReporting 1001, Kernel-Power 41,
// EventLog 6008): the machine is unstable; crashes in varied subsystems point to hardware. Ranked before
// every repair (corpus evt01, setup01).

import { eventXml } from './bundle-case.js';
import { defineStoryRule } from './define-story-rule.js';

const WER = 'Microsoft-Windows-WER-SystemErrorReporting';
const POWER = 'Microsoft-Windows-Kernel-Power';

export default defineStoryRule({
  id: 'evt-system-instability',
  kind: 'story',
  meta: {
    severity: 'warning',
    confidence: 'low',
    root: true,
    summary: { en: 'System instability', zh: '系统不稳定' },
    codes: [],
    mechanism:
      'At least two bugchecks, or three unexpected shutdowns, in the event logs: updates that fail on such a machine fail because of it. Different bugcheck codes (different subsystems) raise the confidence and point to memory, storage, power or overclocking.',
    references: ['corpus evt01, fixtures/evtx', 'docs/domain.md event logs'],
  },
  messages: {
    unstable: {
      en: '{{bugchecks}} system crash(es) (bugcheck {{codes}}) and {{shutdowns}} unexpected shutdown(s): the machine is unstable{{hardware}}. Stabilise it before retrying updates.',
      zh: '系统崩溃 {{bugchecks}} 次（蓝屏代码 {{codesZh}}），意外关机 {{shutdowns}} 次：系统不稳定{{hardwareZh}}。请先解决稳定性问题，再重试更新。',
    },
  },
  phrases: {
    noCodes: { en: 'codes not recorded', zh: '未记录' },
    hardware: {
      en: '; crashes in different subsystems point to hardware (memory, storage, power, overclocking)',
      zh: '；不同子系统的崩溃指向硬件问题（内存、存储、电源、超频）',
    },
  },
  cases: {
    valid: [
      {
        name: 'one bugcheck and one unexpected shutdown',
        files: {
          'System.xml': [
            eventXml(POWER, 41, '2022-07-22T01:12:55.0126953Z', 27002, { BugcheckCode: '26' }),
            eventXml(WER, 1001, '2022-07-22T01:13:20.2656250Z', 27004, { BugcheckCode: '0x0000001a' }),
          ].join('\n'),
        },
      },
    ],
    invalid: [
      {
        name: 'two bugchecks with different codes',
        files: {
          'System.xml': [
            '> ' + eventXml(WER, 1001, '2022-07-20T01:13:20.2656250Z', 26904, { BugcheckCode: '0x0000001a' }),
            '> ' + eventXml(WER, 1001, '2022-07-22T01:13:20.2656250Z', 27004, { BugcheckCode: '0x00000050' }),
          ].join('\n'),
        },
        findings: [
          {
            messageId: 'unstable',
            facts: { bugchecks: '2', bugcheckCodes: '0x0000001a, 0x00000050', unexpectedShutdowns: '0' },
          },
        ],
      },
      {
        name: 'corpus evt01: crashes and unexpected shutdowns in a System log text export',
        files: { 'system-events.txt': { corpus: 'evt01-appostarsi-system-events-txt/system-events.txt' } },
        findings: [{ messageId: 'unstable' }],
      },
    ],
  },
});
