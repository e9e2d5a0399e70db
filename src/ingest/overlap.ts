// Overlap between CBS logs of one machine: CBS.log and its rotated CbsPersist_*.log/.cab normally follow
// each other, but bundles hold copies (the .cab and the .log extracted from it, `CBS (2).log`, an `[SR]`
// extract beside the full log) and logs copied at different moments share their tails. Logs are read
// oldest first; lines of a later log that an earlier one already held, at the same time, are read once.
// Works on raw line bytes: no string is made for lines outside the overlapping time window.

const TS_LEN = 19; // `2023-05-23 10:02:36`

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** True when the line starts with a `YYYY-MM-DD HH:MM:SS` stamp. */
function stamped(b: Buffer, s: number, e: number): boolean {
  return e - s >= TS_LEN && isDigit(b[s]) && b[s + 4] === 0x2d && b[s + 10] === 0x20 && b[s + 13] === 0x3a;
}

/** Compares the stamp at `b[s…]` with a stamp buffer, byte by byte (no Buffer made per line). */
function compareStamp(b: Buffer, s: number, stamp: Buffer): number {
  for (let i = 0; i < TS_LEN; i++) {
    const d = b[s + i]! - stamp[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** 32-bit FNV-1a of the bytes plus the length above bit 32: a 52-bit line key. */
function lineKey(b: Buffer, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) {
    h ^= b[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) + Math.min(e - s, 0xfffff) * 0x100000000;
}

/** Keys kept at most (about 80 MB of Set entries); past it, later overlaps are read twice, and said so. */
const MAX_KEYS = 2_000_000;

export class OverlapFilter {
  /** How many times each remembered line occurs (identical lines within one second are common). */
  private readonly keys = new Map<number, number>();
  /** Latest timestamp of the logs read so far (raw bytes), or null. */
  private highWater: Buffer | null = null;
  full = false;

  /**
   * Line hook for one log: `windowStart` is the first timestamp of any later log (lines from it on are
   * remembered); returns a function telling whether a line repeats an earlier log (skip it), and `end`.
   */
  begin(windowStart: string | null): {
    skip: (b: Buffer, s: number, e: number) => boolean;
    /** Call after the log's last line: how many lines were skipped as repeats, and the log's last stamp. */
    end: () => { skipped: number; last: string | null };
  } {
    const from = windowStart ? Buffer.from(windowStart.slice(0, TS_LEN), 'latin1') : null;
    const upTo = this.highWater;
    const last = Buffer.alloc(TS_LEN);
    let seen = false;
    let skipped = 0;
    // A continuation line goes with its stamped line.
    let skipping = false;
    const skip = (b: Buffer, s: number, e: number): boolean => {
      if (!stamped(b, s, e)) {
        if (skipping) skipped++;
        return skipping;
      }
      if (!seen || compareStamp(b, s, last) > 0) {
        b.copy(last, 0, s, s + TS_LEN);
        seen = true;
      }
      skipping = false;
      let key: number | null = null;
      if (upTo && compareStamp(b, s, upTo) <= 0) {
        key = lineKey(b, s, e);
        const n = this.keys.get(key) ?? 0;
        if (n > 0) {
          // Each remembered occurrence absorbs one repeat: a line written twice in the later log stays once.
          if (n === 1) this.keys.delete(key);
          else this.keys.set(key, n - 1);
          skipped++;
          skipping = true;
          return true;
        }
      }
      if (from && compareStamp(b, s, from) >= 0) {
        const k = key ?? lineKey(b, s, e);
        if (this.keys.size < MAX_KEYS) this.keys.set(k, (this.keys.get(k) ?? 0) + 1);
        else this.full = true;
      }
      return false;
    };
    return {
      skip,
      end: () => {
        if (seen && (!this.highWater || Buffer.compare(last, this.highWater) > 0)) this.highWater = last;
        return { skipped, last: seen ? last.toString('latin1') : null };
      },
    };
  }
}
