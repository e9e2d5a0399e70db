// The plan for sfc-output findings: a captured sfc verdict: repair the store, then run sfc again.

import { type Step, rebootStep, t } from '../steps.js';
import { restoreFromSource, restoreHealth, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function sfcOutput(c: Ctx): Draft {
  const steps: Step[] = [];
  if (c.f.messageId === 'couldNotPerform' || c.f.messageId === 'service')
    steps.push(
      rebootStep({
        why: t(
          'sfc could not run: a pending repair or a stopped Windows Modules Installer is the usual reason; a restart clears both.',
          'sfc 无法运行：常见原因是有待完成的修复或 Windows Modules Installer 服务未运行；重启可同时解决这两种情况。',
        ),
      }),
    );
  steps.push(
    restoreHealth(
      c,
      t(
        'sfc takes its good copies from the component store: repair the store first.',
        'sfc 从组件存储获取正常副本：需先修复组件存储。',
      ),
    ),
    restoreFromSource(c, null),
  );
  return {
    title: t('Repair the store, then run sfc again', '先修复组件存储，再运行 sfc'),
    steps,
    collect: t(
      'C:\\Windows\\Logs\\CBS\\CBS.log (it names the files sfc could not repair)',
      'C:\\Windows\\Logs\\CBS\\CBS.log（其中列出 sfc 无法修复的文件）',
    ),
  };
}

export default definePlan({
  rule: 'sfc-output',
  build: sfcOutput,
  cases: [
    {
      name: 'fixtures/outputs/sfc-en-runs.utf16le.txt',
      input: { fixture: 'fixtures/outputs/sfc-en-runs.utf16le.txt' },
      steps: ['restore-health', 'restore-health-source'],
    },
  ],
});
