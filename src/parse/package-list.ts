// Installed-package listings, English or zh-CN: `dism /online /get-packages` as a list (`Package Identity :
// Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7`, `State : Installed`, `Release Type :
// Security Update`, `Install Time : 4/14/2021 3:02 AM`; zh-CN `程序包标识`, `状态 : 已安装`, `发布类型`,
// `安装时间`) or with `/Format:Table` (`|`-separated cells), PowerShell `Get-WindowsPackage -Online`
// (`PackageName`, `PackageState`, `ReleaseType`, `InstallTime`, as a list or a table), and the hotfix lists
// of `Get-HotFix` (table or list) and `wmic qfe list` (fixed-width columns, no rule line). Each package keeps
// its 1-based line; states are normalised, times are kept as written (their format follows the locale).

import { eachLine } from './text-lines.js';

/** Normalised package states. */
export type PackageState =
  'Installed' | 'InstallPending' | 'Staged' | 'Superseded' | 'UninstallPending' | 'Absent';

/** One package or hotfix of a listing. */
export interface PackageEntry {
  /** Package identity, PackageName, or the HotFixID of a hotfix list. */
  identity: string;
  /** Normalised state, or the state as written when it is none of the known ones; a hotfix list means Installed. */
  state: PackageState | string | null;
  /** The state as written (null for hotfix lists, which have none). */
  stateText: string | null;
  /** Release type as written (`Security Update`, `安全更新`, `SecurityUpdate`); a hotfix's Description. */
  releaseType: string | null;
  /** Install time as written (`4/14/2021 3:02 AM`, `2021/4/14 3:02`). */
  installTime: string | null;
  /** `KB5001342` when the identity names one. */
  kb: string | null;
  /** 1-based line of the identity (of the row in a table). */
  line: number;
  source: 'dism' | 'dism-table' | 'powershell' | 'hotfix' | 'wmic';
}

