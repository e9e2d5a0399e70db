// Registry captures: a regedit `.reg` export (`Windows Registry Editor Version 5.00`, usually UTF-16LE with
// a BOM, or the ANSI `REGEDIT4`) — `[HKEY_…]` keys, `[-HKEY_…]` deleted keys, `"Name"="string"` (with `\\`
// and `\"` escapes), `@=` for the default value, `dword:0000001f`, `hex:` (REG_BINARY), `hex(2):`
// (REG_EXPAND_SZ as UTF-16LE bytes), `hex(7):` (REG_MULTI_SZ), `hex(b):` (REG_QWORD), `"Name"=-` deletions,
// hex data wrapped by a trailing backslash — and the console output of `reg query <key> /s` (the key at
// column 0, then `    Name    REG_DWORD    0x1` lines; the default value is `(Default)` / `(默认)`).
// `windowsUpdatePolicy` reads the Windows Update policy values (WSUS server, AU options) out of the keys.

import { eachLine } from './text-lines.js';

/** Registry value types; `hex(n)` for a numbered type regedit writes that has no name here. */
export type RegType =
  | 'REG_NONE'
  | 'REG_SZ'
  | 'REG_EXPAND_SZ'
  | 'REG_BINARY'
  | 'REG_DWORD'
  | 'REG_DWORD_BIG_ENDIAN'
  | 'REG_LINK'
  | 'REG_MULTI_SZ'
  | 'REG_RESOURCE_LIST'
  | 'REG_FULL_RESOURCE_DESCRIPTOR'
  | 'REG_RESOURCE_REQUIREMENTS_LIST'
  | 'REG_QWORD'
  | `hex(${string})`;

/** One value of a key. */
export interface RegValue {
  /** The value name; '' for the default value (`@`, `(Default)`, `(默认)`). */
  name: string;
  /** Null for a deletion (`"Name"=-`). */
  type: RegType | null;
  /**
   * Decoded data: a string (REG_SZ, REG_EXPAND_SZ, REG_LINK), a number (REG_DWORD, and REG_QWORD when it
   * fits a double exactly, else `0x…` text), a string list (REG_MULTI_SZ), lower-case hex without
   * separators (REG_BINARY, REG_NONE, resource lists, unknown types); null when deleted or not set.
   */
  value: string | number | string[] | null;
  /** `"Name"=-`: the export deletes the value. */
  deleted: boolean;
  /** 1-based line where the value starts (a wrapped hex value goes on over the next lines). */
  line: number;
}

/** One key with its values, in text order. */
export interface RegKey {
  /** The path as written (`HKEY_LOCAL_MACHINE\SOFTWARE\…`), without the `-` of a deletion. */
  path: string;
  /** `[-HKEY_…]`: the export deletes the key. */
  deleted: boolean;
  line: number;
  values: RegValue[];
}

