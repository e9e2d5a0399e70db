// The plan for x-update-gap findings: a cumulative update far behind the machine's build: the servicing
// stack, then one cumulative update, offline.

import { t } from '../steps.js';
import { installTarget, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function updateGap(c: Ctx): Draft | null {
  const { facts, f } = c;
  const kb = facts.kb ?? null;
  if (!kb) return null;
  const step = installTarget(c, f.message, kb);
  if (!step) return null;
  return {
    title: facts.installedBuild
      ? t(
          `Bring the machine from ${facts.installedBuild} to ${facts.targetBuild ?? kb}: servicing stack first, then ${kb}`,
          `将本机从 ${facts.installedBuild} 升级到 ${facts.targetBuild ?? kb}：先安装服务堆栈更新，再安装 ${kb}`,
        )
      : t(`Install ${kb} with its prerequisites`, `安装 ${kb} 及其前置补丁`),
    steps: [step],
    confidence: f.confidence,
  };
}

export default definePlan({
  rule: 'x-update-gap',
  build: updateGap,
  cases: [
    {
      name: 'fixtures/seeds/seed-003-manifest-hash.log',
      input: { fixture: 'fixtures/seeds/seed-003-manifest-hash.log' },
      steps: ['install-ssu-then-update'],
    },
  ],
});
