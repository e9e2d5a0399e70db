// Update knowledge: which KB brought a machine to which build (UBR), when, of what kind, what it needs first,
// and how sure we are of each row. One data file, `data/builds.tsv`, loaded lazily on first use: one row per
// update for Windows 10 1809 / Server 2019 (17763), Windows 10 22H2 (19045), Server 2022 (20348), Windows 11
// 22H2/23H2 (22621/22631) and 24H2 / Server 2025 (26100). A leaf module.
//
// Confidence of a row: `high` = two independent sources agree (kb-17763.tsv or expert knowledge, and a public
// copy of Microsoft's release-information or update-history tables, or an Azure image version); `medium` = one
// source only (a single copy of Microsoft's table, or a catalog title / path giving the month); `low` = expert
// knowledge or inference that nothing here confirms. The evidence column names the sources of every row.
//
// Builds that share one servicing branch are one family: 19041-19045 (component versions read 10.0.19041.x),
// 22621/22631 and 26100/26200 share their cumulative updates and UBRs, so the lookups treat them as one.

import { eachDataLine } from './data-file.js';

/** What kind of update a row is. */
export type UpdateKind = 'CU' | 'preview' | 'OOB' | 'SSU' | 'NET' | 'other';

/** How sure the table is of a row (see the file header). */
export type UpdateConfidence = 'high' | 'medium' | 'low';

/** Everything known about one update. */
export interface UpdateInfo {
  /** `KB` + digits, e.g. `KB5001342`. */
  kb: string;
  /** The OS build number the update is listed for (`17763`); family members share it (see `updatesForBuild`). */
  osBuild: number;
  /** Human release name, e.g. `1809 / LTSC 2019 / Server 2019`. */
  release: string;
  /** `CU` monthly B release, `preview` C/D release, `OOB` out-of-band, `SSU`, `NET` .NET, `other`. */
  kind: UpdateKind;
  /** Release date `YYYY-MM-DD` (rarely only `YYYY` or `YYYY-MM`), or null when not established. */
  date: string | null;
  /** Full build the update brings a machine to (`17763.1879`), or null (SSU, .NET, enablement package). */
  build: string | null;
  /** KBs to install first (the SSU a CU requires), in the table's order. */
  prerequisites: string[];
  title: string;
  confidence: UpdateConfidence;
  /** Where the row's facts come from. */
  evidence: string;
}

interface Row {
  info: UpdateInfo;
  family: number;
  ubr: number | null;
  /** Position in the file, a stable last tie-break. */
  index: number;
}

interface Family {
  /** Every row, sorted by date (undated last), then UBR, then file order. */
  byDate: Row[];
  /** Rows of kind CU with a build, sorted by UBR. */
  cus: Row[];
  /** Smallest UBR of any row with a build in the family, or null when none has one. */
  minUbr: number | null;
}

interface Tables {
  byKb: Map<string, Row>;
  families: Map<number, Family>;
  problems: string[];
}

const FILE = 'builds.tsv';
const COLUMNS = 10;
const KINDS: readonly UpdateKind[] = ['CU', 'preview', 'OOB', 'SSU', 'NET', 'other'];
const CONFIDENCES: readonly UpdateConfidence[] = ['high', 'medium', 'low'];
const KB_RE = /^KB\d{6,7}$/;
const DATE_RE = /^\d{4}(?:-\d{2}(?:-\d{2})?)?$/;
const BUILD_RE = /^(\d{5})\.(\d{1,5})$/;
// Which kind wins when two rows carry the same build (updateForBuild).
const KIND_RANK: Record<UpdateKind, number> = { CU: 0, OOB: 1, preview: 2, other: 3, SSU: 4, NET: 5 };
// Builds whose updates and UBRs are those of another build: enablement-package releases on one branch.
const FAMILY_OF: Record<number, number> = {
  19041: 19045,
  19042: 19045,
  19043: 19045,
  19044: 19045,
  22621: 22631,
  26200: 26100,
};
// OS build numbers a version string may plausibly carry (Windows 10 RTM 10240 and later).
const MIN_OS_BUILD = 10240;
const MAX_OS_BUILD = 39999;
const VERSION_RE = /(?<![\d.])10\.0\.(\d{5})\.(\d{1,5})(?!\d)/g;
const BUILD_IN_TEXT_RE = /(?<![\d.])(\d{5})\.(\d{1,5})(?!\d)/g;

let tables: Tables | undefined;

/** Look an update up by `KB5001342`, `kb5001342` or `5001342`; null when the table does not know it. */
export function updateByKb(kb: string): UpdateInfo | null {
  try {
    const m = /^\s*(?:KB\s*)?(\d{6,7})\s*$/i.exec(kb);
    if (!m) return null;
    const row = load().byKb.get(`KB${m[1]}`);
    return row ? copy(row.info) : null;
  } catch {
    return null;
  }
}

