// The plan for dism-appx-version-conflict findings: an equal or higher version of the app is already
// provisioned (0xc1570118): keep it, or deprovision it before provisioning the wanted one. Not OS corruption.

import { ownStep, t } from '../steps.js';
import type { Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function dismAppxVersionConflict(c: Ctx): Draft {
  const pkg = c.facts.package ?? 'the app';
  const have = c.facts.provisionedVersion;
  return {
    title: t('Keep the provisioned app, or replace it deliberately', '保留已预配的应用，或有意替换它'),
    steps: [
      ownStep({
        id: 'resolve-appx-provisioning',
        title: t('Decide which version stays provisioned', '确定保留哪个预配版本'),
        why: t(
          `${pkg} is already provisioned${have ? ` at version ${have}` : ''}; DISM does not provision an equal or lower version over it (${c.f.code ?? ''}).`,
          `${pkg} 已经预配${have ? `（版本 ${have}）` : ''}；DISM 不会用相同或更低的版本覆盖它（${c.f.code ?? ''}）。`,
        ),
        how: t(
          'List the provisioned apps. If the provisioned version is the one wanted, nothing is to be done. Otherwise remove it (by its PackageName from the list) and provision the wanted version again.',
          '列出已预配的应用。如果已预配的版本就是所需版本，则无需处理；否则按列表中的 PackageName 删除它，再重新预配所需版本。',
        ),
        commands: [
          { shell: 'cmd', line: 'dism /Online /Get-ProvisionedAppxPackages' },
          { shell: 'powershell', line: 'Remove-AppxProvisionedPackage -Online -PackageName <PackageName>' },
        ],
        verify: t(
          'dism /Online /Get-ProvisionedAppxPackages lists the app once, at the wanted version.',
          'dism /Online /Get-ProvisionedAppxPackages 中该应用只出现一次，且为所需版本。',
        ),
        invasiveness: 2,
      }),
    ],
  };
}

export default definePlan({
  rule: 'dism-appx-version-conflict',
  build: dismAppxVersionConflict,
  cases: [
    {
      name: 'fixtures/dism: a lower version provisioned over a higher one',
      input: { fixture: 'fixtures/dism/appx-version-conflict.log' },
      steps: ['resolve-appx-provisioning'],
    },
  ],
});
