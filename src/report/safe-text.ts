// The one place that neutralises control characters from untrusted input (log text, file and archive
// entry names) before they reach a terminal or a report: every renderer and the CLI's messages use it,
// so a log cannot set the window title, clear the screen, plant a hyperlink or reorder a line.

// C0 except TAB and LF (the formats need them), DEL, C1, the line/paragraph separators and the Unicode
// bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** Shows each unsafe character as a visible escape (`\x1b`, `\x9b`, `\u202e`); keeps TAB and LF. */
export function safeText(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** Like safeText, and a line break too is shown (for one-line messages: `patchdx: <file>: <message>`). */
export function safeLine(s: string): string {
  return safeText(s).replace(/[\t\n]/g, (c) => (c === '\t' ? ' ' : '\\n'));
}

// JSON.stringify escapes C0 but leaves DEL, C1 and the bidi controls raw.
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify whose output holds no raw control character (the data is unchanged: `\uXXXX`). */
export function safeJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Whether a string holds a character safeText would neutralise (for tests and checks). */
export function hasUnsafe(s: string): boolean {
  return new RegExp(UNSAFE.source).test(s);
}
