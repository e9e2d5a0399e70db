// Startup (boot-time) processing of pending operations fails: poqexec.exe cannot apply pending.xml, or the
// primitive operations queue fails, so the pending install or repair is retried or rolled back (corpus cbs02).

import type { LogEntry } from '../model/types.js';
import { isFailureCode } from '../parse/error-codes.js';
import { defineRule } from './define-rule.js';

export default defineRule({
  id: 'cbs-startup-failed',
  meta: {
    severity: 'error',
    confidence: 'medium',
    codes: ['0x80070057'],
    summary: { en: 'Pending operations failed at startup', zh: '启动时处理挂起操作失败' },
    falsePositives: ['Advanced-installer failures (0x800f0922) are cbs-installers-failed.'],
    references: ['corpus cbs02 lines 8217-8237'],
  },
  triggers: { text: ['poqexec', 'Startup: Failed'] },
  messages: {
    poqexec: {
      en: 'poqexec.exe failed while applying the pending operations (pending.xml) at startup ({{code}} {{codeName}}); the pending work is retried at the next boot.',
      zh: '启动时 poqexec.exe 应用挂起操作（pending.xml）失败（{{code}} {{codeName}}），将在下次启动时重试。',
    },
    startup: {
      en: 'Startup processing of pending operations failed ({{code}} {{codeName}}).',
      zh: '启动时处理挂起操作失败（{{code}} {{codeName}}）。',
    },
  },
  create(ctx) {
    const hits: LogEntry[] = [];
    return {
      entry(e) {
        const code = e.codes.find(isFailureCode);
        if (!code || code === '0x800f0922' || code === '0x80070bc2') return;
        if (!/^(?:Failure in poqexec|Startup: Failed)/.test(e.message)) return;
        hits.push(e);
      },
      end() {
        if (hits.length === 0) return;
        const poq = hits.find((e) => /poqexec/.test(e.message));
        const code = (poq ?? hits[0]!).codes.find(isFailureCode)!;
        ctx.report({
          messageId: poq ? 'poqexec' : 'startup',
          data: {},
          facts: {
            stage: /primitive/.test(hits.map((h) => h.message).join('\n'))
              ? 'primitive operations'
              : 'startup',
          },
          code,
          evidence: hits.slice(0, 3),
        });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'startup processing that succeeds',
        log: `2023-05-23 10:24:07, Info                  CBS    Startup: Processing complete. [HRESULT = 0x00000000 - S_OK]`,
      },
    ],
    invalid: [
      {
        name: 'corpus cbs02: poqexec E_INVALIDARG after an SFC repair was staged',
        log: `2023-05-23 10:23:06, Info                  CBS    Waiting for poqexec.exe to complete...
> 2023-05-23 10:23:06, Info                  CBS    Failure in poqexec.exe while processing updates. [HRESULT = 0x80070057 - E_INVALIDARG]
2023-05-23 10:23:06, Info                  CBS    Failed to report poqexec status. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]
> 2023-05-23 10:23:06, Error                 CBS    Startup: Failed while processing non-critical primitive operations queue. Non-critical primitives will be retried from SMSS. [HRESULT = 0x80070057 - E_INVALIDARG]
2023-05-23 10:23:06, Info                  CBS    Startup: Failed, restart required to try again.
2023-05-23 10:23:06, Info                  CBS    Startup: Processing complete. [HRESULT = 0x80070bc2 - ERROR_SUCCESS_REBOOT_REQUIRED]`,
        findings: [{ messageId: 'poqexec', facts: { stage: 'primitive operations' }, code: '0x80070057' }],
      },
      {
        name: 'startup processing fails without poqexec named',
        log: `> 2021-04-14 08:02:51, Error                 CBS    Startup: Failed to process advanced operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = 0x80070005 - E_ACCESSDENIED]`,
        findings: [{ messageId: 'startup', facts: { stage: 'startup' }, code: '0x80070005' }],
      },
    ],
  },
});
