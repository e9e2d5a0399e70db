// The plan for cbs-store-mum-missing findings: store corruption from a missing package manifest: scan,
// RestoreHealth, then the last resorts.

import { type Step, replaceMumStep, t } from '../steps.js';
import { inPlace, installKb, restoreHealth, type Ctx, scanHealth } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function storeMumMissing(c: Ctx): Draft {
  const { facts, f } = c;
  if (f.messageId === 'unnamed' || !facts.package) {
    return {
      title: t('Find and restore the missing package manifest', '查找并恢复缺失的补丁包清单'),
      steps: [
        scanHealth(
          c,
          t(
            'CBS reports store corruption (0x800f0831) without naming the package; the DISM report lists it as "CBS MUM Missing".',
            'CBS 报告存储损坏（0x800f0831）但未指明补丁包；DISM 报告会以“CBS MUM Missing”列出该项。',
          ),
        ),
        restoreHealth(
          c,
          t(
            'RestoreHealth can restore missing package manifests.',
            'RestoreHealth 可以恢复缺失的补丁包清单。',
          ),
        ),
        inPlace(c),
      ],
      collect: t('the DISM output', 'DISM 的输出'),
    };
  }
  const kb = facts.kb ?? null;
  const steps: Step[] = [];
  if (kb)
    steps.push(
      installKb(c, {
        kb,
        id: 'reinstall-kb',
        byScript: true,
        expectBuild: false,
        title: t(`Reinstall ${kb} offline`, `离线重新安装 ${kb}`),
        why: t(
          `CBS records ${facts.package} as installed but its .mum is gone (0x800f0831); reinstalling ${kb} puts its manifests back (Microsoft's fix for this error).`,
          `CBS 记录 ${facts.package} 为已安装，但其 .mum 已缺失（0x800f0831）；重新安装 ${kb} 会恢复其清单文件（这是微软针对该错误给出的处理方法）。`,
        ),
        note: null,
      }),
    );
  steps.push(
    restoreHealth(
      c,
      t('RestoreHealth can restore missing package manifests.', 'RestoreHealth 可以恢复缺失的补丁包清单。'),
    ),
  );
  steps.push(
    replaceMumStep({
      mumPath: facts.path ?? `C:\\Windows\\servicing\\Packages\\${facts.package}.mum`,
      exists: false,
      package: facts.package,
      source: { build: c.machineBuild, kb, ships: false },
      retry: c.retry,
      why: t(
        'The .mum/.cat pair of the same package from a machine of the same build restores what CBS expects.',
        '从相同内部版本的电脑复制同一补丁包的 .mum/.cat 文件，可恢复 CBS 所需的内容。',
      ),
    }),
  );
  steps.push(inPlace(c));
  return {
    title: t(
      `Restore the missing manifest of ${kb ?? facts.package}`,
      `恢复 ${kb ?? facts.package} 缺失的清单文件`,
    ),
    steps,
  };
}

export default definePlan({
  rule: 'cbs-store-mum-missing',
  build: storeMumMissing,
  cases: [
    {
      name: 'the case of cbs-store-mum-missing: store corruption flagged without a package name',
      input: {
        log: `2017-11-15 12:40:00, Info                  CBS    Failed to resolve package [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
2017-11-15 12:40:00, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]`,
      },
      steps: ['scan-health', 'restore-health', 'in-place-upgrade'],
    },
  ],
});