/** Sample listings (English and Chinese); the format test parses each to these entries. */
export const samples: { text: string; entries: Partial<PackageEntry>[] }[] = [
  {
    text: [
      'Deployment Image Servicing and Management tool',
      'Version: 10.0.17763.1',
      '',
      'Image Version: 10.0.17763.1879',
      '',
      'Packages listing:',
      '',
      'Package Identity : Package_for_KB5001404~31bf3856ad364e35~amd64~~17763.1852.1.3',
      'State : Superseded',
      'Release Type : Update',
      'Install Time : 4/14/2021 2:58 AM',
      '',
      'Package Identity : Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7',
      'State : Installed',
      'Release Type : Security Update',
      'Install Time : 4/14/2021 3:02 AM',
      '',
      'Package Identity : Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.2300.1.10',
      'State : Install Pending',
      'Release Type : Security Update',
      'Install Time : ',
      '',
      'The operation completed successfully.',
    ].join('\r\n'),
    entries: [
      { state: 'Superseded', kb: 'KB5001404', line: 8, source: 'dism' },
      {
        identity: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7',
        state: 'Installed',
        stateText: 'Installed',
        releaseType: 'Security Update',
        installTime: '4/14/2021 3:02 AM',
        kb: null,
        line: 13,
        source: 'dism',
      },
      { state: 'InstallPending', stateText: 'Install Pending', installTime: null, line: 18 },
    ],
  },
  {
    text: [
      '部署映像服务和管理工具',
      '版本: 10.0.17763.1',
      '',
      '映像版本: 10.0.17763.1879',
      '',
      '程序包列表:',
      '',
      '程序包标识 : Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7',
      '状态 : 已安装',
      '发布类型 : 安全更新',
      '安装时间 : 2021/4/14 3:02',
      '',
      '程序包标识 : Package_for_KB5005112~31bf3856ad364e35~amd64~~17763.2090.1.1',
      '状态 : 安装挂起',
      '发布类型 : 更新',
      '安装时间 : ',
      '',
      '操作成功完成。',
    ].join('\r\n'),
    entries: [
      {
        identity: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7',
        state: 'Installed',
        stateText: '已安装',
        releaseType: '安全更新',
        installTime: '2021/4/14 3:02',
        line: 8,
      },
      { state: 'InstallPending', kb: 'KB5005112', line: 13 },
    ],
  },
  {
    text: [
      '',
      'PackageName  : Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.1879.1.7',
      'PackageState : Installed',
      'ReleaseType  : SecurityUpdate',
      'InstallTime  : 4/14/2021 3:02:00 AM',
      '',
      'PackageName  : Package_for_ServicingStack_1790~31bf3856ad364e35~amd64~~17763.1790.1.0',
      'PackageState : Staged',
      'ReleaseType  : Update',
      'InstallTime  : 3/10/2021 1:12:00 AM',
    ].join('\r\n'),
    entries: [
      { state: 'Installed', releaseType: 'SecurityUpdate', line: 2, source: 'powershell' },
      { state: 'Staged', line: 7 },
    ],
  },
  {
    text: [
      '',
      'Source        Description      HotFixID      InstalledBy          InstalledOn',
      '------        -----------      --------      -----------          -----------',
      'PC-0042       Update           KB4589208     NT AUTHORITY\\SYSTEM  3/16/2021 12:00:00 AM',
      'PC-0042       Security Update  KB5001342     NT AUTHORITY\\SYSTEM  4/14/2021 12:00:00 AM',
      '',
    ].join('\r\n'),
    entries: [
      { identity: 'KB4589208', kb: 'KB4589208', releaseType: 'Update', line: 4, source: 'hotfix' },
      {
        identity: 'KB5001342',
        state: 'Installed',
        stateText: null,
        releaseType: 'Security Update',
        installTime: '4/14/2021 12:00:00 AM',
        line: 5,
      },
    ],
  },
  {
    text: [
      'Caption                                     CSName   Description      FixComments  HotFixID   InstallDate  InstalledBy          InstalledOn  Name  ServicePackInEffect  Status  ',
      'http://support.microsoft.com/?kbid=4589208  PC-0042  Update                        KB4589208               NT AUTHORITY\\SYSTEM  3/16/2021                                        ',
      'http://support.microsoft.com/?kbid=5001342  PC-0042  Security Update               KB5001342               NT AUTHORITY\\SYSTEM  4/14/2021                                        ',
      '',
    ].join('\r\n'),
    entries: [
      { identity: 'KB4589208', releaseType: 'Update', installTime: '3/16/2021', line: 2, source: 'wmic' },
      { identity: 'KB5001342', releaseType: 'Security Update', line: 3, source: 'wmic' },
    ],
  },
];

type Key = 'identity' | 'state' | 'releaseType' | 'installTime' | 'hotfix' | 'description' | 'installedOn';

// Labels of the list layouts. zh-CN DISM labels: [K] unconfirmed zh-CN wording.
const LABELS: [RegExp, Key, PackageEntry['source']][] = [
  [/^Package Identity$/i, 'identity', 'dism'],
  [/^(?:程序包标识符?|包标识)$/, 'identity', 'dism'], // [K] unconfirmed zh-CN wording
  [/^State$/i, 'state', 'dism'],
  [/^状态$/, 'state', 'dism'], // [K] unconfirmed zh-CN wording
  [/^Release Type$/i, 'releaseType', 'dism'],
  [/^发布类型$/, 'releaseType', 'dism'], // [K] unconfirmed zh-CN wording
  [/^Install Time$/i, 'installTime', 'dism'],
  [/^安装时间$/, 'installTime', 'dism'], // [K] unconfirmed zh-CN wording
  [/^PackageName$/i, 'identity', 'powershell'],
  [/^PackageState$/i, 'state', 'powershell'],
  [/^ReleaseType$/i, 'releaseType', 'powershell'],
  [/^InstallTime$/i, 'installTime', 'powershell'],
  [/^HotFixID$/i, 'hotfix', 'hotfix'],
  [/^Description$/i, 'description', 'hotfix'],
  [/^InstalledOn$/i, 'installedOn', 'hotfix'],
];
const KV = /^([^:：]{2,40}?)\s*[:：]\s?((?:.*\S)?)\s*$/;

