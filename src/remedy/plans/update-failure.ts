// What a Windows Update failure told only by its code calls for (event log, WindowsUpdate.log,
// ReportingEvents.log): the family of the code decides the plan. A download or connectivity failure happens
// before the component store is touched, so it gets no DISM/SFC advice; a store-corruption code gets the
// store repair of the machine's Windows (RestoreHealth, or the readiness tool on Windows 7); the WinRE update
// that fails on a small recovery partition (KB5034441, 0x80070643) gets the partition check.

import { isStoreSide } from '../../knowledge/code-classes.js';
import type { I18nText } from '../../model/types.js';
import {
  type Step,
  clearWuCacheStep,
  collectLogsStep,
  hardwareChecksStep,
  installerChecksStep,
  joinText,
  ownStep,
  rebootStep,
  t,
} from '../steps.js';
import { installKb, installTarget, restoreHealth, type Ctx } from './context.js';
import type { Draft } from './define-plan.js';

/** What kind of failure a Windows Update code is. */
export type UpdateFailureKind =
  | 'download'
  | 'connectivity'
  | 'policy'
  | 'winre'
  | 'store'
  | 'installer'
  | 'servicingStack'
  | 'reboot'
  | 'featureUpgrade'
  | 'driver'
  | 'other';

/** The WinRE updates of January 2024 that fail with 0x80070643 when the recovery partition is too small. */
const WINRE_KBS = new Set(['KB5034441', 'KB5034440', 'KB5034439']);

/** The family of a failure from its code, the installer's inner code, the KB and the update title. */
export function updateFailureKind(o: {
  code: string | null;
  inner?: string | null;
  kb?: string | null;
  title?: string | null;
  download?: boolean;
}): UpdateFailureKind {
  const code = (o.code ?? '').toLowerCase();
  const inner = (o.inner ?? '').toLowerCase();
  const kb = (o.kb ?? '').toUpperCase();
  if (
    (code === '0x80070643' || inner === '0x800f0828') &&
    (WINRE_KBS.has(kb) || /recovery environment|safe os|winre/i.test(o.title ?? '') || inner === '0x800f0828')
  )
    return 'winre';
  if (code === '0x8024002e' || code === '0x80240025' || code === '0x8024a000') return 'policy';
  if (/^0x80072e|^0x8024401|^0x8024402|^0x8024403|^0x80244|^0x80240438|^0x80072f|^0x800704cf/.test(code))
    return 'connectivity';
  if (o.download || /^0x8024800|^0x80246|^0x80d0|^0x80240061/.test(code) || code === '0x80096010')
    return 'download';
  if (code === '0x800f0823' || code === '0x80242017') return 'servicingStack';
  if (code === '0x80070bc9' || code === '0x8024a105') return 'reboot';
  if (/^0xc19/.test(code)) return 'featureUpgrade';
  if (code === '0x800f024b' || inner === '0x800f024b') return 'driver';
  if (isStoreSide(code) || isStoreSide(inner)) return 'store';
  if (code === '0x800f0922' || code === '0x80070643' || inner === '0x800f0922') return 'installer';
  return 'other';
}

/** Why DISM and SFC are left out: they repair the component store, which this failure never reached. */
export const NO_STORE_REPAIR = t(
  'DISM and SFC repair the component store and system files; this failure happens before anything is installed, so they cannot help and are not part of this plan.',
  'DISM 和 SFC 修复的是组件存储和系统文件；此失败发生在安装之前，运行它们无济于事，因此本方案中不包含这两项。',
);

function connectivityStep(why: I18nText): Step {
  return ownStep({
    id: 'check-connectivity',
    title: t(
      'Check the connection to the update service (proxy, DNS, firewall)',
      '检查到更新服务的连接（代理、DNS、防火墙）',
    ),
    why,
    how: t(
      'In an administrator PowerShell, read the system proxy Windows Update uses (WinHTTP, not the browser proxy), check name resolution and that the update service answers on port 443. A proxy or firewall that inspects TLS or needs a user login blocks the service; the network team has to allow the Windows Update addresses (Microsoft publishes the list) for the machine account.',
      '以管理员身份打开 PowerShell，查看 Windows 更新使用的系统代理（WinHTTP 代理，不是浏览器代理），检查域名解析以及更新服务的 443 端口能否连通。需要用户登录或做 TLS 解密的代理、防火墙会拦截更新服务，需要网络管理员为本机放行微软公布的 Windows 更新地址。',
    ),
    commands: [
      { shell: 'cmd', line: 'netsh winhttp show proxy' },
      { shell: 'powershell', line: 'Resolve-DnsName fe2.update.microsoft.com' },
      { shell: 'powershell', line: 'Test-NetConnection -ComputerName fe2.update.microsoft.com -Port 443' },
    ],
    verify: t(
      'Test-NetConnection shows TcpTestSucceeded : True and the next search for updates completes without an error.',
      'Test-NetConnection 显示 TcpTestSucceeded : True，重新检查更新不再报错。',
    ),
    invasiveness: 1,
  });
}

