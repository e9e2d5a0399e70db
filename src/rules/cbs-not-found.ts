// An operation fails with 0x80070490 ERROR_NOT_FOUND because a package, component or driver-operation
// record is missing (seed 004: a partial download left KB5032196's packages unresolved). Routine
// 0x80070490 look-ups (SQM datapoints and the like) in operations that succeed are not failures.

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { componentIn, GENERIC_TAIL, opt, packageIn } from './rule-helpers.js';

const CODE = '0x80070490';
/** STATUS_NOT_FOUND: the CSI form of the same failure. */
const NT_CODE = '0xc0000225';
const BENIGN =
  /^SQM:|datapoint is invalid|^Not able to|DisableWerReporting|^Appl:|Failed to get session package state/i;
const FINAL =
  /^(?:Failed to process (?:single phase|Multi-phase) execution|WER: Generating failure report|Exec: Processing complete|Shtd: Failed|Startup: Failed)/;

export default defineRule({
  id: 'cbs-not-found',
  meta: {
    severity: 'error',
    confidence: 'medium',
    codes: [CODE],
    summary: {
      en: 'A package, component or record the operation needs is missing',
      zh: '操作所需的补丁包、组件或记录缺失',
    },
    falsePositives: [
      '0x80070490 look-ups inside operations that succeed (SQM datapoints, applicability probes).',
    ],
    references: ['seed 004', 'MS Learn: error 0x80070490 (DriverOperations key)'],
  },
  triggers: { codes: [CODE, NT_CODE] },
  messages: {
    driverOperations: {
      en: 'The driver operations queue cannot be loaded ({{code}} {{codeName}}): a stale Component Based Servicing\\DriverOperations record.',
      zh: '无法加载驱动操作队列（{{code}} {{codeName}}）：Component Based Servicing\\DriverOperations 下存在失效记录。',
    },
    missing: {
      en: '{{what}} is missing ({{code}} {{codeName}}); the operation cannot resolve it.',
      zh: '{{whatZh}} 缺失（{{code}} {{codeName}}），操作无法解析该项。',
    },
    unnamed: {
      en: 'The operation fails because something it looks up is missing ({{code}} {{codeName}}); the first failing line is shown.',
      zh: '操作因查找的内容缺失而失败（{{code}} {{codeName}}），下方为第一条失败日志。',
    },
  },
  create(ctx) {
    const lines: LogEntry[] = [];
    let failed = false;
    return {
      entry(e) {
        if (FINAL.test(e.message) || (e.level === 'Error' && /^(?:Doqi|Shtd):/.test(e.message)))
          failed = true;
        if (BENIGN.test(e.message) || GENERIC_TAIL.test(e.message)) return;
        if (!e.codes.includes(CODE) && e.csi?.flag !== 'F') return;
        lines.push(e);
      },
      end() {
        if (!failed || lines.length === 0) return;
        const driver = lines.filter((e) => /driver operation/i.test(e.message));
        if (driver.length > 0) {
          ctx.report({
            messageId: 'driverOperations',
            data: {},
            facts: {
              registryKey:
                'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\DriverOperations',
            },
            evidence: driver,
          });
          return;
        }
        const named = lines.find((e) => componentIn(e.message) || packageIn(e.message));
        if (named) {
          const comp = componentIn(named.message);
          const pkg = packageIn(named.message);
          const what = comp ? `Component ${comp.component}` : `Package ${pkg!.package}`;
          const whatZh = comp ? `组件 ${comp.component}` : `补丁包 ${pkg!.package}`;
          const related = lines.filter(
            (e) => e !== named && Math.abs(ctx.indexOf(e) - ctx.indexOf(named)) <= 4,
          );
          ctx.report({
            messageId: 'missing',
            data: { what, whatZh },
            facts: {
              component: opt(comp?.component),
              version: opt(comp?.version),
              package: opt(pkg?.package),
              kb: opt(pkg?.kb),
            },
            code: CODE,
            evidence: [named, ...related],
          });
          return;
        }
        ctx.report({
          messageId: 'unnamed',
          data: {},
          facts: {},
          confidence: 'low',
          evidence: lines.slice(0, 3),
        });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'routine SQM look-ups in a successful install',
        log: `2017-11-24 14:07:40, Info                  CBS    SQM: stage time performance datapoint is invalid. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
2017-11-24 14:07:40, Info                  CBS    SQM: execute time performance datapoint is invalid. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
2017-11-24 14:07:41, Info                  CBS    Exec: Processing complete.  Session: 30628871_1311946497, Package: Package_for_KB2976978~31bf3856ad364e35~amd64~~6.1.4.1 [HRESULT = 0x00000000 - S_OK]`,
      },
    ],
    invalid: [
      {
        name: 'stale driver operations queue (MS Learn 0x80070490 sample)',
        log: `> 2020-02-06 18:53:04, Info                  CBS    Failed reading Identity for driver operation sequenceID 1 [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
> 2020-02-06 18:53:04, Info                  CBS    Failed loading a driver operation [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
> 2020-02-06 18:53:04, Error                 CBS    Doqi: Failed loading driver operations queue. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
> 2020-02-06 18:53:04, Info                  CBS    Failed loading driver operation queue [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
> 2020-02-06 18:53:04, Info                  CBS    Failed initializing driver operation queue [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
2020-02-06 18:53:04, Info                  CBS    Failed to execute execution chain. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
2020-02-06 18:53:04, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]`,
        findings: [{ messageId: 'driverOperations', code: '0x80070490' }],
      },
      {
        name: 'seed 004 mechanism: a component of an older cumulative update is missing',
        log: `2024-01-17 10:21:40, Info                  CBS    SQM: execute time performance datapoint is invalid. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
> 2024-01-17 10:21:41, Error                 CSI    0000019c (F) STATUS_NOT_FOUND #1736218# from Windows::ServicingAPI::CCSITransaction::ICSITransaction_PinDeployment(Flags = 0, a = amd64_hyperv-vmsynthnic_31bf3856ad364e35_10.0.17763.1879_none_fc948d4afe9ac7bb, cb = (null), s = (null), rid = 'Package_2_for_KB5032196~31bf3856ad364e35~amd64~~10.0.1.11.5032196-2218_neutral_GDR', rah = (null), manpath = (null), catpath = (null), ed = 0, disp = 0)[gle=0x80070490]
> 2024-01-17 10:21:41, Info                  CBS    Failed to pin deployment while resolving Update: Package_2_for_KB5032196~31bf3856ad364e35~amd64~~10.0.1.11.5032196-2218_neutral_GDR from file: (null) [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
2024-01-17 10:21:41, Info                  CBS    Failed to resolve execution chain. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
2024-01-17 10:21:41, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]`,
        findings: [
          {
            messageId: 'missing',
            facts: {
              component: 'amd64_hyperv-vmsynthnic_31bf3856ad364e35_10.0.17763.1879_none_fc948d4afe9ac7bb',
              version: '10.0.17763.1879',
              package: 'Package_2_for_KB5032196~31bf3856ad364e35~amd64~~10.0.1.11',
              kb: 'KB5032196',
            },
          },
        ],
      },
      {
        name: 'nothing named: the first failing line is shown',
        log: `> 2019-08-14 03:10:22, Error                 CBS    Exec: Failed to commit CSI transaction to execute changes. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
2019-08-14 03:10:22, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]`,
        findings: [{ messageId: 'unnamed', code: '0x80070490' }],
      },
    ],
  },
});
