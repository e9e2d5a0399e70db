// One clock for a bundle. Each log writes its own kind of time: CBS.log and dism.log local time (CBS also
// has CSI `@` UTC stamps that give the offset), binary event logs UTC, event text exports whatever the
// exporter chose (often local time labelled `Z`), WindowsUpdate.log and Panther logs local time,
// ReportingEvents.log local time with `+hhmm`. Labels are not trusted: where two sources record the same
// instant (a TrustedInstaller start and the service-control event it causes; an update's install result in
// WindowsUpdate.log and its event 19/20), the difference of their written times fixes one offset from the
// other. What cannot be anchored is assumed from another log of the machine, and said so.

import { pushTo } from './group.js';
import type { Confidence, I18nText, SourceClock } from '../model/types.js';

/** A moment two sources may both record: same key, same instant. */
export interface ClockMark {
  file: string;
  /** `ti-start`, `install:<title>|<code>`… */
  key: string;
  /** Written time, `YYYY-MM-DD HH:MM:SS[.fff]` in the source's own clock. */
  time: string;
}

/** What a source says about its own clock before anchoring. */
export interface ClockHint {
  file: string;
  /** Written time = UTC + offset minutes, when the source itself says so. */
  offsetMinutes: number | null;
  basis: SourceClock['basis'];
  /** First and last written times, to pick the nearest log to borrow an offset from. */
  first: string | null;
  last: string | null;
}

export interface SettledClock extends SourceClock {
  offsetMinutes: number | null;
}

/** Two marks are the same instant when their written times differ by a whole offset ± this (a service-control
 * event follows the TrustedInstaller line that causes it within a few seconds; busy logs have other events
 * of the service a minute away, so a wider window would match noise). */
const TOLERANCE_MS = 5_000;
/** Offsets are whole quarter hours (UTC+5:45 exists). */
const GRID_MS = 15 * 60_000;
const MAX_OFFSET_MS = 14 * 3600_000;

/** Milliseconds of a written time read as if it were UTC; NaN when unreadable. */
export function writtenMs(t: string): number {
  const m = /^(\d{4})[-/](\d\d?)[-/](\d\d?)[ T](\d\d?):(\d\d):(\d\d)(?:[.:](\d{1,7}))?/.exec(t);
  if (!m) return NaN;
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + Math.round(frac);
}

/** ISO UTC of a written time under an offset (`written = UTC + offset`), or null. */
export function toUtc(written: string | null | undefined, offsetMinutes: number | null): string | null {
  if (!written || offsetMinutes === null) return null;
  const ms = writtenMs(written);
  if (Number.isNaN(ms)) return null;
  return new Date(ms - offsetMinutes * 60_000).toISOString().replace('.000Z', 'Z');
}

const RANK: Record<SourceClock['basis'], number> = {
  'csi-stamps': 0,
  'written-offset': 0,
  'utc-by-format': 0,
  anchored: 1,
  'as-labelled': 2,
  assumed: 3,
  unknown: 4,
};

const CONFIDENCE: Record<SourceClock['basis'], Confidence> = {
  'csi-stamps': 'high',
  'written-offset': 'high',
  'utc-by-format': 'high',
  anchored: 'high',
  'as-labelled': 'medium',
  assumed: 'low',
  unknown: 'low',
};

function fmt(minutes: number): string {
  const sign = minutes < 0 ? '−' : '+';
  const a = Math.abs(minutes);
  return `UTC${sign}${Math.floor(a / 60)}${a % 60 ? `:${String(a % 60).padStart(2, '0')}` : ''}`;
}

const BASIS_NOTE: Record<string, (h: string) => I18nText> = {
  'csi-stamps': (h) => ({ en: `${h}, from its CSI UTC stamps`, zh: `${h}，来自 CSI 的 UTC 时间戳` }),
  'written-offset': (h) => ({ en: `${h}, written on each line`, zh: `${h}，每行自带时区偏移` }),
  'utc-by-format': (h) => ({ en: `${h}: the format stores UTC`, zh: `${h}：该格式以 UTC 记录时间` }),
  'as-labelled': (h) => ({
    en: `${h} as labelled; nothing in the bundle confirms it`,
    zh: `${h}（按文件标注；包内无其它日志可以印证）`,
  }),
  unknown: () => ({
    en: 'unknown: no other log of the bundle gives the offset; times are as written',
    zh: '未知：包内没有可换算时区的日志，时间按原文显示',
  }),
};

/** A mark placed on UTC (milliseconds), from a source whose offset is known. */
export interface UtcMark {
  file: string;
  key: string;
  ms: number;
}

/**
 * The offset (written = UTC + offset) that best lines up a source's marks with marks already on UTC, with how
 * many of them it matches; null when no offset is clearly best. TrustedInstaller service moments only vote
 * for `candidates` (UTC, the label, offsets other logs of the machine show): busy logs have such events every
 * few minutes, and trying every quarter hour would let chance matches win.
 */
