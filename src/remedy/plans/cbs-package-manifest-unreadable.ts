// The plan for cbs-package-manifest-unreadable findings: a package .mum that cannot be read: disk checks
// first, then reinstall the update or replace the .mum and .cat.

import { type Step, chkdskFixStep, hardwareChecksStep, replaceMumStep, t } from '../steps.js';
import { driveOf, inPlace, installKb, restoreHealth, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function packageManifestUnreadable(c: Ctx): Draft {
  const { facts, f } = c;
  const path = facts.path ?? `C:\\Windows\\servicing\\Packages\\${facts.package ?? 'package'}.mum`;
  const kb = facts.kb ?? null;
  const pkg =
    facts.package ??
    path
      .split('\\')
      .pop()!
      .replace(/\.mum$/i, '');
  const ntfs = f.code === '0x8007025d' || f.code === '0x80070570';
  const steps: Step[] = [];
  if (ntfs) {
    steps.push(
      hardwareChecksStep({
        memory: c.moving,
        drive: driveOf(path),
        why: t(
          `${f.code} ${f.codeName ?? ''} on ${path}: the file system cannot decompress or read this file (NTFS compression data is damaged); that is a disk or file-system problem first, a servicing problem second.`,
          `${path} 出现 ${f.code} ${f.codeName ?? ''}：文件系统无法解压或读取该文件（NTFS 压缩数据已损坏）；这首先是磁盘/文件系统问题，其次才是补丁问题。`,
        ),
      }),
      chkdskFixStep({
        drive: driveOf(path),
        path: null,
        retry: t('go on with the next step', '继续下一步'),
        why: t(
          'chkdsk repairs the file-system damage that makes the .mum unreadable; replacing the file on a damaged file system does not hold.',
          'chkdsk 可修复导致 .mum 无法读取的文件系统损坏；在已损坏的文件系统上替换文件无法持久。',
        ),
      }),
    );
  }
  steps.push(
    restoreHealth(
      c,
      t(
        `DISM RestoreHealth also checks package manifests ("CBS MUM Corrupt") and can replace ${pkg}.mum.`,
        `DISM RestoreHealth 也会检查补丁包清单（“CBS MUM Corrupt”），可以替换 ${pkg}.mum。`,
      ),
    ),
  );
  if (kb) {
    const reinstall = installKb(c, {
      kb,
      id: 'reinstall-kb',
      byScript: true,
      expectBuild: false,
      title: t(`Reinstall ${kb} offline`, `离线重新安装 ${kb}`),
      why: t(
        `The unreadable .mum belongs to ${kb}${c.targetKb && c.targetKb !== kb ? `, not to ${c.targetKb} that is being installed` : ''}; adding ${kb}'s package again rewrites its manifests.`,
        `无法读取的 .mum 属于 ${kb}${c.targetKb && c.targetKb !== kb ? `，而不是正在安装的 ${c.targetKb}` : ''}；重新添加 ${kb} 的补丁包会重新写入其清单文件。`,
      ),
      note: t(
        `If DISM answers that the package is already installed or not applicable (a later cumulative update supersedes ${kb}), it does not rewrite the file: use the next step.`,
        `如 DISM 提示该补丁包已安装或不适用（${kb} 已被更新的累积更新取代），则不会重写该文件：请使用下一步。`,
      ),
    });
    steps.push(reinstall);
  }
  steps.push(
    replaceMumStep({
      mumPath: path,
      exists: true,
      package: pkg,
      source: { build: c.machineBuild, kb, ships: false },
      retry: c.retry,
      why: t(
        `A good copy of ${pkg}.mum and its .cat from a machine of the same build replaces the unreadable pair.`,
        `可用相同内部版本电脑上 ${pkg}.mum 及其 .cat 的正常副本替换无法读取的文件。`,
      ),
    }),
  );
  steps.push(inPlace(c));
  return {
    title: t(
      `Repair the unreadable package manifest of ${kb ?? pkg}`,
      `修复 ${kb ?? pkg} 无法读取的补丁包清单`,
    ),
    steps,
    collect: ntfs
      ? t(
          'the chkdsk result (Wininit event 1001) and the disk-health output',
          'chkdsk 结果（Wininit 事件 1001）和磁盘健康检查的输出',
        )
      : null,
  };
}

export default definePlan({
  rule: 'cbs-package-manifest-unreadable',
  build: packageManifestUnreadable,
  cases: [
    {
      name: 'the bundled sample log',
      input: { fixture: 'examples/CBS.log' },
      steps: [
        'disk-check',
        'chkdsk-fix',
        'restore-health',
        'reinstall-kb',
        'replace-mum',
        'in-place-upgrade',
      ],
    },
  ],
});