const STATES: [RegExp, PackageState][] = [
  [/^(?:Installed|已安装)$/i, 'Installed'],
  [/^(?:Install ?Pending|安装挂起|已安装挂起|挂起安装)$/i, 'InstallPending'], // [K] zh-CN states unconfirmed
  [/^(?:Staged|已暂存|已分阶段)$/i, 'Staged'], // [K]
  [/^(?:Superseded|已取代|已被取代|被取代|已替代)$/i, 'Superseded'], // [K]
  [/^(?:Uninstall ?Pending|卸载挂起|已卸载挂起|挂起卸载)$/i, 'UninstallPending'], // [K]
  [/^(?:Not ?Present|Absent|不存在|不显示)$/i, 'Absent'], // [K]
];

function normaliseState(s: string): PackageState | string {
  const t = s.trim();
  return STATES.find(([re]) => re.test(t))?.[1] ?? t;
}

function kbOf(s: string): string | null {
  const m = /(?:^|[^A-Za-z0-9])KB(\d{6,8})(?!\d)/i.exec(s);
  return m ? `KB${m[1]}` : null;
}

function labelOf(name: string): { key: Key; source: PackageEntry['source'] } | null {
  const t = name.trim();
  const hit = LABELS.find(([re]) => re.test(t));
  return hit ? { key: hit[1], source: hit[2] } : null;
}

/** A `wmic qfe` / Get-HotFix header names HotFixID and Description: tested word by word, linear in the line. */
const hotfixHeader = (l: string): boolean => /\bHotFixID\b/i.test(l) && /\bDescription\b/i.test(l);
const PS_PACKAGE_HEADER = /^\s*PackageName\s+PackageState\b/i;
const RULE = /^\s*-{3,}(?:\s+-{3,})+\s*$/;
const DISM_TABLE_HEADER = /^\s*(?:Package Identity|程序包标识符?|包标识)\s*\|/i;

/** Whether the first lines of a text are a package or hotfix listing. */
export function detectPackageList(lines: string[]): boolean {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.replace(/^\uFEFF/, '').replaceAll('\u0000', '');
    if (DISM_TABLE_HEADER.test(l)) return true;
    if (PS_PACKAGE_HEADER.test(l) && RULE.test(lines[i + 1] ?? '')) return true;
    if (hotfixHeader(l) && /\bHotFixID\s/i.test(l + ' ')) {
      const next = (lines[i + 1] ?? '').replaceAll('\u0000', '');
      if (RULE.test(next) || kbOf(next)) return true;
    }
    const kv = KV.exec(l);
    const lab = kv ? labelOf(kv[1]!) : null;
    if (lab?.key === 'identity') {
      const next = KV.exec((lines[i + 1] ?? '').replaceAll('\u0000', ''));
      if (next && labelOf(next[1]!)?.key === 'state') return true;
    }
    if (lab?.key === 'hotfix' && /^KB\d{6,8}$/i.test(kv![2]!)) return true;
  }
  return false;
}

/** Parses every package and hotfix of a listing, in text order. */
export function parsePackageList(text: string): PackageEntry[] {
  const lines: string[] = [];
  eachLine(text, (l) => {
    lines.push(l.replaceAll('\u0000', ''));
  });
  const out: PackageEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (DISM_TABLE_HEADER.test(l)) {
      i = parseDismTable(lines, i, out);
      continue;
    }
    if (PS_PACKAGE_HEADER.test(l) || (hotfixHeader(l) && /\bHotFixID\b/i.test(l))) {
      const end = parseColumns(lines, i, out);
      if (end > i) {
        i = end;
        continue;
      }
    }
    const kv = KV.exec(l);
    if (kv && labelOf(kv[1]!)) i = parseBlock(lines, i, out);
  }
  return out;
}

