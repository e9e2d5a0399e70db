// A DISM command that fails because of how it was typed, not because of Windows: E_INVALIDARG (0x80070057)
// from the command's handler when a required argument is missing or malformed (`/Mount-Image` without
// `/Index:`), or an `/Image:` path that holds no Windows installation ("Failed to access the image folder or
// image's windows folder"). The fix is the command line; the machine needs no repair (docs/domain.md §7).

import { defineRule } from './define-rule.js';
import { DISM_RESULT as RESULT, dismCommandOf } from './rule-helpers.js';

const INVALIDARG = '0x80070057';
const IMAGE = /\/image:\s*("[^"]+"|\S+)/i;
const NOT_AN_IMAGE =
  /image folder or image's windows folder|(?:find|access|locate) the (?:image'?s? )?windows (?:folder|directory)|not a valid (?:windows )?image/i;
const OPTIONS_IGNORED =
  /^\/(?:image:|online\b|logpath|scratchdir|loglevel|english|quiet|norestart|format|sysdrivedir|windir)/i;

/**
 * Arguments each image command cannot do without (each inner list: one of these), from the DISM command-line
 * reference. A command not listed here is reported without naming the argument.
 */
const REQUIRED: Record<string, string[][]> = {
  'mount-image': [['/ImageFile'], ['/MountDir'], ['/Index', '/Name']],
  'apply-image': [['/ImageFile'], ['/ApplyDir'], ['/Index', '/Name']],
  'capture-image': [['/ImageFile'], ['/CaptureDir'], ['/Name']],
  'append-image': [['/ImageFile'], ['/CaptureDir'], ['/Name']],
  'export-image': [['/SourceImageFile'], ['/DestinationImageFile'], ['/SourceIndex', '/SourceName']],
  'unmount-image': [['/MountDir'], ['/Commit', '/Discard']],
  'add-package': [['/PackagePath']],
  'enable-feature': [['/FeatureName']],
  'add-driver': [['/Driver']],
  'add-provisionedappxpackage': [
    ['/PackagePath', '/FolderPath'],
    ['/LicensePath', '/SkipLicense'],
  ],
};

/** `/Mount-Image` and its lower-case key, the first option that names the command. */
function commandOf(cmd: string): { name: string; key: string } | null {
  for (const m of cmd.matchAll(/(?:^|\s)(\/[A-Za-z][\w-]*:?)/g)) {
    const opt = m[1]!;
    if (OPTIONS_IGNORED.test(opt)) continue;
    const name = opt.replace(/:$/, '');
    return { name, key: name.slice(1).toLowerCase() };
  }
  return null;
}

/** The first required argument the command line lacks, as `/Index` or `/Index or /Name`. */
function missingArgument(cmd: string, key: string): string | null {
  const groups = REQUIRED[key];
  if (!groups) return null;
  const given = new Set(
    [...cmd.matchAll(/(?:^|\s)\/([A-Za-z][\w-]*)/g)].map((m) => `/${m[1]!.toLowerCase()}`),
  );
  const missing = groups.find((g) => !g.some((a) => given.has(a.toLowerCase())));
  return missing ? missing.join(' or ') : null;
}

