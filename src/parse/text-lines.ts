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

/**
 * A copy of `s` that does not hold on to the text it was cut from. V8 keeps a substring as a view of its
 * parent: a kept title cut from a 2 KB description would keep all of it alive, for every event kept.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

/** {@link detach} for every value of a record. */
export function detachValues(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = detach(v);
  return out;
}
