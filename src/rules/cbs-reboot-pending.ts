// An operation is refused because earlier work waits for a reboot (0x80070bc9 ERROR_FAIL_REBOOT_REQUIRED):
// a pending repair transaction (SFC staged a fix), pending.xml operations, or an unfinished install.

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { GENERIC_TAIL } from './rule-helpers.js';

const CODE = '0x80070bc9';

export default defineRule({
  id: 'cbs-reboot-pending',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: [CODE],
    summary: { en: 'Refused: a reboot is pending', zh: '操作被拒绝：存在待重启的挂起操作' },
    references: ['MS Learn: error 0x80070bc9', 'corpus cbs02 line 4522'],
  },
  triggers: { codes: [CODE], text: ['Pending transaction content must be resolved'] },
  messages: {
    pending: {
      en: 'The operation was refused because {{what}} waits for a reboot ({{code}} {{codeName}}).',
      zh: '操作被拒绝：{{whatZh}}正在等待重启（{{code}} {{codeName}}）。',
    },
  },
  create(ctx) {
    const groups: LogEntry[][] = [];
    return {
      entry(e) {
        if (GENERIC_TAIL.test(e.message) || /^CheckSur:|^Failed to run Detect/.test(e.message)) return;
        const last = groups[groups.length - 1];
        const prev = last?.[last.length - 1];
        if (prev && ctx.indexOf(e) - ctx.indexOf(prev) <= 20) last!.push(e);
        else groups.push([e]);
      },
      end() {
        for (const g of groups) {
          const text = g.map((e) => e.message).join('\n');
          const repair = /pending repair transaction/i.test(text);
          const ops = /pending operations|Pending transaction content/i.test(text);
          ctx.report({
            messageId: 'pending',
            data: {
              what: repair
                ? 'a repair transaction staged earlier (e.g. by sfc /scannow)'
                : ops
                  ? 'a pending servicing transaction (pending.xml)'
                  : 'earlier servicing work',
              whatZh: repair
                ? '之前（如 sfc /scannow）暂存的修复事务'
                : ops
                  ? '挂起的服务事务（pending.xml）'
                  : '之前的服务操作',
            },
            facts: { pending: repair ? 'repair-transaction' : ops ? 'pending-operations' : 'unknown' },
            evidence: g.slice(0, 3),
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a reboot requested after success is not a refusal',
        log: `2023-05-23 10:23:06, Info                  CBS    Startup: Processing complete. [HRESULT = 0x80070bc2 - ERROR_SUCCESS_REBOOT_REQUIRED]`,
      },
    ],
    invalid: [
      {
        name: 'corpus cbs02: DISM refused while SFC repair is pending',
        log: `2023-05-23 10:17:36, Info                  CBS    TI: CBS has signaled that a reboot is required.
> 2023-05-23 10:17:36, Error                 CBS    Failed to create CSI transaction with id: TI5.31034769_4265380821:1/. A pending repair transaction already exists, reboot is required [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]
> 2023-05-23 10:17:36, Info                  CBS    Failed to create CSI transaction to get inventory. [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]
> 2023-05-23 10:17:36, Info                  CBS    Failed to get CSI inventory [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]
2023-05-23 10:17:36, Info                  CBS    Exec: Processing complete, session(Corruption Repairing): 31034769_4265380821 [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]`,
        findings: [{ messageId: 'pending', facts: { pending: 'repair-transaction' } }],
      },
      {
        name: 'pending operations block transaction analysis',
        log: `> 2011-03-09 09:37:36, Info                  CSI    00000040 Pending transaction content must be resolved, cannot begin another transaction yet
> 2011-03-09 09:37:36, Info                  CBS    Failed to get transaction analysis because of pending operations. Disposition from Analyze: 0x1 [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]
> 2011-03-09 09:37:36, Info                  CBS    Failed to get inventory. [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]`,
        findings: [{ messageId: 'pending', facts: { pending: 'pending-operations' } }],
      },
    ],
  },
});
