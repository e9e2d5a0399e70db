// Windows Update pointed at a WSUS server by policy (`UseWUServer=1`, `WUServer=…`) while the failures
// are download or detection errors: the server (reachability, approval, content on the server) is the
// first suspect, and with the Internet fallback disabled by policy nothing else can deliver the content.

import type { Finding, I18nText } from '../model/types.js';
import { isDownloadSide } from '../knowledge/code-classes.js';
import { codeInfo } from '../knowledge/codes.js';
import { both, phrase, report } from '../rules/define-story-rule.js';
import type { CrossContext } from './context.js';
import { defineCheck } from './define-check.js';

function run(ctx: CrossContext): Finding[] {
  const p = ctx.policy;
  if (!p || !p.useWuServer || !p.wuServer) return [];
  const failed = ctx.attempts.filter(
    (a) =>
      (a.outcome === 'failed' || a.outcome === 'retried') && a.kind !== 'other' && isDownloadSide(a.result),
  );
  const detection = ctx.findings.filter((f) => f.rule === 'wu-detection-failed' && isDownloadSide(f.code));
  if (failed.length === 0 && detection.length === 0) return [];
  const codes = [...new Set([...failed.map((a) => a.result!), ...detection.map((f) => f.code!)])];
  const named = codes.map((c) => `${c} ${codeInfo(c)?.name ?? ''}`.trim()).join(', ');
  // A detection finding sums up its failed scans: count those, not the finding.
  const n = failed.length + detection.reduce((k, f) => k + (Number(f.facts.failures) || 1), 0);
  return [
    report(
      check,
      p.noInternetFallback ? 'noFallback' : 'wsus',
      {
        server: p.wuServer,
        ...both('failures', phrase(check, n === 1 ? 'oneFailure' : 'failures', { n: String(n) })),
        codes: named,
      },
      {
        id: ctx.nextId(),
        code: codes[0] ?? null,
        facts: {
          wuServer: p.wuServer,
          codes: codes.join(', '),
          noInternetFallback: String(p.noInternetFallback),
          failures: String(n),
        },
        evidence: [
          ...p.evidence.slice(0, 4),
          ...failed.flatMap((a) => a.evidence.slice(-1)).slice(0, 4),
          ...detection.flatMap((f) => f.evidence.slice(0, 1)),
        ],
        attempts: failed.map((a) => a.id),
        time: failed[0]?.startUtc ?? failed[0]?.start ?? detection[0]?.time ?? null,
      },
    ),
  ];
}

/** A message: the WSUS server, the failures and what to check on the server; then `note`. */
function wsus(note: I18nText): I18nText {
  return {
    en:
      'Windows Update gets its updates from the WSUS server {{server}} (policy UseWUServer=1), and {{failures}} ' +
      '({{codes}}): check that the machine reaches that server, that the update is approved for its group and ' +
      `that the server has downloaded its files.${note.en}`,
    zh:
      'Windows 更新通过策略（UseWUServer=1）指向 WSUS 服务器 {{server}}，而 {{failuresZh}}（{{codes}}）：' +
      `请检查本机能否访问该服务器、该更新是否已为其所在组审批、服务器是否已下载更新文件。${note.zh}`,
  };
}

/** ReportingEvents.log lines: three failed detections (the shape of corpus re01). */
const DETECTIONS = [
  '{C7550B90-A0BA-47D7-A527-7F2A377E1DB7}\t2023-07-05 02:12:21:242+0300\t1\t148 [AGENT_DETECTION_FAILED]\t101\t{9482F4B4-E343-43B6-B170-9A65BC822C77}\t0\t80072ee2\t<<PROCESS>>: DllHost.exe\tFailure\tSoftware Synchronization\tWindows Update Client failed to detect with error 0x80072ee2.\tarqdv3jFYUqk1Fmr.1.0.0.3.0',
  '{D7550B90-A0BA-47D7-A527-7F2A377E1DB8}\t2023-07-05 03:12:21:242+0300\t1\t148 [AGENT_DETECTION_FAILED]\t101\t{9482F4B4-E343-43B6-B170-9A65BC822C77}\t0\t80072ee2\t<<PROCESS>>: DllHost.exe\tFailure\tSoftware Synchronization\tWindows Update Client failed to detect with error 0x80072ee2.\tarqdv3jFYUqk1Fmr.1.0.0.3.0',
  '{E7550B90-A0BA-47D7-A527-7F2A377E1DB9}\t2023-07-05 04:12:21:242+0300\t1\t148 [AGENT_DETECTION_FAILED]\t101\t{9482F4B4-E343-43B6-B170-9A65BC822C77}\t0\t80072ee2\t<<PROCESS>>: DllHost.exe\tFailure\tSoftware Synchronization\tWindows Update Client failed to detect with error 0x80072ee2.\tarqdv3jFYUqk1Fmr.1.0.0.3.0',
];

