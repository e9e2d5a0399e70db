// The plan for dism-offline-hive-locked findings: another process holds the offline image's hive or files
// open (0x80070020): release it (stale DISM mounts, a hive loaded in regedit, antivirus) or restart, then run
// the command again. The image is not known to be damaged.

import { ownStep, rebootStep, t } from '../steps.js';
import type { Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function dismOfflineHiveLocked(c: Ctx): Draft {
  const image = c.facts.image ?? 'the image folder';
  return {
    title: t(
      'Release what holds the offline image, then run the command again',
      '释放占用脱机映像的进程后重新运行命令',
    ),
    steps: [
      ownStep({
        id: 'release-offline-image',
        title: t('Release the image', '释放映像'),
        why: t(
          `DISM could not load the registry hive of ${image}: another process holds it open (${c.f.code ?? ''}). A DISM session or mount left open, a hive loaded in regedit, or antivirus scanning the folder are the usual holders.`,
          `DISM 无法加载 ${image} 的注册表配置单元：它被其他进程占用（${c.f.code ?? ''}）。常见占用者是未关闭的 DISM 会话或挂载、在注册表编辑器中加载的配置单元、扫描该目录的杀毒软件。`,
        ),
        how: t(
          'List the mounted images and clean up stale mount points; unload any hive of that image loaded in regedit (File > Unload Hive); exclude the folder from antivirus scanning while servicing it.',
          '列出已挂载的映像并清理失效的挂载点；在注册表编辑器中卸载该映像的配置单元（文件 > 卸载配置单元）；维护期间将该目录排除在杀毒扫描之外。',
        ),
        commands: [
          { shell: 'cmd', line: 'dism /Get-MountedImageInfo' },
          { shell: 'cmd', line: 'dism /Cleanup-Mountpoints' },
          { shell: 'cmd', line: 'reg query HKLM' },
        ],
        verify: t(
          'dism /Get-MountedImageInfo lists no stale mount of the image, and reg query HKLM shows no hive of it loaded.',
          'dism /Get-MountedImageInfo 不再列出该映像的失效挂载，reg query HKLM 中也没有加载其配置单元。',
        ),
        invasiveness: 1,
      }),
      rebootStep({
        why: t(
          'If the holder cannot be found, a restart releases every handle on the image.',
          '如果找不到占用者，重启可释放该映像上的所有句柄。',
        ),
      }),
    ],
  };
}

export default definePlan({
  rule: 'dism-offline-hive-locked',
  build: dismOfflineHiveLocked,
  cases: [
    {
      name: 'fixtures/dism: /Apply-Unattend cannot load the SMI schema hive',
      input: { fixture: 'fixtures/dism/offline-hive-locked.log' },
      steps: ['release-offline-image', 'reboot'],
    },
  ],
});