export default defineRule({
  id: 'dism-usage-error',
  meta: {
    severity: 'warning',
    confidence: 'high',
    codes: [INVALIDARG],
    summary: {
      en: 'DISM command line error (operator error, not OS corruption)',
      zh: 'DISM 命令行错误（操作错误，并非系统损坏）',
    },
    falsePositives: [
      'E_INVALIDARG inside a servicing operation that was typed correctly (poqexec, a corrupt package): only the command handler result counts, and only when an argument is missing or the image path holds no Windows.',
    ],
    references: ['docs/domain.md §7', 'MS Learn: DISM image management command-line options'],
  },
  triggers: { codes: [INVALIDARG], text: ["image's windows folder", 'windows folder', 'windows directory'] },
  messages: {
    missingArgument: {
      en: 'The command {{commandLine}} was rejected ({{code}} {{codeName}}): {{commandName}} needs {{argument}}, which the command line does not give. This is an error in the command, not in Windows: run it again with {{argument}} (dism {{commandName}} /? lists the arguments; dism /Get-WimInfo /WimFile:<file> lists the indexes of an image).',
      zh: '命令 {{commandLine}} 被拒绝（{{code}} {{codeName}}）：{{commandName}} 需要参数 {{argument}}，但命令行中没有提供。这是命令本身的错误，并非 Windows 的问题：请加上 {{argument}} 重新运行（dism {{commandName}} /? 可列出参数；dism /Get-WimInfo /WimFile:<文件> 可列出映像索引）。',
    },
    badArgument: {
      en: 'The command {{commandLine}} was rejected ({{code}} {{codeName}}): an argument of {{commandName}} is wrong or incomplete. This is an error in the command, not in Windows: check each argument against dism {{commandName}} /? and run it again.',
      zh: '命令 {{commandLine}} 被拒绝（{{code}} {{codeName}}）：{{commandName}} 的某个参数有误或不完整。这是命令本身的错误，并非 Windows 的问题：请对照 dism {{commandName}} /? 检查各参数后重新运行。',
    },
    notAnImage: {
      en: 'The command {{commandLine}} failed ({{code}} {{codeName}}): /Image:{{image}} holds no Windows installation DISM can service. This is an error in the command, not in Windows: point /Image: at the folder where the image is mounted or applied (the one that contains its Windows folder), or mount the .wim/.vhd first with dism /Mount-Image.',
      zh: '命令 {{commandLine}} 失败（{{code}} {{codeName}}）：/Image:{{image}} 中没有可供 DISM 维护的 Windows 安装。这是命令本身的错误，并非 Windows 的问题：请让 /Image: 指向映像的挂载或应用目录（其中包含 Windows 文件夹），或先用 dism /Mount-Image 挂载 .wim/.vhd。',
    },
  },
  create(ctx) {
    let done = false;
    return {
      entry(e) {
        if (done || e.component !== 'DISM') return;
        const run = dismCommandOf(ctx.entries);
        if (!run) return;
        const command = run.entry;
        const cmd = run.command.trim().replace(/\s+/g, ' ');
        const at = ctx.indexOf(e);
        const final = ctx.entries.slice(at).find((x) => RESULT.test(x.message));
        const result = final ? RESULT.exec(final.message)![1]!.toLowerCase() : null;
        if (!final || !result || /^0x0+$/.test(result)) return;
        const image = IMAGE.exec(cmd)?.[1]?.replace(/^"|"$/g, '');
        const c = commandOf(cmd);
        const data = { commandLine: cmd, commandName: c?.name ?? cmd };
        if (image && NOT_AN_IMAGE.test(e.message)) {
          done = true;
          ctx.report({
            messageId: 'notAnImage',
            data: { ...data, image },
            code: result,
            evidence: [command, e, ...(final === e ? [] : [final])],
          });
          return;
        }
        // E_INVALIDARG must be the command's own result, reported by its handler.
        if (final !== e || result !== INVALIDARG) return;
        done = true;
        const argument = c ? missingArgument(cmd, c.key) : null;
        ctx.report({
          messageId: argument ? 'missingArgument' : 'badArgument',
          data: argument ? { ...data, argument } : data,
          code: INVALIDARG,
          evidence: [command, e],
        });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a Mount-Image with every argument that succeeds',
        log: `2024-04-02 15:10:00, Info                  DISM   DISM.EXE: Executing command line: dism  /Mount-Image /ImageFile:C:\\images\\install.wim /Index:3 /MountDir:C:\\mount
2024-04-02 15:11:40, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
      },
      {
        name: 'E_INVALIDARG of an inner call that the command survives',
        log: `2024-04-02 15:10:00, Info                  DISM   DISM.EXE: Executing command line: dism  /online /get-packages
2024-04-02 15:10:01, Error                 DISM   API: PID=812 TID=816 Failed to convert the install time - Time_InternalToPublic(hr:0x80070057)
2024-04-02 15:10:02, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
      },
    ],
    invalid: [
      {
        name: 'Mount-Image without /Index (E_INVALIDARG)',
        log: `> 2024-04-02 15:02:11, Info                  DISM   DISM.EXE: Executing command line: dism  /Mount-Image /ImageFile:C:\\images\\install.wim /MountDir:C:\\mount
2024-04-02 15:02:11, Info                  DISM   DISM WIM Provider: PID=5208 TID=5212 [C:\\images\\install.wim] Opened the image file. - CWimManager::InternalOpenImage
> 2024-04-02 15:02:11, Error                 DISM   DISM WIM Provider: PID=5208 TID=5212 Failed while processing command mount-image. - CWimManager::ExecuteCmdLine(hr:0x80070057)
2024-04-02 15:02:11, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
        findings: [
          {
            messageId: 'missingArgument',
            facts: {
              commandName: '/Mount-Image',
              argument: '/Index or /Name',
              commandLine: 'dism /Mount-Image /ImageFile:C:\\images\\install.wim /MountDir:C:\\mount',
            },
            code: INVALIDARG,
          },
        ],
      },
      {
        name: 'an argument DISM rejects on a command not in the table',
        log: `> 2024-04-02 15:20:00, Info                  DISM   DISM.EXE: Executing command line: dism  /Image:C:\\mount /Set-TimeZone:"Middle Earth Time"
> 2024-04-02 15:20:01, Error                 DISM   DISM Intl Provider: PID=600 TID=604 Failed while processing command set-timezone. - CIntlManager::ExecuteCmdLine(hr:0x80070057)
2024-04-02 15:20:01, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
        findings: [{ messageId: 'badArgument', facts: { commandName: '/Set-TimeZone' }, code: INVALIDARG }],
      },
      {
        name: '/Image: pointing at a folder with no Windows in it',
        log: `> 2024-04-02 15:30:00, Info                  DISM   DISM.EXE: Executing command line: dism  /Image:E:\\sources /Get-Packages
2024-04-02 15:30:00, Info                  DISM   DISM Manager: PID=900 TID=904 physical location path: E:\\sources - CDISMManager::CreateImageSession
> 2024-04-02 15:30:00, Error                 DISM   DISM.EXE: Failed to access the image folder or image's windows folder. - CDISMManager::CreateImageSession(hr:0x80070003)
> 2024-04-02 15:30:00, Error                 DISM   DISM Package Manager: PID=900 TID=904 Failed while processing command get-packages. - CPackageManagerCLIHandler::ExecuteCmdLine(hr:0x80070003)
2024-04-02 15:30:00, Info                  DISM   DISM.EXE: Image session has been closed. Reboot required=no.`,
        findings: [
          {
            messageId: 'notAnImage',
            facts: { image: 'E:\\sources', commandName: '/Get-Packages' },
            code: '0x80070003',
          },
        ],
      },
    ],
  },
});
