// The plan for cbs-servicing-stack-required findings: the update needs a newer servicing stack: install the
// stack first, then the update, offline.

import { type Step, installUpdatesStep, t } from '../steps.js';
import { installKb, prerequisitesOf, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function servicingStackRequired(c: Ctx): Draft {
  const { facts } = c;
  const kb = c.targetKb;
  const ssus = prerequisitesOf(kb, c.osBuild);
  const why = t(
    `${facts.package ?? 'The update'} needs servicing stack ${facts.requiredStack ?? 'a newer version'}${facts.currentStack ? `; the machine has ${facts.currentStack}` : ''} (0x800f0823). The servicing stack update installs first, then the update.`,
    `${facts.package ?? '该更新'} 需要服务堆栈 ${facts.requiredStack ?? '更新的版本'}${facts.currentStack ? `，而本机为 ${facts.currentStack}` : ''}（0x800f0823）。需先安装服务堆栈更新，再安装该更新。`,
  );
  const steps: Step[] = [];
  if (kb) {
    steps.push(
      installKb(c, {
        kb,
        id: 'install-ssu-then-update',
        byScript: true,
        title:
          ssus.length > 0
            ? t(
                `Install the servicing stack (${ssus.map((u) => u.kb).join(', ')}) first, then ${kb}`,
                `先安装服务堆栈更新（${ssus.map((u) => u.kb).join('、')}），再安装 ${kb}`,
              )
            : t(`Install the servicing stack update first, then ${kb}`, `先安装服务堆栈更新，再安装 ${kb}`),
        why,
        ssus,
        note:
          ssus.length > 0
            ? null
            : t(
                `The update table does not name the servicing stack update ${kb} requires: take it from the "Prerequisite" section of ${kb}'s KB article and install it first the same way.`,
                `补丁知识库中没有 ${kb} 所需服务堆栈更新的记录：请查看 ${kb} KB 文章中的“先决条件”部分，并按同样方法先安装该服务堆栈更新。`,
              ),
      }),
    );
  } else {
    steps.push(
      installUpdatesStep({
        id: 'install-ssu-then-update',
        byScript: true,
        title: t('Install the servicing stack update first', '先安装服务堆栈更新'),
        why,
        ssus,
        updates: [],
        arch: c.arch,
        osBuild: c.osBuild,
        cabPrefix: c.cabPrefix,
        note: t(
          'The log does not name the update; take the servicing stack update from the "Prerequisite" section of its KB article.',
          '日志中未记录具体的更新；请从该更新 KB 文章的“先决条件”部分找到所需的服务堆栈更新。',
        ),
      }),
    );
  }
  return {
    title: t('Install the servicing stack update first', '先安装服务堆栈更新'),
    steps,
  };
}

export default definePlan({
  rule: 'cbs-servicing-stack-required',
  build: servicingStackRequired,
  cases: [
    {
      name: 'the case of cbs-servicing-stack-required: offline image newer than the servicing stack (no package named)',
      input: {
        log: `2022-03-01 09:12:44, Error                 CBS    Servicing stack v6.2.22000.120 cannot service offline image: D:\\MyCache\\Ws [HRESULT = 0x800f0823 - CBS_E_NEW_SERVICING_STACK_REQUIRED]`,
      },
      steps: ['install-ssu-then-update'],
    },
  ],
});
