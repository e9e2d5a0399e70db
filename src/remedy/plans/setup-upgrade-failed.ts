// The plan for setup-upgrade-failed findings: a feature upgrade (Panther logs) failed. Corrupt data while the
// image is applied (0x8007000D-0x2000C, 0x80070570 underneath) is the media or the disk, not the component
// store of the running Windows: check the media and the disk, then retry with a fresh copy.

import { type Step, collectLogsStep, hardwareChecksStep, ownStep, t } from '../steps.js';
import { definePlan, type Draft } from './define-plan.js';
import { type Ctx } from './context.js';

const CORRUPT_DATA = new Set(['0x80070570', '0x8007000d', '0x80070017', '0x80070571']);

function verifyMediaStep(files: string | null): Step {
  return ownStep({
    id: 'verify-media',
    title: t('Check the installation media against its published hash', '按官方公布的哈希值校验安装介质'),
    why: t(
      `Setup could not read the image data${files ? ` (${files})` : ''}: a damaged ISO or a damaged copy of it in $WINDOWS.~BT gives exactly this, and the same files fail on every try.`,
      `安装程序无法读取映像数据${files ? `（${files}）` : ''}：ISO 损坏或其在 $WINDOWS.~BT 中的副本损坏都会导致此问题，且每次都在相同文件上失败。`,
    ),
    how: t(
      'Compute the SHA-256 of the ISO (D:\\Win11.iso below: use your path) and compare it with the hash published where it was downloaded. If it differs or is unknown, download the media again. Delete the old setup copy with Disk Cleanup ("Clean up system files" → "Previous Windows installation(s)" / "Temporary Windows installation files") before the next try.',
      '计算 ISO 的 SHA-256（下文以 D:\\Win11.iso 为例，请替换为实际路径），并与下载页面公布的哈希值对比。如不一致或无法确认，请重新下载介质。下一次尝试之前，用磁盘清理（“清理系统文件” → “以前的 Windows 安装”/“临时 Windows 安装文件”）删除旧的安装副本。',
    ),
    commands: [
      { shell: 'powershell', line: 'Get-FileHash D:\\Win11.iso -Algorithm SHA256' },
      { shell: 'cmd', line: 'cleanmgr /sageset:1' },
    ],
    verify: t(
      'The hash equals the published one; C:\\$WINDOWS.~BT is gone after the cleanup.',
      '哈希值与公布值一致；清理后 C:\\$WINDOWS.~BT 已不存在。',
    ),
    invasiveness: 1,
  });
}

function retryUpgradeStep(): Step {
  return ownStep({
    id: 'retry-upgrade',
    title: t('Retry the upgrade from the checked media', '使用校验过的介质重新升级'),
    why: t(
      'With good media and a healthy disk the image applies; if the same step fails again with different files, the data is damaged in memory or on the disk.',
      '介质完好且磁盘正常时，映像可以正常应用；如同一阶段再次失败且出错文件不同，说明数据在内存或磁盘上被损坏。',
    ),
    how: t(
      'Mount the checked ISO and start setup from it without downloading dynamic updates (D: = the mounted ISO).',
      '装载校验过的 ISO，从中启动安装程序，并且不下载动态更新（D: 为装载后的 ISO 盘符）。',
    ),
    commands: [{ shell: 'cmd', line: 'D:\\setup.exe /dynamicupdate disable' }],
    verify: t(
      'Setup passes the Safe OS phase and finishes at the desktop of the new version (winver).',
      '安装程序通过 Safe OS 阶段，最终进入新版本的桌面（winver 可确认）。',
    ),
    invasiveness: 3,
  });
}

function upgradeFailed(c: Ctx): Draft {
  const { facts } = c;
  const codes = [facts.cause, facts.result, c.f.code].map((x) => (x ?? '').toLowerCase());
  const corrupt =
    codes.some((x) => CORRUPT_DATA.has(x)) ||
    /-0x2000c$/i.test(facts.extendedCode ?? '') ||
    !!facts.corruptFiles;
  const files = (facts.corruptFiles ?? '')
    .split(/[;\n]\s*/)
    .map((f) => f.split('\\').pop() ?? '')
    .filter(Boolean);
  const moving = new Set(files.map((f) => f.toLowerCase())).size > 1;
  if (!corrupt)
    return {
      title: t('Read why setup failed', '查看安装失败的原因'),
      steps: [
        collectLogsStep({
          why: t(
            `Setup failed in phase ${facts.phase ?? '?'} with ${facts.extendedCode ?? c.f.code ?? ''}; the Panther logs and the system logs of that time name the cause.`,
            `安装程序在 ${facts.phase ?? '?'} 阶段以 ${facts.extendedCode ?? c.f.code ?? ''} 失败；Panther 日志和同一时间的系统日志会给出原因。`,
          ),
        }),
      ],
      collect: t(
        'C:\\$WINDOWS.~BT\\Sources\\Panther (setupact.log, setuperr.log)',
        'C:\\$WINDOWS.~BT\\Sources\\Panther（setupact.log、setuperr.log）',
      ),
      confidence: 'low',
    };
  return {
    title: t('Check the media and the disk, then upgrade again', '检查安装介质和磁盘后重新升级'),
    steps: [
      verifyMediaStep(files.length > 0 ? [...new Set(files)].join(', ') : null),
      hardwareChecksStep({
        memory: moving,
        drive: 'C:',
        why: moving
          ? t(
              'The unreadable file differs between attempts: data that changes between reads points to memory or disk, which would break any new media the same way.',
              '每次尝试中无法读取的文件都不相同：数据在两次读取之间发生变化，说明内存或磁盘有问题，换新介质也会以同样方式失败。',
            )
          : t(
              `${facts.cause ?? c.f.code ?? ''} (corrupt data) can also come from the disk that holds the setup copy: check it read-only.`,
              `${facts.cause ?? c.f.code ?? ''}（数据损坏）也可能来自存放安装副本的磁盘：请做只读检查。`,
            ),
      }),
      retryUpgradeStep(),
    ],
    collect: t(
      'C:\\$WINDOWS.~BT\\Sources\\Panther and C:\\$WINDOWS.~BT\\Sources\\Rollback of the new attempt',
      '新一次尝试的 C:\\$WINDOWS.~BT\\Sources\\Panther 和 C:\\$WINDOWS.~BT\\Sources\\Rollback',
    ),
    confidence: 'medium',
  };
}

export default definePlan({
  rule: 'setup-upgrade-failed',
  build: upgradeFailed,
  cases: [
    {
      name: 'corpus setup01: the Windows 11 upgrade fails in Safe OS with 0x8007000D-0x2000C (0x80070570 three times)',
      input: { corpus: 'setup01-appostarsi-upgrade-80070570' },
      steps: ['verify-media', 'disk-check', 'retry-upgrade'],
    },
  ],
});
