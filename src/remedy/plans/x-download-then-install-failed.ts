// The plan for x-download-then-install-failed findings: a download failed, then the install of the same
// update failed from the partial cache.

import { type Step, clearWuCacheStep, t } from '../steps.js';
import { installKb, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function downloadThenInstall(c: Ctx): Draft {
  const kb = c.facts.kb ?? null;
  const steps: Step[] = [
    clearWuCacheStep({
      why: t(
        `${kb ?? 'The update'} failed to download (${c.facts.downloadCode ?? ''}) and the install that followed failed (${c.facts.installCode ?? ''}): the install read an incomplete download. Clearing the cache makes Windows Update fetch it again from the start.`,
        `${kb ?? '该更新'} 下载失败（${c.facts.downloadCode ?? ''}），随后的安装也失败（${c.facts.installCode ?? ''}）：安装读取的是不完整的下载内容。清除缓存后 Windows 更新会从头重新下载。`,
      ),
    }),
  ];
  if (kb)
    steps.push(
      installKb(c, {
        kb,
        id: 'install-kb-offline',
        title: t(`If the download fails again, install ${kb} offline`, `如再次下载失败，离线安装 ${kb}`),
        why: t(
          'The standalone package does not depend on the Windows Update download: a second download failure is no longer in the way.',
          '独立安装包不依赖 Windows 更新的下载过程：即使再次下载失败也不影响安装。',
        ),
        note: null,
      }),
    );
  return {
    title: t('Fetch the update again, then install it', '重新获取更新，再安装'),
    steps,
    collect: t(
      'the Windows Update log (Get-WindowsUpdateLog) and C:\\Windows\\Logs\\CBS\\ of the new attempt',
      '新一次尝试的 Windows 更新日志（Get-WindowsUpdateLog）和 C:\\Windows\\Logs\\CBS\\',
    ),
  };
}

export default definePlan({
  rule: 'x-download-then-install-failed',
  build: downloadThenInstall,
  cases: [
    {
      name: 'the case of x-update-failed-repeatedly: different codes on each try',
      input: {
        files: {
          'WindowsUpdate.log': `
2024/01/16 09:12:40.1180417 6720  5352  Agent           Title = 2023-11 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5032196)
2024/01/16 09:12:40.1180533 6720  5352  Agent           UpdateId = {6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11}.200
2024/01/16 09:41:17.0051932 6720  7364  DownloadManager *FAILED* [80248007] Error occurred while downloading update 6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11.200; notifying dependent calls.`,
          'System.txt': `Event[0]:
  Log Name: System
  Source: Microsoft-Windows-WindowsUpdateClient
  Date: 2024-01-17T02:00:00.0000000Z
  Event ID: 20
  Task: Windows Update Agent
  Level: Error
  Description: 
Installation Failure: Windows failed to install the following update with error 0x80070570: 2023-11 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5032196).`,
        },
      },
      steps: ['clear-wu-cache', 'install-kb-offline'],
    },
  ],
});