function policyStep(why: I18nText): Step {
  return ownStep({
    id: 'check-update-policy',
    title: t('Check the Windows Update policy', '检查 Windows 更新策略'),
    why,
    how: t(
      'The code says Windows Update is turned off or restricted by policy on this machine. Read the policy keys; if they come from a domain GPO, the domain administrator decides whether this machine may update.',
      '该错误码表示本机的 Windows 更新被策略关闭或限制。请查看策略注册表项；如来自域组策略，需要由域管理员决定是否允许本机更新。',
    ),
    commands: [
      { shell: 'cmd', line: 'reg query "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate" /s' },
      { shell: 'cmd', line: 'gpresult /h C:\\update-logs\\gpresult.html' },
    ],
    verify: t(
      'The policy allows updates (or names the WSUS server the machine should use) and the next search completes.',
      '策略允许更新（或指定了本机应使用的 WSUS 服务器），重新检查更新可以完成。',
    ),
    invasiveness: 1,
  });
}

/** KB5034441 and its kin: the recovery partition is too small for the new WinRE image. */
function winreSteps(kb: string): Step[] {
  return [
    ownStep({
      id: 'check-winre',
      title: t(
        'Check the Windows Recovery Environment and its partition (reagentc /info)',
        '检查 Windows 恢复环境及其分区（reagentc /info）',
      ),
      why: t(
        `${kb} updates the Windows Recovery Environment (WinRE). Microsoft documents that it fails with 0x80070643 when the recovery partition has too little free space for the new image (the article asks for 250 MB free). The logs show the failing update and the code, not the partition size: this step confirms the cause before anything is changed. Confidence: medium — the code and the update match Microsoft's known issue; the partition itself is not in these logs.`,
        `${kb} 用于更新 Windows 恢复环境（WinRE）。微软文档说明，恢复分区可用空间不足以容纳新映像时，该更新会以 0x80070643 失败（文章要求至少 250 MB 可用空间）。日志中只有失败的更新和错误码，没有分区大小：本步骤用于在做任何修改之前确认原因。可信度：中——错误码和更新与微软公布的已知问题一致，但本次日志中没有分区本身的信息。`,
      ),
      how: t(
        'In an administrator command prompt, show where WinRE lives and whether it is enabled, then list the partitions of that disk with their sizes. The recovery partition is usually the last one, a few hundred MB. If reagentc says WinRE is disabled, the update has nothing to service on this machine.',
        '以管理员身份打开命令提示符，查看 WinRE 所在位置以及是否启用，然后列出该磁盘的分区及大小。恢复分区通常是最后一个分区，大小为几百 MB。如 reagentc 显示 WinRE 已禁用，则该更新在本机上没有可更新的对象。',
      ),
      commands: [
        { shell: 'cmd', line: 'reagentc /info' },
        {
          shell: 'powershell',
          line: 'Get-Partition | Format-Table DiskNumber,PartitionNumber,Type,GptType,Size',
        },
        {
          shell: 'powershell',
          line: 'Get-Volume | Where-Object FileSystemLabel -ne $null | Format-Table FileSystemLabel,Size,SizeRemaining',
        },
      ],
      verify: t(
        '"Windows RE status" is Enabled and its location names a recovery partition (harddisk0\\partition4 or similar) whose free space is under 250 MB: then the next step applies. If it is Disabled or the partition has room, collect the logs instead.',
        '“Windows RE 状态”为已启用，位置指向某个恢复分区（如 harddisk0\\partition4），且其可用空间小于 250 MB：此时适用下一步。如已禁用或分区空间充足，请改为收集日志。',
      ),
      invasiveness: 1,
    }),
    ownStep({
      id: 'resize-recovery-partition',
      title: t(
        'Enlarge the recovery partition as Microsoft documents it, then install the update again',
        '按微软文档扩大恢复分区，然后重新安装该更新',
      ),
      why: t(
        'A recovery partition with at least 250 MB free lets the WinRE update install. Microsoft publishes the manual procedure (KB5028997, "Instructions to manually resize your partition to install the WinRE update") and a sample script for it.',
        '恢复分区至少有 250 MB 可用空间后，WinRE 更新即可安装。微软公布了手动调整分区的步骤（KB5028997，“手动调整分区大小以安装 WinRE 更新的说明”）及示例脚本。',
      ),
      how: t(
        `Back up the data first (and on BitLocker machines have the recovery key at hand): this changes the partition table. Follow KB5028997 step by step; in outline: disable WinRE (reagentc /disable), shrink the Windows partition by 250 MB in diskpart, delete the old recovery partition and create a new, larger one with the recovery partition type and attributes the article gives for GPT or MBR disks, format it NTFS, enable WinRE again (reagentc /enable), then install ${kb} again. The diskpart details depend on the disk layout shown in the previous step: take them from the article, not from here.`,
        `请先备份数据（启用了 BitLocker 的电脑请先准备好恢复密钥）：此操作会修改分区表。请严格按 KB5028997 的步骤操作，大致流程为：禁用 WinRE（reagentc /disable），在 diskpart 中将 Windows 分区压缩 250 MB，删除原恢复分区并按文章中针对 GPT 或 MBR 磁盘给出的分区类型和属性新建更大的恢复分区，格式化为 NTFS，重新启用 WinRE（reagentc /enable），然后重新安装 ${kb}。diskpart 的具体参数取决于上一步看到的磁盘布局，请以文章为准。`,
      ),
      commands: [
        { shell: 'cmd', line: 'reagentc /disable' },
        { shell: 'cmd', line: 'diskpart' },
        { shell: 'cmd', line: 'reagentc /enable' },
        { shell: 'cmd', line: 'reagentc /info' },
      ],
      verify: t(
        `reagentc /info shows "Windows RE status: Enabled" again, the recovery partition has at least 250 MB free, and ${kb} installs (Settings → Windows Update → Update history).`,
        `reagentc /info 再次显示“Windows RE 状态：已启用”，恢复分区至少有 250 MB 可用空间，且 ${kb} 安装成功（设置 → Windows 更新 → 更新历史记录）。`,
      ),
      invasiveness: 3,
    }),
  ];
}

