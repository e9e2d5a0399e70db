// The plan for x-corruption-moving findings: the set of corrupt items changes between scans. Hardware
// first; a store repair only once memory and disk pass, and the in-place upgrade as the last resort.

import { hardwareChecksStep, t } from '../steps.js';
import { definePlan, type Draft } from './define-plan.js';
import { inPlace, restoreHealth, type Ctx } from './context.js';

function moving(c: Ctx): Draft {
  return {
    title: t('Test the hardware, then repair the store', '先检测硬件，再修复组件存储'),
    steps: [
      hardwareChecksStep({
        memory: true,
        drive: 'C:',
        why: t(
          `Two scans list different corrupt items (${c.facts.overlapPercent ?? '?'}% in common): data is being damaged in memory or on the disk. A repair on such hardware does not hold.`,
          `两次扫描列出的损坏项不同（相同部分仅 ${c.facts.overlapPercent ?? '?'}%）：数据正在内存或磁盘上被破坏。在这样的硬件上修复无法持久。`,
        ),
      }),
      restoreHealth(
        c,
        t(
          'Only after memory and disk pass: the supported store repair, then a scan to see whether the set still moves.',
          '仅在内存和磁盘检测通过后执行：用受支持的方法修复组件存储，再扫描确认损坏项是否仍在变化。',
        ),
      ),
      inPlace(c),
    ],
    collect: t('the memory and disk test results', '内存和磁盘的检测结果'),
    confidence: 'medium',
  };
}

export default definePlan({
  rule: 'x-corruption-moving',
  build: moving,
  cases: [
    {
      name: 'corpus sfc01: SFC runs list different files each time (0% in common)',
      input: { corpus: 'sfc01-appostarsi-sfc-extract-w10' },
      steps: ['hardware-checks', 'restore-health', 'in-place-upgrade'],
    },
  ],
});
