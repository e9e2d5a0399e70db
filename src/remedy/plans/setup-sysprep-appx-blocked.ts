// The plan for setup-sysprep-appx-blocked findings: Sysprep /generalize stops on apps installed for one user
// but not provisioned for all (0x80073cf2): remove them for that user, keep the Store from updating apps
// until Sysprep is done, then run Sysprep again.

import { ownStep, t } from '../steps.js';
import type { Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function sysprepAppxBlocked(c: Ctx): Draft {
  const packages = c.facts.packages ?? 'the packages named in setupact.log';
  return {
    title: t('Remove the per-user apps that block Sysprep', '删除阻止 Sysprep 的按用户安装的应用'),
    steps: [
      ownStep({
        id: 'remove-per-user-appx',
        title: t('Remove the per-user app packages', '删除按用户安装的应用包'),
        why: t(
          `Sysprep /generalize stops (${c.f.code ?? ''}) on app packages installed for a user but not provisioned for all users: ${packages}.`,
          `Sysprep /generalize 因仅为某个用户安装、未为所有用户预配的应用包而停止（${c.f.code ?? ''}）：${packages}。`,
        ),
        how: t(
          'For each package: remove it for all users that have it; if it is also provisioned, deprovision it too. Keep the machine from updating Store apps (disconnect it, or turn off automatic app updates) until Sysprep has finished, then run Sysprep again.',
          '对每个包：为所有安装了它的用户删除；如果它也已预配，同时取消预配。在 Sysprep 完成之前，不要让计算机更新应用商店应用（断开网络或关闭应用自动更新），然后重新运行 Sysprep。',
        ),
        commands: [
          {
            shell: 'powershell',
            line: 'Get-AppxPackage -AllUsers -Name <name> | Remove-AppxPackage -AllUsers',
          },
          {
            shell: 'powershell',
            line: 'Get-AppxProvisionedPackage -Online | Where-Object DisplayName -eq <name> | Remove-AppxProvisionedPackage -Online',
          },
        ],
        verify: t(
          'Sysprep /generalize completes, and setupact.log in %windir%\\System32\\Sysprep\\Panther has no new 0x80073cf2.',
          'Sysprep /generalize 成功完成，%windir%\\System32\\Sysprep\\Panther 下的 setupact.log 中不再出现 0x80073cf2。',
        ),
        invasiveness: 2,
      }),
    ],
  };
}

export default definePlan({
  rule: 'setup-sysprep-appx-blocked',
  build: sysprepAppxBlocked,
  cases: [
    {
      name: 'fixtures/setup: Sysprep /generalize blocked by a per-user app',
      input: { fixture: 'fixtures/setup/sysprep-generalize-appx' },
      steps: ['remove-per-user-appx'],
    },
  ],
});