export function bestOffset(
  anchors: UtcMark[],
  marks: ClockMark[],
  candidates: number[],
): { offsetMinutes: number; matches: number; files: string[] } | null {
  const byKey = new Map<string, UtcMark[]>();
  for (const m of anchors) if (!Number.isNaN(m.ms)) pushTo(byKey, m.key, m);
  for (const list of byKey.values()) list.sort((x, y) => x.ms - y.ms);
  const own = marks.map((m) => ({ key: m.key, ms: writtenMs(m.time) }));
  return bestOffsetIn(byKey, own, gridsOf(candidates));
}

/** Candidate offsets (minutes) as distinct quarter-hour steps, in order of first appearance. */
function gridsOf(candidates: Iterable<number>): number[] {
  const grids = new Set<number>();
  for (const c of candidates) grids.add(Math.round((c * 60_000) / GRID_MS));
  return [...grids];
}

/**
 * {@link bestOffset} over anchors already grouped by key and sorted by time (ties in the order they were
 * placed), for marks whose written times are already read; `allowed` are the candidates as grid steps.
 */
function bestOffsetIn(
  byKey: Map<string, UtcMark[]>,
  marks: { key: string; ms: number }[],
  allowed: number[],
): { offsetMinutes: number; matches: number; files: string[] } | null {
  const votes = new Map<number, number>();
  const files = new Map<number, Set<string>>();
  // Each mark votes once per offset it can match: anchors looked up by binary search, never scanned whole.
  const vote = (grid: number, a: UtcMark, seen: Set<number>): void => {
    files.set(grid, (files.get(grid) ?? new Set()).add(a.file));
    if (seen.has(grid)) return;
    seen.add(grid);
    votes.set(grid, (votes.get(grid) ?? 0) + 1);
  };
  for (const m of marks) {
    const list = byKey.get(m.key);
    const ms = m.ms;
    if (!list || Number.isNaN(ms)) continue;
    const seen = new Set<number>();
    if (m.key === 'ti') {
      // Busy generic moments (service starts) only vote for offsets the machine is known to use.
      for (const grid of allowed) {
        const target = ms - grid * GRID_MS;
        for (
          let i = lowerBound(list, target - TOLERANCE_MS);
          i < list.length && list[i]!.ms <= target + TOLERANCE_MS;
          i++
        )
          vote(grid, list[i]!, seen);
      }
      continue;
    }
    // An install result of one named update at one second is specific enough to show any offset.
    for (let i = lowerBound(list, ms - MAX_OFFSET_MS - TOLERANCE_MS); i < list.length; i++) {
      const a = list[i]!;
      const d = ms - a.ms;
      if (d < -MAX_OFFSET_MS - TOLERANCE_MS) break;
      const grid = Math.round(d / GRID_MS);
      if (Math.abs(d - grid * GRID_MS) <= TOLERANCE_MS) vote(grid, a, seen);
    }
  }
  const ranked = [...votes].sort((x, y) => y[1] - x[1] || Math.abs(x[0]) - Math.abs(y[0]));
  const [top, second] = ranked;
  if (!top || top[1] < 2 || (second && second[1] * 2 > top[1])) return null;
  return { offsetMinutes: (top[0] * GRID_MS) / 60_000, matches: top[1], files: [...files.get(top[0])!] };
}

