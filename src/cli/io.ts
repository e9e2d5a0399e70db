// What a command may use of the outside world, handed in by main.ts (so commands stay testable).

import type { Lang } from '../model/types.js';
import { safeLine } from '../report/safe-text.js';
import { writeChunks } from '../report/stream.js';

/**
 * One diagnostic line on stderr: `patchdx: <file>[:line]: <message>`. File names and messages come from
 * the input (a zip entry may be named `ESC]0;…`), so their control characters are shown as escapes.
 */
export function errLine(io: Io, prefix: string, file: string, message: string, line?: number): void {
  io.err(`${prefix}: ${safeLine(file)}${line ? `:${line}` : ''}: ${safeLine(message)}\n`);
}

export interface Io {
  out(s: string): void;
  err(s: string): void;
  outIsTty: boolean;
  errIsTty: boolean;
  defaultLang: Lang;
  noColorEnv: boolean;
  /** Standard output as a stream, when there is one: a report is written to it with back-pressure. */
  stdout?: NodeJS.WritableStream;
}

/** Writes a report's pieces to standard output as they are made (through `out` when there is no stream). */
export async function writeOut(io: Io, chunks: Iterable<string>): Promise<void> {
  if (io.stdout) await writeChunks(chunks, io.stdout);
  else for (const c of chunks) io.out(c);
}

/** Parses `--lang`; returns null and reports on a bad value. */
export function langOption(v: string | undefined, io: Io): Lang | null {
  if (v === undefined) return io.defaultLang;
  if (v === 'zh' || v === 'en') return v;
  io.err(`patchdx: --lang must be zh or en, not "${safeLine(v)}"\n`);
  return null;
}
