// Test support: an `Io` for running a command in-process that keeps what it writes (not a terminal, no
// colour). Used by the command tests, the case store's tests and the fuzz child.

import type { Io } from '../cli/io.js';

/** An Io that captures stdout and stderr; `out()`/`err()` read what was written so far. */
export function captureIo(lang: 'zh' | 'en' = 'en'): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      out: (s) => void (out += s),
      err: (s) => void (err += s),
      outIsTty: false,
      errIsTty: false,
      defaultLang: lang,
      noColorEnv: true,
    },
    out: () => out,
    err: () => err,
  };
}
