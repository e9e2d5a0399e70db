// The remediation steps the plans share, written once: each is a small function that takes the facts of a
// finding and returns one PlanStep in both languages, with exact commands, how to check it worked, and its
// invasiveness, and the generated scripts that carry it out. The plan files of plans/ compose them per rule.
// Where a Windows fact is not established, the text says so.

import { psQuote } from './template.js';
import type { I18nText, PlanStep } from '../model/types.js';
import { SCRIPT_NAMES, type ScriptName } from './script-names.js';

type Command = PlanStep['commands'][number];

const cmd = (line: string): Command => ({ shell: 'cmd', line });
const ps = (line: string): Command => ({ shell: 'powershell', line });

/** A text in both languages. */
export function t(en: string, zh: string): I18nText {
  return { en, zh };
}

/** Joins texts in both languages with a separator. */
export function joinText(parts: (I18nText | null | undefined)[], sep = ' '): I18nText {
  const list = parts.filter((p): p is I18nText => !!p && (p.en !== '' || p.zh !== ''));
  if (sep !== ' ') return { en: list.map((p) => p.en).join(sep), zh: list.map((p) => p.zh).join(sep) };
  // English parts are joined with a space unless the next one starts with punctuation; Chinese needs none.
  const en = list.reduce(
    (acc, p) => (acc === '' || /\s$/.test(acc) || /^[\s.,;:)]/.test(p.en) ? acc + p.en : `${acc} ${p.en}`),
    '',
  );
  return { en, zh: list.map((p) => p.zh).join('') };
}

export interface StepInit {
  id: string;
  title: I18nText;
  why: I18nText;
  how: I18nText;
  commands: Command[];
  verify: I18nText;
  invasiveness: PlanStep['invasiveness'];
  lastResort?: boolean;
  /** The generated scripts that carry the step out (a script is only linked when it has work to do). */
  scripts?: readonly ScriptName[];
  installs?: readonly string[];
}

/**
 * A step as the plans build it: a PlanStep whose `scripts` are the scripts that carry it out, and the
 * KBs it installs (an update-gap plan is left out when another plan of the operation installs its KB).
 */
export interface Step extends Omit<PlanStep, 'scripts'> {
  scripts: readonly ScriptName[];
  installs: readonly string[];
}

function step(s: StepInit): Step {
  return { ...s, lastResort: s.lastResort ?? false, scripts: s.scripts ?? [], installs: s.installs ?? [] };
}

/** A step only one plan takes (an operator's command to correct, an app to deprovision): written in its plan file. */
export function ownStep(s: StepInit): Step {
  return step(s);
}

/** The scripts that replace store items from a source pack, with the check of those items first. */
const STORE_SCRIPTS = [
  SCRIPT_NAMES.testStoreFiles,
  SCRIPT_NAMES.newSourcePack,
  SCRIPT_NAMES.repairFromSourcePack,
];

/** Administrators, by SID: the group name is localised on some Windows languages. */
const ADMINS = '*S-1-5-32-544';
const TRUSTED_INSTALLER = 'NT SERVICE\\TrustedInstaller';
const TRUSTED_INSTALLER_SID = '*S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464';
const BACKUP = 'C:\\servicing-backup';
const UPDATES = 'C:\\updates';
const CBS = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing';
/** The registry key a stale driver operation lives under (MS Learn: error 0x80070490). */
export const DRIVER_OPERATIONS_KEY = `${CBS}\\DriverOperations`;

const CATALOG = 'https://www.catalog.update.microsoft.com/Search.aspx?q=';

/** The logs to collect again, named once for every plan. */
export const LOGS_TO_COLLECT = t(
  'C:\\Windows\\Logs\\CBS\\CBS.log with the CbsPersist_*.log/.cab files beside it, C:\\Windows\\Logs\\DISM\\dism.log, the Setup event log (wevtutil epl Setup Setup.evtx) and the local time of the retry',
  'C:\\Windows\\Logs\\CBS\\CBS.log 及同目录下的 CbsPersist_*.log/.cab、C:\\Windows\\Logs\\DISM\\dism.log、Setup 事件日志（wevtutil epl Setup Setup.evtx），并注明重试的时间',
);

/** Where a healthy copy of an exact-version item can come from. */
export interface HealthySource {
  /** Build the healthy machine must be at or above (`17763.1697`), when known. */
  build: string | null;
  /** The update that brought that version (`ships`), or only the KB of the package that owns the item. */
  kb: string | null;
  /** True when `kb` is the cumulative update that shipped the version. */
  ships: boolean;
  /** Confidence of the knowledge-table row, shown when it is not high. */
  confidence?: string;
}

/** "a healthy machine at 17763.1697 or later (KB4598230 or a later cumulative update installed)". */
export function healthySourceText(s: HealthySource): I18nText {
  const unsure =
    s.confidence && s.confidence !== 'high'
      ? t(
          ` (the build of ${s.kb ?? 'this update'} is ${s.confidence}-confidence knowledge: check it in the KB article)`,
          `（${s.kb ?? '该更新'}对应版本号在补丁知识库中的可信度为 ${s.confidence}，请以 KB 文章为准）`,
        )
      : null;
  if (s.build && s.kb && s.ships)
    return joinText([
      t(
        `a healthy machine of the same edition at build ${s.build} or later (${s.kb} or a later cumulative update installed)`,
        `版本（edition）相同、内部版本为 ${s.build} 或更高（已安装 ${s.kb} 或更新的累积更新）的正常电脑`,
      ),
      unsure,
    ]);
  if (s.build)
    return t(
      `a healthy machine of the same edition at build ${s.build} or later`,
      `版本（edition）相同、内部版本为 ${s.build} 或更高的正常电脑`,
    );
  if (s.kb)
    return t(
      `a healthy machine of the same build and edition on which ${s.kb} is installed`,
      `内部版本与版本（edition）相同、并已安装 ${s.kb} 的正常电脑`,
    );
  return t(
    'a healthy machine of the same build and edition (compare winver on both)',
    '内部版本与版本（edition）都相同的正常电脑（两台电脑分别运行 winver 对比）',
  );
}

// ---------------------------------------------------------------------------------------------------------
// Harmless steps (1)

/** Restart, once or twice, so pending servicing work completes. */
export function rebootStep(o: { why: I18nText; twice?: boolean }): Step {
  return step({
    id: 'reboot',
    title: o.twice ? t('Restart twice', '重启两次') : t('Restart', '重启计算机'),
    why: o.why,
    how: o.twice
      ? t(
          'Restart the machine, let it finish "Working on updates" without switching it off, sign in, then restart once more: some pending operations need a second boot.',
          '重启计算机，出现“正在处理更新”时不要强制关机，等待完成并登录后再重启一次：部分挂起操作需要第二次启动才能完成。',
        )
      : t(
          'Restart the machine and let it finish "Working on updates" without switching it off.',
          '重启计算机，出现“正在处理更新”时不要强制关机，等待其完成。',
        ),
    commands: [cmd('shutdown /r /t 0')],
    verify: t(
      'After the restart, the next step (or the retry) no longer reports a pending reboot.',
      '重启后，下一步检查（或重新安装）不再提示需要重启。',
    ),
    invasiveness: 1,
  });
}

/** Reads whether servicing work is still pending: pending.xml and the CBS reboot keys. */
export function checkPendingStep(o: { why: I18nText }): Step {
  return step({
    id: 'check-pending',
    title: t('Check for pending servicing work', '检查是否仍有挂起的服务操作'),
    why: o.why,
    how: t(
      'In an administrator command prompt, check that pending.xml and the RebootPending / PackagesPending keys are gone. Do not delete pending.xml or these keys by hand: they record work Windows has not done yet, and removing them can leave packages half-installed.',
      '以管理员身份打开命令提示符，检查 pending.xml 以及 RebootPending / PackagesPending 注册表项是否已消失。请不要手动删除 pending.xml 或这些注册表项：它们记录的是尚未完成的操作，手动删除可能导致补丁处于半安装状态。',
    ),
    commands: [
      cmd('dir C:\\Windows\\WinSxS\\pending.xml'),
      cmd(`reg query "${CBS}\\RebootPending"`),
      cmd(`reg query "${CBS}\\PackagesPending"`),
      cmd(
        'reg query "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager" /v PendingFileRenameOperations',
      ),
    ],
    verify: t(
      'dir answers "File Not Found" and reg query answers that the key does not exist (PendingFileRenameOperations may list unrelated files from other software). If pending.xml survives two restarts, stop here and collect the logs.',
      'dir 提示“找不到文件”，reg query 提示“系统找不到指定的注册表项或值”（PendingFileRenameOperations 中可能有其他软件的无关条目）。如重启两次后 pending.xml 仍然存在，请在此停止并收集日志。',
    ),
    invasiveness: 1,
  });
}

/**
 * Renames SoftwareDistribution\Download and \DataStore with the update services stopped, then restarts them;
 * with `catroot` also System32\catroot2 (the full cache reset for download and signature failures). `legacy`:
 * Windows 7 / Server 2008 R2 have no Update Orchestrator service.
 */