/** A block of `Label : value` lines from `start`; returns the index of the last line consumed. */
function parseBlock(lines: string[], start: number, out: PackageEntry[]): number {
  const fields: Partial<Record<Key, { value: string; line: number }>> = {};
  let source: PackageEntry['source'] | null = null;
  let i = start;
  for (; i < lines.length; i++) {
    const kv = KV.exec(lines[i]!);
    const lab = kv ? labelOf(kv[1]!) : null;
    if (!kv || !lab) {
      // Get-HotFix | Format-List also prints Source and InstalledBy: other labels inside a block are skipped.
      if (kv && lines[i]!.trim() && Object.keys(fields).length) continue;
      break;
    }
    if (fields[lab.key]) break; // the next block without a blank line between
    fields[lab.key] = { value: kv[2]!, line: i + 1 };
    if (lab.source !== 'hotfix' || !source) source = lab.source;
  }
  const id = fields.identity ?? fields.hotfix;
  if (id && id.value) {
    const hotfix = !fields.identity;
    const stateText = hotfix ? null : (fields.state?.value ?? null);
    out.push({
      identity: id.value,
      state: hotfix ? 'Installed' : stateText ? normaliseState(stateText) : null,
      stateText: stateText || null,
      releaseType: (hotfix ? fields.description?.value : fields.releaseType?.value) || null,
      installTime: (hotfix ? fields.installedOn?.value : fields.installTime?.value) || null,
      kb: kbOf(id.value),
      line: id.line,
      source: hotfix ? 'hotfix' : (source ?? 'dism'),
    });
  }
  return Math.max(start, i - 1);
}

/** `dism /get-packages /format:table`: `|`-separated cells under a header; returns the last line used. */
function parseDismTable(lines: string[], h: number, out: PackageEntry[]): number {
  let i = h + 1;
  let rows = 0;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.trim()) {
      if (rows) break;
      continue;
    }
    if (/^[\s|-]+$/.test(l)) continue;
    const cells = l.split('|').map((c) => c.trim());
    if (cells.length < 2) break;
    const [identity, state, releaseType, installTime] = cells;
    if (!identity) continue;
    out.push({
      identity,
      state: state ? normaliseState(state) : null,
      stateText: state || null,
      releaseType: releaseType || null,
      installTime: installTime || null,
      kb: kbOf(identity),
      line: i + 1,
      source: 'dism-table',
    });
    rows++;
  }
  return i - 1;
}

/**
 * Fixed-width tables: Get-HotFix and Get-WindowsPackage (a dash rule under the header) and wmic qfe (no
 * rule). Columns start where their header starts; a cell runs to the next column. Returns the last line used.
 */
function parseColumns(lines: string[], h: number, out: PackageEntry[]): number {
  const header = lines[h]!;
  const cols: { name: string; start: number }[] = [];
  for (const m of header.matchAll(/\S+/g)) cols.push({ name: m[0].toLowerCase(), start: m.index });
  const hasRule = RULE.test(lines[h + 1] ?? '');
  const idx = (name: string): number => cols.findIndex((c) => c.name === name);
  const ps = idx('packagename') >= 0;
  const idCol = ps ? idx('packagename') : idx('hotfixid');
  if (idCol < 0) return h;
  const cell = (l: string, k: number): string => {
    if (k < 0) return '';
    const end = k + 1 < cols.length ? cols[k + 1]!.start : l.length;
    return l.slice(cols[k]!.start, end).trim();
  };
  let i = h + (hasRule ? 2 : 1);
  const before = out.length;
  for (; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.trim()) break;
    const identity = cell(l, idCol);
    if (!identity) continue;
    if (ps) {
      const stateText = cell(l, idx('packagestate'));
      out.push({
        identity,
        state: stateText ? normaliseState(stateText) : null,
        stateText: stateText || null,
        releaseType: cell(l, idx('releasetype')) || null,
        installTime: cell(l, idx('installtime')) || null,
        kb: kbOf(identity),
        line: i + 1,
        source: 'powershell',
      });
    } else {
      out.push({
        identity,
        state: 'Installed',
        stateText: null,
        releaseType: cell(l, idx('description')) || null,
        installTime: cell(l, idx('installedon')) || null,
        kb: kbOf(identity),
        line: i + 1,
        source: hasRule ? 'hotfix' : 'wmic',
      });
    }
  }
  return out.length > before ? i - 1 : h;
}
