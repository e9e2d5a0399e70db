// HTML escaped by construction: `html` is a tagged template that escapes every interpolation unless it is
// a SafeHtml made by `html` itself (or `raw` for markup the code wrote). Arrays are joined, null and
// false render nothing. Untrusted text (log lines, file names) never reaches a page unescaped.

import { safeText } from '../report/safe-text.js';

/** Markup that is already safe to insert. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

/** Escapes text for an element body or a quoted attribute; control characters are shown as escapes. */
export function escapeHtml(s: string): string {
  return safeText(s).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function part(v: HtmlValue): string {
  if (v === null || v === undefined || v === false || v === true) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(part).join('');
  return escapeHtml(String(v));
}

/** `html\`<p>${text}</p>\``: every interpolation escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup written by this program (never from input). */
export function raw(s: string): SafeHtml {
  return new SafeHtml(s);
}

/** A URL query string from parts; every value encoded. */
export function qs(params: Record<string, string | number | null | undefined>): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== null && v !== undefined && v !== '') out.set(k, String(v));
  const s = out.toString();
  return s ? `?${s}` : '';
}
