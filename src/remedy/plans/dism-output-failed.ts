// The plan for dism-output-failed findings: a captured DISM error: the plan of the CBS rule that gives the
// same code.

import { t } from '../steps.js';
import { restoreFromSource, restoreHealth, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';
import dismSourceInvalid from './dism-source-invalid.js';
import rebootPending from './cbs-reboot-pending.js';
import sourceMissing from './cbs-source-missing.js';

function dismOutput(c: Ctx): Draft | null {
  const code = c.f.code ?? '';
  const source = c.facts.source ?? '';
  const image = /\.(wim|esd)\b/i.exec(source);
  if (image && !/^(wim|esd):/i.test(source))
    return dismSourceInvalid.build({ ...c, facts: { ...c.facts, prefix: image[1]!.toUpperCase() } });
  if (['0x800f081f', '0x800f0906', '0x800f0907', '0x800f0950', '0x800f0954'].includes(code))
    return sourceMissing.build(c);
  if (code === '0x80070bc9') return rebootPending.build(c);
  return {
    title: t('Repair the component store', '修复组件存储'),
    steps: [
      restoreHealth(
        c,
        t(`DISM ended with ${code} ${c.f.codeName ?? ''}.`, `DISM 以 ${code} ${c.f.codeName ?? ''} 结束。`),
      ),
      restoreFromSource(c, null),
    ],
    collect: t(
      'C:\\Windows\\Logs\\CBS\\ and C:\\Windows\\Logs\\DISM\\dism.log',
      'C:\\Windows\\Logs\\CBS\\ 和 C:\\Windows\\Logs\\DISM\\dism.log',
    ),
  };
}

export default definePlan({
  rule: 'dism-output-failed',
  build: dismOutput,
  cases: [
    {
      name: 'fixtures/outputs/dism-zh-runs.gbk.txt',
      input: { fixture: 'fixtures/outputs/dism-zh-runs.gbk.txt' },
      steps: ['restore-health-source'],
    },
  ],
});