/** Sample captures; the format test parses each to these keys. */
export const samples: { text: string; keys: Partial<RegKey>[] }[] = [
  {
    text: [
      'Windows Registry Editor Version 5.00',
      '',
      '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate]',
      '"WUServer"="http://wsus.corp.example:8530"',
      '"WUStatusServer"="http://wsus.corp.example:8530"',
      '"TargetGroupEnabled"=dword:00000001',
      '"TargetGroup"="Servers-Ring1"',
      '',
      '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]',
      '"UseWUServer"=dword:00000001',
      '"AUOptions"=dword:00000004',
      '"NoAutoUpdate"=dword:00000000',
      '',
    ].join('\r\n'),
    keys: [
      {
        path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate',
        deleted: false,
        line: 3,
        values: [
          {
            name: 'WUServer',
            type: 'REG_SZ',
            value: 'http://wsus.corp.example:8530',
            deleted: false,
            line: 4,
          },
          {
            name: 'WUStatusServer',
            type: 'REG_SZ',
            value: 'http://wsus.corp.example:8530',
            deleted: false,
            line: 5,
          },
          { name: 'TargetGroupEnabled', type: 'REG_DWORD', value: 1, deleted: false, line: 6 },
          { name: 'TargetGroup', type: 'REG_SZ', value: 'Servers-Ring1', deleted: false, line: 7 },
        ],
      },
      { line: 9 },
    ],
  },
  {
    text: [
      'Windows Registry Editor Version 5.00',
      '',
      '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\Servicing]',
      '"LocalSourcePath"=hex(2):5c,00,5c,00,66,00,73,00,5c,00,73,00,78,00,73,00,00,00',
      '"RepairContentServerSource"=dword:00000002',
      '@="默认值 \\"quoted\\" C:\\\\path"',
      '"Sources"=hex(7):61,00,00,00,62,00,00,00,00,00',
      '"Stamp"=hex(b):00,10,00,00,00,00,00,00',
      '"Blob"=hex:01,02,03,\\',
      '  ff',
      '"Old"=-',
      '',
      '[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU]',
    ].join('\r\n'),
    keys: [
      {
        line: 3,
        values: [
          { name: 'LocalSourcePath', type: 'REG_EXPAND_SZ', value: '\\\\fs\\sxs', deleted: false, line: 4 },
          { name: 'RepairContentServerSource', type: 'REG_DWORD', value: 2, deleted: false, line: 5 },
          { name: '', type: 'REG_SZ', value: '默认值 "quoted" C:\\path', deleted: false, line: 6 },
          { name: 'Sources', type: 'REG_MULTI_SZ', value: ['a', 'b'], deleted: false, line: 7 },
          { name: 'Stamp', type: 'REG_QWORD', value: 4096, deleted: false, line: 8 },
          { name: 'Blob', type: 'REG_BINARY', value: '010203ff', deleted: false, line: 9 },
          { name: 'Old', type: null, value: null, deleted: true, line: 11 },
        ],
      },
      {
        path: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU',
        deleted: true,
        line: 13,
        values: [],
      },
    ],
  },
  {
    text: [
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate',
      '    (默认)    REG_SZ    (数值未设置)',
      '    WUServer    REG_SZ    http://10.1.2.3:8530',
      '    DoNotConnectToWindowsUpdateInternetLocations    REG_DWORD    0x1',
      '',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU',
      '    UseWUServer    REG_DWORD    0x1',
      '    ScheduledInstallTime    REG_DWORD    0x3',
      '',
      '搜索结束: 找到 4 匹配。',
    ].join('\r\n'),
    keys: [
      {
        line: 2,
        values: [
          { name: '', type: 'REG_SZ', value: null, deleted: false, line: 3 },
          { name: 'WUServer', type: 'REG_SZ', value: 'http://10.1.2.3:8530', deleted: false, line: 4 },
          {
            name: 'DoNotConnectToWindowsUpdateInternetLocations',
            type: 'REG_DWORD',
            value: 1,
            deleted: false,
            line: 5,
          },
        ],
      },
      { line: 7 },
    ],
  },
];

const REG5 = /^\uFEFF?\s*Windows Registry Editor Version 5\.00\s*$/i;
const REG4 = /^\uFEFF?\s*REGEDIT4\s*$/i;
const ROOT =
  '(?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG|PERFORMANCE_DATA|DYN_DATA))';
const KEY_LINE = new RegExp(`^\\s*\\[(-?)(${ROOT}(?:\\\\[^\\]]*)?)\\]\\s*$`, 'i');
const QUERY_KEY = new RegExp(`^(${ROOT}(?:\\\\.*)?)$`, 'i');
// `reg query` separates name, type and data with four spaces; the data is absent for an empty string.
const QUERY_VALUE = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*?))?\s*$/;
const DEFAULT_NAMES = new Set(['(Default)', '(默认)', '(預設)']);
const NOT_SET = new Set(['(value not set)', '(数值未设置)']);

const HEX_TYPES: Record<string, RegType> = {
  '0': 'REG_NONE',
  '1': 'REG_SZ',
  '2': 'REG_EXPAND_SZ',
  '3': 'REG_BINARY',
  '4': 'REG_DWORD',
  '5': 'REG_DWORD_BIG_ENDIAN',
  '6': 'REG_LINK',
  '7': 'REG_MULTI_SZ',
  '8': 'REG_RESOURCE_LIST',
  '9': 'REG_FULL_RESOURCE_DESCRIPTOR',
  a: 'REG_RESOURCE_REQUIREMENTS_LIST',
  b: 'REG_QWORD',
};