/**
 * Every update of an OS build's family (19041-19045, 22621/22631 and 26100/26200 are one family each),
 * sorted by date (undated rows last). [] for an OS build the table does not know.
 */
export function updatesForBuild(osBuild: number): UpdateInfo[] {
  try {
    const fam = load().families.get(familyOf(osBuild));
    return fam ? fam.byDate.map((r) => copy(r.info)) : [];
  } catch {
    return [];
  }
}

/**
 * The update that brought a machine to exactly this build (`17763.1879`, `10.0.17763.1879`): the row of the
 * same family and UBR, a CU preferred over an OOB over a preview. Null when no row has that build.
 */
export function updateForBuild(build: string): UpdateInfo | null {
  try {
    const b = parseBuild(build);
    const fam = b && load().families.get(familyOf(b.osBuild));
    if (!b || !fam) return null;
    let best: Row | null = null;
    for (const r of fam.byDate) {
      if (r.ubr !== b.ubr) continue;
      if (!best || KIND_RANK[r.info.kind] < KIND_RANK[best.info.kind]) best = r;
    }
    return best ? copy(best.info) : null;
  } catch {
    return null;
  }
}

/**
 * The cumulative update that ships a component or file version: for `10.0.17763.1879`, `17763.1879`, a
 * component key or a package identity containing one, the first CU (by build) of that family whose build is
 * at or above the version's revision; `exact` when the CU's build equals it. A revision between two CUs (a
 * preview or OOB build) gives the next CU, which contains it. Null when the family is unknown, when the
 * revision is above every known CU, or when it is below every update the table knows (RTM media or an
 * update older than the table).
 */
export function updateShippingVersion(version: string): { update: UpdateInfo; exact: boolean } | null {
  try {
    const b = parseBuild(version);
    const fam = b && load().families.get(familyOf(b.osBuild));
    if (!b || !fam || fam.minUbr === null || b.ubr < fam.minUbr) return null;
    const cus = fam.cus;
    let lo = 0;
    let hi = cus.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cus[mid]?.ubr ?? 0) < b.ubr) lo = mid + 1;
      else hi = mid;
    }
    const cu = cus[lo];
    return cu ? { update: copy(cu.info), exact: cu.ubr === b.ubr } : null;
  } catch {
    return null;
  }
}

/**
 * The cumulative updates (kind CU) a machine at this build has never installed: every CU of its family with a
 * higher UBR, oldest first. `17763.774` (the September 2019 preview) gives the CUs from October 2019 on.
 * [] for an unknown family or a build above every known CU.
 */
export function missingSince(build: string): UpdateInfo[] {
  try {
    const b = parseBuild(build);
    const fam = b && load().families.get(familyOf(b.osBuild));
    if (!b || !fam) return [];
    return fam.cus.filter((r) => (r.ubr ?? 0) > b.ubr).map((r) => copy(r.info));
  } catch {
    return [];
  }
}

/**
 * The newest standalone servicing stack update of an OS build's family released on or before a date
 * (`YYYY-MM-DD`; `YYYY-MM` and `YYYY` mean the end of that month or year; a longer timestamp is cut to its
 * date). Null when there is none: families whose SSU ships inside the CU have no SSU rows.
 */
export function latestSsuBefore(date: string, osBuild: number): UpdateInfo | null {
  try {
    const limit = dateLimit(date);
    const fam = limit && load().families.get(familyOf(osBuild));
    if (!limit || !fam) return null;
    let best: Row | null = null;
    for (const r of fam.byDate) {
      const d = r.info.date;
      if (r.info.kind !== 'SSU' || d === null || d > limit) continue;
      if (!best || d >= (best.info.date ?? '')) best = r;
    }
    return best ? copy(best.info) : null;
  } catch {
    return null;
  }
}

/**
 * The OS build and UBR in a version or build string: `10.0.17763.774`, `17763.774`, a component key
 * (`amd64_…_10.0.17763.1879_none_…`), a package identity (`Package_for_RollupFix~…~~17763.3165.1.10`) or a
 * log line containing one. The `10.0.` form wins over a bare `NNNNN.N`; OS builds outside 10240-39999 are
 * ignored. Null when there is none.
 */
export function parseBuild(text: string): { osBuild: number; ubr: number } | null {
  if (typeof text !== 'string') return null;
  return firstBuild(text, VERSION_RE) ?? firstBuild(text, BUILD_IN_TEXT_RE);
}

