// Where one System File Checker run ends and the next begins, from its `[SR]` lines alone: after
// "Repair complete" / "Verify and Repair Transaction completed" the next verify pass starts a new run (a
// second repair pass after "Cannot commit interactively" still belongs to the first); a time gap or a
// clock going backwards (a findstr extract of several logs) also ends it. Shared by the attempt tracker
// and the SFC rule.

import type { LogEntry } from '../model/types.js';

const CLOSE = /^\[SR\] (?:Repair complete|Verify and Repair Transaction completed)/;
/** After a run has closed, only a new verify pass starts another (a second repair pass continues it). */
const STARTS = /^\[SR\] Verifying \d+ component/;
const MAX_GAP_MINUTES = 30;

/** Minutes since the epoch of a `YYYY-MM-DD HH:MM:SS` local stamp (NaN when absent). */
function minutes(t: string | null): number {
  if (!t) return NaN;
  const n = (a: number, b: number): number => Number(t.slice(a, b));
  return Date.UTC(n(0, 4), n(5, 7) - 1, n(8, 10), n(11, 13), n(14, 16)) / 60000;
}

/** Feed `[SR]` entries in order; each call says whether the entry starts a new SFC run. */
export class SfcSegmenter {
  private closing = false;
  private last: LogEntry | null = null;
  /** The last entry's stamp and its minutes (each stamp is read once). */
  private lastTime: string | null = null;
  private lastMinutes = NaN;

  /** True when `e` starts a new run (the previous one, if any, ended before it). */
  feed(e: LogEntry): boolean {
    const msg = e.message;
    let starts = this.last === null;
    if (e.time !== this.lastTime) {
      const m = minutes(e.time);
      if (this.last) {
        const gap = m - this.lastMinutes;
        if (gap < 0 || gap > MAX_GAP_MINUTES) starts = true;
      }
      this.lastTime = e.time;
      this.lastMinutes = m;
    }
    if (this.last && this.closing && STARTS.test(msg)) starts = true;
    if (starts) this.closing = false;
    if (CLOSE.test(msg)) this.closing = true;
    this.last = e;
    return starts;
  }

  /** True once the current run has printed its closing line. */
  get closed(): boolean {
    return this.closing;
  }
}

/** Whether an entry is an SFC line. */
export function isSfcLine(e: LogEntry): boolean {
  return e.component === 'CSI' && e.message.startsWith('[SR]');
}