function driverStep(title: string | null): Step {
  return ownStep({
    id: 'reinstall-driver',
    title: t('Install the driver from its vendor instead', '改为从厂商获取并安装该驱动'),
    why: t(
      `The failing update is a driver${title ? ` (${title})` : ''} whose files do not match its signed catalog (0x800F024B): the download or the package is damaged, not Windows. The component store is not involved.`,
      `失败的更新是一个驱动程序${title ? `（${title}）` : ''}，其文件与签名目录不符（0x800F024B）：损坏的是下载内容或驱动包本身，而不是 Windows。与组件存储无关。`,
    ),
    how: t(
      'Install the current driver from the hardware vendor\'s site (or the machine maker\'s support page). If Windows Update keeps offering the broken package, hide it with the "Show or hide updates" troubleshooter or exclude drivers from Windows Update by policy.',
      '请从硬件厂商网站（或整机厂商的支持页面）下载并安装当前版本的驱动。如 Windows 更新仍反复推送该损坏的驱动包，可使用“显示或隐藏更新”疑难解答工具将其隐藏，或通过策略禁止 Windows 更新安装驱动。',
    ),
    commands: [{ shell: 'cmd', line: 'pnputil /enum-drivers' }],
    verify: t(
      'pnputil lists the vendor driver version and Windows Update no longer reports the driver failure.',
      'pnputil 中显示厂商驱动的版本，Windows 更新不再报告该驱动安装失败。',
    ),
    invasiveness: 2,
  });
}

