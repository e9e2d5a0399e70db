// The plan for cbs-store-corrupt findings: a corrupt component store: RestoreHealth, from a source if needed,
// with an in-place upgrade and a reset as last resorts.

import { resetOrReinstallStep, t } from '../steps.js';
import { hardwareFirst, inPlace, restoreFromSource, restoreHealth, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function storeCorrupt(c: Ctx): Draft {
  const { facts } = c;
  const where = facts.origin ?? 'the component store';
  return {
    title: t('Repair the corrupt component store (WinSxS)', '修复损坏的组件存储（WinSxS）'),
    steps: [
      ...hardwareFirst(c),
      restoreHealth(
        c,
        t(
          `CBS found the component store corrupt (${c.f.code ?? '0x80073712'}; failure in ${where}) with no single manifest named; DISM RestoreHealth is the supported repair. Resetting the Windows Update components does not touch WinSxS and cannot fix this.`,
          `CBS 发现组件存储已损坏（${c.f.code ?? '0x80073712'}，错误源自 ${where}），且未指明具体的清单文件；DISM RestoreHealth 是受支持的修复方法。重置 Windows 更新组件不会涉及 WinSxS，无法解决此问题。`,
        ),
      ),
      restoreFromSource(c, facts.version ?? null),
      inPlace(c),
      resetOrReinstallStep({
        why: t(
          'Only if the in-place upgrade fails: a new installation replaces the store.',
          '仅在就地升级也失败时使用：重新安装会替换整个组件存储。',
        ),
        diskSuspect: c.moving,
        storeSuspect: true,
      }),
    ],
    collect: t('the DISM output (and its error code)', 'DISM 的输出（及错误码）'),
  };
}

export default definePlan({
  rule: 'cbs-store-corrupt',
  build: storeCorrupt,
  cases: [
    {
      name: 'the case of cbs-store-corrupt: seed 002: closure fails on a corrupt store',
      input: {
        log: `2022-05-19 11:49:09, Info                  CBS    Exec: Resolving Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.2746.1.7, Update: 5011503-4182_neutral_GDR
2022-05-19 11:49:09, Error                 CSI    000004a6@2022/5/19:03:49:09.871 (F) onecore\\base\\wcp\\componentstore\\csd_core.cpp(2151): Error STATUS_SXS_COMPONENT_STORE_CORRUPT originated in function CCSDirect::GetComponentManifest expression: (null)
[gle=0x80004005]
2022-05-19 11:49:09, Info                  CBS    Failed to get enumerator for missing components. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]
2022-05-19 11:49:09, Error                 CBS    Failed to complete component closure [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]`,
      },
      steps: ['restore-health', 'restore-health-source', 'in-place-upgrade', 'reset-or-reinstall'],
    },
  ],
});
