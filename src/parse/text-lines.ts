// Line iteration over an already decoded text, for the formats read whole (captured outputs, exports):
// CRLF or LF, a leading BOM skipped, 1-based line numbers, no split() of the whole text.

/** Calls `fn(line, lineNo)` for each line; `fn` returns false to stop. */
export function eachLine(text: string, fn: (line: string, lineNo: number) => boolean | void): void {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let lineNo = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    lineNo++;
    const line = text.slice(pos, end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    pos = end + 1;
    if (fn(line, lineNo) === false) return;
  }
}
