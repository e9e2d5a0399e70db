// The plan for dism-output-health findings that are root causes: a captured DISM run says the store cannot
// be repaired (or can, and was not). RestoreHealth from a source of the same build, then the last resort.

import { t } from '../steps.js';
import { definePlan, type Draft } from './define-plan.js';
import { inPlace, restoreFromSource, restoreHealth, type Ctx } from './context.js';

function health(c: Ctx): Draft | null {
  const { f } = c;
  if (f.messageId === 'repairable')
    return {
      title: t('Repair the store DISM found repairable', '修复 DISM 报告可修复的组件存储'),
      steps: [
        restoreHealth(
          c,
          t(
            'DISM found corruption it can repair; RestoreHealth repairs it.',
            'DISM 发现了可修复的损坏，RestoreHealth 可以修复。',
          ),
        ),
      ],
    };
  if (f.messageId !== 'notRepairable') return null;
  return {
    title: t('Repair the store from a source of the same build', '使用相同版本的修复源修复组件存储'),
    steps: [restoreFromSource(c, null), inPlace(c)],
    collect: t('the DISM output and CBS.log of the repair', '修复时的 DISM 输出和 CBS.log'),
  };
}

export default definePlan({
  rule: 'dism-output-health',
  build: health,
  cases: [
    {
      name: 'a captured ScanHealth says the component store cannot be repaired',
      input: {
        files: {
          'dism.txt': `C:\\Windows\\system32>DISM /Online /Cleanup-Image /ScanHealth

Deployment Image Servicing and Management tool
Version: 10.0.19041.844

Image Version: 10.0.19045.2965

[==========================100.0%==========================] The component store cannot be repaired.
The operation completed successfully.`,
        },
      },
      steps: ['restore-health-source', 'in-place-upgrade'],
    },
  ],
});