/** Whether the first lines of a text are a .reg export or `reg query` output. */
export function detectRegistryExport(lines: string[]): boolean {
  const first = lines.find((l) => l.replace(/^\uFEFF/, '').trim() !== '');
  if (first !== undefined && (REG5.test(first) || REG4.test(first))) return true;
  for (let i = 0; i + 1 < lines.length; i++) {
    if (QUERY_KEY.test(lines[i]!.replace(/^\uFEFF/, '').trimEnd()) && QUERY_VALUE.test(lines[i + 1]!))
      return true;
  }
  return false;
}

const gbk = new TextDecoder('gb18030');

/** Text of string data bytes: UTF-16LE in a version 5 export, the ANSI code page in REGEDIT4. */
function bytesToText(bytes: Buffer, ansi: boolean): string {
  if (!ansi) return bytes.toString('utf16le', 0, bytes.length - (bytes.length % 2));
  return bytes.every((b) => b < 0x80) ? bytes.toString('latin1') : gbk.decode(bytes);
}

function qword(bytes: Buffer): number | string {
  if (bytes.length !== 8) return bytes.toString('hex');
  const n = bytes.readBigUInt64LE(0);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : '0x' + n.toString(16);
}

/** Decodes `hex(n):` data of a .reg export. */
function decodeHex(kind: string, data: string, ansi: boolean): { type: RegType; value: RegValue['value'] } {
  const hex = data.replace(/[\s,\\]/g, '').toLowerCase();
  const bytes = Buffer.from(/^[0-9a-f]*$/.test(hex) && hex.length % 2 === 0 ? hex : '', 'hex');
  const type = HEX_TYPES[kind] ?? (`hex(${kind})` as RegType);
  switch (type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
    case 'REG_LINK':
      return { type, value: bytesToText(bytes, ansi).split('\u0000')[0]! };
    case 'REG_MULTI_SZ': {
      const parts = bytesToText(bytes, ansi).split('\u0000');
      while (parts.length && parts[parts.length - 1] === '') parts.pop();
      return { type, value: parts };
    }
    case 'REG_DWORD':
      return { type, value: bytes.length === 4 ? bytes.readUInt32LE(0) : hex };
    case 'REG_DWORD_BIG_ENDIAN':
      return { type, value: bytes.length === 4 ? bytes.readUInt32BE(0) : hex };
    case 'REG_QWORD':
      return { type, value: qword(bytes) };
    default:
      return { type, value: hex };
  }
}

/** Reads a quoted .reg string from `s[start]` (the opening quote); returns its text and the index after it. */
function readQuoted(s: string, start: number): { text: string; end: number } | null {
  let out = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      out += s[i + 1];
      i++;
    } else if (c === '"') return { text: out, end: i + 1 };
    else out += c;
  }
  return null;
}

/** One logical .reg value line (continuations joined) → its value, or null when it is not one. */
function parseRegValue(s: string, line: number, ansi: boolean): RegValue | null {
  let name: string;
  let rest: string;
  const t = s.trimStart();
  if (t.startsWith('@')) {
    name = '';
    rest = t.slice(1);
  } else if (t.startsWith('"')) {
    const q = readQuoted(t, 0);
    if (!q) return null;
    name = q.text;
    rest = t.slice(q.end);
  } else return null;
  const eq = /^\s*=\s*/.exec(rest);
  if (!eq) return null;
  const data = rest.slice(eq[0].length).trimEnd();
  if (data === '-') return { name, type: null, value: null, deleted: true, line };
  if (data.startsWith('"')) {
    const q = readQuoted(data, 0);
    return { name, type: 'REG_SZ', value: q ? q.text : data.slice(1), deleted: false, line };
  }
  let m = /^dword\s*:\s*([0-9a-f]{1,8})$/i.exec(data);
  if (m) return { name, type: 'REG_DWORD', value: parseInt(m[1]!, 16), deleted: false, line };
  m = /^hex(?:\(([0-9a-f]+)\))?\s*:(.*)$/i.exec(data);
  if (m) {
    const kind = m[1] === undefined ? '3' : m[1].toLowerCase().replace(/^0+(?=.)/, '');
    const { type, value } = decodeHex(kind, m[2]!, ansi);
    return { name, type, value, deleted: false, line };
  }
  return null;
}

