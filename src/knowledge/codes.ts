// Error-code knowledge: what an HRESULT / Win32 / NTSTATUS / CBS code means, in English and Chinese, with
// the typical cause and the expert remedy for the codes that matter. Two data files, loaded lazily on first
// use: `data/codes.tsv` (8k generated rows: name, facility, short meaning, provenance) and
// `data/codes-curated.tsv` (hand-written rows with zh text, cause and remedy). A leaf module.

import type { I18nText } from '../model/types.js';
import { eachDataLine, type Where } from './data-file.js';

/** Everything known about one code. */
export interface CodeInfo {
  /** Canonical form: `0x` + 8 lowercase hex digits. */
  code: string;
  /** Symbolic name (`ERROR_SXS_COMPONENT_STORE_CORRUPT`), or a derived form (`NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA)`). */
  name: string | null;
  facility: string | null;
  meaning: { en: string | null; zh: string | null };
  cause: I18nText | null;
  remedy: I18nText | null;
  /** Provenance (both files' sources joined with '; ' when both have the code). */
  source: string;
  /** True when the code has a hand-curated row. */
  curated: boolean;
  /**
   * For NTSTATUS_FROM_WIN32 (0xC007xxxx) and HRESULT_FROM_NT (0xDxxxxxxx) forms: the known codes they wrap,
   * e.g. 0xc007000d -> 0x8007000d, 0xd0000102 -> 0xc0000102. Empty otherwise.
   */
  related: string[];
}

interface SharedRow {
  name: string | null;
  facility: string | null;
  meaning: string | null;
  source: string;
}

interface CuratedRow {
  name: string | null;
  en: string | null;
  zh: string | null;
  cause: I18nText | null;
  remedy: I18nText | null;
  source: string;
}

interface Tables {
  /** Code -> raw row of codes.tsv, split into columns only when asked for (keeps loading fast). */
  shared: Map<string, string>;
  curated: Map<string, CuratedRow>;
  /** Upper-case symbolic name (and well-known alias) -> canonical code. */
  byName: Map<string, string>;
  problems: string[];
}

const SHARED_FILE = 'codes.tsv';
const CURATED_FILE = 'codes-curated.tsv';
const CODE_RE = /^0x[0-9a-f]{8}$/i;
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_PARTIAL = 50;

// Second names of a value: the tables keep one name per code, but logs and people use these too.
const ALIASES: Record<string, number> = {
  S_OK: 0,
  NO_ERROR: 0,
  ERROR_SUCCESS: 0,
  STATUS_SUCCESS: 0,
  S_FALSE: 1,
  E_HANDLE: 0x80070006,
  ERROR_ACCESS_DENIED: 0x80070005,
  ERROR_OUTOFMEMORY: 0x8007000e,
  ERROR_INVALID_PARAMETER: 0x80070057,
};

// The generated table names 0 after ntstatus.h's first entry (STATUS_WAIT_0); nobody calls success that.
const DISPLAY_NAMES: Record<string, string> = { '0x00000000': 'S_OK' };

let tables: Tables | undefined;
let namesBuilt = false;