/** Index of the first mark at or after `ms` in a list sorted by time. */
function lowerBound(list: UtcMark[], ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ms < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index after the last mark at or before `ms` in a list sorted by time. */
function upperBound(list: UtcMark[], ms: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ms <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Settles every source's offset: known ones first, then anchored ones (repeatedly, so an anchored source
 * can anchor another), then labelled ones, then borrowed from the nearest log whose offset is known.
 */
export function settleClocks(hints: ClockHint[], marks: ClockMark[]): Map<string, SettledClock> {
  const out = new Map<string, SettledClock>();
  // Written times are read once; every step below is linear or n·log n in the hints and marks.
  const marksOf = new Map<string, { key: string; ms: number }[]>();
  for (const m of marks) pushTo(marksOf, m.file, { key: m.key, ms: writtenMs(m.time) });
  // Marks of every source whose clock is settled, on UTC, by key: the index grows as sources settle.
  const anchors = new Map<string, UtcMark[]>();
  // Offsets of the settled sources, as grid steps in the order they were settled.
  const settledGrids = new Set<number>();
  const index = (file: string, clock: SettledClock): void => {
    if (clock.offsetMinutes === null) return;
    settledGrids.add(Math.round((clock.offsetMinutes * 60_000) / GRID_MS));
    for (const m of marksOf.get(file) ?? []) {
      const ms = m.ms - clock.offsetMinutes * 60_000;
      if (Number.isNaN(ms)) continue;
      const list = anchors.get(m.key);
      if (list) list.splice(upperBound(list, ms), 0, { file, key: m.key, ms });
      else anchors.set(m.key, [{ file, key: m.key, ms }]);
    }
  };
  const known = (h: ClockHint): boolean => h.offsetMinutes !== null && RANK[h.basis] === 0;
  for (const h of hints) {
    if (!known(h)) continue;
    out.set(h.file, {
      offsetMinutes: h.offsetMinutes,
      basis: h.basis,
      confidence: CONFIDENCE[h.basis],
      note: BASIS_NOTE[h.basis]!(fmt(h.offsetMinutes!)),
    });
  }
  for (const [file, clock] of out) index(file, clock);
  let changed = true;
  while (changed) {
    changed = false;
    for (const h of hints) {
      if (out.has(h.file) || !marksOf.has(h.file)) continue;
      // Every mark of every source whose clock is settled, on UTC: together they outvote chance matches.
      const candidates = [0, ...(h.offsetMinutes === null ? [] : [h.offsetMinutes])];
      const allowed = new Set(gridsOf(candidates));
      for (const g of settledGrids) allowed.add(g);
      const found = bestOffsetIn(anchors, marksOf.get(h.file)!, [...allowed]);
      if (!found) continue;
      const best = { from: found.files.join(', '), offset: found.offsetMinutes, matches: found.matches };
      const hh = fmt(best.offset);
      const labelled = h.offsetMinutes !== null && h.offsetMinutes !== best.offset;
      const clock: SettledClock = {
        offsetMinutes: best.offset,
        basis: 'anchored',
        confidence: best.matches >= 3 ? 'high' : 'medium',
        note: {
          en: `${hh}: ${best.matches} moments also recorded in ${best.from} line up${labelled ? ` (the file is labelled ${fmt(h.offsetMinutes!)}: the label is wrong)` : ''}`,
          zh: `${hh}：与 ${best.from} 中 ${best.matches} 个相同时刻对齐${labelled ? `（文件标注为 ${fmt(h.offsetMinutes!)}，标注有误）` : ''}`,
        },
      };
      out.set(h.file, clock);
      index(h.file, clock);
      changed = true;
    }
  }
  for (const h of hints) {
    if (out.has(h.file) || h.offsetMinutes === null) continue;
    out.set(h.file, {
      offsetMinutes: h.offsetMinutes,
      basis: 'as-labelled',
      confidence: CONFIDENCE['as-labelled'],
      note: BASIS_NOTE['as-labelled']!(fmt(h.offsetMinutes)),
    });
  }
  // Local-time logs without anchors: the offset of the log of the machine nearest in time whose offset is
  // the machine's local time (a format that stores UTC says nothing about the zone).
  const nearestFirm = nearestOf(
    [...out].filter(
      ([, c]) => c.basis !== 'as-labelled' && c.basis !== 'utc-by-format' && c.offsetMinutes !== null,
    ),
    hints,
  );
  for (const h of hints) {
    if (out.has(h.file)) continue;
    const nearest = nearestFirm(writtenMs(h.first ?? ''));
    if (!nearest) {
      out.set(h.file, {
        offsetMinutes: null,
        basis: 'unknown',
        confidence: 'low',
        note: BASIS_NOTE.unknown!(''),
      });
      continue;
    }
    const hh = fmt(nearest.c.offsetMinutes!);
    out.set(h.file, {
      offsetMinutes: nearest.c.offsetMinutes,
      basis: 'assumed',
      confidence: 'low',
      note: {
        en: `${hh} assumed: the offset of ${nearest.file}, the nearest log of the machine with a known clock`,
        zh: `${hh}（推定）：取自时间最接近且时区已知的日志 ${nearest.file}`,
      },
    });
  }
  return out;
}

/**
 * A lookup of the firm clock whose log's middle time is nearest a time, in n·log n: the first of `firm` at
 * the least distance, any of them when the time is unreadable (a log without readable times is at an
 * infinite distance from every other).
 */
function nearestOf(
  firm: [string, SettledClock][],
  hints: ClockHint[],
): (at: number) => { file: string; c: SettledClock } | undefined {
  const hintOf = new Map<string, ClockHint>();
  for (const h of hints) if (!hintOf.has(h.file)) hintOf.set(h.file, h);
  // Distinct middle times, ascending, each with the first firm clock (in `firm` order) that has it.
  const byMid = new Map<number, number>();
  firm.forEach(([file], i) => {
    const o = hintOf.get(file);
    const mid = (writtenMs(o?.first ?? '') + writtenMs(o?.last ?? '')) / 2;
    if (!Number.isNaN(mid) && !byMid.has(mid)) byMid.set(mid, i);
  });
  const mids = [...byMid.keys()].sort((x, y) => x - y);
  return (at) => {
    let best = 0;
    if (!Number.isNaN(at) && mids.length > 0) {
      let lo = 0;
      let hi = mids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (mids[mid]! < at) lo = mid + 1;
        else hi = mid;
      }
      // The nearest middle times are either side of `at`; on a tie the earlier firm clock wins.
      const after = lo < mids.length ? mids[lo]! : undefined;
      const before = lo > 0 ? mids[lo - 1]! : undefined;
      const dAfter = after === undefined ? Infinity : Math.abs(after - at);
      const dBefore = before === undefined ? Infinity : Math.abs(before - at);
      if (dAfter < dBefore) best = byMid.get(after!)!;
      else if (dBefore < dAfter) best = byMid.get(before!)!;
      else best = Math.min(byMid.get(after!)!, byMid.get(before!)!);
    }
    const f = firm[best];
    return f && { file: f[0], c: f[1] };
  };
}
