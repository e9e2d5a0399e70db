// What `patchdx analyze` accepts, and where it runs the analysis: a leaf module (node:fs and node:util only),
// so the command line can tell before loading the analysis whether to start its thread ahead (cli/main.ts).

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** The options of `patchdx analyze` (node:util parseArgs). */
export const ANALYZE_OPTIONS = {
  json: { type: 'boolean' },
  format: { type: 'string' },
  lang: { type: 'string' },
  'no-color': { type: 'boolean' },
  schema: { type: 'string' },
  color: { type: 'boolean' },
  similar: { type: 'boolean' },
  db: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'max-bytes': { type: 'string' },
  'max-entries': { type: 'string' },
  timeout: { type: 'string' },
} as const;

/**
 * A single text file under this size is analysed on the main thread: starting a thread (and loading the
 * analysis into it again) costs more than the analysis of a small log. Larger files, folders and archives
 * (whatever their name: a small zip can expand a long way) get the thread and its heap settings (analyze/run.ts).
 */
const MAIN_THREAD_MAX_BYTES = 4 * 1024 * 1024;

/** Zip, cabinet and event-log file signatures. */
const CONTAINER_MAGIC = [Buffer.from('PK'), Buffer.from('MSCF'), Buffer.from('ElfFile')];

/** Whether `input` is a plain file, not an archive, small enough for the main thread. */
export function smallTextFile(input: string): boolean {
  let fd: number | null = null;
  try {
    const s = statSync(input);
    if (!s.isFile() || s.size >= MAIN_THREAD_MAX_BYTES) return false;
    fd = openSync(input, 'r');
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    return !CONTAINER_MAGIC.some((m) => n >= m.length && head.subarray(0, m.length).equals(m));
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Whether `patchdx analyze <args>` will analyse on a thread: its arguments parse, name one input, and that
 * input is not a small text file. False when the command will stop at its arguments.
 */
export function analysisWantsThread(args: string[]): boolean {
  try {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: ANALYZE_OPTIONS });
    return positionals.length === 1 && !smallTextFile(positionals[0]!);
  } catch {
    return false;
  }
}
