// The plan for cbs-file-corrupt findings: a payload file the file system cannot read: disk checks and chkdsk
// before any store repair.

import {
  type Step,
  chkdskFixStep,
  clearWuCacheStep,
  hardwareChecksStep,
  inPlaceUpgradeStep,
  resetOrReinstallStep,
  t,
} from '../steps.js';
import { driveOf, restoreHealth, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function fileCorrupt(c: Ctx): Draft {
  const { facts, f } = c;
  const path = facts.path ?? null;
  const drive = driveOf(path);
  const pkg = f.messageId === 'packageCorrupt';
  const steps: Step[] = [];
  if (pkg)
    steps.push(
      clearWuCacheStep({
        why: t(
          `Package ${facts.package ?? ''} cannot be opened because its files are corrupt; a corrupt download is replaced by downloading again.`,
          `补丁包 ${facts.package ?? ''} 因文件损坏无法打开；如是下载损坏，重新下载即可替换。`,
        ),
      }),
    );
  steps.push(
    hardwareChecksStep({
      memory: c.moving,
      drive,
      why: t(
        `The file system itself reports ${path ?? 'a file'} as corrupt (${f.code ?? '0x80070570'}): this is NTFS-level damage, not a servicing mismatch. Check the disk first; copying files or folders from another machine does not repair a damaged file system.`,
        `文件系统本身报告 ${path ?? '该文件'} 已损坏（${f.code ?? '0x80070570'}）：这是 NTFS 层面的损坏，而不是补丁版本不一致。请先检查磁盘；从其他电脑复制文件或文件夹无法修复已损坏的文件系统。`,
      ),
    }),
    chkdskFixStep({
      drive,
      path: facts.kind === 'directory' || facts.kind === 'file' ? path : null,
      retry: c.retry,
      why: t(
        `chkdsk /f repairs the damaged file-system records of ${path ?? 'the file'} so Windows can open it again.`,
        `chkdsk /f 可修复 ${path ?? '该文件'} 损坏的文件系统记录，使 Windows 能够重新打开它。`,
      ),
    }),
    restoreHealth(
      c,
      t(
        `chkdsk may have removed unreadable files of ${path ?? 'the component'}; if they belong to Windows components, DISM and SFC put them back. Whether this also restores a whole folder such as ${path ?? 'this one'} is not established: the retry tells.`,
        `chkdsk 可能删除了 ${path ?? '该组件'} 中无法读取的文件；如这些文件属于 Windows 组件，DISM 和 SFC 可以恢复。是否能恢复 ${path ?? '该文件夹'} 这样的整个文件夹尚无定论：以重试结果为准。`,
      ),
    ),
    inPlaceUpgradeStep({
      osBuild: c.osBuild,
      machineBuild: c.machineBuild,
      why: t(
        `If ${path ?? 'the item'} is still unreadable after chkdsk and the disk is healthy, setup recreates the Windows files while keeping apps and data.`,
        `如 chkdsk 后 ${path ?? '该项'} 仍无法读取且磁盘健康，安装程序可在保留应用和数据的前提下重建 Windows 文件。`,
      ),
    }),
    resetOrReinstallStep({
      why: t(
        `If ${path ?? 'the item'} stays unreadable — or the disk shows errors — the data must be saved before Windows is reset or reinstalled.`,
        `如 ${path ?? '该项'} 仍无法读取，或磁盘检查发现错误，必须先备份数据，再重置或重新安装系统。`,
      ),
      diskSuspect: true,
      storeSuspect: false,
    }),
  );
  return {
    title: t(`Repair the file-system damage on ${path ?? drive}`, `修复 ${path ?? drive} 的文件系统损坏`),
    steps,
    collect: t(
      `the chkdsk result (Wininit event 1001), the disk-health output and whether ${path ?? 'the item'} opens`,
      `chkdsk 结果（Wininit 事件 1001）、磁盘健康检查输出，以及 ${path ?? '该项'} 能否打开`,
    ),
  };
}

export default definePlan({
  rule: 'cbs-file-corrupt',
  build: fileCorrupt,
  cases: [
    {
      name: 'the case of cbs-file-corrupt: a package that cannot be opened because its files are corrupt',
      input: {
        log: `2023-06-14 10:02:11, Error                 CBS    Failed to internally open package. [HRESULT = 0x80070570 - ERROR_FILE_CORRUPT]
2023-06-14 10:02:11, Info                  CBS    Failed to resolve package 'Package_for_KB5027222~31bf3856ad364e35~amd64~~17763.4499.1.12' [HRESULT = 0x80070570 - ERROR_FILE_CORRUPT]`,
      },
      steps: [
        'clear-wu-cache',
        'disk-check',
        'chkdsk-fix',
        'restore-health',
        'in-place-upgrade',
        'reset-or-reinstall',
      ],
    },
  ],
});
