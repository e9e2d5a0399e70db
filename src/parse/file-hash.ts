// File hashes an engineer computed on the machine, to compare with the catalog or the expected hash a
// CBS.log names. Three outputs: PowerShell `Get-FileHash` as a table (`Algorithm  Hash  Path` header, a
// dash rule, one row per file; a narrow console cuts long values with `...` or `…`, `-Wrap` continues a
// path on the next lines), `Get-FileHash | Format-List` (`Algorithm : SHA256` / `Hash : …` / `Path : …`
// blocks; PowerShell keeps these property names in English on a zh-CN system), and
// `certutil -hashfile <file> [algorithm]` in English (`SHA256 hash of C:\…:`; Windows 7 writes
// `hash of file`) or zh-CN (`SHA256 的 C:\… 哈希:`; Windows 7 `MD5 哈希(文件 C:\…):`), the digest on the next
// line (Windows 7 spaces its bytes), then `CertUtil: -hashfile command completed successfully.`

import { eachLine } from './text-lines.js';

/** One hashed file. */
export interface FileHash {
  /** Upper-case algorithm name as written (`SHA256`, `MD5`, `SHA1`). */
  algorithm: string;
  /** The digest in lower-case hex without spaces (the part shown, when `hashTruncated`). */
  hash: string;
  /** The path as written (the part shown, when `pathTruncated`). */
  path: string;
  /** 1-based line of the row, of the `Algorithm :` line, or of certutil's `hash of` line. */
  line: number;
  /** 1-based line of the digest (certutil and Format-List put it on its own line). */
  hashLine: number;
  /** Which output it came from. */
  source: 'table' | 'list' | 'certutil';
  /** The console cut the digest (`...`): it cannot be compared in full. */
  hashTruncated: boolean;
  /** The console cut the path (`...`). */
  pathTruncated: boolean;
}

/** Sample outputs (English and Chinese); the format test parses each to these hashes. */
export const samples: { text: string; hashes: Partial<FileHash>[] }[] = [
  {
    text: [
      'PS C:\\> Get-FileHash C:\\Windows\\System32\\ntdll.dll, C:\\Windows\\System32\\drivers\\netio.sys',
      '',
      'Algorithm       Hash                                                                   Path',
      '---------       ----                                                                   ----',
      'SHA256          5C0A9A6F2F4E1A6E0D3A8F1B7C2E9D4A6B8C0E2F4A6B8C0D2E4F6A8B0C2D4E6F       C:\\Windows\\System32\\ntdll.dll',
      'SHA256          0D1E2F3A4B5C6D7E8F9A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B9C0D1E       C:\\Windows\\System32\\drive...',
      '',
    ].join('\r\n'),
    hashes: [
      {
        algorithm: 'SHA256',
        hash: '5c0a9a6f2f4e1a6e0d3a8f1b7c2e9d4a6b8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f',
        path: 'C:\\Windows\\System32\\ntdll.dll',
        line: 5,
        source: 'table',
        pathTruncated: false,
        hashTruncated: false,
      },
      { line: 6, path: 'C:\\Windows\\System32\\drive', pathTruncated: true },
    ],
  },
  {
    text: [
      '',
      'Algorithm : SHA256',
      'Hash      : 5C0A9A6F2F4E1A6E0D3A8F1B7C2E9D4A6B8C0E2F4A6B8C0D2E4F6A8B0C2D4E6F',
      'Path      : C:\\Windows\\WinSxS\\amd64_microsoft-windows-ntdll_31bf3856ad364e35_10.0.17763.1879_none_3ec4a',
      '            0d9f1d2a6c1\\ntdll.dll',
      '',
    ].join('\r\n'),
    hashes: [
      {
        algorithm: 'SHA256',
        hash: '5c0a9a6f2f4e1a6e0d3a8f1b7c2e9d4a6b8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f',
        path: 'C:\\Windows\\WinSxS\\amd64_microsoft-windows-ntdll_31bf3856ad364e35_10.0.17763.1879_none_3ec4a0d9f1d2a6c1\\ntdll.dll',
        line: 2,
        hashLine: 3,
        source: 'list',
      },
    ],
  },
  {
    text: [
      'C:\\>certutil -hashfile C:\\Windows\\System32\\ntdll.dll SHA256',
      'SHA256 hash of C:\\Windows\\System32\\ntdll.dll:',
      '5c0a9a6f2f4e1a6e0d3a8f1b7c2e9d4a6b8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f',
      'CertUtil: -hashfile command completed successfully.',
    ].join('\r\n'),
    hashes: [
      {
        algorithm: 'SHA256',
        hash: '5c0a9a6f2f4e1a6e0d3a8f1b7c2e9d4a6b8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f',
        path: 'C:\\Windows\\System32\\ntdll.dll',
        line: 2,
        hashLine: 3,
        source: 'certutil',
      },
    ],
  },
  {
    text: [
      'C:\\>certutil -hashfile C:\\Windows\\System32\\ntdll.dll SHA256',
      'SHA256 的 C:\\Windows\\System32\\ntdll.dll 哈希:',
      '5c0a9a6f2f4e1a6e0d3a8f1b7c2e9d4a6b8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f',
      'CertUtil: -hashfile 命令成功完成。',
      '',
      'C:\\>certutil -hashfile D:\\sources\\install.wim MD5',
      'MD5 哈希(文件 D:\\sources\\install.wim):',
      '94 e8 85 3e 5f 36 85 42 8b 73 e3 44 8e 99 eb 83',
      'CertUtil: -hashfile 命令成功完成。',
    ].join('\r\n'),
    hashes: [
      { algorithm: 'SHA256', path: 'C:\\Windows\\System32\\ntdll.dll', line: 2, source: 'certutil' },
      {
        algorithm: 'MD5',
        hash: '94e8853e5f3685428b73e3448e99eb83',
        path: 'D:\\sources\\install.wim',
        line: 7,
        hashLine: 8,
      },
    ],
  },
];

