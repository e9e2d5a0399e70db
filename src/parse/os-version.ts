// The OS build as an engineer captures it, English or zh-CN: `ver` (`Microsoft Windows [Version
// 10.0.17763.1879]` / `Microsoft Windows [版本 10.0.17763.1879]`; before Windows 10 1607 without the UBR), a
// text copy of winver (`Version 1809 (OS Build 17763.1879)` / `版本 1809 (OS 内部版本 17763.1879)`), and the
// `CurrentBuild`, `CurrentBuildNumber`, `UBR`, `DisplayVersion`, `ReleaseId`, `EditionID`, `ProductName`
// values of `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion` as `reg query` prints them
// (`    UBR    REG_DWORD    0x757`), as PowerShell `Get-ItemProperty` lists them (`UBR : 1879`) or as a
// .reg export writes them. systeminfo has its own module (systeminfo.ts); a `reg query` of the key is
// registry output too (registry-export.ts): a caller tests detectOsVersion before detectRegistryExport.

import { detectDismConsole } from './dism-console.js';
import { detectSfcConsole } from './sfc-console.js';
import { detectSystemInfo } from './systeminfo.js';
import { eachLine } from './text-lines.js';

/** Where a build was read. */
export type OsVersionSource = 'ver' | 'winver' | 'registry' | 'powershell';

/** One capture of the OS version (a `ver` line, a winver text, one listing of the CurrentVersion key). */
export interface OsVersion {
  /** 17763 */
  build: number | null;
  /** Update build revision: 1879 in 17763.1879; null when the capture does not show it. */
  ubr: number | null;
  /** `1809`, `21H2`: DisplayVersion, else ReleaseId, else winver's text, else known from the build. */
  version: string | null;
  /** True when `version` was not written but looked up from the build number. */
  versionFromBuild: boolean;
  /** EditionID (`EnterpriseS`, `Professional`), or the edition winver names. */
  edition: string | null;
  /** ProductName as written (Windows 11 still writes `Windows 10 …` there). */
  productName: string | null;
  /** 1-based line of the build (of the first value of the capture when it has no build). */
  line: number;
  /** Line of each field that was written. */
  lines: Partial<Record<'build' | 'ubr' | 'version' | 'edition' | 'productName', number>>;
  source: OsVersionSource;
}

/** Sample captures (English and Chinese); the format test parses each to these fields of its first capture. */
export const samples: { text: string; fields: Partial<OsVersion> }[] = [
  {
    text: [
      '',
      'Microsoft Windows [Version 10.0.17763.1879]',
      '(c) 2018 Microsoft Corporation. All rights reserved.',
    ].join('\r\n'),
    fields: { build: 17763, ubr: 1879, version: '1809', versionFromBuild: true, line: 2, source: 'ver' },
  },
  {
    text: ['Microsoft Windows [版本 10.0.17763.1879]', '(c) 2018 Microsoft Corporation。保留所有权利。'].join(
      '\r\n',
    ),
    fields: { build: 17763, ubr: 1879, line: 1, source: 'ver' },
  },
  {
    text: [
      'Microsoft Windows',
      'Version 1809 (OS Build 17763.1879)',
      '© 2018 Microsoft Corporation. All rights reserved.',
      'The Windows 10 Enterprise LTSC operating system and its user interface are protected by trademark and other pending or existing intellectual property rights in the United States and other countries/regions.',
    ].join('\r\n'),
    fields: {
      build: 17763,
      ubr: 1879,
      version: '1809',
      versionFromBuild: false,
      edition: 'Windows 10 Enterprise LTSC',
      line: 2,
      source: 'winver',
    },
  },
  {
    text: [
      'Microsoft Windows',
      '版本 21H2 (OS 内部版本 19044.2965)',
      '© Microsoft Corporation。保留所有权利。',
    ].join('\r\n'),
    fields: { build: 19044, ubr: 2965, version: '21H2', line: 2, source: 'winver' },
  },
  {
    text: [
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
      '    SystemRoot    REG_SZ    C:\\Windows',
      '    CurrentBuild    REG_SZ    17763',
      '    CurrentBuildNumber    REG_SZ    17763',
      '    EditionID    REG_SZ    EnterpriseS',
      '    ProductName    REG_SZ    Windows 10 Enterprise LTSC 2019',
      '    ReleaseId    REG_SZ    1809',
      '    UBR    REG_DWORD    0x757',
      '',
    ].join('\r\n'),
    fields: {
      build: 17763,
      ubr: 1879,
      version: '1809',
      edition: 'EnterpriseS',
      productName: 'Windows 10 Enterprise LTSC 2019',
      line: 4,
      lines: { build: 4, edition: 6, productName: 7, version: 8, ubr: 9 },
      source: 'registry',
    },
  },
  {
    text: [
      '',
      'CurrentBuild              : 19045',
      'DisplayVersion            : 22H2',
      'EditionID                 : Professional',
      'ProductName               : Windows 10 Pro',
      'ReleaseId                 : 2009',
      'UBR                       : 2965',
      'PSPath                    : Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion',
      '',
    ].join('\r\n'),
    fields: {
      build: 19045,
      ubr: 2965,
      version: '22H2',
      edition: 'Professional',
      line: 2,
      source: 'powershell',
    },
  },
];