/** Format a 32-bit value as a canonical code (`(n >>> 0)`, so negative int32 values work). */
export function canonicalCode(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * HRESULT_FROM_WIN32 semantics: 14098 -> `0x80073712`. 0 stays `0x00000000`; values that are already
 * negative or >= 0x80000000 (HRESULTs) are returned as they are.
 */
export function win32ToHresult(n: number): string {
  if (n <= 0 || n >= 0x80000000) return canonicalCode(n);
  return canonicalCode((n & 0xffff) | 0x80070000);
}

/** Look a canonical code up (upper-case hex is accepted too); null when nothing is known about it. */
export function codeInfo(code: string): CodeInfo | null {
  const c = normalizeCode(code);
  if (c === null) return null;
  return build(load(), c, 0);
}

/**
 * Exact symbolic name (case-insensitive) -> canonical code. `ERROR_*` names map to their 0x8007xxxx
 * HRESULT, `STATUS_*` names to NTSTATUS values; a few well-known second names (`S_OK`,
 * `ERROR_ACCESS_DENIED`…) are understood too.
 */
export function codeForName(name: string): string | null {
  return loadNames().byName.get(name.trim().toUpperCase()) ?? null;
}

/**
 * Find codes from any form a user or a log may give: `0x80073712`, `80073712`, `-2147010798`,
 * `2147956498`, `14098` (a Win32 number: tried as HRESULT_FROM_WIN32 and as itself), a symbolic name,
 * `HRESULT_FROM_WIN32(14098)`, `NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA)`, `HRESULT_FROM_NT(…)`, or part of
 * a name (`COMPONENT_STORE`: at most 50, curated first). Exact matches come first. Never throws; [] when
 * nothing matches.
 */
export function lookupCode(query: string): CodeInfo[] {
  try {
    const t = loadNames();
    const q = query.trim();
    if (q === '') return [];
    const out: CodeInfo[] = [];
    const seen = new Set<string>();
    const add = (code: string | null): void => {
      if (code === null || seen.has(code)) return;
      const info = build(t, code, 0);
      if (info) {
        seen.add(code);
        out.push(info);
      }
    };
    for (const code of exactCodes(q)) add(code);
    const needle = q.toUpperCase().replace(/[\s-]+/g, '_');
    if (/^[A-Z0-9_]{3,}$/.test(needle) && !/^[0-9]+$/.test(needle)) {
      for (const code of partialNameMatches(t, needle)) add(code);
    }
    return out;
  } catch {
    return [];
  }
}

/** Number of distinct codes in both tables. */
export function knownCodeCount(): number {
  const t = load();
  let n = t.shared.size;
  for (const code of t.curated.keys()) if (!t.shared.has(code)) n++;
  return n;
}

/** Problems met while loading the tables (missing file, malformed or duplicate rows); empty when clean. */
export function codeTableProblems(): string[] {
  return [...load().problems];
}

function normalizeCode(code: string): string | null {
  const s = code.trim();
  if (!/^0x[0-9a-f]{1,8}$/i.test(s)) return null;
  return canonicalCode(parseInt(s.slice(2), 16));
}

/** Codes a query denotes exactly, best first. */
function exactCodes(q: string): string[] {
  if (/^0x[0-9a-f]{1,8}$/i.test(q)) return [canonicalCode(parseInt(q.slice(2), 16))];
  // Eight hex digits without 0x are hex, even when they are all decimal digits (`80073712`).
  if (/^[0-9a-f]{8}$/i.test(q)) return [canonicalCode(parseInt(q, 16))];
  if (/^-\d{1,10}$/.test(q)) {
    const n = Number(q);
    return n >= -0x80000000 ? [canonicalCode(n)] : [];
  }
  if (/^\d{1,10}$/.test(q)) {
    const n = Number(q);
    if (n < 0x10000) return [win32ToHresult(n), canonicalCode(n)];
    return n <= 0xffffffff ? [canonicalCode(n)] : [];
  }
  const v = evaluate(q, 0);
  return v === null ? [] : [canonicalCode(v)];
}

/** Value of a name, a number or a macro form (`HRESULT_FROM_WIN32(…)`, nested at most a few levels). */
function evaluate(expr: string, depth: number): number | null {
  const s = expr.trim();
  if (depth > 3 || s === '') return null;
  if (/^0x[0-9a-f]{1,8}$/i.test(s)) return parseInt(s.slice(2), 16);
  if (/^-?\d{1,10}$/.test(s)) {
    const n = Number(s);
    return n >= -0x80000000 && n <= 0xffffffff ? n : null;
  }
  const m = /^(HRESULT_FROM_WIN32|NTSTATUS_FROM_WIN32|HRESULT_FROM_NT)\s*\((.*)\)$/i.exec(s);
  if (m) {
    const inner = evaluate(m[2] ?? '', depth + 1);
    if (inner === null) return null;
    const macro = (m[1] ?? '').toUpperCase();
    if (macro === 'HRESULT_FROM_WIN32') return parseInt(win32ToHresult(inner).slice(2), 16);
    if (macro === 'NTSTATUS_FROM_WIN32') return ntstatusFromWin32(inner);
    return (inner | 0x10000000) >>> 0;
  }
  if (NAME_RE.test(s)) {
    const code = codeForName(s);
    return code === null ? null : parseInt(code.slice(2), 16);
  }
  return null;
}

// NTSTATUS_FROM_WIN32 takes a Win32 number; a name resolves to its 0x8007xxxx HRESULT, so unwrap that.
function ntstatusFromWin32(n: number): number {
  let u = n >>> 0;
  if (u >>> 16 === 0x8007) u &= 0xffff;
  if (u === 0 || u >= 0x80000000) return u;
  return ((u & 0xffff) | 0xc0070000) >>> 0;
}

function partialNameMatches(t: Tables, needle: string): string[] {
  const hits: { code: string; name: string; curated: boolean; prefix: boolean }[] = [];
  for (const [name, code] of t.byName) {
    if (name.includes(needle)) {
      hits.push({ code, name, curated: t.curated.has(code), prefix: name.startsWith(needle) });
    }
  }
  hits.sort(
    (a, b) =>
      Number(b.curated) - Number(a.curated) ||
      Number(b.prefix) - Number(a.prefix) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const out: string[] = [];
  for (const h of hits) {
    if (!out.includes(h.code)) out.push(h.code);
    if (out.length === MAX_PARTIAL) break;
  }
  return out;
}

/** Codes a code is a wrapped form of: 0xC007xxxx -> 0x8007xxxx; 0xDxxxxxxx (HRESULT_FROM_NT) -> 0xCxxxxxxx. */
function relatedCandidates(code: string): string[] {
  const n = parseInt(code.slice(2), 16);
  const top = n >>> 28;
  if (top === 0xc && n >>> 16 === 0xc007) return [canonicalCode((n & 0xffff) | 0x80070000)];
  if (top === 0xd) {
    const nt = canonicalCode((n & ~0x10000000) >>> 0);
    return n >>> 16 === 0xd007 ? [canonicalCode((n & 0xffff) | 0x80070000), nt] : [nt];
  }
  return [];
}

function sharedRow(t: Tables, code: string): SharedRow | undefined {
  const line = t.shared.get(code);
  if (line === undefined) return undefined;
  const [, rawName = '', facility = '', meaning = '', source = ''] = line.split('\t');
  return {
    name: NAME_RE.test(rawName) ? rawName : null,
    facility: facility || null,
    meaning: meaning === '' || meaning === '(name only)' ? null : meaning,
    source,
  };
}

function build(t: Tables, code: string, depth: number): CodeInfo | null {
  const s = sharedRow(t, code);
  const c = t.curated.get(code);
  const related: CodeInfo[] = [];
  if (depth < 3) {
    for (const r of relatedCandidates(code)) {
      const info = build(t, r, depth + 1);
      if (info) related.push(info);
    }
  }
  // The closest wrapped form names and explains a code that has no row of its own.
  const base = related[related.length - 1];
  if (!s && !c && !base) return null;
  const name = c?.name ?? DISPLAY_NAMES[code] ?? s?.name ?? (base ? derivedName(code, base) : null);
  const facility = s?.facility ?? derivedFacility(code);
  const relatedCodes = related.map((r) => r.code);
  if (!s && !c && base) {
    return {
      code,
      name,
      facility,
      meaning: { ...base.meaning },
      cause: base.cause ? { ...base.cause } : null,
      remedy: base.remedy ? { ...base.remedy } : null,
      source: `derived from ${base.code}` + (base.source ? ` (${base.source})` : ''),
      curated: false,
      related: relatedCodes,
    };
  }
  return {
    code,
    name,
    facility,
    meaning: { en: c?.en ?? s?.meaning ?? null, zh: c?.zh ?? null },
    cause: c?.cause ? { ...c.cause } : null,
    remedy: c?.remedy ? { ...c.remedy } : null,
    source: [c?.source, s?.source].filter((x) => x).join('; '),
    curated: c !== undefined,
    related: relatedCodes,
  };
}

function derivedName(code: string, base: CodeInfo): string {
  if (code.startsWith('0xd')) return `HRESULT_FROM_NT(${base.name ?? base.code})`;
  return `NTSTATUS_FROM_WIN32(${base.name ?? parseInt(code.slice(6), 16)})`;
}

function derivedFacility(code: string): string | null {
  if (code.startsWith('0xc007')) return 'NTSTATUS (FACILITY_NTWIN32)';
  if (code.startsWith('0xd')) return 'HRESULT_FROM_NT';
  if (code.startsWith('0xc190')) return 'NTSTATUS/setup';
  if (code.startsWith('0x8024')) return 'WINDOWSUPDATE(0x24)';
  return null;
}

function load(): Tables {
  if (tables) return tables;
  const t: Tables = { shared: new Map(), curated: new Map(), byName: new Map(), problems: [] };
  eachRow(t, SHARED_FILE, 5, (line, where) => {
    // Only the code is needed to index a row; the rest is split on demand (names when a name is asked).
    const code = line.slice(0, line.indexOf('\t')).toLowerCase();
    if (t.shared.has(code)) return `${where}: duplicate code ${code}`;
    t.shared.set(code, line);
    return null;
  });
  eachRow(t, CURATED_FILE, 9, (line, where) => {
    const cols = line.split('\t');
    const [rawCode = '', rawName = '', en, zh, causeEn, causeZh, remedyEn, remedyZh, source = ''] = cols;
    const code = rawCode.toLowerCase();
    if (t.curated.has(code)) return `${where}: duplicate code ${code}`;
    const name = NAME_RE.test(rawName) ? rawName : null;
    t.curated.set(code, {
      name,
      en: en || null,
      zh: zh || null,
      cause: causeEn && causeZh ? { en: causeEn, zh: causeZh } : null,
      remedy: remedyEn && remedyZh ? { en: remedyEn, zh: remedyZh } : null,
      source,
    });
    return null;
  });
  tables = t;
  return t;
}

/**
 * The tables with `byName` filled: every row's symbolic name (generated rows first, as they come), the
 * curated names, then the aliases. Built on the first name lookup, not for every code lookup.
 */
function loadNames(): Tables {
  const t = load();
  if (namesBuilt) return t;
  namesBuilt = true;
  for (const [code, line] of t.shared) {
    const tab1 = line.indexOf('\t');
    const name = line.slice(tab1 + 1, line.indexOf('\t', tab1 + 1));
    if (NAME_RE.test(name) && !t.byName.has(name.toUpperCase())) t.byName.set(name.toUpperCase(), code);
  }
  for (const [code, row] of t.curated) {
    if (row.name !== null && !t.byName.has(row.name.toUpperCase()))
      t.byName.set(row.name.toUpperCase(), code);
  }
  for (const [alias, value] of Object.entries(ALIASES)) {
    if (!t.byName.has(alias)) t.byName.set(alias, canonicalCode(value));
  }
  return t;
}

/** Read one TSV (header first), handing each well-formed row to `take`; malformed rows are skipped and noted. */
function eachRow(
  t: Tables,
  file: string,
  columns: number,
  take: (line: string, where: Where) => string | null,
): void {
  eachDataLine(file, t.problems, (line, where) => {
    if (countTabs(line) !== columns - 1 || !CODE_RE.test(line.slice(0, line.indexOf('\t')))) {
      t.problems.push(`${where}: malformed row skipped`);
      return;
    }
    const problem = take(line, where);
    if (problem !== null) t.problems.push(problem);
  });
}

function countTabs(line: string): number {
  let n = 0;
  for (let i = line.indexOf('\t'); i !== -1; i = line.indexOf('\t', i + 1)) n++;
  return n;
}
