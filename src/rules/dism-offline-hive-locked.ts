// A DISM command on an offline image cannot load the image's registry hives (the SMI schema hive, SOFTWARE,
// SYSTEM, COMPONENTS) because something else holds them open: 0x80070020 ERROR_SHARING_VIOLATION, then the
// command fails (usually 0x80004005). The holder is an earlier DISM session that did not unload the image,
// a mounted image still open, an open regedit "Load Hive", or antivirus scanning the mount folder — not
// corruption of the image (docs/domain.md §7).

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { DISM_RESULT as RESULT, dismCommandOf } from './rule-helpers.js';

const SHARING = '0x80070020';
const IMAGE = /\/image:\s*("[^"]+"|\S+)/i;
// A hive file (`…\config\SOFTWARE`, `…\SMI\Store\Machine\SCHEMA.DAT`) or a hive named in the line.
const HIVE_FILE =
  /([A-Za-z]:\\[^\s'"[\]]*?\\(?:config\\[A-Z]+|SMI\\Store\\Machine\\SCHEMA\.DAT|[^\s\\'"]+\.DAT))\b/i;
const HIVE_WORD = /\bhive\b|\bregistry\b|\\config\\|SCHEMA\.DAT/i;

export default defineRule({
  id: 'dism-offline-hive-locked',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: [SHARING, '0x80004005'],
    summary: {
      en: "DISM cannot load the offline image's registry: it is held open",
      zh: 'DISM 无法加载脱机映像的注册表：文件被占用',
    },
    falsePositives: [
      'A sharing violation DISM retries and gets past: the rule needs the command itself to fail afterwards.',
    ],
    references: ['docs/domain.md §7', 'MS Learn: Windows Update common errors (0x80070020)'],
  },
  triggers: { codes: [SHARING] },
  messages: {
    hiveLocked: {
      en: "{{commandName}} on the offline image {{image}} failed ({{result}}): DISM could not load the image's registry hive {{hive}} because another process holds it open ({{code}} {{codeName}}). The image is not known to be corrupt: unload what holds it (a DISM session or mount left open — dism /Cleanup-Mountpoints, dism /Get-MountedImageInfo; a hive loaded in regedit; antivirus scanning the folder), or reboot, then run the command again.",
      zh: '对脱机映像 {{image}} 执行 {{commandName}} 失败（{{result}}）：DISM 无法加载映像中的注册表配置单元 {{hive}}，因为它被其他进程占用（{{code}} {{codeName}}）。这并不表示映像损坏：请先释放占用者（未关闭的 DISM 会话或挂载——dism /Cleanup-Mountpoints、dism /Get-MountedImageInfo；在注册表编辑器中加载的配置单元；扫描该目录的杀毒软件），或重启后再运行该命令。',
    },
    imageLocked: {
      en: '{{commandName}} on {{image}} failed ({{result}}): a file of the image is held open by another process ({{code}} {{codeName}}). Close what holds it (another DISM session or mount, antivirus scanning the folder) or reboot, then run the command again.',
      zh: '对 {{image}} 执行 {{commandName}} 失败（{{result}}）：映像中的文件被其他进程占用（{{code}} {{codeName}}）。请关闭占用者（其他 DISM 会话或挂载、扫描该目录的杀毒软件）或重启后再运行该命令。',
    },
  },
  create(ctx) {
    let first: LogEntry | null = null;
    return {
      entry(e) {
        if (!first && e.component === 'DISM' && !RESULT.test(e.message)) first = e;
      },
      end() {
        if (!first) return;
        const run = dismCommandOf(ctx.entries);
        // The command must fail after the sharing violation: its handler result is a failure.
        const at = ctx.indexOf(first);
        const final = ctx.entries
          .slice(at)
          .find((e) => RESULT.test(e.message) && !/hr:0x0+\)/.test(e.message));
        if (!run || !final) return;
        const { entry: command, command: cmd } = run;
        const image = IMAGE.exec(cmd)?.[1]?.replace(/^"|"$/g, '') ?? '/Online';
        const commandName =
          /\s(\/(?!image:|online\b|logpath|scratchdir|loglevel|english|quiet|norestart)[a-z-]+)/i.exec(
            cmd,
          )?.[1];
        const result = RESULT.exec(final.message)![1]!.toLowerCase();
        const hive = HIVE_WORD.test(first.message) ? (HIVE_FILE.exec(first.message)?.[1] ?? 'SCHEMA') : null;
        const data = { commandName: commandName ?? cmd, image, result };
        ctx.report({
          messageId: hive ? 'hiveLocked' : 'imageLocked',
          data: hive ? { ...data, hive } : data,
          code: SHARING,
          evidence: [command, first, final],
        });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'Apply-Unattend on an offline image that loads and completes',
        log: `2024-02-14 09:41:07, Info                  DISM   DISM.EXE: Executing command line: dism  /Image:D:\\ /Apply-Unattend:D:\\Windows\\Panther\\unattend.xml
2024-02-14 09:41:09, Info                  DISM   DISM Unattend Manager: PID=3012 TID=2988 Successfully loaded the offline registry hives. - CUnattendManager::Apply
2024-02-14 09:41:12, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
      },
      {
        name: 'a sharing violation DISM gets past: the command succeeds',
        log: `2024-02-14 09:41:07, Info                  DISM   DISM.EXE: Executing command line: dism  /Image:C:\\mount /Add-Package /PackagePath:C:\\pkg\\kb.cab
2024-02-14 09:41:08, Warning               DISM   DISM OS Provider: PID=3012 TID=2988 Unable to open C:\\mount\\Windows\\System32\\config\\SOFTWARE, retrying - CDISMOSServiceManager::LoadHive(hr:0x80070020)
2024-02-14 09:41:12, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
      },
    ],
    invalid: [
      {
        name: 'Apply-Unattend: the SMI schema hive cannot load (sharing violation), then 0x80004005',
        log: `> 2024-02-14 09:41:07, Info                  DISM   DISM.EXE: Executing command line: dism  /Image:D:\\ /Apply-Unattend:D:\\Windows\\Panther\\unattend.xml
2024-02-14 09:41:08, Info                  DISM   DISM Unattend Manager: PID=3012 TID=2988 Loading the offline registry hives of D:\\Windows - CUnattendManager::Apply
> 2024-02-14 09:41:08, Error                 DISM   DISM Unattend Manager: PID=3012 TID=2988 Failed to load SMI schema hive D:\\Windows\\System32\\SMI\\Store\\Machine\\SCHEMA.DAT. ERROR_SHARING_VIOLATION - CUnattendManager::LoadSchemaHive(hr:0x80070020)
2024-02-14 09:41:08, Error                 DISM   DISM Unattend Manager: PID=3012 TID=2988 Failed to apply the unattend file - CUnattendManager::Apply(hr:0x80004005)
> 2024-02-14 09:41:08, Error                 DISM   DISM Unattend Manager: PID=3012 TID=2988 Failed while processing command apply-unattend. - CUnattendManager::ExecuteCmdLine(hr:0x80004005)
2024-02-14 09:41:08, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
        findings: [
          {
            messageId: 'hiveLocked',
            facts: {
              commandName: '/Apply-Unattend',
              image: 'D:\\',
              hive: 'D:\\Windows\\System32\\SMI\\Store\\Machine\\SCHEMA.DAT',
              result: '0x80004005',
            },
            code: SHARING,
          },
        ],
      },
      {
        name: 'Add-Package on a mounted image whose files are held open',
        log: `> 2024-02-14 10:02:00, Info                  DISM   DISM.EXE: Executing command line: dism  /Image:"C:\\mount dir" /Add-Package /PackagePath:C:\\pkg\\kb.cab
> 2024-02-14 10:02:01, Error                 DISM   DISM Package Manager: PID=4100 TID=4104 Failed to open the image's servicing files - CDISMPackageManager::Initialize(hr:0x80070020)
> 2024-02-14 10:02:01, Error                 DISM   DISM Package Manager: PID=4100 TID=4104 Failed while processing command add-package. - CPackageManagerCLIHandler::ExecuteCmdLine(hr:0x80070020)
2024-02-14 10:02:01, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
        findings: [
          {
            messageId: 'imageLocked',
            facts: { commandName: '/Add-Package', image: 'C:\\mount dir', result: '0x80070020' },
            code: SHARING,
          },
        ],
      },
    ],
  },
});
