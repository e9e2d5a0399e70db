// An advanced installer fails late in an install (0x800f0922 CBS_E_INSTALLERS_FAILED) and the update is
// rolled back: name the installer, its binary and its own error from the CSI error summary.

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { opt } from './rule-helpers.js';

const CODE = '0x800f0922';
const INSTALLER_SUMMARY =
  /^(?:\(F\)\s*)?Installer: ([^\t\n]+?)\s*\tBinary Name: ([^\t\n]+?)\s*\tErrorCode: ([0-9a-fA-Fx]+)/;
const QUEUE_ITEM = /Failed execution of queue item Installer: (.+?) \((\{[^)]*\})\) with HRESULT (\S+)/;

export default defineRule({
  id: 'cbs-installers-failed',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: [CODE],
    summary: {
      en: 'An advanced installer failed; the update rolled back',
      zh: '高级安装程序失败，更新已回滚',
    },
    falsePositives: [],
    references: ['MS Learn: error 0x800f0922', 'docs/domain.md §1.2 rollback lines'],
  },
  triggers: { codes: [CODE], text: ['Installer:', 'AdvancedInstallersFailed'] },
  messages: {
    installer: {
      en: 'Advanced installer "{{installer}}" ({{binary}}) failed with {{installerError}}; the whole update is rolled back ({{code}} {{codeName}}).',
      zh: '高级安装程序“{{installer}}”（{{binary}}）失败，错误 {{installerError}}，整个更新被回滚（{{code}} {{codeName}}）。',
    },
    unnamed: {
      en: 'An advanced installer failed late in the install and the update is rolled back ({{code}} {{codeName}}); the installer is not named in this log.',
      zh: '安装后期某个高级安装程序失败，更新被回滚（{{code}} {{codeName}}）；此日志未记录具体的安装程序。',
    },
  },
  create(ctx) {
    const named: { entry: LogEntry; installer: string; binary?: string; error?: string }[] = [];
    const failures: LogEntry[] = [];
    return {
      entry(e) {
        const s = INSTALLER_SUMMARY.exec(e.message);
        const q = QUEUE_ITEM.exec(e.message);
        if (s)
          named.push({
            entry: e,
            installer: s[1]!.trim(),
            binary: s[2]!.trim(),
            error: `0x${s[3]!.replace(/^0x/i, '').toLowerCase()}`,
          });
        else if (q) named.push({ entry: e, installer: q[1]!.trim(), error: q[3]! });
        else if (e.codes.includes(CODE) && failures.length < 3 && /fail|rollback/i.test(e.message))
          failures.push(e);
      },
      end() {
        if (named.length === 0 && failures.length === 0) return;
        const first = named[0];
        if (first) {
          const others = named.slice(1).map((n) => n.entry);
          ctx.report({
            messageId: 'installer',
            data: {
              installer: first.installer,
              binary: first.binary ?? 'binary not named',
              installerError: first.error ?? 'an error',
            },
            facts: {
              installer: first.installer,
              binary: opt(first.binary),
              installerError: opt(first.error),
            },
            evidence: [first.entry, ...others.slice(0, 2), ...failures.slice(0, 1)],
          });
        } else {
          ctx.report({ messageId: 'unnamed', data: {}, facts: {}, confidence: 'medium', evidence: failures });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'advanced installers that all succeed',
        log: `2018-12-08 18:38:11, Info                  CSI    00000054@2018/12/8:20:38:11.164 Finished running all AIs.
2018-12-08 18:38:11, Info                  CBS    Startup: Processing complete. [HRESULT = 0x00000000 - S_OK]`,
      },
    ],
    invalid: [
      {
        name: 'WSL enable on 1809: the Network Drivers installer fails (CSI error summary)',
        log: `2018-12-08 18:38:11, Info                  CSI    00000055 The queue has completed running, and AI failures have occured.
2018-12-08 18:38:11, Info                  CSI    00000056 ==Error Summary Start==
> 2018-12-08 18:38:11, Error                 CSI    00000057 (F) Installer: Network Drivers	Binary Name: NetSetupAI.dll	ErrorCode: 800106d9	Phase: 31	Mode: Delta	Component: NONE[gle=0x80004005]
2018-12-08 18:38:11, Info                  CSI    00000058 ==Error Summary End==
> 2018-12-08 18:38:11, Error                 CBS    Startup: Failed to process advanced operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]
2018-12-08 18:38:11, Info                  CBS    Setting ExecuteState key to: CbsExecuteStateInitiateRollback | CbsExecuteStateFlagAdvancedInstallersFailed`,
        findings: [
          {
            messageId: 'installer',
            facts: { installer: 'Network Drivers', binary: 'NetSetupAI.dll', installerError: '0x800106d9' },
            code: '0x800f0922',
          },
        ],
      },
      {
        name: 'rollback without the installer in the log',
        log: `> 2014-05-28 15:00:38, Error                 CBS    Startup: Failed to process advanced operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]
2014-05-28 15:00:38, Info                  CBS    Setting ExecuteState key to: CbsExecuteStateInitiateRollback | CbsExecuteStateFlagAdvancedInstallersFailed
> 2014-05-28 15:00:38, Info                  CBS    Setting original failure status: 0x800f0922, last forward execute state: CbsExecuteStateResolvePending`,
        findings: [{ messageId: 'unnamed', code: '0x800f0922' }],
      },
    ],
  },
});
