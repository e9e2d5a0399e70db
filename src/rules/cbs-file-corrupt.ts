// The file system reports a file or folder as corrupt (STATUS_FILE_CORRUPT_ERROR, 0x80070570
// ERROR_FILE_CORRUPT): NTFS-level damage, not a servicing mismatch — chkdsk, not copying (seed 001).

import type { LogEntry } from '../model/types.js';
import { csiStrings, packageIdentities, plainPath } from '../parse/identity.js';
import { defineRule } from './define-rule.js';
import { opt } from './rule-helpers.js';

const CODES = ['0x80070570', '0xc0000102'];

function pathIn(e: LogEntry): string | null {
  const nt = /\bon:\[\d+\]'([^']+)'/.exec(e.message);
  if (nt) return plainPath(nt[1]!);
  for (const s of csiStrings(e.message))
    if (/^(?:\\\?\?\\|[A-Za-z]:\\|\\SystemRoot\\)/.test(s)) return plainPath(s);
  const mum = /([A-Za-z]:\\[^\s[\]'"]+)/.exec(e.message);
  return mum ? plainPath(mum[1]!) : null;
}

export default defineRule({
  id: 'cbs-file-corrupt',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: CODES,
    summary: { en: 'File system reports a file or folder as corrupt', zh: '文件系统报告文件或文件夹已损坏' },
    falsePositives: ['A corrupt file inside a download cache that is replaced on retry.'],
    references: [
      'seed 001 (C:\\Program Files\\Windows Defender)',
      'MS Learn: Windows Update error 0x80070570',
    ],
  },
  triggers: { codes: CODES },
  messages: {
    corrupt: {
      en: 'The file system reports {{kind}} {{path}} as corrupt ({{code}} {{codeName}}): NTFS-level damage.',
      zh: '文件系统报告{{kindZh}} {{path}} 已损坏（{{code}} {{codeName}}），属于磁盘/NTFS 层面的损坏。',
    },
    packageCorrupt: {
      en: 'Package {{package}} cannot be opened: its files are corrupt ({{code}} {{codeName}}).',
      zh: '补丁包 {{package}} 无法打开：其文件已损坏（{{code}} {{codeName}}）。',
    },
  },
  create(ctx) {
    const groups = new Map<string, { entries: LogEntry[]; dir: boolean; pkg: string | null }>();
    let pending: LogEntry[] = [];
    return {
      entry(e) {
        const flagged = e.csi?.flag === 'F' || e.csi?.flag === 'E' || /Failed|Error/i.test(e.message);
        if (!flagged) return;
        const path = pathIn(e);
        const pkg = packageIdentities(e.message)[0]?.id ?? null;
        const key = (path ?? pkg ?? '').toLowerCase();
        const last = [...groups.values()].pop();
        const recent = last && last.entries[last.entries.length - 1]!.time === e.time ? last : undefined;
        const slot = key ? groups.get(key) : recent;
        const target = slot ?? { entries: [], dir: false, pkg };
        if (!slot) {
          if (!key) {
            pending.push(e);
            return;
          }
          groups.set(key, target);
          // Lines of the same second without a name ("Failed to internally open package.") lead up to it.
          target.entries.push(...pending.filter((p) => p.time === e.time));
          pending = [];
        }
        target.entries.push(e);
        // CSI splits long records into several timestamped lines; the pieces that follow carry the flags.
        const i = ctx.indexOf(e);
        for (const n of ctx.entries.slice(i + 1, i + 3)) {
          if (n.time !== e.time || n.csi?.seq || n.component !== e.component) break;
          if (!target.entries.includes(n)) target.entries.push(n);
          if (/FILE_DIRECTORY_FILE/.test(n.message)) target.dir = true;
        }
        if (/FILE_DIRECTORY_FILE/.test(e.message)) target.dir = true;
      },
      end() {
        for (const [key, g] of groups) {
          const path = pathIn(g.entries.find((x) => pathIn(x)) ?? g.entries[0]!);
          if (path && !/\.mum$/i.test(path)) {
            ctx.report({
              messageId: 'corrupt',
              data: { path, kind: g.dir ? 'folder' : 'file', kindZh: g.dir ? '文件夹' : '文件' },
              facts: { path, kind: g.dir ? 'directory' : 'file', package: opt(g.pkg) },
              code: '0x80070570',
              evidence: g.entries,
            });
          } else {
            ctx.report({
              messageId: 'packageCorrupt',
              data: { package: g.pkg ?? key },
              facts: { package: g.pkg ?? key, path: opt(path) },
              code: '0x80070570',
              evidence: g.entries,
            });
          }
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'corrupt-looking words without the code',
        log: `2022-08-18 15:53:46, Info                  CSI    00009625 CSIPERF - FilePI Queue 327ms`,
      },
    ],
    invalid: [
      {
        name: 'seed 001: the Windows Defender folder is corrupt on disk',
        log: `2022-08-18 15:53:46, Info                  CSI    00009625 CSIPERF - FilePI Queue 327ms
> 2022-08-18 15:53:46, Error                 CSI    00009626 (F) STATUS_FILE_CORRUPT_ERROR #34109804# from Windows::Rtl::SystemImplementation::DirectFileSystemProvider::SysCreateFile(flags = (AllowFileNotFound|AllowSharingViolation|0x00000100), handle = {provider=NULL, handle=0, name= ("null")}, da = (SYNCHRONIZE|FILE_READ_ATTRIBUTES), oa = @0x9656a7d358->OBJECT_ATTRIBUTES {s:48; rd:NULL; on:[37]'\\??\\C:\\Program Files\\Windows Defender'; a:(OBJ_CASE_INSENSITIVE)}, iosb = @0x9656a7d3b0, as = (null), fa = 0, sa = (FILE_SHARE_READ|FILE_SHARE_WRITE|FILE_SHARE_DEL[gle=0xd0000102]
> 2022-08-18 15:53:46, Error                 CSI    ETE), cd = FILE_OPEN, co = (FILE_DIRECTORY_FILE|FILE_SYNCHRONOUS_IO_NONALERT|0x00004000), eab = NULL, eal = 0, disp = Invalid)
> [gle=0xd0000102]
> 2022-08-18 15:53:46, Error                 CSI    00009627@2022/8/18:07:53:46.609 (F) onecore\\base\\wcp\\sil\\ntsystem.cpp(2987): Error STATUS_FILE_CORRUPT_ERROR originated in function Windows::Rtl::SystemImplementation::DirectFileSystemProvider::SysCreateFile expression: (null)
> [gle=0x80004005]`,
        findings: [
          {
            messageId: 'corrupt',
            data: { path: 'C:\\Program Files\\Windows Defender' },
            facts: { kind: 'directory' },
            code: '0x80070570',
          },
        ],
      },
      {
        name: 'a package that cannot be opened because its files are corrupt',
        log: `> 2023-06-14 10:02:11, Error                 CBS    Failed to internally open package. [HRESULT = 0x80070570 - ERROR_FILE_CORRUPT]
> 2023-06-14 10:02:11, Info                  CBS    Failed to resolve package 'Package_for_KB5027222~31bf3856ad364e35~amd64~~17763.4499.1.12' [HRESULT = 0x80070570 - ERROR_FILE_CORRUPT]`,
        findings: [
          {
            messageId: 'packageCorrupt',
            data: { package: 'Package_for_KB5027222~31bf3856ad364e35~amd64~~17763.4499.1.12' },
          },
        ],
      },
    ],
  },
});
