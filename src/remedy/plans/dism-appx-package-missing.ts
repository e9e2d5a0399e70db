// The plan for dism-appx-package-missing findings: the app package to provision is not on disk (often a
// driver installer provisioning its control-panel app from its own DriverStore folder): restore the file or
// reinstall what provisions it. Not OS corruption.

import { ownStep, t } from '../steps.js';
import type { Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function dismAppxPackageMissing(c: Ctx): Draft {
  const path = c.facts.path ?? 'the package file';
  const driver = c.facts.driverPackage;
  return {
    title: t(
      'Restore the app package or reinstall what provisions it',
      '恢复应用包，或重新安装负责预配它的软件',
    ),
    steps: [
      ownStep({
        id: 'restore-appx-package',
        title: driver
          ? t('Reinstall the driver', '重新安装驱动程序')
          : t('Restore the package file', '恢复包文件'),
        why: t(
          `Provisioning failed because ${path} is not there (${c.f.code ?? ''}).`,
          `预配失败，因为 ${path} 不存在（${c.f.code ?? ''}）。`,
        ),
        how: driver
          ? t(
              `The package lives in the driver store folder of ${driver}: reinstall that driver from its vendor's package (it copies the app again), rather than copying files into the driver store by hand.`,
              `该包位于驱动程序 ${driver} 的驱动存储目录：请使用厂商的安装包重新安装该驱动（会重新复制该应用），不要手工向驱动存储复制文件。`,
            )
          : t(
              'Put the package file back at that path, or reinstall the software that provisions it, then run the provisioning again.',
              '将包文件放回该路径，或重新安装负责预配它的软件，然后重新预配。',
            ),
        commands: [{ shell: 'cmd', line: 'dism /Online /Get-ProvisionedAppxPackages' }],
        verify: t(
          'The provisioning command completes, and the app is listed by dism /Online /Get-ProvisionedAppxPackages.',
          '预配命令成功完成，且 dism /Online /Get-ProvisionedAppxPackages 中列出了该应用。',
        ),
        invasiveness: 2,
      }),
    ],
  };
}

export default definePlan({
  rule: 'dism-appx-package-missing',
  build: dismAppxPackageMissing,
  cases: [
    {
      name: 'corpus dism01: a display driver provisions its control-panel app from a folder that is gone',
      input: { corpus: 'dism01-appostarsi-w10-esd-source/dism win 10.log' },
      steps: ['restore-appx-package'],
    },
  ],
});
