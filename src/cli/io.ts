// What a command may use of the outside world, handed in by main.ts (so commands stay testable).

import type { Lang } from '../model/types.js';

export interface Io {
  out(s: string): void;
  err(s: string): void;
  outIsTty: boolean;
  errIsTty: boolean;
  defaultLang: Lang;
  noColorEnv: boolean;
}

/** Parses `--lang`; returns null and reports on a bad value. */
export function langOption(v: string | undefined, io: Io): Lang | null {
  if (v === undefined) return io.defaultLang;
  if (v === 'zh' || v === 'en') return v;
  io.err(`patchdx: --lang must be zh or en, not "${v}"\n`);
  return null;
}
