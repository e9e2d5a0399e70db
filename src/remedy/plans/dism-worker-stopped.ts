// The plan for dism-worker-stopped findings: DISM lost its servicing worker: find out why it stopped, test
// the hardware, then run the command again.

import { hardwareChecksStep, rebootStep, t } from '../steps.js';
import { restoreHealth, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function dismWorkerStopped(c: Ctx): Draft {
  return {
    title: t('Find out why the servicing worker stopped', '查明服务进程中断的原因'),
    steps: [
      hardwareChecksStep({
        memory: true,
        drive: 'C:',
        why: t(
          `TiWorker.exe stopped in the middle of a DISM command (${c.f.code ?? ''}): a process that crashes while reading the store points to memory or disk faults first.`,
          `TiWorker.exe 在 DISM 命令执行过程中中断（${c.f.code ?? ''}）：读取组件存储时进程崩溃，首先应怀疑内存或磁盘故障。`,
        ),
      }),
      rebootStep({
        why: t(
          'A restart gives DISM a fresh TrustedInstaller service and completes any pending work.',
          '重启可让 DISM 使用全新的 TrustedInstaller 服务，并完成挂起的操作。',
        ),
      }),
      restoreHealth(
        c,
        t('Once the hardware checks pass, run the repair again.', '硬件检测通过后，重新运行修复。'),
      ),
    ],
    collect: t(
      'the Application event log (TiWorker.exe crashes, event 1000) and C:\\ProgramData\\Microsoft\\Windows\\WER\\ReportArchive',
      '应用程序事件日志（TiWorker.exe 崩溃，事件 1000）以及 C:\\ProgramData\\Microsoft\\Windows\\WER\\ReportArchive',
    ),
  };
}

export default definePlan({
  rule: 'dism-worker-stopped',
  build: dismWorkerStopped,
  cases: [
    {
      name: 'corpus dism03-appostarsi-w10-multi',
      input: { corpus: 'dism03-appostarsi-w10-multi/dism_5_23.log' },
      steps: ['hardware-checks', 'reboot', 'restore-health'],
    },
  ],
});
