// The plan for cbs-reboot-pending findings: an operation waits for a restart: restart (twice if needed) and
// check nothing is pending.

import { checkPendingStep, rebootStep, t } from '../steps.js';
import { type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function rebootPending(c: Ctx): Draft {
  const { facts } = c;
  const repair = facts.pending === 'repair-transaction';
  return {
    title: t('Finish the pending work, then retry', '先完成挂起的操作，再重试'),
    steps: [
      rebootStep({
        twice: true,
        why: repair
          ? t(
              'A repair staged earlier (for example by sfc /scannow) waits for a restart; until then CBS refuses new work (0x80070bc9).',
              '之前（例如 sfc /scannow）暂存的修复正在等待重启；在此之前 CBS 会拒绝新的操作（0x80070bc9）。',
            )
          : t(
              'Pending servicing work waits for a restart; until then CBS refuses new work (0x80070bc9).',
              '挂起的服务操作正在等待重启；在此之前 CBS 会拒绝新的操作（0x80070bc9）。',
            ),
      }),
      checkPendingStep({
        why: t(
          'pending.xml and the RebootPending key show whether the restart completed the pending work.',
          '通过 pending.xml 和 RebootPending 注册表项可判断重启是否已完成挂起的操作。',
        ),
      }),
    ],
    collect: t(
      'C:\\Windows\\WinSxS\\pending.xml (a copy) and the output of the reg query lines',
      'C:\\Windows\\WinSxS\\pending.xml 的副本以及 reg query 命令的输出',
    ),
  };
}

export default definePlan({
  rule: 'cbs-reboot-pending',
  build: rebootPending,
  cases: [
    {
      name: 'the case of cbs-reboot-pending: pending operations block transaction analysis',
      input: {
        log: `2011-03-09 09:37:36, Info                  CSI    00000040 Pending transaction content must be resolved, cannot begin another transaction yet
2011-03-09 09:37:36, Info                  CBS    Failed to get transaction analysis because of pending operations. Disposition from Analyze: 0x1 [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]
2011-03-09 09:37:36, Info                  CBS    Failed to get inventory. [HRESULT = 0x80070bc9 - ERROR_FAIL_REBOOT_REQUIRED]`,
      },
      steps: ['reboot', 'check-pending'],
    },
  ],
});