/** Decodes one `reg query` data field by its type. */
function queryData(type: string, data: string): RegValue['value'] {
  switch (type) {
    case 'REG_DWORD':
    case 'REG_DWORD_BIG_ENDIAN':
    case 'REG_QWORD': {
      const m = /^0x([0-9a-f]+)$/i.exec(data);
      if (!m) return /^\d+$/.test(data) ? Number(data) : data;
      const n = BigInt('0x' + m[1]);
      return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : '0x' + n.toString(16);
    }
    case 'REG_MULTI_SZ': {
      const parts = data.split('\\0');
      while (parts.length && parts[parts.length - 1] === '') parts.pop();
      return parts;
    }
    case 'REG_BINARY':
    case 'REG_NONE':
    case 'REG_RESOURCE_LIST':
    case 'REG_FULL_RESOURCE_DESCRIPTOR':
    case 'REG_RESOURCE_REQUIREMENTS_LIST':
      return data.toLowerCase();
    default:
      return data;
  }
}

/** Parses a .reg export or `reg query` output into its keys, in text order. */
export function parseRegistryExport(text: string): RegKey[] {
  const keys: RegKey[] = [];
  let key: RegKey | null = null;
  let ansi = false;
  let pending: { text: string; line: number } | null = null;
  let sawHeader = false;
  const flush = (): void => {
    if (!pending) return;
    const v = parseRegValue(pending.text, pending.line, ansi);
    if (v && key) key.values.push(v);
    pending = null;
  };
  eachLine(text, (raw, no) => {
    const l = raw.replaceAll('\u0000', '');
    if (pending) {
      // A wrapped hex value: the previous line ended with a backslash.
      pending.text = pending.text.slice(0, -1) + l.trim();
      if (!pending.text.endsWith('\\')) flush();
      return;
    }
    if (!sawHeader && (REG5.test(l) || REG4.test(l))) {
      sawHeader = true;
      ansi = REG4.test(l);
      return;
    }
    let m = KEY_LINE.exec(l);
    if (m) {
      key = { path: m[2]!.replace(/\\+$/, ''), deleted: m[1] === '-', line: no, values: [] };
      keys.push(key);
      return;
    }
    m = QUERY_KEY.exec(l.trimEnd());
    if (m && !sawHeader) {
      key = { path: m[1]!.replace(/\\+$/, ''), deleted: false, line: no, values: [] };
      keys.push(key);
      return;
    }
    if (!key) return;
    const q = sawHeader ? null : QUERY_VALUE.exec(l);
    if (q) {
      const name = DEFAULT_NAMES.has(q[1]!) ? '' : q[1]!;
      const data = q[3] ?? '';
      const type = q[2] as RegType;
      const value = NOT_SET.has(data) && name === '' ? null : queryData(type, data);
      key.values.push({ name, type, value, deleted: false, line: no });
      return;
    }
    const t = l.trimStart();
    if (t.startsWith('"') || t.startsWith('@')) {
      pending = { text: l.trimEnd(), line: no };
      if (!pending.text.endsWith('\\')) flush();
    }
  });
  flush();
  return keys;
}

/** One Windows Update policy value found in the registry capture. */
export interface PolicyValue<T> {
  value: T;
  /** The registry type it was stored with. */
  type: RegType;
  /** The key it was read from, as written. */
  key: string;
  line: number;
}

/**
 * The Windows Update policy (`HKLM\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate` and its `\AU` key);
 * null for each value that is not set.
 */
export interface WindowsUpdatePolicy {
  wuServer: PolicyValue<string> | null;
  wuStatusServer: PolicyValue<string> | null;
  updateServiceUrlAlternate: PolicyValue<string> | null;
  targetGroup: PolicyValue<string> | null;
  targetGroupEnabled: PolicyValue<number> | null;
  disableWindowsUpdateAccess: PolicyValue<number> | null;
  doNotConnectToWindowsUpdateInternetLocations: PolicyValue<number> | null;
  setDisableUXWUAccess: PolicyValue<number> | null;
  elevateNonAdmins: PolicyValue<number> | null;
  /** AU: 1 = use the WSUS server of `WUServer`. */
  useWUServer: PolicyValue<number> | null;
  /** AU: 1 = automatic updates disabled. */
  noAutoUpdate: PolicyValue<number> | null;
  /** AU: 2 notify, 3 auto download, 4 auto download and schedule the install, 5 local admin chooses. */
  auOptions: PolicyValue<number> | null;
  /** AU: 0 every day, 1–7 Sunday–Saturday. */
  scheduledInstallDay: PolicyValue<number> | null;
  /** AU: hour of the day, 0–23. */
  scheduledInstallTime: PolicyValue<number> | null;
}

