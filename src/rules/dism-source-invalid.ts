// DISM cannot use the repair source it was given: `/Source:` pointing at an install.wim/.esd without the
// `WIM:`/`ESD:` prefix and index (CBS AddSource fails 0x8007007b), a path that is not a folder
// (0x8007010b), or an unquoted path with a space the command line parser rejects (corpus dism01-04).

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';

const SOURCE_RE = /\/source:("[^"]+"|\S+)/i;

function sourceOf(cmd: string): string | null {
  const m = SOURCE_RE.exec(cmd);
  return m ? m[1]!.replace(/^"|"$/g, '') : null;
}

export default defineRule({
  id: 'dism-source-invalid',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: ['0x8007007b', '0x8007010b', '0x800f081f'],
    summary: { en: 'DISM repair source cannot be used', zh: 'DISM 修复源无法使用' },
    // With the source unusable, "source files not found" is its consequence, not a second cause.
    folds: ['cbs-source-missing'],
    references: [
      'corpus dism01 lines 485, 507, 613',
      'MS Learn: repair a Windows image (/Source:WIM:…:index)',
    ],
  },
  triggers: { text: ['AddSource failed', 'Failed validating command line'] },
  messages: {
    missingPrefix: {
      en: 'The repair source {{source}} is an image file given without the {{prefix}}: prefix and index, so CBS cannot add it ({{code}} {{codeName}}); use /Source:{{prefix}}:{{source}}:<index> (index from dism /Get-WimInfo).',
      zh: '修复源 {{source}} 是映像文件，但未加 {{prefix}}: 前缀和索引，CBS 无法添加该源（{{code}} {{codeName}}）；请使用 /Source:{{prefix}}:{{source}}:<索引>（索引可用 dism /Get-WimInfo 查询）。',
    },
    notUsable: {
      en: 'CBS cannot add the repair source {{source}} ({{code}} {{codeName}}); check that the path exists and holds a matching Windows folder or image.',
      zh: 'CBS 无法添加修复源 {{source}}（{{code}} {{codeName}}）；请确认路径存在，且包含版本匹配的 Windows 目录或映像。',
    },
    unquoted: {
      en: 'DISM rejected the command line: the source path {{source}} contains a space and is not quoted.',
      zh: 'DISM 拒绝了命令行：修复源路径 {{source}} 含有空格但未加引号。',
    },
  },
  create(ctx) {
    const seen = new Set<string>();
    let lastCommand: LogEntry | null = null;
    return {
      entry(e) {
        const i = ctx.indexOf(e);
        // The command that asked for the source is the last "Executing command line" before the failure.
        for (let j = i - 1; j >= 0 && j >= i - 400; j--) {
          if (/Executing command line:/.test(ctx.entries[j]!.message)) {
            lastCommand = ctx.entries[j]!;
            break;
          }
        }
        if (/Failed validating command line:/.test(e.message)) {
          const src = sourceOf(e.message.replace(/ \/limitaccess.*$/i, ''));
          const full = /\/source:(.+?)(?: \/\w+|$)/i.exec(e.message)?.[1];
          if (!src || !full || !full.includes(' ') || seen.has(`q|${full}`)) return;
          seen.add(`q|${full}`);
          ctx.report({
            messageId: 'unquoted',
            data: { source: full },
            facts: { source: full },
            code: null,
            evidence: [e],
          });
          return;
        }
        const code = /HRESULT=(0x[0-9a-fA-F]{8})/.exec(e.message)?.[1]?.toLowerCase() ?? e.codes[0] ?? null;
        const src = lastCommand ? sourceOf(lastCommand.message) : null;
        if (!src || seen.has(`${src}|${code}`)) return;
        seen.add(`${src}|${code}`);
        const image = /\.(wim|esd|swm)$/i.exec(src);
        const prefixed = /^(wim|esd):/i.test(src);
        const evidence = [lastCommand!, e];
        if (image && !prefixed) {
          const prefix = image[1]!.toLowerCase() === 'esd' ? 'ESD' : 'WIM';
          ctx.report({
            messageId: 'missingPrefix',
            data: { source: src, prefix },
            facts: { source: src, prefix },
            code,
            evidence,
          });
        } else {
          ctx.report({
            messageId: 'notUsable',
            data: { source: src },
            facts: { source: src },
            code,
            evidence,
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a source with the ESD: prefix and index',
        log: `2023-05-22 13:10:00, Info                  DISM   DISM.EXE: Executing command line: dism  /online /cleanup-image /restorehealth /source:ESD:F:\\sources\\install.esd:6 /limitaccess`,
      },
    ],
    invalid: [
      {
        name: 'corpus dism01: install.esd without the ESD: prefix',
        log: `> 2023-05-22 12:47:33, Info                  DISM   DISM.EXE: Executing command line: dism  /online /cleanup-image /restorehealth /source:F:\\Win\\Win10\\sources\\install.esd /limitaccess
> 2023-05-22 12:47:34, Warning               DISM   DISM Package Manager: PID=6844 TID=7344 CBS AddSource failed with HRESULT=0x8007007b! - CDISMPackageManager::Internal_Finalize
2023-05-22 12:48:44, Info                  DISM   DISM Package Manager: PID=6844 TID=3564  Error in operation: source for package or file not found, ResolveSource() unsuccessful. (CBS HRESULT=0x800f081f) - CCbsConUIHandler::Error`,
        findings: [
          {
            messageId: 'missingPrefix',
            facts: { source: 'F:\\Win\\Win10\\sources\\install.esd', prefix: 'ESD' },
            code: '0x8007007b',
          },
        ],
      },
      {
        name: 'a source that is not a folder (0x8007010b)',
        log: `> 2023-05-22 13:00:10, Info                  DISM   DISM.EXE: Executing command line: dism  /online /cleanup-image /restorehealth /source:F:\\sources
> 2023-05-22 13:00:11, Warning               DISM   DISM Package Manager: PID=1 TID=2 CBS AddSource failed with HRESULT=0x8007010b! - CDISMPackageManager::Internal_Finalize`,
        findings: [{ messageId: 'notUsable', facts: { source: 'F:\\sources' }, code: '0x8007010b' }],
      },
      {
        name: 'corpus dism01: an unquoted path with a space',
        log: `> 2023-05-22 12:47:19, Error                 DISM   DISM.EXE: Failed validating command line: dism  /online /cleanup-image /restorehealth /source:F:\\Win\\Win 10\\sources\\install.esd /limitaccess`,
        findings: [
          { messageId: 'unquoted', facts: { source: 'F:\\Win\\Win 10\\sources\\install.esd' }, code: null },
        ],
      },
    ],
  },
});