/** Feature-update version of each Windows 10/11 (and Server 2022) build. */
const VERSION_OF_BUILD: Record<number, string> = {
  10240: '1507',
  10586: '1511',
  14393: '1607',
  15063: '1703',
  16299: '1709',
  17134: '1803',
  17763: '1809',
  18362: '1903',
  18363: '1909',
  19041: '2004',
  19042: '20H2',
  19043: '21H1',
  19044: '21H2',
  19045: '22H2',
  20348: '21H2',
  22000: '21H2',
  22621: '22H2',
  22631: '23H2',
  26100: '24H2',
  26200: '25H2',
};

const VER = /^\s*Microsoft Windows \[(?:Version|版本)\s*(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?\]\s*$/i;
// `操作系统内部版本`: [K] unconfirmed zh-CN wording (Microsoft's zh-CN articles write it; winver writes `OS 内部版本`).
const WINVER =
  /^\s*(?:Version|版本)\s+([0-9A-Za-z]{4})\s*[(（]\s*(?:OS Build|OS 内部版本|操作系统内部版本)\s*(\d{4,5})\.(\d+)\s*[)）]\s*$/i;
const WINVER_EDITION_EN = /operating system and its user interface are protected/i;
// [K] unconfirmed zh-CN wording
const WINVER_EDITION_ZH = '操作系统及其用户界面受';
const NAMES = [
  'CurrentBuild',
  'CurrentBuildNumber',
  'UBR',
  'DisplayVersion',
  'ReleaseId',
  'EditionID',
  'ProductName',
];
const NAME_RE = NAMES.join('|');
// Values are taken to the end of the line and trimmed after: `(.*?)\s*$` backtracks over a long run of spaces.
const REG_QUERY = new RegExp(`^ {4}(${NAME_RE}) {4}(REG_SZ|REG_DWORD) {4}(.*)$`, 'i');
const POWERSHELL = new RegExp(`^(${NAME_RE})\\s*[:：] ?(.*)$`, 'i');
const REG_FILE = new RegExp(`^"(${NAME_RE})"=(?:"(.*)"|dword:([0-9a-f]{8}))\\s*$`, 'i');

type Field = 'build' | 'ubr' | 'version' | 'edition' | 'productName';

/** Whether the first lines of a text are an OS version capture (and not systeminfo, a log, DISM or sfc output). */
export function detectOsVersion(lines: string[]): boolean {
  const clean = lines.map((l) => l.replace(/^\uFEFF/, '').replaceAll('\u0000', ''));
  if (detectSystemInfo(clean) || detectDismConsole(clean) || detectSfcConsole(clean)) return false;
  let values = 0;
  let stamped = 0;
  for (const l of clean) {
    // CBS, DISM, setup and WindowsUpdate logs: every line is time-stamped.
    if (/^\s*\d{4}[-/]\d{2}[-/]\d{2}[ T,]/.test(l)) stamped++;
    if (VER.test(l) || WINVER.test(l)) return stamped < 3;
    const m = REG_QUERY.exec(l) ?? POWERSHELL.exec(l) ?? REG_FILE.exec(l);
    if (m && /^(?:CurrentBuild(?:Number)?|UBR)$/i.test(m[1]!)) values++;
  }
  return values >= 2 || (values >= 1 && clean.filter((l) => l.trim()).length <= 3);
}

/**
 * The edition winver names under its version line (`The Windows 10 Pro operating system and its user
 * interface are protected…`, zh-CN `Windows 10 专业版 操作系统及其用户界面受…`), or null. Found by the fixed
 * wording, then the text before it: linear in the line (fuzz seed 1 input 3946: a pattern of the form
 * `^\s*(.+?)\s*literal` took minutes on a long line of spaces).
 */
function winverEdition(l: string): string | null {
  const en = WINVER_EDITION_EN.exec(l);
  if (en) {
    const head = l.slice(0, en.index).trim();
    return /^the /i.test(head) && head.length > 4 ? head.slice(4).trim() : null;
  }
  const at = l.indexOf(WINVER_EDITION_ZH);
  if (at < 0) return null;
  return l.slice(0, at).trim() || null;
}

function num(s: string): number | null {
  const t = s.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^\d+$/.test(t)) return Number(t);
  return null;
}

