// Working days for follow-ups: a region's calendar (China with its holidays and 调休 make-up days, or plain
// Monday–Friday), with years added from files so a newly published year needs no release. Dates are
// `YYYY-MM-DD` strings in the team's time zone; arithmetic is done on UTC midnights.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CN_CALENDAR, CN_SOURCE, type CalendarYear } from './calendar-cn.js';

/** A team's working calendar. */
export interface WorkCalendar {
  region: string;
  /** Where the data comes from (shown by `case due`). */
  source: string;
  /** Years with official data; outside them only weekends count as days off. */
  years: number[];
  isWorkingDay(date: string): boolean;
  /** The date `n` working days after `date` (n ≥ 1). */
  addWorkingDays(date: string, n: number): string;
  /** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
  workingDaysBetween(from: string, to: string): number;
  /** Name of the holiday on `date`, if any. */
  holiday(date: string): string | null;
}

function dayOfWeek(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`).getTime() + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** Today's date (`YYYY-MM-DD`) in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

function build(region: string, source: string, data: Record<number, CalendarYear>): WorkCalendar {
  const off = new Map<string, string>();
  const on = new Set<string>();
  for (const [y, year] of Object.entries(data)) {
    for (const [name, days] of Object.entries(year.holidays))
      for (const d of days) off.set(`${y}-${d}`, name);
    for (const d of year.workdays) on.add(`${y}-${d}`);
  }
  const isWorkingDay = (date: string): boolean => {
    if (on.has(date)) return true;
    if (off.has(date)) return false;
    const w = dayOfWeek(date);
    return w !== 0 && w !== 6;
  };
  return {
    region,
    source,
    years: Object.keys(data)
      .map(Number)
      .sort((a, b) => a - b),
    isWorkingDay,
    holiday: (date) => off.get(date) ?? null,
    workingDaysBetween(from, to) {
      let n = 0;
      for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d)) n++;
      return n;
    },
    addWorkingDays(date, n) {
      let d = date;
      for (let left = Math.max(1, n); left > 0;) {
        d = addDays(d, 1);
        if (isWorkingDay(d)) left--;
      }
      return d;
    },
  };
}

/** Reads a year file in chinese-days' format (`holidays`/`workdays` maps of full dates) or ours. */
export function parseYearFile(text: string, year: number): CalendarYear {
  const j = JSON.parse(text) as { holidays?: unknown; workdays?: unknown };
  const out: CalendarYear = { holidays: {}, workdays: [] };
  const md = (d: string): string => {
    if (!d.startsWith(`${year}-`) || !/^\d{4}-\d\d-\d\d$/.test(d))
      throw new Error(`date ${d} is not in ${year}`);
    return d.slice(5);
  };
  if (j.holidays && typeof j.holidays === 'object' && !Array.isArray(j.holidays)) {
    for (const [k, v] of Object.entries(j.holidays as Record<string, unknown>)) {
      if (/^\d{4}-/.test(k)) {
        const name = typeof v === 'string' ? (v.split(',')[1] ?? v) : 'holiday';
        (out.holidays[name] ??= []).push(md(k));
      } else if (Array.isArray(v)) out.holidays[k] = v.map(String);
    }
  }
  if (Array.isArray(j.workdays)) out.workdays = j.workdays.map(String);
  else if (j.workdays && typeof j.workdays === 'object') out.workdays = Object.keys(j.workdays).map(md);
  return out;
}

/**
 * The calendar of a region: `cn` (default; built-in years plus `<dir>/cn/<year>.json` files, which win)
 * or `weekdays` (Monday–Friday; other regions add their holidays as `<dir>/<region>/<year>.json`).
 */
export function calendarFor(region = 'cn', dir?: string): WorkCalendar {
  const data: Record<number, CalendarYear> = region === 'cn' ? { ...CN_CALENDAR } : {};
  let source = region === 'cn' ? CN_SOURCE : 'Monday to Friday';
  const folder = dir ? join(dir, region) : null;
  if (folder && existsSync(folder)) {
    const files = readdirSync(folder).filter((f) => /^\d{4}\.json$/.test(f));
    for (const f of files) {
      const year = Number(f.slice(0, 4));
      try {
        data[year] = parseYearFile(readFileSync(join(folder, f), 'utf8'), year);
      } catch (err) {
        throw new Error(`calendar file ${join(folder, f)}: ${(err as Error).message}`, { cause: err });
      }
    }
    if (files.length) source += `; years from ${folder}: ${files.map((f) => f.slice(0, 4)).join(', ')}`;
  }
  return build(region, source, data);
}
