// A DISM command loses the servicing worker mid-operation: the RPC call to TrustedInstaller/TiWorker fails
// (0x800706be RPC_S_CALL_FAILED, 0x800706ba RPC_S_SERVER_UNAVAILABLE) because the worker crashed or was
// ended. On a machine whose store corruption keeps moving it is one more sign of unstable hardware (corpus
// dism03 line 7033: a ScanHealth on the appostarsi PC, whose owner also had a TiWorker AppCrash report).
// Only a servicing command fails that way: a query of a management tool's DismApi session (or a DISM.EXE
// /Get-* query) that loses its connection (also 0x80010108 RPC_E_DISCONNECTED) is one unanswered query, a
// warning, not a failed machine.

import type { LogEntry } from '../model/types.js';
import { dismKind } from '../timeline/cbs-attempts.js';
import { defineRule } from './define-rule.js';
import { DISM_RESULT as RESULT, dismCommandOf } from './rule-helpers.js';

const RPC = ['0x800706be', '0x800706ba', '0x80010108'];
const CALLER = /Parent process command line: (.+?)(?:\s+- \w+)?$/;
// The failing lines name their call: `… - CGetCapabilitiesCommandObject::InternalExecute(hr:…)` or
// `… - DismGetCapabilitiesInternal(hr:…)`.
const API_CALL = /\b(Dism\w+?)Internal\(hr:|\bC(\w+?)CommandObject::/;
const SESSION_CALL = /^Dism(?:Initialize|Shutdown|OpenSession|CloseSession|Delete|Base)$/;

/** The DismApi call a failing line belongs to (`DismGetCapabilities`): it or the failing lines just after. */
function queryOf(entries: readonly LogEntry[], from: number): string | null {
  for (let j = from; j < entries.length && j <= from + 5; j++) {
    const m = API_CALL.exec(entries[j]!.message);
    const name = m ? (m[1] ?? `Dism${m[2]}`) : null;
    if (name && !SESSION_CALL.test(name)) return name;
  }
  return null;
}

export default defineRule({
  id: 'dism-worker-stopped',
  meta: {
    severity: 'error',
    confidence: 'medium',
    codes: RPC,
    summary: {
      en: 'The servicing worker stopped during a DISM command',
      zh: 'DISM 命令执行期间服务进程中断',
    },
    falsePositives: [
      'RPC errors of other components (Windows Update, BITS) in CBS.log: only DISM lines count.',
      'A DismApi query of a management script (PowerShell Get-WindowsOptionalFeature, an inventory agent) that loses its connection: a warning about that query, not a failed servicing operation.',
    ],
    references: ['corpus dism03 lines 7033-7038', 'fixtures/dism/managed-queries-disconnect.log'],
  },
  triggers: { codes: RPC },
  messages: {
    queryLost: {
      en: 'A DISM query ({{query}}, started by {{caller}}) lost its connection to the servicing worker ({{code}} {{codeName}}): that one query got no answer and nothing on the machine was changed. Not a servicing failure; if the management tool reports errors, run the query again.',
      zh: 'DISM 查询（{{query}}，由 {{caller}} 发起）与服务进程的连接中断（{{code}} {{codeName}}）：该查询未得到结果，系统未做任何更改。这不是服务操作失败；如管理工具报告错误，请重新运行该查询。',
    },
    stopped: {
      en: 'DISM lost the servicing worker (TiWorker.exe) in the middle of the command ({{code}} {{codeName}}): it crashed or was ended. Look for a TiWorker.exe application crash (Application log event 1000, WER report) or a bugcheck at that time; if it repeats, check memory and disk before any repair.',
      zh: 'DISM 命令执行过程中与服务进程（TiWorker.exe）的连接中断（{{code}} {{codeName}}）：该进程崩溃或被结束。请查看当时是否有 TiWorker.exe 应用程序崩溃（应用程序日志事件 1000、WER 报告）或蓝屏；如反复出现，请先检测内存和磁盘再做任何修复。',
    },
  },
  create(ctx) {
    const lines: LogEntry[] = [];
    return {
      entry(e) {
        if (e.component === 'DISM' && e.codes.some((c) => RPC.includes(c))) lines.push(e);
      },
      end() {
        const first = lines[0];
        if (!first) return;
        const codeOf = (e: LogEntry): string => e.codes.find((c) => RPC.includes(c))!;
        // The run is one DISM.EXE command (its first entry is the command line), perhaps followed by the
        // DismApi sessions of management tools. The command lost its worker when its own handler result is
        // the RPC failure; a query only when that command changes nothing or the failure is a DismApi call's.
        const command = dismCommandOf(ctx.entries)?.command;
        const own = lines.find((e) => RESULT.test(e.message));
        if (command && own && dismKind(command) !== 'other') {
          const at = ctx.indexOf(own);
          const start = lines.find((e) => ctx.indexOf(e) <= at && !/^API: /.test(e.message)) ?? own;
          ctx.report({ messageId: 'stopped', data: {}, code: codeOf(start), evidence: [start] });
          return;
        }
        const lost = own ?? first;
        const at = ctx.indexOf(lost);
        let caller = own ? 'DISM.EXE' : 'DismApi';
        if (!own) {
          for (let j = at; j >= 0; j--) {
            const m = CALLER.exec(ctx.entries[j]!.message);
            if (m) {
              caller = m[1]!;
              break;
            }
          }
        }
        const query = own && command ? command : (queryOf(ctx.entries, at) ?? 'DismApi');
        ctx.report({
          messageId: 'queryLost',
          data: { query, caller },
          code: codeOf(lost),
          severity: 'warning',
          evidence: [lost],
        });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a ScanHealth that completes',
        log: `2023-05-23 02:37:33, Info                  DISM   DISM.EXE: Executing command line: dism  /online /cleanup-image /scanhealth
2023-05-23 02:40:10, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
      },
      {
        name: 'an RPC error of Windows Update in CBS.log is not DISM losing its worker',
        log: `2023-05-23 02:37:33, Info                  CBS    WU creates the package, AddPackage failed [HRESULT = 0x800706be - RPC_S_CALL_FAILED]`,
      },
      {
        name: "a management script's routine queries: a removed feature (0x800f080c), install-time conversions",
        log: `2024-03-04 02:00:11, Info                  DISM   API: PID=4412 TID=4416 DismApi.dll: <----- Starting DismApi.dll session -----> - DismInitializeInternal
2024-03-04 02:00:11, Info                  DISM   API: PID=4412 TID=4416 DismApi.dll: Parent process command line: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -File C:\\ProgramData\\FleetAgent\\Get-Inventory.ps1 - DismInitializeInternal
2024-03-04 02:00:12, Error                 DISM   DISM Package Manager: PID=4412 TID=4420 Failed to get the feature SMB1Protocol-Deprecation - CDISMPackageManager::GetFeatureInfo(hr:0x800f080c)
2024-03-04 02:00:12, Error                 DISM   API: PID=4412 TID=4420 Failed to get the feature info - CGetFeatureInfoCommandObject::InternalExecute(hr:0x800f080c)
2024-03-04 02:00:12, Error                 DISM   API: PID=4412 TID=4416 DismGetFeatureInfoInternal failed - DismGetFeatureInfoInternal(hr:0x800f080c)
2024-03-04 02:00:14, Error                 DISM   API: PID=4412 TID=4420 Failed to convert the install time - Time_InternalToPublic(hr:0x80070057)`,
      },
    ],
    invalid: [
      {
        name: 'corpus dism03: ScanHealth loses TiWorker',
        log: `2023-05-23 02:37:33, Info                  DISM   DISM.EXE: Executing command line: dism  /online /cleanup-image /scanhealth
> 2023-05-23 02:38:46, Error                 DISM   DISM Package Manager: PID=10160 TID=6292 Failed finalizing changes. - CDISMPackageManager::Internal_Finalize(hr:0x800706be)
2023-05-23 02:38:46, Error                 DISM   DISM Package Manager: PID=10160 TID=6292 Failed processing package changes with session option CbsSessionOptionDetectStoreCorruption - CDISMPackageManager::RestoreHealth(hr:0x800706be)
2023-05-23 02:38:46, Error                 DISM   DISM Package Manager: PID=10160 TID=6292 Failed while processing command cleanup-image. - CPackageManagerCLIHandler::ExecuteCmdLine(hr:0x800706be)
2023-05-23 02:38:46, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
        findings: [{ messageId: 'stopped', code: '0x800706be' }],
      },
      {
        name: "a management script's query loses its connection: a warning about that query",
        log: `2024-03-05 02:00:11, Info                  DISM   API: PID=5412 TID=5416 DismApi.dll: <----- Starting DismApi.dll session -----> - DismInitializeInternal
2024-03-05 02:00:11, Info                  DISM   API: PID=5412 TID=5416 DismApi.dll: Parent process command line: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -File C:\\ProgramData\\FleetAgent\\Get-Inventory.ps1 - DismInitializeInternal
2024-03-05 02:00:12, Error                 DISM   API: PID=5412 TID=5420 Failed to get the feature info - CGetFeatureInfoCommandObject::InternalExecute(hr:0x800f080c)
> 2024-03-05 02:00:19, Error                 DISM   API: PID=5412 TID=5420 Failed to get the capabilities - CGetCapabilitiesCommandObject::InternalExecute(hr:0x800706be)
2024-03-05 02:00:19, Error                 DISM   API: PID=5412 TID=5420 InternalExecute failed - CBaseCommandObject::Execute(hr:0x800706be)
2024-03-05 02:00:19, Error                 DISM   API: PID=5412 TID=5416 DismGetCapabilitiesInternal failed - DismGetCapabilitiesInternal(hr:0x80010108)`,
        findings: [
          {
            messageId: 'queryLost',
            facts: {
              query: 'DismGetCapabilities',
              caller:
                '"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe" -File C:\\ProgramData\\FleetAgent\\Get-Inventory.ps1',
            },
            code: '0x800706be',
          },
        ],
      },
      {
        name: 'a query after a repair that completed: the repair did not fail',
        log: `2024-03-05 01:50:00, Info                  DISM   DISM.EXE: Executing command line: dism /online /cleanup-image /restorehealth
2024-03-05 01:58:00, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.
2024-03-05 02:00:11, Info                  DISM   API: PID=5412 TID=5416 DismApi.dll: Parent process command line: C:\\Windows\\System32\\wbem\\WmiPrvSE.exe - DismInitializeInternal
> 2024-03-05 02:00:19, Error                 DISM   API: PID=5412 TID=5416 DismGetFeaturesInternal failed - DismGetFeaturesInternal(hr:0x80010108)`,
        findings: [
          {
            messageId: 'queryLost',
            facts: { query: 'DismGetFeatures', caller: 'C:\\Windows\\System32\\wbem\\WmiPrvSE.exe' },
            code: '0x80010108',
          },
        ],
      },
    ],
  },
});