export function clearWuCacheStep(o: { why: I18nText; catroot?: boolean; legacy?: boolean }): Step {
  const sd = 'C:\\Windows\\SoftwareDistribution';
  const cr = 'C:\\Windows\\System32\\catroot2';
  const uso = o.legacy ? [] : ['usosvc'];
  const stop = [...uso, 'wuauserv', 'bits', 'cryptsvc'];
  return step({
    id: 'clear-wu-cache',
    scripts: [SCRIPT_NAMES.resetCache, SCRIPT_NAMES.resetCacheCmd],
    title: o.catroot
      ? t(
          'Reset the Windows Update cache (SoftwareDistribution\\Download, DataStore and catroot2)',
          '重置 Windows 更新缓存（SoftwareDistribution\\Download、DataStore 和 catroot2）',
        )
      : t(
          'Clear the Windows Update cache (SoftwareDistribution\\Download and DataStore)',
          '清除 Windows 更新缓存（SoftwareDistribution\\Download 和 DataStore）',
        ),
    why: o.why,
    how: joinText([
      t(
        `In an administrator command prompt, stop the ${o.legacy ? '' : 'Update Orchestrator, '}Windows Update, BITS and Cryptographic services, rename the ${o.catroot ? 'cache folders (Download and DataStore, and catroot2, where the signature catalogs of downloads are kept)' : 'two cache folders'} (renaming keeps them as a backup until the update works; delete the .old folders afterwards), start the services again, then search for updates or download the package again. If a rename fails with "access denied", a service has started again: repeat the net stop lines.`,
        `以管理员身份打开命令提示符，先停止${o.legacy ? '' : '更新 Orchestrator 服务、'}Windows Update、BITS 和加密服务，再重命名${o.catroot ? '缓存文件夹（Download、DataStore，以及保存下载内容签名目录的 catroot2）' : '这两个缓存文件夹'}（重命名相当于备份，确认更新成功后再删除 .old 文件夹），然后重新启动服务，重新检查更新或重新下载补丁包。如重命名提示“拒绝访问”，说明有服务又被启动了，请重新执行 net stop 命令。`,
      ),
    ]),
    commands: [
      ...stop.map((n) => cmd(`net stop ${n}`)),
      cmd(`if exist ${sd}\\Download.old rd /s /q ${sd}\\Download.old`),
      cmd(`if exist ${sd}\\DataStore.old rd /s /q ${sd}\\DataStore.old`),
      ...(o.catroot ? [cmd(`if exist ${cr}.old rd /s /q ${cr}.old`)] : []),
      cmd(`ren ${sd}\\Download Download.old`),
      cmd(`ren ${sd}\\DataStore DataStore.old`),
      ...(o.catroot ? [cmd(`ren ${cr} catroot2.old`)] : []),
      ...[...stop].reverse().map((n) => cmd(`net start ${n}`)),
    ],
    verify: t(
      `${sd} holds new, small Download and DataStore folders after the next search${o.catroot ? ' and catroot2 is created again' : ''}; the update downloads again from the start. The update history in Settings is empty now (it lived in DataStore): that is expected.`,
      `下一次检查更新后，${sd} 下会重新生成新的 Download 和 DataStore 文件夹${o.catroot ? '，catroot2 也会重新生成' : ''}，补丁会从头重新下载。“更新历史记录”此时显示为空（记录保存在 DataStore 中），属于正常现象。`,
    ),
    invasiveness: 1,
  });
}

/** A WSUS-managed machine: can it reach its server, and is the update there for it? */
export function wsusChecksStep(o: { why: I18nText; server: string }): Step {
  // The server comes from a registry export: untrusted text. Only a plain host name or address becomes a
  // command; anything else is shown in words only.
  let host: string | null;
  let port = '80';
  try {
    const u = new URL(o.server);
    host = u.hostname;
    port = u.port || (u.protocol === 'https:' ? '443' : '80');
  } catch {
    host = o.server;
  }
  if (
    !/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]+\])$/.test(host) ||
    !/^\d{1,5}$/.test(port)
  )
    host = null;
  const policy = 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate';
  return step({
    id: 'check-wsus',
    title: t(`Check the WSUS server ${o.server}`, `检查 WSUS 服务器 ${o.server}`),
    why: o.why,
    how: t(
      `On the machine, confirm the policy and that the server answers on its port${host ? '' : ' (the server name as written is not a plain host name: check it by hand)'}; on the WSUS server, confirm the machine reports to it, the update is approved for its computer group and its files are downloaded (Updates view: "needed", approved, file status). Then search for updates again.`,
      `在本机确认策略设置，并确认服务器端口可以连通${host ? '' : '（策略中的服务器名称不是普通主机名，请人工核对）'}；在 WSUS 服务器上确认本机有上报、该更新已对其所在计算机组审批、且更新文件已下载完成（“更新”视图：需要、已审批、文件状态）。然后重新检查更新。`,
    ),
    commands: [
      cmd(`reg query "${policy}" /s`),
      ...(host ? [ps(`Test-NetConnection -ComputerName ${psQuote(host)} -Port ${port}`)] : []),
    ],
    verify: t(
      'Test-NetConnection shows TcpTestSucceeded : True; the WSUS console lists the machine with a recent report; the next search finds the update and the download completes.',
      'Test-NetConnection 显示 TcpTestSucceeded : True；WSUS 控制台中本机有最近的上报记录；重新检查更新可以找到该更新且下载完成。',
    ),
    invasiveness: 1,
  });
}

/** Memory diagnostic, read-only disk scan and SMART: before any repair when corruption keeps moving. */
export function hardwareChecksStep(o: { why: I18nText; memory: boolean; drive: string }): Step {
  const commands = [
    ps('Get-PhysicalDisk | Format-Table FriendlyName,MediaType,HealthStatus,OperationalStatus'),
    ps(
      'Get-PhysicalDisk | Get-StorageReliabilityCounter | Format-Table DeviceId,ReadErrorsUncorrected,WriteErrorsUncorrected,Wear,Temperature',
    ),
    ps(`chkdsk ${o.drive} /scan`),
  ];
  if (o.memory) commands.push(ps('mdsched.exe'));
  return step({
    id: o.memory ? 'hardware-checks' : 'disk-check',
    title: o.memory
      ? t('Check memory and disk before repairing anything', '修复之前先检查内存和磁盘')
      : t('Check the disk (read-only)', '检查磁盘（只读）'),
    why: o.why,
    how: joinText([
      t(
        `In an administrator PowerShell, read the disk health (SMART status and uncorrected error counters) and run chkdsk ${o.drive} /scan, which checks the file system online without changing it.`,
        `以管理员身份打开 PowerShell，查看磁盘健康状态（SMART 状态与不可纠正错误计数），并运行 chkdsk ${o.drive} /scan（联机只读扫描，不会修改磁盘）。`,
      ),
      o.memory
        ? t(
            'Then run the Windows Memory Diagnostic (mdsched.exe → "Restart now and check for problems"); it tests the memory during the restart.',
            '然后运行 Windows 内存诊断（mdsched.exe → “立即重新启动并检查问题”），重启过程中会检测内存。',
          )
        : null,
      t(
        'Some disks, RAID controllers and virtual disks report no SMART data through Windows; then use the vendor tool.',
        '部分磁盘、RAID 卡或虚拟磁盘无法通过 Windows 读取 SMART 信息，此时请使用厂商工具检测。',
      ),
    ]),
    commands,
    verify: joinText([
      t(
        'HealthStatus is Healthy, the uncorrected error counters are 0, and chkdsk reports no problems.',
        'HealthStatus 为 Healthy，不可纠正错误计数为 0，chkdsk 报告未发现问题。',
      ),
      o.memory
        ? t(
            "After the memory test, the System log shows its result: Get-WinEvent -FilterHashtable @{LogName='System'; ProviderName='Microsoft-Windows-MemoryDiagnostics-Results'} -MaxEvents 1 | Format-List Message. Any hardware error: fix the hardware first; repairs on faulty memory or disk do not hold.",
            "内存检测完成后，在系统日志中查看结果：Get-WinEvent -FilterHashtable @{LogName='System'; ProviderName='Microsoft-Windows-MemoryDiagnostics-Results'} -MaxEvents 1 | Format-List Message。如发现任何硬件错误，请先处理硬件问题：在有故障的内存或磁盘上做的修复无法持久。",
          )
        : t(
            'Any SMART warning or uncorrected error: back up the data now and plan to replace the disk.',
            '如出现 SMART 警告或不可纠正错误，请立即备份数据并计划更换磁盘。',
          ),
    ]),
    invasiveness: 1,
  });
}

/** DISM CheckHealth and ScanHealth: read-only, writes the health report into CBS.log. */
export function scanHealthStep(o: { why: I18nText }): Step {
  return step({
    id: 'scan-health',
    title: t(
      'Check the component store (DISM CheckHealth, ScanHealth)',
      '检查组件存储（DISM CheckHealth、ScanHealth）',
    ),
    why: o.why,
    how: t(
      'In an administrator command prompt run both commands; they only read. ScanHealth takes several minutes and writes a "Checking System Update Readiness" report into CBS.log.',
      '以管理员身份打开命令提示符执行以下两条命令（只读，不做修改）。ScanHealth 需要几分钟，并会在 CBS.log 中写入“Checking System Update Readiness”报告。',
    ),
    commands: [
      cmd('DISM /Online /Cleanup-Image /CheckHealth'),
      cmd('DISM /Online /Cleanup-Image /ScanHealth'),
    ],
    verify: t(
      'DISM prints "No component store corruption detected." (未检测到组件存储损坏。) or "The component store is repairable." (组件存储可以修复。); the report in CBS.log lists what is corrupt — send the new CBS.log for analysis.',
      'DISM 输出“未检测到组件存储损坏。”或“组件存储可以修复。”；CBS.log 中的报告会列出具体损坏项——请将新的 CBS.log 发回分析。',
    ),
    invasiveness: 1,
  });
}