const WU_KEY = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\POLICIES\\MICROSOFT\\WINDOWS\\WINDOWSUPDATE';

const STRING_POLICIES: [keyof WindowsUpdatePolicy, string, 'wu' | 'au'][] = [
  ['wuServer', 'WUServer', 'wu'],
  ['wuStatusServer', 'WUStatusServer', 'wu'],
  ['updateServiceUrlAlternate', 'UpdateServiceUrlAlternate', 'wu'],
  ['targetGroup', 'TargetGroup', 'wu'],
];
const NUMBER_POLICIES: [keyof WindowsUpdatePolicy, string, 'wu' | 'au'][] = [
  ['targetGroupEnabled', 'TargetGroupEnabled', 'wu'],
  ['disableWindowsUpdateAccess', 'DisableWindowsUpdateAccess', 'wu'],
  ['doNotConnectToWindowsUpdateInternetLocations', 'DoNotConnectToWindowsUpdateInternetLocations', 'wu'],
  ['setDisableUXWUAccess', 'SetDisableUXWUAccess', 'wu'],
  ['elevateNonAdmins', 'ElevateNonAdmins', 'wu'],
  ['useWUServer', 'UseWUServer', 'au'],
  ['noAutoUpdate', 'NoAutoUpdate', 'au'],
  ['auOptions', 'AUOptions', 'au'],
  ['scheduledInstallDay', 'ScheduledInstallDay', 'au'],
  ['scheduledInstallTime', 'ScheduledInstallTime', 'au'],
];

/** A key path in canonical form: upper case, `HKLM\` spelled out, no trailing backslash. */
function canonicalKey(path: string): string {
  return path
    .replace(/^HKLM(?=\\|$)/i, 'HKEY_LOCAL_MACHINE')
    .replace(/\\+$/, '')
    .toUpperCase();
}

/** Reads the Windows Update policy values out of parsed keys (a later key overrides an earlier one). */
export function windowsUpdatePolicy(keys: RegKey[]): WindowsUpdatePolicy {
  const out: WindowsUpdatePolicy = {
    wuServer: null,
    wuStatusServer: null,
    updateServiceUrlAlternate: null,
    targetGroup: null,
    targetGroupEnabled: null,
    disableWindowsUpdateAccess: null,
    doNotConnectToWindowsUpdateInternetLocations: null,
    setDisableUXWUAccess: null,
    elevateNonAdmins: null,
    useWUServer: null,
    noAutoUpdate: null,
    auOptions: null,
    scheduledInstallDay: null,
    scheduledInstallTime: null,
  };
  const found = out as unknown as Record<string, PolicyValue<string | number> | null>;
  for (const k of keys) {
    const c = canonicalKey(k.path);
    const which = c === WU_KEY ? 'wu' : c === WU_KEY + '\\AU' ? 'au' : null;
    if (!which) continue;
    if (k.deleted) {
      // `[-…]` removes the key and its values.
      for (const [field, , w] of [...STRING_POLICIES, ...NUMBER_POLICIES])
        if (w === which) found[field] = null;
      continue;
    }
    for (const v of k.values) {
      const s = STRING_POLICIES.find(
        ([, name, w]) => w === which && name.toLowerCase() === v.name.toLowerCase(),
      );
      const n = NUMBER_POLICIES.find(
        ([, name, w]) => w === which && name.toLowerCase() === v.name.toLowerCase(),
      );
      if (!s && !n) continue;
      const field = (s ?? n)![0];
      if (v.deleted || v.value === null || v.type === null) {
        found[field] = null;
        continue;
      }
      if (s) {
        if (typeof v.value === 'string')
          found[field] = { value: v.value, type: v.type, key: k.path, line: v.line };
        else if (typeof v.value === 'number')
          found[field] = { value: String(v.value), type: v.type, key: k.path, line: v.line };
      } else if (typeof v.value === 'number') {
        found[field] = { value: v.value, type: v.type, key: k.path, line: v.line };
      } else if (typeof v.value === 'string' && /^\s*(?:0x[0-9a-f]+|\d+)\s*$/i.test(v.value)) {
        // A DWORD policy written as a string still takes effect as its number.
        found[field] = { value: Number(v.value.trim()), type: v.type, key: k.path, line: v.line };
      }
    }
  }
  return out;
}
