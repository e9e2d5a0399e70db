// Sysprep /generalize stops on app packages that were installed (or updated) for one user but are not
// provisioned for all users: `Package <full name> was installed for a user, but not provisioned for all users`,
// then 0x80073cf2 from the AppxSysprep validation (Sysprep's setupact.log/setuperr.log under
// %windir%\System32\Sysprep\Panther). The image is fine; the packages must be removed for that user (or
// deprovisioned) before generalizing.

import { defineStoryRule } from './define-story-rule.js';

const SYSPREP = (lines: string[]): string => lines.join('\n');

export default defineStoryRule({
  id: 'setup-sysprep-appx-blocked',
  kind: 'story',
  meta: {
    severity: 'error',
    confidence: 'high',
    root: true,
    summary: {
      en: 'Sysprep /generalize blocked by per-user app packages',
      zh: 'Sysprep /generalize 被仅为单个用户安装的应用包阻止',
    },
    codes: ['0x80073cf2'],
    mechanism:
      'Sysprep generalize validation (AppxSysprep.dll SysprepGeneralizeValidate) finds app packages installed for a user but not provisioned for all users and stops with 0x80073cf2; the lines naming the packages and the stopping line are the evidence.',
    references: [
      'MS Learn: Sysprep fails after you remove or update Microsoft Store apps that include built-in Windows images',
      'fixtures/setup/README.md',
    ],
  },
  messages: {
    blocked: {
      en: 'Sysprep /generalize stopped ({{code}} {{codeName}}): {{count}} app package(s) are installed for a user but not provisioned for all users: {{packages}}. Remove each for that user (Remove-AppxPackage -Package <name>, and Remove-AppxProvisionedPackage -Online if it is also provisioned), keep the machine offline from the Store until Sysprep is done, then run Sysprep again.',
      zh: 'Sysprep /generalize 已停止（{{code}} {{codeName}}）：有 {{count}} 个应用包仅为某个用户安装，未为所有用户预配：{{packages}}。请为该用户删除这些包（Remove-AppxPackage -Package <名称>；如也已预配，再运行 Remove-AppxProvisionedPackage -Online），在 Sysprep 完成前不要让应用商店更新应用，然后重新运行 Sysprep。',
    },
  },
  cases: {
    valid: [
      {
        name: 'a Sysprep generalize that completes',
        files: {
          'setupact.log': SYSPREP([
            '2024-05-10 10:15:20, Info                  SYSPRP ========================================================',
            '2024-05-10 10:15:20, Info                  SYSPRP ===            Beginning of a new sysprep run        ===',
            '2024-05-10 10:15:20, Info                  SYSPRP ========================================================',
            '2024-05-10 10:15:31, Error                 SYSPRP spopk.dll:: Could not load the SLC.dll; dwRet = 0x7e',
            '2024-05-10 10:17:02, Info                  SYSPRP Sysprep_Clean_Validate_Opk: There are no pending OPK operations; returning TRUE',
          ]),
        },
      },
    ],
    invalid: [
      {
        name: 'two Store apps updated for the signed-in user block generalize',
        files: {
          'setupact.log': SYSPREP([
            '2024-05-10 10:15:20, Info                  SYSPRP ========================================================',
            '2024-05-10 10:15:20, Info                  SYSPRP ===            Beginning of a new sysprep run        ===',
            '2024-05-10 10:15:20, Info                  SYSPRP ========================================================',
            '> 2024-05-10 10:15:31, Error                 SYSPRP Package Microsoft.Todos_2.114.7122.0_x64__8wekyb3d8bbwe was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image.',
            '> 2024-05-10 10:15:31, Error                 SYSPRP Package Microsoft.WindowsTerminal_1.19.10821.0_x64__8wekyb3d8bbwe was installed for a user, but not provisioned for all users. This package will not function properly in the sysprep image.',
            '> 2024-05-10 10:15:31, Error                 SYSPRP Failed to remove apps for the current user: 0x80073cf2.',
            '2024-05-10 10:15:31, Error                 SYSPRP Exit code of RemoveAllApps thread was 0x3cf2.',
            "2024-05-10 10:15:31, Error      [0x0f0082] SYSPRP ActionPlatform::LaunchModule: Failure occurred while executing 'SysprepGeneralizeValidate' from C:\\Windows\\System32\\AppxSysprep.dll; dwRet = 0x3cf2",
            '2024-05-10 10:15:31, Error      [0x0f00d8] SYSPRP WinMain:Hit failure while pre-validate sysprep generalize internal providers; hr = 0x80073cf2',
          ]),
        },
        findings: [
          {
            messageId: 'blocked',
            code: '0x80073cf2',
            facts: {
              count: '2',
              packages:
                'Microsoft.Todos_2.114.7122.0_x64__8wekyb3d8bbwe; Microsoft.WindowsTerminal_1.19.10821.0_x64__8wekyb3d8bbwe',
            },
          },
        ],
      },
    ],
  },
});