/** Problems met while loading the table (missing file, malformed or duplicate rows); empty when clean. */
export function updateTableProblems(): string[] {
  return [...load().problems];
}

function firstBuild(text: string, re: RegExp): { osBuild: number; ubr: number } | null {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const osBuild = Number(m[1]);
    if (osBuild >= MIN_OS_BUILD && osBuild <= MAX_OS_BUILD) return { osBuild, ubr: Number(m[2]) };
  }
  return null;
}

function familyOf(osBuild: number): number {
  return FAMILY_OF[osBuild] ?? osBuild;
}

/** Upper bound for date comparisons, or null when the input is not a date. */
function dateLimit(date: string): string | null {
  if (typeof date !== 'string') return null;
  const s = date.trim();
  const full = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(s);
  if (full) return full[1] ?? null;
  if (/^\d{4}-\d{2}$/.test(s)) return `${s}-31`;
  if (/^\d{4}$/.test(s)) return `${s}-12-31`;
  return null;
}

function copy(info: UpdateInfo): UpdateInfo {
  return { ...info, prerequisites: [...info.prerequisites] };
}

function compareByDate(a: Row, b: Row): number {
  const da = a.info.date;
  const db = b.info.date;
  if (da !== db) {
    if (da === null) return 1;
    if (db === null) return -1;
    return da < db ? -1 : 1;
  }
  return (a.ubr ?? 0) - (b.ubr ?? 0) || a.index - b.index;
}

function load(): Tables {
  if (tables) return tables;
  const t: Tables = { byKb: new Map(), families: new Map(), problems: [] };
  const rows: Row[] = [];
  eachDataLine(FILE, t.problems, (line, where) => {
    const row = parseRow(line, rows.length);
    if (typeof row === 'string') {
      t.problems.push(`${where}: ${row}; row skipped`);
    } else if (t.byKb.has(row.info.kb)) {
      t.problems.push(`${where}: duplicate ${row.info.kb}; row skipped`);
    } else {
      t.byKb.set(row.info.kb, row);
      rows.push(row);
    }
  });
  for (const r of rows) {
    let fam = t.families.get(r.family);
    if (!fam) {
      fam = { byDate: [], cus: [], minUbr: null };
      t.families.set(r.family, fam);
    }
    fam.byDate.push(r);
    if (r.ubr !== null) {
      fam.minUbr = fam.minUbr === null ? r.ubr : Math.min(fam.minUbr, r.ubr);
      if (r.info.kind === 'CU') fam.cus.push(r);
    }
  }
  for (const fam of t.families.values()) {
    fam.byDate.sort(compareByDate);
    fam.cus.sort((a, b) => (a.ubr ?? 0) - (b.ubr ?? 0) || compareByDate(a, b));
  }
  tables = t;
  return t;
}

/** One TSV line as a row, or what is wrong with it. */
function parseRow(line: string, index: number): Row | string {
  const cols = line.split('\t');
  if (cols.length !== COLUMNS) return `${cols.length} columns, expected ${COLUMNS}`;
  const [
    kb = '',
    os = '',
    release = '',
    kind = '',
    date = '',
    build = '',
    prereq = '',
    title = '',
    conf = '',
    ev = '',
  ] = cols;
  if (!KB_RE.test(kb)) return `bad kb '${kb}'`;
  const osBuild = Number(os);
  if (!/^\d{5}$/.test(os)) return `bad os_build '${os}'`;
  if (!isKind(kind)) return `bad kind '${kind}'`;
  if (date !== '' && !DATE_RE.test(date)) return `bad date '${date}'`;
  let ubr: number | null = null;
  if (build !== '') {
    const m = BUILD_RE.exec(build);
    if (!m || Number(m[1]) !== osBuild) return `bad build '${build}' for os_build ${os}`;
    ubr = Number(m[2]);
  }
  const prerequisites = prereq === '' ? [] : prereq.split(' ');
  if (prerequisites.some((p) => !KB_RE.test(p))) return `bad prerequisites '${prereq}'`;
  if (!isConfidence(conf)) return `bad confidence '${conf}'`;
  if (title === '' || ev === '' || release === '') return 'empty release, title or evidence';
  return {
    info: {
      kb,
      osBuild,
      release,
      kind,
      date: date || null,
      build: build || null,
      prerequisites,
      title,
      confidence: conf,
      evidence: ev,
    },
    family: familyOf(osBuild),
    ubr,
    index,
  };
}

function isKind(s: string): s is UpdateKind {
  return (KINDS as readonly string[]).includes(s);
}

function isConfidence(s: string): s is UpdateConfidence {
  return (CONFIDENCES as readonly string[]).includes(s);
}