function blank(line: number, source: OsVersionSource): OsVersion {
  return {
    build: null,
    ubr: null,
    version: null,
    versionFromBuild: false,
    edition: null,
    productName: null,
    line,
    lines: {},
    source,
  };
}

/** Every OS version capture in a text, in order (one per `ver` line, winver text, key listing). */
export function parseOsVersions(text: string): OsVersion[] {
  const out: OsVersion[] = [];
  let reg: OsVersion | null = null;
  let regNames = new Set<string>();
  let releaseId: { value: string; line: number } | null = null;
  let winver: OsVersion | null = null;
  const closeRegistry = (): void => {
    if (reg && releaseId && !reg.version) {
      // ReleaseId stays 2009 from 20H2 on: past 19041 it names no version (DisplayVersion does).
      if (!(releaseId.value === '2009' && (reg.build ?? 0) > 19041)) {
        reg.version = releaseId.value;
        reg.lines.version = releaseId.line;
      }
    }
    reg = null;
    regNames = new Set();
    releaseId = null;
  };
  const set = (o: OsVersion, f: Field, v: string | number, line: number): void => {
    (o as unknown as Record<Field, string | number>)[f] = v;
    o.lines[f] = line;
  };
  eachLine(text, (raw, no) => {
    const l = raw.replaceAll('\u0000', '');
    let m = VER.exec(l);
    if (m) {
      const o = blank(no, 'ver');
      set(o, 'build', Number(m[3]), no);
      if (m[4] !== undefined) set(o, 'ubr', Number(m[4]), no);
      out.push(o);
      return;
    }
    m = WINVER.exec(l);
    if (m) {
      winver = blank(no, 'winver');
      set(winver, 'version', m[1]!.toUpperCase(), no);
      set(winver, 'build', Number(m[2]), no);
      set(winver, 'ubr', Number(m[3]), no);
      out.push(winver);
      return;
    }
    const edition = winverEdition(l);
    if (edition !== null && winver && !winver.edition) {
      set(winver, 'edition', edition, no);
      return;
    }
    let name: string;
    let value: string;
    let source: OsVersionSource;
    if ((m = REG_QUERY.exec(l))) {
      [name, value, source] = [m[1]!, m[3]!.trimEnd(), 'registry'];
    } else if ((m = REG_FILE.exec(l))) {
      [name, value, source] = [m[1]!, m[2] ?? '0x' + m[3]!, 'registry'];
    } else if ((m = POWERSHELL.exec(l))) {
      [name, value, source] = [m[1]!, m[2]!.trimEnd(), 'powershell'];
    } else return;
    const key = NAMES.find((n) => n.toLowerCase() === name.toLowerCase())!;
    // A name seen again starts the next listing of the key.
    if (!reg || regNames.has(key) || reg.source !== source) {
      closeRegistry();
      reg = blank(no, source);
      out.push(reg);
    }
    regNames.add(key);
    switch (key) {
      case 'CurrentBuild':
      case 'CurrentBuildNumber': {
        const b = num(value);
        if (b !== null && reg.build === null) {
          set(reg, 'build', b, no);
          reg.line = no;
        }
        break;
      }
      case 'UBR': {
        const u = num(value);
        if (u !== null) set(reg, 'ubr', u, no);
        break;
      }
      case 'DisplayVersion':
        if (value) set(reg, 'version', value, no);
        break;
      case 'ReleaseId':
        if (value) releaseId = { value, line: no };
        break;
      case 'EditionID':
        if (value) set(reg, 'edition', value, no);
        break;
      case 'ProductName':
        if (value) set(reg, 'productName', value, no);
        break;
    }
  });
  closeRegistry();
  for (const o of out) {
    if (!o.version && o.build !== null && VERSION_OF_BUILD[o.build]) {
      o.version = VERSION_OF_BUILD[o.build]!;
      o.versionFromBuild = true;
    }
  }
  return out.filter((o) => o.build !== null || o.ubr !== null || o.version !== null || o.edition !== null);
}

/** The most complete OS version of a text (build and UBR first), or null when it has none. */
export function parseOsVersion(text: string): OsVersion | null {
  const all = parseOsVersions(text);
  return (
    all.find((o) => o.build !== null && o.ubr !== null) ?? all.find((o) => o.build !== null) ?? all[0] ?? null
  );
}