const check = defineCheck({
  id: 'x-wsus-download-failed',
  meta: {
    severity: 'error',
    confidence: 'medium',
    root: true,
    summary: { en: 'WSUS policy and download/detection failures', zh: 'WSUS 策略与下载/检测失败' },
    codes: [],
    mechanism:
      'A registry export points Windows Update at a WSUS server (UseWUServer=1, WUServer) while the failures are download or detection errors (network, protocol, download manager): the server comes first; with the Internet fallback disabled by policy nothing else can deliver the content.',
  },
  messages: {
    wsus: wsus({ en: '', zh: '' }),
    noFallback: wsus({
      en: ' The policy also forbids falling back to Microsoft Update, so nothing else can supply the content.',
      zh: '策略同时禁止回退到 Microsoft Update，因此没有其它途径获取更新内容。',
    }),
  },
  phrases: {
    oneFailure: {
      en: '{{n}} failure is a download or detection error',
      zh: '{{n}} 次失败均为下载或检测错误',
    },
    failures: {
      en: '{{n}} failures are download or detection errors',
      zh: '{{n}} 次失败均为下载或检测错误',
    },
  },
  run,
  cases: {
    valid: [
      {
        name: 'the same failures without a WSUS policy',
        files: { 'ReportingEvents.log': DETECTIONS.join('\n') },
      },
      {
        name: 'a WSUS policy, and detections that succeed',
        files: {
          'policy.reg': { fixture: 'fixtures/outputs/wu-policy.reg' },
          'ReportingEvents.log': DETECTIONS.map((l) =>
            l
              .replace('148 [AGENT_DETECTION_FAILED]', '147 [AGENT_DETECTION_FINISHED]')
              .replace('\t80072ee2\t', '\t0\t')
              .replace('Failure', 'Success'),
          ).join('\n'),
        },
      },
    ],
    invalid: [
      {
        name: 'WUServer and UseWUServer=1 in a .reg export; detection fails with 0x80072ee2',
        files: {
          'policy.reg': [
            'Windows Registry Editor Version 5.00',
            '',
            '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate]',
            '> "WUServer"="http://wsus02.corp.example:8530"',
            '"WUStatusServer"="http://wsus02.corp.example:8530"',
            '',
            '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]',
            '> "UseWUServer"=dword:00000001',
            '',
          ].join('\n'),
          'ReportingEvents.log': ['> ' + DETECTIONS[0], ...DETECTIONS.slice(1)].join('\n'),
        },
        findings: [
          { messageId: 'wsus', code: '0x80072ee2', facts: { wuServer: 'http://wsus02.corp.example:8530' } },
        ],
      },
      {
        name: 'searches fail with 0x8024401c in the WindowsUpdateClient Operational log (events 25, XML export)',
        files: {
          'policy.reg': { fixture: 'fixtures/outputs/wu-policy.reg' },
          'Operational.xml': [1, 2, 3]
            .map(
              (n) =>
                `${n === 1 ? '> ' : ''}<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-WindowsUpdateClient'/><EventID>25</EventID><TimeCreated SystemTime='2024-01-16T0${n}:00:00.0000000Z'/><EventRecordID>${n}</EventRecordID></System><EventData><Data Name='errorCode'>0x8024401c</Data></EventData></Event>`,
            )
            .join('\n'),
        },
        findings: [{ messageId: 'noFallback', code: '0x8024401c', facts: { failures: '3' } }],
      },
      {
        name: 'WUServer set, UseWUServer=1, no Internet fallback; detection fails with 0x80072ee2 three times',
        files: {
          'policy.reg': { fixture: 'fixtures/outputs/wu-policy.reg' },
          'ReportingEvents.log': ['> ' + DETECTIONS[0], ...DETECTIONS.slice(1)].join('\n'),
        },
        findings: [
          {
            messageId: 'noFallback',
            code: '0x80072ee2',
            facts: { wuServer: 'http://wsus01.corp.example:8530', noInternetFallback: 'true', failures: '3' },
          },
        ],
      },
    ],
  },
});

export default check;
