// Reading the knowledge data files: a TSV with a header line, one row per line, CRLF or LF. Shared by the
// code and update tables so both report unreadable files and bad rows the same way.

import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';

/**
 * Where a row is: `${where}` gives `file:line`. One object is reused for every row of a file (making a
 * string per row cost more than reading the rows): use it in a message at once, never keep it.
 */
export interface Where {
  readonly file: string;
  line: number;
  toString(): string;
}

/**
 * Calls `take(line, where)` for each data row of `file` (header and empty lines skipped). An unreadable
 * file is noted in `problems`, never thrown.
 */
export function eachDataLine(
  file: string,
  problems: string[],
  take: (line: string, where: Where) => void,
): void {
  let text: string;
  try {
    const bytes = readFileSync(dataPath(file));
    // Most tables are ASCII: decoding them as such is several times quicker than UTF-8 (start-up).
    text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  } catch (err) {
    problems.push(`${file}: cannot read (${err instanceof Error ? err.message : String(err)})`);
    return;
  }
  const where: Where = {
    file,
    line: 0,
    toString() {
      return `${this.file}:${this.line}`;
    },
  };
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;
    where.line = i + 1;
    take(line, where);
  }
}