function setupLogsStep(): Step {
  return ownStep({
    id: 'collect-setup-logs',
    title: t('Collect the setup logs of the feature update', '收集功能更新的安装日志'),
    why: t(
      'A feature update (0xC19… codes) fails inside Windows setup; its own logs name the phase and the cause, the event log only the code.',
      '功能更新（0xC19… 错误码）失败发生在 Windows 安装程序内部；其自身日志会给出失败的阶段和原因，事件日志中只有错误码。',
    ),
    how: t(
      'Copy the Panther logs of the last attempt; they stay in the hidden $WINDOWS.~BT folder until Disk Cleanup removes it. SetupDiag (a Microsoft tool) summarises them.',
      '复制最后一次尝试的 Panther 日志；这些日志保存在隐藏的 $WINDOWS.~BT 文件夹中，直到被磁盘清理删除。也可以使用微软的 SetupDiag 工具对其汇总。',
    ),
    commands: [
      { shell: 'cmd', line: 'md C:\\update-logs\\Panther' },
      { shell: 'cmd', line: 'xcopy /s /i /h C:\\$WINDOWS.~BT\\Sources\\Panther C:\\update-logs\\Panther' },
      { shell: 'cmd', line: 'xcopy /s /i /h C:\\Windows\\Panther C:\\update-logs\\Panther\\Windows' },
    ],
    verify: t(
      'C:\\update-logs\\Panther holds setupact.log and setuperr.log of the failed attempt.',
      'C:\\update-logs\\Panther 中包含失败那次的 setupact.log 和 setuperr.log。',
    ),
    invasiveness: 1,
  });
}