/** Reads the decisive CBS lines again on the machine (the failure's own code and the CSI failure records). */
export function readCbsLinesStep(o: { why: I18nText; patterns: string[]; lines: string[] }): Step {
  const pats = o.patterns.map((p) => `'${p.replace(/'/g, "''")}'`).join(',');
  const shown = o.lines.slice(0, 4).join('\n');
  return step({
    id: 'read-cbs-lines',
    title: t('Read the decisive CBS.log lines', '阅读 CBS.log 中的关键日志行'),
    why: o.why,
    how: joinText(
      [
        t(
          'Copy CBS.log first (TrustedInstaller keeps it open), then list the failure lines with their neighbours and read them from the first (F) or Error line on; the last lines only repeat the code.',
          '先复制一份 CBS.log（TrustedInstaller 会一直占用该文件），再列出失败行及其前后几行，从第一条 (F) 或 Error 行开始阅读；最后几行只是重复错误码。',
        ),
        shown ? t(`The decisive lines in these logs:\n${shown}`, `本次日志中的关键行：\n${shown}`) : null,
      ],
      '\n',
    ),
    commands: [
      ps('Copy-Item C:\\Windows\\Logs\\CBS\\CBS.log $env:TEMP\\CBS-copy.log'),
      ps(
        `Select-String -Path $env:TEMP\\CBS-copy.log -SimpleMatch -Pattern ${pats} -Context 3,3 | Select-Object -First 30`,
      ),
    ],
    verify: t(
      'You can name the first failing line, the component or file it names, and its code.',
      '能够指出第一条失败日志行、其中提到的组件或文件及错误码。',
    ),
    invasiveness: 1,
  });
}

/** Collects the logs patchdx and a support engineer need. */
export function collectLogsStep(o: { why: I18nText }): Step {
  const dir = 'C:\\update-logs';
  return step({
    id: 'collect-logs',
    title: t('Collect the servicing logs', '收集服务日志'),
    why: o.why,
    how: t(
      `In an administrator command prompt copy the CBS and DISM logs, export the Setup and System event logs and write systeminfo and the Windows Update log into ${dir}; compress the folder and send it. A "file not found" for *.cab only means there are no archives.`,
      `以管理员身份打开命令提示符，将 CBS 与 DISM 日志复制到 ${dir}，导出 Setup 和 System 事件日志，并生成 systeminfo 与 Windows Update 日志；将该文件夹压缩后发送。如 *.cab 提示“找不到文件”，只是表示没有归档日志。`,
    ),
    commands: [
      cmd(`md ${dir}`),
      cmd(`copy C:\\Windows\\Logs\\CBS\\*.log ${dir}\\`),
      cmd(`copy C:\\Windows\\Logs\\CBS\\*.cab ${dir}\\`),
      cmd(`copy C:\\Windows\\Logs\\DISM\\dism.log ${dir}\\`),
      cmd(`wevtutil epl Setup ${dir}\\Setup.evtx`),
      cmd(`wevtutil epl System ${dir}\\System.evtx`),
      cmd(`systeminfo > ${dir}\\systeminfo.txt`),
      cmd(`powershell -NoProfile -Command "Get-WindowsUpdateLog -LogPath ${dir}\\WindowsUpdate.log"`),
    ],
    verify: t(
      `${dir} holds CBS.log, dism.log, Setup.evtx, System.evtx, systeminfo.txt and WindowsUpdate.log.`,
      `${dir} 中包含 CBS.log、dism.log、Setup.evtx、System.evtx、systeminfo.txt 和 WindowsUpdate.log。`,
    ),
    invasiveness: 1,
  });
}

