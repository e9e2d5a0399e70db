// A DISM command loses the servicing worker mid-operation: the RPC call to TrustedInstaller/TiWorker fails
// (0x800706be RPC_S_CALL_FAILED, 0x800706ba RPC_S_SERVER_UNAVAILABLE) because the worker crashed or was
// ended. On a machine whose store corruption keeps moving it is one more sign of unstable hardware (corpus
// dism03 line 7033: a ScanHealth on the appostarsi PC, whose owner also had a TiWorker AppCrash report).

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';

const RPC = ['0x800706be', '0x800706ba'];

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
    ],
    references: ['corpus dism03 lines 7033-7038'],
  },
  triggers: { codes: RPC },
  messages: {
    stopped: {
      en: 'DISM lost the servicing worker (TiWorker.exe) in the middle of the command ({{code}} {{codeName}}): it crashed or was ended. Look for a TiWorker.exe application crash (Application log event 1000, WER report) or a bugcheck at that time; if it repeats, check memory and disk before any repair.',
      zh: 'DISM 命令执行过程中与服务进程（TiWorker.exe）的连接中断（{{code}} {{codeName}}）：该进程崩溃或被结束。请查看当时是否有 TiWorker.exe 应用程序崩溃（应用程序日志事件 1000、WER 报告）或蓝屏；如反复出现，请先检测内存和磁盘再做任何修复。',
    },
  },
  create(ctx) {
    let first: LogEntry | null = null;
    return {
      entry(e) {
        if (first || e.component !== 'DISM') return;
        if (e.codes.some((c) => RPC.includes(c))) first = e;
      },
      end() {
        if (!first) return;
        ctx.report({
          messageId: 'stopped',
          data: {},
          code: first.codes.find((c) => RPC.includes(c))!,
          evidence: [first],
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
    ],
  },
});