/** Digest length in hex characters of the algorithms Get-FileHash and certutil offer. */
const HEX_LENGTH: Record<string, number> = {
  MD2: 32,
  MD4: 32,
  MD5: 32,
  SHA1: 40,
  SHA256: 64,
  SHA384: 96,
  SHA512: 128,
  MACTRIPLEDES: 16,
  RIPEMD160: 40,
};

const TABLE_HEADER = /^\s*Algorithm\s+Hash\s+Path\s*$/;
const TABLE_RULE = /^\s*-{3,}\s+-{3,}\s+-{3,}\s*$/;
const CUT = /(?:\.\.\.|…)$/;
const TABLE_ROW = /^\s*([A-Za-z][A-Za-z0-9]*)\s+([0-9A-Fa-f]+(?:\.\.\.|…)?)\s+(\S.*?)\s*$/;
const LIST_KEY = /^\s*(Algorithm|Hash|Path)\s*[:：]\s?((?:.*\S)?)\s*$/;
const CERTUTIL_EN = /^\s*([A-Za-z][A-Za-z0-9]*) hash of (?:file )?(.+?)\s*[:：]\s*$/i;
const CERTUTIL_ZH = /^\s*([A-Za-z][A-Za-z0-9]*) ?的 ?(.+?) ?哈希\s*[:：]\s*$/;
const CERTUTIL_ZH_WIN7 = /^\s*([A-Za-z][A-Za-z0-9]*) ?哈希\s*[(（]文件 ?(.+?)[)）]\s*[:：]\s*$/;
const CERTUTIL_ZH_PATH_FIRST = /^\s*(.+?) ?的 ?([A-Za-z][A-Za-z0-9]*) ?哈希\s*[:：]\s*$/; // [K] unconfirmed zh-CN wording
const CERTUTIL_DONE = /^\s*CertUtil\s*[:：]\s*-hashfile\s/i;
const HEX_LINE = /^\s*((?:[0-9A-Fa-f]{2} ?){8,})\s*$/;

const ALGORITHM_NAME = /^(?:MD[245]|SHA(?:1|256|384|512)|MACTRIPLEDES|RIPEMD160)$/i;

/** Whether the first lines of a text hold Get-FileHash or certutil -hashfile output. */
export function detectFileHash(lines: string[]): boolean {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.replace(/^\uFEFF/, '');
    const next = lines[i + 1] ?? '';
    if (TABLE_HEADER.test(l) && TABLE_RULE.test(next)) return true;
    if (CERTUTIL_DONE.test(l)) return true;
    if (certutilHeader(l) && HEX_LINE.test(next)) return true;
    const k = LIST_KEY.exec(l);
    if (k?.[1] === 'Algorithm' && ALGORITHM_NAME.test(k[2]!) && LIST_KEY.exec(next)?.[1] === 'Hash')
      return true;
  }
  return false;
}