/** The plan for one update failure known by its code (and KB, title, inner code). */
export function updateFailurePlan(
  c: Ctx,
  o: {
    code: string | null;
    inner?: string | null;
    kb: string | null;
    title: string | null;
    download?: boolean;
  },
): Draft {
  const kind = updateFailureKind(o);
  const what = o.kb ?? o.title ?? null;
  const code = o.code ?? '';
  const legacy = c.legacyOs;
  switch (kind) {
    case 'download':
      return {
        title: t('Reset the update cache and download again', '重置更新缓存后重新下载'),
        steps: [
          clearWuCacheStep({
            catroot: true,
            legacy,
            why: joinText([
              t(
                `The download of ${what ?? 'the update'} failed (${code}): the files Windows Update kept are incomplete or its data store is inconsistent, and every retry reuses them. Resetting the cache (services stopped, SoftwareDistribution and catroot2 renamed) makes it fetch everything again.`,
                `${what ?? '该更新'} 下载失败（${code}）：Windows 更新保存的文件不完整或其数据存储不一致，每次重试都会沿用这些内容。重置缓存（停止服务，重命名 SoftwareDistribution 和 catroot2）后，会重新获取全部内容。`,
              ),
              NO_STORE_REPAIR,
            ]),
          }),
          ...(o.kb
            ? [
                installKb(c, {
                  kb: o.kb,
                  id: 'install-kb-offline',
                  title: t(
                    `If the download fails again, install ${o.kb} offline`,
                    `如再次下载失败，离线安装 ${o.kb}`,
                  ),
                  why: t(
                    'The standalone package from the Update Catalog does not depend on the Windows Update download.',
                    'Microsoft Update Catalog 中的独立安装包不依赖 Windows 更新的下载过程。',
                  ),
                  note: null,
                }),
              ]
            : []),
        ],
        collect: t(
          'the Windows Update log (Get-WindowsUpdateLog) of the new attempt',
          '新一次尝试的 Windows 更新日志（Get-WindowsUpdateLog）',
        ),
        confidence: 'medium',
      };
    case 'connectivity':
      return {
        title: t('Restore the connection to the update service', '恢复与更新服务的连接'),
        steps: [
          connectivityStep(
            joinText([
              t(
                `${code} is a network-level error: Windows Update did not get an answer from its service (timeout, proxy, name resolution or a blocked connection).`,
                `${code} 属于网络层错误：Windows 更新没有得到更新服务的响应（超时、代理、域名解析或连接被拦截）。`,
              ),
              NO_STORE_REPAIR,
            ]),
          ),
        ],
        collect: t(
          'the Windows Update log (Get-WindowsUpdateLog) and the output of the check commands',
          'Windows 更新日志（Get-WindowsUpdateLog）以及检查命令的输出',
        ),
        confidence: 'medium',
      };
    case 'policy':
      return {
        title: t('Check what the policy allows', '确认策略允许的更新方式'),
        steps: [
          policyStep(
            joinText([
              t(
                `${code} means Windows Update is disabled or restricted on this machine, not that an install broke.`,
                `${code} 表示本机的 Windows 更新被禁用或受限，而不是安装过程出错。`,
              ),
              NO_STORE_REPAIR,
            ]),
          ),
        ],
        confidence: 'medium',
      };
    case 'winre':
      return {
        title: t('Make room for the WinRE update', '为 WinRE 更新腾出恢复分区空间'),
        steps: winreSteps(o.kb ?? what ?? 'KB5034441'),
        collect: t(
          'the output of reagentc /info and of the partition list',
          'reagentc /info 和分区列表的输出',
        ),
        confidence: 'medium',
      };
    case 'driver':
      return {
        title: t('Install the driver from its vendor', '从厂商安装驱动'),
        steps: [driverStep(o.title)],
        confidence: 'medium',
      };
    case 'featureUpgrade':
      return {
        title: t('Read the feature update setup logs', '查看功能更新的安装日志'),
        steps: [setupLogsStep()],
        collect: t('the Panther folder copied in the step', '步骤中复制的 Panther 文件夹'),
        confidence: 'low',
      };
    case 'servicingStack': {
      const install = installTarget(
        c,
        t(
          `${code}: the update needs a newer servicing stack than the machine has; install the servicing stack update first.`,
          `${code}：该更新需要比本机更新的服务堆栈；请先安装服务堆栈更新。`,
        ),
        o.kb,
      );
      return {
        title: t('Servicing stack first, then the update', '先安装服务堆栈更新，再安装该更新'),
        steps: [
          install ??
            collectLogsStep({
              why: t('The KB is not known: the CBS log names it.', '未知 KB：CBS 日志中会给出。'),
            }),
        ],
      };
    }
    case 'reboot':
      return {
        title: t('Finish the pending restart', '完成挂起的重启'),
        steps: [
          rebootStep({
            twice: true,
            why: t(
              `${code}: servicing work from an earlier install is still waiting for a restart.`,
              `${code}：之前安装的服务操作仍在等待重启。`,
            ),
          }),
        ],
      };
    case 'store':
    case 'installer':
    case 'other': {
      const steps: Step[] = [
        collectLogsStep({
          why: t(
            `This log tells only that ${what ?? 'the update'} failed with ${code}; the component, file or installer that failed is named in CBS.log of the same minutes. Collect it before repairing anything.`,
            `此日志只说明 ${what ?? '该更新'} 以 ${code} 失败；具体失败的组件、文件或安装程序记录在同一时间段的 CBS.log 中。修复之前请先收集该日志。`,
          ),
        }),
      ];
      if (kind === 'store') {
        if (code === '0x80070570' || o.inner === '0x80070570')
          steps.push(
            hardwareChecksStep({
              memory: false,
              drive: 'C:',
              why: t(
                '0x80070570 (ERROR_FILE_CORRUPT) can come from the disk as well as from the store: check the disk read-only first.',
                '0x80070570（ERROR_FILE_CORRUPT）既可能来自组件存储，也可能来自磁盘：请先只读检查磁盘。',
              ),
            }),
          );
        steps.push(
          restoreHealth(
            c,
            t(
              `${code} is a component-store error: the supported repair of the store comes first, before the update is retried.`,
              `${code} 属于组件存储错误：在重试更新之前，应先用受支持的方法修复组件存储。`,
            ),
          ),
        );
      } else if (kind === 'installer') {
        steps.push(
          installerChecksStep({
            installer: null,
            binary: null,
            why: t(
              `${code}: an installer inside the update failed (free space on the small partitions, a disabled service or a blocking policy are the usual causes).`,
              `${code}：更新中的安装程序失败（常见原因是小分区空间不足、服务被禁用或被策略拦截）。`,
            ),
          }),
        );
      } else {
        steps.push(
          clearWuCacheStep({
            legacy,
            why: t(
              'Clearing the download cache is harmless and removes a damaged download as a cause.',
              '清除下载缓存没有风险，可以排除下载内容损坏的可能。',
            ),
          }),
        );
      }
      return {
        title: t('Find the failing part in CBS.log, then repair it', '在 CBS.log 中找到失败位置，再进行修复'),
        steps,
        collect: null,
        confidence: 'low',
      };
    }
  }
}