/** Free space on the small partitions, service state, AppLocker/WDAC: what makes advanced installers fail. */
export function installerChecksStep(o: {
  why: I18nText;
  installer: string | null;
  binary: string | null;
}): Step {
  const who = o.installer
    ? t(
        `the "${o.installer}" installer${o.binary ? ` (${o.binary})` : ''}`,
        `“${o.installer}”安装程序${o.binary ? `（${o.binary}）` : ''}`,
      )
    : t('the advanced installer', '高级安装程序');
  return step({
    id: 'installer-checks',
    title: joinText([t('Check what', '检查导致'), who, t('needs', '失败的环境条件')]),
    why: o.why,
    how: joinText([
      t(
        'In an administrator PowerShell: (1) list the volumes, including the System Reserved / EFI partition without a drive letter: installers that write boot files fail when it is nearly full (free at least a few tens of MB, e.g. old language folders of third-party boot tools; resizing a partition is outside this step); (2) check that TrustedInstaller (Windows Modules Installer), Windows Update and Windows Installer are not disabled; (3) look for AppLocker or Windows Defender Application Control (WDAC) policies and code-integrity blocks, and for security software that blocks',
        '以管理员身份打开 PowerShell：(1) 列出所有卷，包括没有盘符的“系统保留”/EFI 分区：写入启动文件的安装程序在该分区空间几乎用尽时会失败（至少保留几十 MB 可用空间，例如清理第三方启动工具留下的旧语言文件夹；调整分区大小不在本步骤范围内）；(2) 确认 TrustedInstaller（Windows Modules Installer）、Windows Update 和 Windows Installer 服务未被禁用；(3) 检查是否有 AppLocker 或 Windows Defender 应用程序控制（WDAC）策略、代码完整性拦截，以及拦截',
      ),
      who,
      t(
        '. Which of these applies depends on the installer; the CBS lines just before the rollback name it.',
        '的安全软件。具体是哪一项取决于该安装程序，回滚前的 CBS 日志会给出线索。',
      ),
    ]),
    commands: [
      ps('Get-Volume | Format-Table DriveLetter,FileSystemLabel,FileSystem,Size,SizeRemaining'),
      ps('Get-Service TrustedInstaller,wuauserv,msiserver | Format-Table Name,Status,StartType'),
      ps('Get-AppLockerPolicy -Effective -Xml'),
      ps(
        "Get-WinEvent -LogName 'Microsoft-Windows-CodeIntegrity/Operational' -MaxEvents 20 | Format-List TimeCreated,Id,Message",
      ),
    ],
    verify: t(
      'The System Reserved / EFI volume has free space, none of the three services is Disabled, and no AppLocker rule or code-integrity event blocks the installer at the time of the failure.',
      '“系统保留”/EFI 卷有可用空间，三个服务均未被设为“禁用”，且在失败时间点没有 AppLocker 规则或代码完整性事件拦截该安装程序。',
    ),
    invasiveness: 1,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Supported repairs (2)

/** DISM RestoreHealth from Windows Update (or the configured source), then SFC. */
export function restoreHealthStep(o: { why: I18nText; retry: I18nText }): Step {
  return step({
    id: 'restore-health',
    title: t(
      'Repair the component store (DISM RestoreHealth), then SFC',
      '修复组件存储（DISM RestoreHealth），再运行 SFC',
    ),
    why: o.why,
    how: joinText([
      t(
        'In an administrator command prompt run the three commands in order. RestoreHealth downloads good copies from Windows Update (or from the source set by Group Policy) and takes 10-30 minutes; sfc /scannow then repairs the system files from the repaired store. Restart, then',
        '以管理员身份打开命令提示符，依次执行以下三条命令。RestoreHealth 会从 Windows 更新（或组策略指定的源）下载正常副本，通常需要 10-30 分钟；随后 sfc /scannow 会用修复后的组件存储修复系统文件。完成后重启，然后',
      ),
      o.retry,
      t(
        '. If RestoreHealth fails with 0x800f081f / 0x800f0906 / 0x800f0954 (source not found or not downloadable), go to the next step.',
        '。如 RestoreHealth 报 0x800f081f / 0x800f0906 / 0x800f0954（找不到源文件或无法下载），请进行下一步。',
      ),
    ]),
    commands: [
      cmd('DISM /Online /Cleanup-Image /ScanHealth'),
      cmd('DISM /Online /Cleanup-Image /RestoreHealth'),
      cmd('sfc /scannow'),
    ],
    verify: t(
      'DISM ends with "The restore operation completed successfully." (还原操作已成功完成。); a second ScanHealth reports "No component store corruption detected."; in CBS.log the last "Checking System Update Readiness" summary shows Total Repaired Corruption equal to Total Detected Corruption; SFC reports no violations or "successfully repaired them" with no "Cannot repair member file" line in CBS.log; the retried update installs.',
      'DISM 最后显示“还原操作已成功完成。”；再次运行 ScanHealth 显示“未检测到组件存储损坏。”；CBS.log 中最后一份“Checking System Update Readiness”摘要里 Total Repaired Corruption 等于 Total Detected Corruption；SFC 显示“未找到任何完整性冲突”或“已成功修复”，且 CBS.log 中没有“Cannot repair member file”行；重新安装补丁成功。',
    ),
    invasiveness: 2,
  });
}

/** DISM RestoreHealth from install media of the same build (WIM/ESD index), without Windows Update. */
export function restoreHealthFromSourceStep(o: {
  why: I18nText;
  osBuild: number | null;
  machineBuild: string | null;
  version: string | null;
  retry: I18nText;
}): Step {
  const build = o.osBuild ? String(o.osBuild) : null;
  const media = build
    ? t(`an ISO of Windows build ${build}`, `内部版本 ${build} 的 Windows ISO`)
    : t('an ISO of the same Windows build (winver)', '与本机内部版本相同（winver）的 Windows ISO');
  return step({
    id: 'restore-health-source',
    title: t(
      'Repair the store from install media (RestoreHealth /Source /LimitAccess)',
      '使用安装介质修复组件存储（RestoreHealth /Source /LimitAccess）',
    ),
    why: o.why,
    how: joinText([
      t('Mount', '装载'),
      media,
      t(
        "of the same edition, language and architecture (D: below: use your drive letter). dism /Get-WimInfo lists the editions in the image: replace the index 1 with the index of this machine's edition. If the media has sources\\install.esd instead of install.wim, write /Source:ESD:D:\\sources\\install.esd:<index>. /LimitAccess keeps DISM away from Windows Update and WSUS.",
        '，版本（edition）、语言和体系结构需与本机一致（下文以 D: 为例，请替换为实际盘符）。dism /Get-WimInfo 会列出映像中的各个版本：请将命令中的索引 1 替换为本机版本对应的索引。如介质中是 sources\\install.esd 而不是 install.wim，请写成 /Source:ESD:D:\\sources\\install.esd:<索引>。/LimitAccess 可避免 DISM 访问 Windows 更新和 WSUS。',
      ),
      o.version || o.machineBuild
        ? t(
            `Plain media only carries the release versions of the files; the versions this machine needs${o.version ? ` (here ${o.version})` : ''}${o.machineBuild ? ` at build ${o.machineBuild}` : ''} are in an image serviced with the same cumulative update (dism /Image:… /Add-Package), or on a healthy machine of that build: /Source:\\\\HEALTHY-PC\\C$\\Windows is widely used for that, although no Microsoft statement was found that a running machine's Windows folder is a supported source.`,
            `普通安装介质中只有初始发布版本的文件；本机需要的版本${o.version ? `（此处为 ${o.version}）` : ''}${o.machineBuild ? `（内部版本 ${o.machineBuild}）` : ''}只存在于集成了相同累积更新的映像（dism /Image:… /Add-Package）中，或相同版本的正常电脑上：实践中常用 /Source:\\\\HEALTHY-PC\\C$\\Windows，但未找到微软关于“以正在运行的电脑的 Windows 目录作为修复源”受支持的说明。`,
          )
        : null,
      t('Then', '完成后'),
      o.retry,
      t('.', '。'),
    ]),
    commands: [
      cmd('dism /Get-WimInfo /WimFile:D:\\sources\\install.wim'),
      cmd('DISM /Online /Cleanup-Image /RestoreHealth /Source:WIM:D:\\sources\\install.wim:1 /LimitAccess'),
      cmd('sfc /scannow'),
    ],
    verify: t(
      'DISM ends with "The restore operation completed successfully." and the CBS.log summary shows Total Repaired Corruption equal to Total Detected Corruption. "The source files could not be found" (0x800f081f) means the media does not hold the needed versions: use a serviced image or a healthy machine as source.',
      'DISM 最后显示“还原操作已成功完成。”，CBS.log 摘要中 Total Repaired Corruption 等于 Total Detected Corruption。如提示“找不到源文件”（0x800f081f），说明介质中没有所需版本：请改用集成了更新的映像或正常电脑作为源。',
    ),
    invasiveness: 2,
  });
}

/** Where the System Update Readiness Tool writes its report (Windows 7 / Server 2008 R2). */
const CHECKSUR = 'C:\\Windows\\Logs\\CBS\\CheckSUR.log';

/**
 * Windows 7 / Server 2008 R2: DISM there has no /ScanHealth or /RestoreHealth; the System Update Readiness
 * Tool (KB947821) checks and repairs the store and writes CheckSUR.log (docs/domain.md §2.3).
 */
export function readinessToolStep(o: { why: I18nText; retry: I18nText }): Step {
  return step({
    id: 'system-update-readiness',
    title: t(
      'Run the System Update Readiness Tool (KB947821) and read CheckSUR.log',
      '运行系统更新准备工具（KB947821），查看 CheckSUR.log',
    ),
    why: o.why,
    how: joinText([
      t(
        `Windows 7 and Server 2008 R2 have no DISM /RestoreHealth: the System Update Readiness Tool (KB947821) does that job there. Download the package of KB947821 for this system and architecture from the Microsoft Update Catalog (${CATALOG}KB947821), save it as ${UPDATES}\\KB947821.msu and install it in an administrator command prompt; it runs its check during the install (15 minutes or more, the progress bar may stand still). Then read ${CHECKSUR}: lines starting with (f) are problems found, (fix) problems it repaired, and the Summary counts both. Restart, then`,
        `Windows 7 和 Server 2008 R2 没有 DISM /RestoreHealth，需要使用系统更新准备工具（KB947821）代替。请从 Microsoft Update Catalog（${CATALOG}KB947821）下载与本机系统和体系结构对应的 KB947821 安装包，保存为 ${UPDATES}\\KB947821.msu，以管理员身份打开命令提示符安装；安装过程中会执行检查（需要 15 分钟或更长，进度条可能长时间不动）。完成后查看 ${CHECKSUR}：以 (f) 开头的行是发现的问题，以 (fix) 开头的行是已修复的问题，Summary 中有两者的数量。重启后`,
      ),
      o.retry,
      t('.', '。'),
    ]),
    commands: [
      cmd(`wusa ${UPDATES}\\KB947821.msu /quiet /norestart`),
      cmd(`findstr /b /c:"(f)" /c:"(fix)" /c:"Summary" /c:" Found" /c:" Fixed" ${CHECKSUR}`),
    ],
    verify: t(
      `In ${CHECKSUR} the Summary says " Found N errors" and " Fixed N errors" with the same N (or "No errors detected"), and no file is listed under "Unavailable repair files"; the retried update installs.`,
      `${CHECKSUR} 的 Summary 中“ Found N errors”与“ Fixed N errors”的数量相同（或显示“No errors detected”），且“Unavailable repair files”下没有列出文件；重新安装补丁成功。`,
    ),
    invasiveness: 2,
  });
}

/**
 * Windows 7 / Server 2008 R2: the files CheckSUR lists under "Unavailable repair files" put where it looks for
 * them (%windir%\Temp\CheckSUR), then the tool run again.
 */
export function readinessToolSourceStep(o: { why: I18nText; retry: I18nText }): Step {
  const dir = 'C:\\Windows\\Temp\\CheckSUR';
  return step({
    id: 'system-update-readiness-source',
    title: t(
      'Give the System Update Readiness Tool the files it could not repair',
      '为系统更新准备工具提供其无法修复的文件',
    ),
    why: o.why,
    how: joinText([
      t(
        `The files listed under "Unavailable repair files" in ${CHECKSUR} are the ones the tool had no good copy of. Take each one from the update package named in it (expand -F:* the .msu, then the cab inside) or from a healthy machine with the same updates installed, and put it under ${dir} in the same relative path (servicing\\packages\\… for .mum and .cat files, winsxs\\manifests\\… for manifests). Then run the tool again: the check runs while its package installs, so if wusa answers that KB947821 is already installed, remove it first (wusa /uninstall /kb:947821 /quiet /norestart) and install it again (that it re-runs this way is expert knowledge, not a cited Microsoft statement). Then`,
        `${CHECKSUR} 中“Unavailable repair files”下列出的文件是该工具找不到正常副本的文件。请从文件名中对应的更新包（expand -F:* 解压 .msu，再解压其中的 cab）或已安装相同更新的正常电脑上取得这些文件，按相同的相对路径放到 ${dir} 下（.mum 和 .cat 文件放在 servicing\\packages\\…，清单放在 winsxs\\manifests\\…）。然后再次运行该工具：检查是在安装该更新包时执行的，如 wusa 提示 KB947821 已安装，请先卸载（wusa /uninstall /kb:947821 /quiet /norestart）再重新安装（以这种方式重新运行属于经验做法，并非微软明确说明）。完成后`,
      ),
      o.retry,
      t('.', '。'),
    ]),
    commands: [
      cmd(`md ${dir}\\servicing\\packages`),
      cmd(`md ${dir}\\winsxs\\manifests`),
      cmd(`wusa ${UPDATES}\\KB947821.msu /quiet /norestart`),
      cmd(`findstr /c:"Unavailable repair files" /c:" Found" /c:" Fixed" ${CHECKSUR}`),
    ],
    verify: t(
      `The new ${CHECKSUR} lists no "Unavailable repair files" and the counts of found and fixed errors are equal.`,
      `新的 ${CHECKSUR} 中不再有“Unavailable repair files”，发现与修复的错误数量相同。`,
    ),
    invasiveness: 3,
  });
}

/** Schedules chkdsk /f at the next restart: NTFS damage is repaired by the file system, not by servicing. */
export function chkdskFixStep(o: {
  why: I18nText;
  drive: string;
  path: string | null;
  retry: I18nText;
}): Step {
  return step({
    id: 'chkdsk-fix',
    title: t(
      `Repair the file system on ${o.drive} (chkdsk /f at restart)`,
      `修复 ${o.drive} 的文件系统（重启时运行 chkdsk /f）`,
    ),
    why: o.why,
    how: joinText([
      t(
        `Back up important data first if the disk check showed any warning. In an administrator command prompt run chkdsk ${o.drive} /f; the system volume is in use, so answer Y to schedule the check at the next restart, then restart and let it finish without switching off. chkdsk may move unreadable file records to ${o.drive}\\found.000 or remove them.`,
        `如磁盘检查有任何警告，请先备份重要数据。以管理员身份打开命令提示符运行 chkdsk ${o.drive} /f；系统卷正在使用，请输入 Y 安排在下次重启时检查，然后重启，等待检查完成，期间不要关机。chkdsk 可能会把无法读取的文件记录移到 ${o.drive}\\found.000 或将其删除。`,
      ),
      o.path
        ? t(
            `After it, open ${o.path} to check it is readable, then`,
            `完成后打开 ${o.path} 确认可以正常访问，然后`,
          )
        : t('After it,', '完成后'),
      o.retry,
      t('.', '。'),
    ]),
    commands: [cmd(`chkdsk ${o.drive} /f`)],
    verify: joinText([
      t(
        "The chkdsk result is in the Application log: Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='Microsoft-Windows-Wininit'; Id=1001} -MaxEvents 1 | Format-List Message — it should say the file system was repaired or had no problems.",
        "chkdsk 的结果记录在应用程序日志中：Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='Microsoft-Windows-Wininit'; Id=1001} -MaxEvents 1 | Format-List Message，应显示文件系统已修复或未发现问题。",
      ),
      o.path
        ? t(
            `dir "${o.path}" lists its content without an error.`,
            `dir "${o.path}" 可以正常列出内容，不再报错。`,
          )
        : null,
    ]),
    invasiveness: 2,
  });
}

/** One update to download from the Update Catalog and add offline. */
export interface UpdateToInstall {
  kb: string;
  /** Build it brings the machine to, when known. */
  build: string | null;
  /** Knowledge-table confidence, shown when not high. */
  confidence?: string;
}

/**
 * `KB5005112` → `Windows10.0-KB5005112-x64.cab`, the cab inside the .msu: Windows 11 uses `Windows11.0-`;
 * older releases pass their own prefix (`Windows8.1`, `Windows6.1`).
 */
export function cabName(kb: string, arch: string, osBuild: number | null, prefix?: string | null): string {
  const os = prefix ?? (osBuild !== null && osBuild >= 22000 ? 'Windows11.0' : 'Windows10.0');
  return `${os}-${kb}-${arch}.cab`;
}

/** Downloads and adds packages offline in order: servicing stack first, then the updates. */
export function installUpdatesStep(o: {
  id: string;
  title: I18nText;
  why: I18nText;
  ssus: UpdateToInstall[];
  updates: UpdateToInstall[];
  arch: string;
  osBuild: number | null;
  /** Cab-name prefix of releases before Windows 10 (`Windows8.1`), when the identities show one. */
  cabPrefix?: string | null;
  note?: I18nText | null;
  retryTarget?: string | null;
  /** False when the update is older than the machine (a reinstall): winver does not change. */
  expectBuild?: boolean;
  /** True when Install-Updates.ps1 installs these updates (it does for the updates the diagnosis names). */
  byScript?: boolean;
}): Step {
  const all = [...o.ssus, ...o.updates];
  const scripts = o.byScript ? [SCRIPT_NAMES.installUpdates] : [];
  const commands: Command[] = [];
  for (const u of all) {
    const dir = `${UPDATES}\\${u.kb}`;
    commands.push(cmd(`md ${dir}`));
    commands.push(cmd(`expand -F:* ${UPDATES}\\${u.kb}.msu ${dir}`));
    commands.push(
      cmd(
        `dism /online /add-package /packagepath:${dir}\\${cabName(u.kb, o.arch, o.osBuild, o.cabPrefix)} /norestart`,
      ),
    );
  }
  const list = t(all.map((u) => u.kb).join(', '), all.map((u) => u.kb).join('、'));
  const low = all.filter((u) => u.confidence && u.confidence !== 'high');
  if (all.length === 0) {
    // Nothing the tables can name: the note says where the package comes from.
    return step({
      id: o.id,
      scripts,
      title: o.title,
      why: o.why,
      how: joinText([
        o.note ?? null,
        t(
          `Download it from the Microsoft Update Catalog (${CATALOG}), save it as ${UPDATES}\\<KB>.msu and add it with expand -F:* and dism /online /add-package /packagepath:<the cab inside> /norestart, or with wusa <file>.msu /quiet /norestart.`,
          `从 Microsoft Update Catalog（${CATALOG}）下载，保存为 ${UPDATES}\\<KB>.msu，然后用 expand -F:* 解压，并用 dism /online /add-package /packagepath:<解压出的 cab> /norestart 安装，或使用 wusa <文件>.msu /quiet /norestart。`,
        ),
      ]),
      commands: [],
      verify: t(
        'dism /online /get-packages /format:table lists the servicing stack package as Installed.',
        'dism /online /get-packages /format:table 中服务堆栈补丁包的状态为“已安装”。',
      ),
      invasiveness: 2,
    });
  }
  return step({
    id: o.id,
    scripts,
    installs: all.map((u) => u.kb),
    title: o.title,
    why: o.why,
    how: joinText([
      t(
        `Download ${list.en} from the Microsoft Update Catalog (${CATALOG}${all[0]?.kb ?? ''}, one search per KB; ${o.arch}) and save each .msu as ${UPDATES}\\<KB>.msu (e.g. ${UPDATES}\\${all[0]?.kb ?? ''}.msu). In an administrator command prompt expand each package and add its cab in this order${o.ssus.length > 0 ? ' — the servicing stack first' : ''}; restart after the last one. If dir ${UPDATES}\\<KB> shows another cab name than the command uses, use that name (and if it also holds an SSU-*.cab, as combined packages of newer releases do, add that cab first). wusa ${UPDATES}\\<KB>.msu /quiet /norestart installs the same package in one line but reports less detail.`,
        `从 Microsoft Update Catalog 下载 ${list.zh}（${CATALOG}${all[0]?.kb ?? ''}，每个 KB 单独搜索；${o.arch}），并将每个 .msu 保存为 ${UPDATES}\\<KB>.msu（例如 ${UPDATES}\\${all[0]?.kb ?? ''}.msu）。以管理员身份打开命令提示符，按以下顺序解压每个补丁包并添加其中的 cab${o.ssus.length > 0 ? '——先安装服务堆栈更新' : ''}；全部完成后再重启。如 dir ${UPDATES}\\<KB> 显示的 cab 文件名与命令中不同，请以实际文件名为准（如其中还有 SSU-*.cab——较新版本的合并包会这样——请先添加该 cab）。也可以用 wusa ${UPDATES}\\<KB>.msu /quiet /norestart 一步安装，但输出的信息较少。`,
      ),
      low.length > 0
        ? t(
            `${low.map((u) => u.kb).join(', ')}: the update table knows ${low.length > 1 ? 'these' : 'this'} with ${low[0]!.confidence} confidence only — check the KB article before relying on it.`,
            `${low.map((u) => u.kb).join('、')}：补丁知识库中该条目的可信度仅为 ${low[0]!.confidence}，请先核对 KB 文章。`,
          )
        : null,
      o.note ?? null,
    ]),
    commands,
    verify: joinText([
      t(
        `Each dism line ends with "The operation completed successfully." (操作成功完成。); dism /online /get-packages /format:table lists the packages as Installed after the restart`,
        `每条 dism 命令最后显示“操作成功完成。”；重启后 dism /online /get-packages /format:table 中这些补丁包的状态为“已安装”`,
      ),
      (() => {
        const last = o.updates[o.updates.length - 1];
        return last?.build && o.expectBuild !== false
          ? t(
              `, and winver shows OS build ${last.build}.`,
              `，winver 显示的操作系统内部版本为 ${last.build}。`,
            )
          : t('.', '。');
      })(),
      o.retryTarget
        ? t(
            `Then ${o.retryTarget} installs, or is already installed.`,
            `随后 ${o.retryTarget} 可以安装成功（或已显示为已安装）。`,
          )
        : null,
    ]),
    invasiveness: 2,
  });
}

/** Group Policy for repair content, the WSUS caveat, and where repair content may come from. */
export function repairSourcePolicyStep(o: { why: I18nText; feature: boolean }): Step {
  return step({
    id: 'repair-source-policy',
    title: t('Let repairs reach their content (Group Policy, WSUS)', '允许修复获取所需内容（组策略、WSUS）'),
    why: o.why,
    how: joinText([
      t(
        'Machines managed by WSUS (UseWUServer = 1) cannot get repair content or Features on Demand from WSUS. In gpedit.msc open Computer Configuration → Administrative Templates → System → "Specify settings for optional component installation and component repair", set it to Enabled and tick "Download repair content and optional features directly from Windows Update instead of Windows Server Update Services (WSUS)"; where the machine may not reach the Internet, put a source in "Alternate source file path" instead (e.g. WIM:\\\\server\\share\\install.wim:1 of the same build). A domain GPO overrides the local setting: ask the domain administrator to change it there. Then gpupdate /force and repeat the repair.',
        '由 WSUS 管理的电脑（UseWUServer = 1）无法从 WSUS 获取修复内容或按需功能。运行 gpedit.msc，打开“计算机配置 → 管理模板 → 系统 → 指定可选组件安装和组件修复的设置”（英文界面为“Specify settings for optional component installation and component repair”），设为“已启用”，并勾选“直接从 Windows 更新而不是 Windows Server Update Services (WSUS) 下载修复内容和可选功能”；如该电脑不能访问 Internet，请在“备用源文件路径”中填写修复源（例如同版本的 WIM:\\\\server\\share\\install.wim:1）。域组策略会覆盖本地设置：请由域管理员在域 GPO 中修改。之后执行 gpupdate /force，再重新执行修复。',
      ),
      o.feature
        ? t(
            'For a feature, give the source to the feature command itself, e.g. for .NET Framework 3.5: DISM /Online /Enable-Feature /FeatureName:NetFx3 /All /Source:D:\\sources\\sxs /LimitAccess (D: = install media of the same build); other Features on Demand come from the Features on Demand ISO of the same build (DISM /Online /Add-Capability /CapabilityName:… /Source:… /LimitAccess).',
            '如是启用功能，请直接为功能命令指定源，例如 .NET Framework 3.5：DISM /Online /Enable-Feature /FeatureName:NetFx3 /All /Source:D:\\sources\\sxs /LimitAccess（D: 为相同内部版本的安装介质）；其他按需功能需使用相同内部版本的按需功能（FoD）ISO（DISM /Online /Add-Capability /CapabilityName:… /Source:… /LimitAccess）。',
          )
        : null,
    ]),
    commands: [
      cmd('reg query "HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU" /v UseWUServer'),
      cmd('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Servicing"'),
      cmd('gpupdate /force'),
    ],
    verify: t(
      'After gpupdate, the repair or feature command no longer fails with 0x800f081f / 0x800f0906 / 0x800f0907 / 0x800f0954. (The policy is read from the Servicing key shown by the second command; that this is where the policy is stored is expert knowledge, not a documented contract.)',
      '执行 gpupdate 后，修复或功能命令不再报 0x800f081f / 0x800f0906 / 0x800f0907 / 0x800f0954。（第二条命令查询的 Servicing 注册表项是该策略的常见存储位置，这属于经验知识，并非微软文档明确约定。）',
    ),
    invasiveness: 2,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Manual store edits (3)

/** What to replace in the store and where a good copy comes from. */
export interface ReplaceSpec {
  kind: 'manifest' | 'file' | 'folder';
  /** Exact path on the broken machine, when the identity is known exactly. */
  path?: string;
  /** WinSxS folder-name wildcard when only the long identity is known (the folder is looked up first). */
  folderPattern?: string;
  /** File inside the folder, for kind `file` with a pattern. */
  fileInFolder?: string;
  /** Version of the item (`10.0.17763.2803`), for the fallback folder listing. */
  version?: string;
  /** The component identity, for the text. */
  identity: string;
  expectedHash?: string;
  actualHash?: string;
  source: HealthySource;
  retry: I18nText;
  why: I18nText;
}

const HEALTHY = '\\\\HEALTHY-PC\\C$';

/** Copies the exact-version manifest, file or component folder from a healthy machine, keeping ACL and owner. */
export function replaceFromHealthyStep(o: ReplaceSpec): Step {
  const lines: Command[] = [];
  if (o.path) {
    lines.push(ps(`$t = '${o.path}'`));
    lines.push(ps(`$h = '${o.path.replace(/^[A-Za-z]:/, HEALTHY)}'`));
  } else {
    lines.push(
      ps(
        `$name = (Get-ChildItem -Path C:\\Windows\\WinSxS -Directory -Filter '${o.folderPattern ?? '*'}' | Select-Object -First 1).Name; $name`,
      ),
    );
    const tail = o.kind === 'file' && o.fileInFolder ? ` + '\\${o.fileInFolder}'` : '';
    lines.push(ps(`$t = 'C:\\Windows\\WinSxS\\' + $name${tail}`));
    lines.push(ps(`$h = '${HEALTHY}\\Windows\\WinSxS\\' + $name${tail}`));
  }
  const recurse = o.kind === 'folder';
  lines.push(ps('Test-Path -LiteralPath $h'));
  if (o.kind !== 'folder') {
    if (o.actualHash)
      lines.push(ps(`(Get-FileHash -Algorithm SHA256 -LiteralPath $t).Hash -eq '${o.actualHash}'`));
    if (o.expectedHash)
      lines.push(ps(`(Get-FileHash -Algorithm SHA256 -LiteralPath $h).Hash -eq '${o.expectedHash}'`));
    else lines.push(ps('Get-FileHash -Algorithm SHA256 -LiteralPath $t, $h | Format-Table Hash,Path'));
  }
  lines.push(ps(`New-Item -ItemType Directory -Force -Path ${BACKUP} | Out-Null`));
  lines.push(ps(`icacls $t /save ${BACKUP}\\acl.txt${recurse ? ' /t' : ''}`));
  lines.push(ps(`takeown /f $t /a${recurse ? ' /r' : ''}`));
  lines.push(ps(`icacls $t /grant '${ADMINS}:F'${recurse ? ' /t' : ''}`));
  if (recurse) {
    lines.push(ps(`Move-Item -LiteralPath $t -Destination ${BACKUP}\\`));
    lines.push(ps('Copy-Item -LiteralPath $h -Destination $t -Recurse'));
  } else {
    lines.push(ps(`Copy-Item -LiteralPath $t -Destination ${BACKUP}\\ -Force`));
    lines.push(ps('Copy-Item -LiteralPath $h -Destination $t -Force'));
  }
  lines.push(ps(`icacls (Split-Path -Parent $t) /restore ${BACKUP}\\acl.txt /c`));
  lines.push(ps(`icacls $t /setowner '${TRUSTED_INSTALLER}'${recurse ? ' /t' : ''}`));
  if (o.kind !== 'folder' && o.expectedHash)
    lines.push(ps(`(Get-FileHash -Algorithm SHA256 -LiteralPath $t).Hash -eq '${o.expectedHash}'`));

  const what =
    o.kind === 'manifest'
      ? t(`the manifest of ${o.identity}`, `${o.identity} 的清单文件`)
      : o.kind === 'file'
        ? t(
            `${o.fileInFolder ?? 'the file'} of ${o.identity}`,
            `${o.identity} 中的 ${o.fileInFolder ?? '该文件'}`,
          )
        : t(`the WinSxS folder of ${o.identity}`, `${o.identity} 的 WinSxS 文件夹`);
  const src = healthySourceText(o.source);
  const hashText =
    o.expectedHash && o.kind !== 'folder'
      ? t(
          `Hashes: the first Get-FileHash line should print True — the broken copy has the log's actual hash ${o.actualHash ?? '(not logged)'}, which confirms that the log's hashes are plain SHA-256 of the file; the healthy copy must then print True for the expected hash ${o.expectedHash}: copy only a file that does. If the broken copy does not match the actual hash either, the log hashes something else (for manifests possibly the decompressed content: not established), so the hashes cannot decide; rely on the identical name (same identity and version) and on the retry.`,
          `哈希校验：第一条 Get-FileHash 应输出 True——即问题文件的 SHA-256 等于日志中的实际值 ${o.actualHash ?? '（日志未记录）'}，说明日志中的哈希就是文件本身的 SHA-256；此时正常电脑上的副本必须对期望值 ${o.expectedHash} 输出 True，只复制满足该条件的文件。如问题文件也不等于实际值，说明日志中的哈希不是针对文件字节计算的（清单文件可能是针对解压后的内容，此点尚未确认），哈希无法作为判断依据，只能依靠名称完全一致（相同标识与版本）并以重试结果为准。`,
        )
      : t(
          'The log gives no hash for this item: the identical name (same identity, version and identity hash) is what makes it the right copy; the retry and a ScanHealth afterwards confirm it.',
          '日志中没有该项的哈希值：名称完全一致（相同的标识、版本和标识哈希）即为正确副本；以重试结果和之后的 ScanHealth 确认。',
        );
  return step({
    id: o.kind === 'manifest' ? 'replace-manifest' : o.kind === 'file' ? 'replace-file' : 'replace-folder',
    scripts: STORE_SCRIPTS,
    title: joinText([t('Replace', '替换'), what, t('from a healthy machine', '（从正常电脑复制）')]),
    why: o.why,
    how: joinText(
      [
        joinText([
          t('Take the copy from', '副本来源：'),
          src,
          t(
            ". A later build may have removed superseded versions during component cleanup, so first check with Test-Path that this exact item exists there (True). Run the lines in one administrator PowerShell window; replace HEALTHY-PC with that machine's name (or, without network access, copy the item to a USB stick and set $h to its path there).",
            '。更高版本的电脑可能已在组件清理时删除被取代的旧版本，因此请先用 Test-Path 确认该项确实存在（输出 True）。请在同一个以管理员身份运行的 PowerShell 窗口中依次执行以下命令；将 HEALTHY-PC 替换为该正常电脑的计算机名（如无法通过网络访问，可先用 U 盘复制该项，并将 $h 设为 U 盘上的路径）。',
          ),
        ]),
        o.path
          ? null
          : t(
              `The log names the component only in its long form, so the first line looks its folder up by pattern (${o.folderPattern}); if it prints nothing, list the folders of that version with Get-ChildItem C:\\Windows\\WinSxS -Directory -Filter '*_${o.version ?? ''}_*' and pick the one of this component.`,
              `日志中只有该组件的完整名称形式，因此第一条命令按模式（${o.folderPattern}）查找其文件夹；如没有输出，请用 Get-ChildItem C:\\Windows\\WinSxS -Directory -Filter '*_${o.version ?? ''}_*' 列出该版本的所有文件夹，从中找出该组件对应的文件夹。`,
            ),
        hashText,
        t(
          `The lines save the current permissions, take ownership for Administrators, keep the broken ${o.kind === 'folder' ? 'folder' : 'file'} in ${BACKUP}, copy the good one, restore the saved permissions and give the owner back to ${TRUSTED_INSTALLER}. Never delete the item without a replacement: a missing ${o.kind === 'manifest' ? 'manifest' : 'item'} is worse than a corrupt one.`,
          `这些命令会先保存当前权限，将所有者改为 Administrators，把损坏的${o.kind === 'folder' ? '文件夹' : '文件'}备份到 ${BACKUP}，复制正常副本，恢复原有权限，并将所有者改回 ${TRUSTED_INSTALLER}。没有替换副本时不要直接删除该项：缺失比损坏更难修复。`,
        ),
        t(
          `If a file is in use ("being used by another process" / access denied after takeown), do the copy from WinPE or WinRE: the Windows volume often has another letter there (check with dir), PowerShell is usually not available (use takeown, icacls and copy/robocopy in cmd), and the owner is given back by SID: icacls <path> /setowner ${TRUSTED_INSTALLER_SID}.`,
          `如文件正在被使用（提示“另一个程序正在使用此文件”，或 takeown 后仍拒绝访问），请在 WinPE 或 WinRE 下操作：此时 Windows 分区的盘符通常不同（请先用 dir 确认），且一般没有 PowerShell（请在 cmd 中使用 takeown、icacls 和 copy/robocopy），所有者请按 SID 改回：icacls <路径> /setowner ${TRUSTED_INSTALLER_SID}。`,
        ),
        o.kind === 'folder'
          ? t(
              'Files in WinSxS are hard-linked to their copies in System32; the copied folder is not, so run sfc /scannow afterwards to bring the System32 copies in line.',
              'WinSxS 中的文件与 System32 中的对应文件是硬链接；复制进来的文件夹不再是硬链接，因此之后请运行 sfc /scannow，使 System32 中的副本保持一致。',
            )
          : null,
        joinText([t('Then', '完成后'), o.retry, t('.', '。')]),
      ],
      '\n',
    ),
    commands: lines,
    verify: joinText([
      o.expectedHash && o.kind !== 'folder'
        ? t(
            `The last line prints True (the file now has the expected hash ${o.expectedHash}); `,
            `最后一条命令输出 True（文件哈希已等于期望值 ${o.expectedHash}）；`,
          )
        : null,
      t(
        `icacls $t shows ${TRUSTED_INSTALLER} as owner again (icacls … /setowner prints "Successfully processed"); the retried update gets past this component, and DISM /Online /Cleanup-Image /ScanHealth no longer lists it.`,
        `icacls $t 显示所有者已改回 ${TRUSTED_INSTALLER}（/setowner 输出“已成功处理”）；重新安装时不再在该组件处失败，DISM /Online /Cleanup-Image /ScanHealth 也不再列出该项。`,
      ),
    ]),
    invasiveness: 3,
  });
}

/** Copies a package's .mum and .cat pair from a healthy machine into C:\Windows\servicing\Packages. */
export function replaceMumStep(o: {
  mumPath: string;
  exists: boolean;
  package: string;
  source: HealthySource;
  why: I18nText;
  retry: I18nText;
}): Step {
  const m = o.mumPath;
  const c = m.replace(/\.mum$/i, '.cat');
  const dir = m.slice(0, m.lastIndexOf('\\'));
  const healthy = (p: string): string => p.replace(/^[A-Za-z]:/, HEALTHY);
  const lines: Command[] = [
    ps(`$m = '${m}'`),
    ps(`$c = '${c}'`),
    ps(`Test-Path -LiteralPath '${healthy(m)}', '${healthy(c)}'`),
    ps(`New-Item -ItemType Directory -Force -Path ${BACKUP} | Out-Null`),
  ];
  if (o.exists) {
    lines.push(ps(`icacls $m /save ${BACKUP}\\mum-acl.txt`));
    lines.push(ps(`icacls $c /save ${BACKUP}\\cat-acl.txt`));
    lines.push(ps('takeown /f $m /a'));
    lines.push(ps('takeown /f $c /a'));
    lines.push(ps(`icacls $m /grant '${ADMINS}:F'`));
    lines.push(ps(`icacls $c /grant '${ADMINS}:F'`));
    lines.push(ps(`Copy-Item -LiteralPath $m, $c -Destination ${BACKUP}\\ -Force`));
    lines.push(ps(`Copy-Item -LiteralPath '${healthy(m)}' -Destination $m -Force`));
    lines.push(ps(`Copy-Item -LiteralPath '${healthy(c)}' -Destination $c -Force`));
    lines.push(ps(`icacls '${dir}' /restore ${BACKUP}\\mum-acl.txt /c`));
    lines.push(ps(`icacls '${dir}' /restore ${BACKUP}\\cat-acl.txt /c`));
  } else {
    const parent = dir.slice(0, dir.lastIndexOf('\\'));
    lines.push(ps(`icacls '${dir}' /save ${BACKUP}\\packages-acl.txt`));
    lines.push(ps(`takeown /f '${dir}' /a`));
    lines.push(ps(`icacls '${dir}' /grant '${ADMINS}:F'`));
    lines.push(ps(`Copy-Item -LiteralPath '${healthy(m)}' -Destination $m`));
    lines.push(ps(`Copy-Item -LiteralPath '${healthy(c)}' -Destination $c`));
    lines.push(ps(`icacls '${parent}' /restore ${BACKUP}\\packages-acl.txt /c`));
    lines.push(ps(`icacls '${dir}' /setowner '${TRUSTED_INSTALLER}'`));
    lines.push(ps('icacls $m /reset'));
    lines.push(ps('icacls $c /reset'));
  }
  lines.push(ps(`icacls $m /setowner '${TRUSTED_INSTALLER}'`));
  lines.push(ps(`icacls $c /setowner '${TRUSTED_INSTALLER}'`));
  return step({
    id: 'replace-mum',
    scripts: [SCRIPT_NAMES.newSourcePack, SCRIPT_NAMES.repairFromSourcePack],
    title: t(
      `Copy the .mum and .cat of ${o.package} from a healthy machine`,
      `从正常电脑复制 ${o.package} 的 .mum 和 .cat`,
    ),
    why: o.why,
    how: joinText(
      [
        joinText([
          t('Take both files from', '文件来源：'),
          healthySourceText(o.source),
          t(
            " — one on which this package is still present (Test-Path prints True twice); superseded packages disappear from older machines after component cleanup. The .mum and its .cat belong together: always copy both. Run the lines in one administrator PowerShell window and replace HEALTHY-PC with that machine's name.",
            '——且该补丁包仍然存在（Test-Path 两次都输出 True）；被取代的补丁包在执行组件清理后可能已被删除。.mum 与对应的 .cat 必须成对复制。请在同一个以管理员身份运行的 PowerShell 窗口中依次执行以下命令，并将 HEALTHY-PC 替换为正常电脑的计算机名。',
          ),
        ]),
        o.exists
          ? t(
              `The lines save the permissions, take ownership, keep the unreadable files in ${BACKUP}, copy the good pair, restore the permissions and give the owner back to ${TRUSTED_INSTALLER}.`,
              `这些命令会保存权限、获取所有权、将无法读取的文件备份到 ${BACKUP}、复制正常的一对文件、恢复权限，并将所有者改回 ${TRUSTED_INSTALLER}。`,
            )
          : t(
              `The files are missing, so the lines open the Packages folder itself for the copy, restore its permissions and owner afterwards, and let the new files inherit the folder's permissions (compare with icacls on a neighbouring .mum: they should match).`,
              '由于文件已缺失，这些命令会临时开放 Packages 文件夹本身的写入权限以便复制，之后恢复该文件夹的权限和所有者，并让新文件继承文件夹权限（可与相邻 .mum 文件的 icacls 输出对比，二者应一致）。',
            ),
        joinText([t('Then', '完成后'), o.retry, t('.', '。')]),
      ],
      '\n',
    ),
    commands: lines,
    verify: t(
      `Get-Content $m -TotalCount 3 shows XML text (an <?xml …> / <assembly …> start); icacls $m shows ${TRUSTED_INSTALLER} as owner; the retried operation no longer fails on ${o.package}.`,
      `Get-Content $m -TotalCount 3 能显示 XML 文本（以 <?xml …> / <assembly …> 开头）；icacls $m 显示所有者为 ${TRUSTED_INSTALLER}；重试时不再在 ${o.package} 处失败。`,
    ),
    invasiveness: 3,
  });
}

/** Exports the DriverOperations key, then removes the stale numbered entries the log names. */
export function removeDriverOperationsStep(o: {
  sequenceIds: string[];
  why: I18nText;
  retry: I18nText;
}): Step {
  const commands: Command[] = [
    cmd(`md ${BACKUP}`),
    cmd(`reg export "${DRIVER_OPERATIONS_KEY}" ${BACKUP}\\DriverOperations.reg /y`),
    cmd(`reg query "${DRIVER_OPERATIONS_KEY}" /s`),
    ...o.sequenceIds.map((n) => cmd(`reg delete "${DRIVER_OPERATIONS_KEY}\\${n}" /f`)),
  ];
  return step({
    id: 'remove-driver-operations',
    title: t('Remove the stale DriverOperations entry', '删除失效的 DriverOperations 记录'),
    why: o.why,
    how: joinText(
      [
        t(
          `Export the key first (the .reg file in ${BACKUP} puts it back with reg import). reg query lists the numbered entries under DriverOperations.`,
          `请先导出该注册表项（${BACKUP} 中的 .reg 文件可用 reg import 恢复）。reg query 会列出 DriverOperations 下的编号子项。`,
        ),
        o.sequenceIds.length > 0
          ? t(
              `The log fails on sequence ID ${o.sequenceIds.join(', ')}: delete that numbered subkey only, as Microsoft's article on 0x80070490 does.`,
              `日志显示在序号 ${o.sequenceIds.join('、')} 处失败：参照微软关于 0x80070490 的文章，只删除该编号的子项。`,
            )
          : t(
              'The log does not say which entry fails: delete only the numbered subkey (0, 1, …) that reg query shows, one at a time, retrying after each.',
              '日志未指明是哪一条记录：请只删除 reg query 显示的编号子项（0、1、……），每次删除一个，删除后重试。',
            ),
        t(
          'If reg delete answers "access denied", the key is protected; taking ownership of a servicing registry key is a bigger change — stop and collect the logs instead.',
          '如 reg delete 提示“拒绝访问”，说明该项受保护；获取服务相关注册表项的所有权属于较大改动——请停止操作并收集日志。',
        ),
        joinText([
          t(
            'Then restart, reinstall the servicing stack update if that is what failed, and',
            '然后重启；如失败的是服务堆栈更新，请重新安装该服务堆栈更新，并',
          ),
          o.retry,
          t('.', '。'),
        ]),
      ],
      '\n',
    ),
    commands,
    verify: t(
      'reg query no longer lists the removed entry, and CBS.log no longer shows "Doqi: Failed loading driver operations queue" at the retry.',
      'reg query 不再列出已删除的记录，重试时 CBS.log 中不再出现“Doqi: Failed loading driver operations queue”。',
    ),
    invasiveness: 3,
  });
}

// ---------------------------------------------------------------------------------------------------------
// Last resorts (4-5)

/** In-place upgrade (repair install) with media of the same or a newer build: keeps apps and data. */
export function inPlaceUpgradeStep(o: {
  osBuild: number | null;
  machineBuild: string | null;
  why?: I18nText;
  /** Windows 7 / Server 2008 R2: setup there has no /auto switch; the upgrade is chosen in its window. */
  legacy?: boolean;
}): Step {
  const build = o.osBuild ? String(o.osBuild) : null;
  return step({
    id: 'in-place-upgrade',
    title: t(
      'Last resort: in-place upgrade (repair install), keeping apps and data',
      '最后手段：就地升级（修复安装），保留应用和数据',
    ),
    why:
      o.why ??
      t(
        'When the store cannot be repaired by DISM, SFC or a replaced item, setup rebuilds Windows and its component store while keeping apps, settings and data.',
        '当 DISM、SFC 或手动替换都无法修复组件存储时，安装程序可以在保留应用、设置和数据的前提下重建 Windows 及其组件存储。',
      ),
    how: joinText([
      t(
        `Back up the data (and take a snapshot of a virtual machine) first. Mount an ISO of the same edition, language and architecture, ${build ? `build ${build}` : 'the same build'}${o.machineBuild ? ` (${o.machineBuild} or a newer update level)` : ''} or newer (LTSC needs LTSC media), run setup.exe and choose "Keep personal files and apps" — or run the command below (D: = the ISO). On servers (domain controllers, production roles) plan a maintenance window: the repair takes about an hour and several restarts. Afterwards install the servicing stack and the latest cumulative update again.`,
        `请先备份数据（虚拟机请先做快照）。装载版本（edition）、语言和体系结构均相同，内部版本为${build ? ` ${build}` : '相同'}${o.machineBuild ? `（${o.machineBuild} 或更高的更新级别）` : ''}或更高的 ISO（LTSC 需使用 LTSC 介质），运行 setup.exe 并选择“保留个人文件和应用”——或执行下面的命令（D: 为 ISO 盘符）。服务器（域控制器、生产业务）请安排维护窗口：修复安装约需一小时并会多次重启。完成后请重新安装服务堆栈更新和最新的累积更新。`,
      ),
      o.legacy
        ? t(
            'On Windows 7 / Server 2008 R2 start setup.exe from the running Windows (not by booting the media) and choose "Upgrade"; the media must carry the same service pack (SP1).',
            'Windows 7 / Server 2008 R2 上请在正在运行的系统中启动 setup.exe（不要从介质启动），并选择“升级”；介质需包含相同的 Service Pack（SP1）。',
          )
        : null,
    ]),
    commands: [cmd(o.legacy ? 'D:\\setup.exe' : 'D:\\setup.exe /auto upgrade /dynamicupdate disable')],
    verify: t(
      'Setup finishes at the desktop with apps and data in place; DISM /Online /Cleanup-Image /ScanHealth reports no corruption; the servicing stack and cumulative update install afterwards.',
      '安装完成后进入桌面，应用和数据均保留；DISM /Online /Cleanup-Image /ScanHealth 未发现损坏；之后可以正常安装服务堆栈更新和累积更新。',
    ),
    invasiveness: 4,
    lastResort: true,
  });
}

/** Back up the data, then reset or clean install: the end of the road, after the in-place upgrade. */
export function resetOrReinstallStep(o: {
  why: I18nText;
  diskSuspect: boolean;
  storeSuspect: boolean;
}): Step {
  return step({
    id: 'reset-or-reinstall',
    title: t(
      'Last resort: back up the data, then reset or reinstall',
      '最后手段：备份数据后重置或重新安装系统',
    ),
    why: o.why,
    how: joinText([
      t(
        'Back up the user data to an external disk or a share first (E: below: use your target). Then reinstall Windows from media, or reset it (Settings → Update & Security → Recovery → Reset this PC): both remove the installed apps.',
        '请先将用户数据备份到外部磁盘或共享目录（下文以 E: 为例，请替换为实际目标）。然后使用安装介质重新安装系统，或重置系统（设置 → 更新和安全 → 恢复 → 重置此电脑）：两种方式都会删除已安装的应用。',
      ),
      o.storeSuspect
        ? t(
            'On Windows 10 releases before 2004 "Reset this PC" rebuilds Windows from the local component store (no cloud download), so with a corrupt store it may fail the same way: prefer a clean install from media.',
            'Windows 10 2004 之前的版本中，“重置此电脑”是用本机组件存储重建系统的（没有云下载选项），组件存储损坏时重置可能同样失败：建议直接用安装介质全新安装。',
          )
        : null,
      o.diskSuspect
        ? t(
            'If the disk checks showed errors, replace the disk before reinstalling: a new Windows on a failing disk breaks again.',
            '如磁盘检查发现错误，请先更换磁盘再安装：在有故障的磁盘上重装系统仍会再次损坏。',
          )
        : null,
    ]),
    commands: [
      cmd(
        'robocopy C:\\Users E:\\user-backup\\Users /E /COPY:DAT /R:1 /W:1 /XJ /LOG:E:\\user-backup\\robocopy.log',
      ),
    ],
    verify: t(
      "robocopy's summary shows no FAILED files (check the log); after the reinstall, the servicing stack and latest cumulative update install normally.",
      'robocopy 摘要中 FAILED 为 0（请查看日志）；重新安装后，服务堆栈更新和最新累积更新可以正常安装。',
    ),
    invasiveness: 5,
    lastResort: true,
  });
}

/** Where to stop and collect logs again: after the last step that is not a last resort. */
export function collectAgainText(
  stopAfter: Pick<PlanStep, 'title'> | undefined,
  extra: I18nText | null,
): I18nText {
  const where = stopAfter
    ? t(`If it still fails after step "${stopAfter.title.en}"`, `如执行完“${stopAfter.title.zh}”后仍然失败`)
    : t('If it still fails', '如仍然失败');
  return joinText([
    where,
    t(
      ', stop — before any last resort — and collect again: ',
      '，请先停止（不要直接进行最后手段），重新收集：',
    ),
    LOGS_TO_COLLECT,
    extra ? joinText([t('; also ', '；另外请提供'), extra]) : null,
    t('. The new logs show whether the same line still fails.', '。新的日志可以判断是否仍在同一处失败。'),
  ]);
}
