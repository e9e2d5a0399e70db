// The plan for cbs-startup-failed findings: startup processing failed: restart, check what is pending, then
// RestoreHealth.

import { checkPendingStep, rebootStep, t } from '../steps.js';
import { restoreHealth, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function startupFailed(c: Ctx): Draft {
  return {
    title: t('Let the pending operations complete at startup', '让挂起的操作在启动时完成'),
    steps: [
      rebootStep({
        why: t(
          `Startup processing of pending operations failed (${c.f.code ?? '?'}); CBS retries it at the next boot.`,
          `启动时处理挂起操作失败（${c.f.code ?? '?'}）；CBS 会在下次启动时重试。`,
        ),
      }),
      checkPendingStep({
        why: t(
          'If pending.xml is gone after the restart, the pending work completed.',
          '如重启后 pending.xml 已消失，说明挂起的操作已完成。',
        ),
      }),
      restoreHealth(
        c,
        t(
          'If it keeps failing, a store file the pending work needs may be bad; DISM checks and repairs the store.',
          '如持续失败，可能是挂起操作所需的存储文件已损坏；DISM 会检查并修复组件存储。',
        ),
      ),
    ],
    collect: t('a copy of C:\\Windows\\WinSxS\\pending.xml', 'C:\\Windows\\WinSxS\\pending.xml 的副本'),
  };
}

export default definePlan({
  rule: 'cbs-startup-failed',
  build: startupFailed,
  cases: [
    {
      name: 'the case of cbs-startup-failed: startup processing fails without poqexec named',
      input: {
        log: `2021-04-14 08:02:51, Error                 CBS    Startup: Failed to process advanced operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = 0x80070005 - E_ACCESSDENIED]`,
      },
      steps: ['reboot', 'check-pending', 'restore-health'],
    },
  ],
});
