// Reading the knowledge data files: a TSV with a header line, one row per line, CRLF or LF. Shared by the
// code and update tables so both report unreadable files and bad rows the same way.

import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';

/**
 * Calls `take(line, where)` for each data row of `file` (header and empty lines skipped; `where` is
 * `file:line`). An unreadable file is noted in `problems`, never thrown.
 */
export function eachDataLine(
  file: string,
  problems: string[],
  take: (line: string, where: string) => void,
): void {
  let text: string;
  try {
    text = readFileSync(dataPath(file), 'utf8');
  } catch (err) {
    problems.push(`${file}: cannot read (${err instanceof Error ? err.message : String(err)})`);
    return;
  }
  let start = 0;
  let lineNo = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (lineNo === 1 || line === '') continue;
    take(line, `${file}:${lineNo}`);
  }
}