function certutilHeader(l: string): { algorithm: string; path: string } | null {
  // Every form ends with a colon: lines that do not never reach the lazy patterns (a long run of blanks
  // before a missing colon would make them quadratic).
  const end = l.trimEnd();
  if (!end.endsWith(':') && !end.endsWith('：')) return null;
  let m = CERTUTIL_EN.exec(l) ?? CERTUTIL_ZH_WIN7.exec(l);
  if (m && ALGORITHM_NAME.test(m[1]!)) return { algorithm: m[1]!.toUpperCase(), path: m[2]! };
  m = CERTUTIL_ZH.exec(l);
  if (m && ALGORITHM_NAME.test(m[1]!)) return { algorithm: m[1]!.toUpperCase(), path: m[2]! };
  m = l.includes('的') ? CERTUTIL_ZH_PATH_FIRST.exec(l) : null;
  if (m && ALGORITHM_NAME.test(m[2]!)) return { algorithm: m[2]!.toUpperCase(), path: m[1]! };
  return null;
}

/** Whether a digest is as long as its algorithm's (unknown algorithms: any even length). */
function fullLength(algorithm: string, hex: string): boolean {
  const n = HEX_LENGTH[algorithm];
  return n === undefined ? hex.length > 0 && hex.length % 2 === 0 : hex.length === n;
}

/** Parses every hash of Get-FileHash (table or list) and certutil -hashfile output, in text order. */
export function parseFileHashes(text: string): FileHash[] {
  const lines: string[] = [];
  eachLine(text, (l) => {
    lines.push(l.replaceAll('\u0000', ''));
  });
  const out: FileHash[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (TABLE_HEADER.test(l) && TABLE_RULE.test(lines[i + 1] ?? '')) {
      i = parseTable(lines, i, out);
      continue;
    }
    const k = LIST_KEY.exec(l);
    if (k?.[1] === 'Algorithm') {
      i = parseList(lines, i, out);
      continue;
    }
    const c = certutilHeader(l);
    if (c) {
      const hex = HEX_LINE.exec(lines[i + 1] ?? '');
      if (!hex) continue;
      const hash = hex[1]!.replace(/\s+/g, '').toLowerCase();
      out.push({
        algorithm: c.algorithm,
        hash,
        path: c.path.trim(),
        line: i + 1,
        hashLine: i + 2,
        source: 'certutil',
        hashTruncated: !fullLength(c.algorithm, hash),
        pathTruncated: false,
      });
      i++;
    }
  }
  return out;
}

/** Table rows from the header at `h`; returns the index of the last line consumed. */
function parseTable(lines: string[], h: number, out: FileHash[]): number {
  const pathCol = lines[h]!.indexOf('Path');
  let i = h + 2;
  let last: FileHash | null = null;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.trim()) break;
    const m = TABLE_ROW.exec(l);
    if (m && ALGORITHM_NAME.test(m[1]!)) {
      const algorithm = m[1]!.toUpperCase();
      const hashCut = CUT.test(m[2]!);
      const hash = m[2]!.replace(CUT, '').toLowerCase();
      const pathCut = CUT.test(m[3]!);
      last = {
        algorithm,
        hash,
        path: m[3]!.replace(CUT, ''),
        line: i + 1,
        hashLine: i + 1,
        source: 'table',
        hashTruncated: hashCut || !fullLength(algorithm, hash),
        pathTruncated: pathCut,
      };
      out.push(last);
    } else if (last && pathCol > 0 && /^\s+\S/.test(l) && l.search(/\S/) >= pathCol - 1) {
      // `Format-Table -Wrap`: the path goes on under its column.
      last.path += l.trim();
    } else break;
  }
  return i - 1;
}

/** One Format-List block from its `Algorithm :` line; returns the index of the last line consumed. */
function parseList(lines: string[], a: number, out: FileHash[]): number {
  const fields: Partial<Record<'Algorithm' | 'Hash' | 'Path', { value: string; line: number }>> = {};
  let i = a;
  let lastKey: 'Algorithm' | 'Hash' | 'Path' | null = null;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.trim()) break;
    const k = LIST_KEY.exec(l);
    if (k) {
      const key = k[1] as 'Algorithm' | 'Hash' | 'Path';
      if (fields[key]) break; // the next block without a blank line between
      fields[key] = { value: k[2]!, line: i + 1 };
      lastKey = key;
    } else if (lastKey && /^\s+\S/.test(l)) {
      // A long value goes on, indented under the first one.
      fields[lastKey]!.value += l.trim();
    } else break;
  }
  const alg = fields.Algorithm;
  const hash = fields.Hash;
  if (alg && hash && ALGORITHM_NAME.test(alg.value) && /^[0-9A-Fa-f]+$/.test(hash.value)) {
    const algorithm = alg.value.toUpperCase();
    const hex = hash.value.toLowerCase();
    out.push({
      algorithm,
      hash: hex,
      path: fields.Path?.value ?? '',
      line: alg.line,
      hashLine: hash.line,
      source: 'list',
      hashTruncated: !fullLength(algorithm, hex),
      pathTruncated: false,
    });
  }
  return i - 1;
}
