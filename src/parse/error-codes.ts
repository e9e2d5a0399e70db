// Error-code extraction shared by every format: each written form becomes one canonical code,
// `0x` + 8 lowercase hex digits. Forms: `[HRESULT = 0x80073712 - NAME]`, `HRESULT_FROM_WIN32(14098)`,
// `NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA)`, `STATUS_…`/`ERROR_…` names, `hr:0x…`, bare hex with or without
// `0x`, decimal and negative int32 (`NTSTATUS -1073283059`, `status: -2146498161`).

import { canonicalCode, codeForName, win32ToHresult } from '../knowledge/codes.js';

/** True for a failure code (severity bit set), false for S_OK and other success codes. */
export function isFailureCode(code: string | null | undefined): code is string {
  if (!code) return false;
  const first = code.charCodeAt(2) | 0x20;
  // '8'..'9', 'a'..'f' (either case) as the first hex digit means the top bit is set.
  return (first >= 56 && first <= 57) || (first >= 97 && first <= 102);
}

/** Canonicalise one token that is known to be a code (hex with/without 0x, or decimal). */
export function canonicalize(token: string): string | null {
  const t = token.trim();
  if (/^0x[0-9a-f]{1,8}$/i.test(t)) return canonicalCode(parseInt(t.slice(2), 16));
  if (/^[0-9a-f]{8}$/i.test(t)) return canonicalCode(parseInt(t, 16));
  if (/^-?\d{1,10}$/.test(t)) {
    const n = Number(t);
    if (n < -2147483648 || n > 4294967295) return null;
    return canonicalCode(n);
  }
  return null;
}

// One pass over the text; alternatives are tried left to right at each position.
const CODE_RE =
  /\bgle=0x[0-9a-fA-F]+|\[HRESULT = (0x[0-9a-fA-F]{1,8})(?: - [A-Za-z0-9_]+)?\]|HRESULT_FROM_WIN32\(\s*([A-Za-z0-9_]+)\s*\)|NTSTATUS_FROM_WIN32\(\s*([A-Za-z0-9_]+)\s*\)|\b((?:STATUS|ERROR)_[A-Z0-9_]{3,})\b|\bhr\s*[:=]\s*(0x[0-9a-fA-F]{1,8})\b|\b(?:status|error|code|result|hr|NTSTATUS|HRESULT)\s*[:=]?\s*(-\d{9,10}|0x[0-9a-fA-F]{8}\b)|\b0x([0-9a-fA-F]{8})\b|\b([89A-Fa-f][0-9A-Fa-f]{7}) \[/g;

function fromWin32Arg(arg: string): number | null {
  if (/^\d+$/.test(arg)) return Number(arg);
  if (/^0x[0-9a-f]+$/i.test(arg)) return parseInt(arg.slice(2), 16);
  const hr = codeForName(arg);
  if (hr && hr.startsWith('0x8007')) return parseInt(hr.slice(6), 16);
  return null;
}

/** All canonical codes in a text, in order of appearance, without duplicates. `[gle=…]` is ignored. */
export function extractCodes(text: string): string[] {
  const out: string[] = [];
  const add = (c: string | null): void => {
    if (c && !out.includes(c)) out.push(c);
  };
  CODE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CODE_RE.exec(text)) !== null) {
    if (m[1]) add(canonicalize(m[1]));
    else if (m[2]) {
      const n = fromWin32Arg(m[2]);
      if (n !== null) add(win32ToHresult(n));
    } else if (m[3]) {
      const n = fromWin32Arg(m[3]);
      if (n !== null) add(canonicalCode(n <= 0xffff ? (0xc0070000 | n) >>> 0 : n));
    } else if (m[4]) {
      const c = codeForName(m[4]);
      if (c) add(c);
    } else if (m[5]) add(canonicalize(m[5]));
    else if (m[6]) {
      const c = canonicalize(m[6]);
      if (isFailureCode(c)) add(c);
    } else if (m[7]) {
      const c = canonicalize(m[7]);
      if (isFailureCode(c)) add(c);
    } else if (m[8]) add(canonicalize(m[8]));
  }
  return out;
}

/** The first failure code in a text, or null. */
export function firstFailureCode(text: string): string | null {
  for (const c of extractCodes(text)) if (isFailureCode(c)) return c;
  return null;
}
