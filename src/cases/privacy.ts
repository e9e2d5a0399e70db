// Privacy of case data: one redaction code path. What leaves the store (exports, drafts) has credentials and
// phone numbers scrubbed unless the engineer asks otherwise; secret fields never leave it. Imported case
// threads are redacted before they are stored (credentials, portal log-ins, phone numbers, e-mail addresses,
// personal names), with a report of what was redacted: kinds and counts, never the values.

/** What a redaction replaced. */
export type RedactionKind = 'credential' | 'url-secret' | 'phone' | 'email' | 'name';

/** Counts of what was redacted, by kind (never the values). */
export type RedactionCounts = Partial<Record<RedactionKind, number>>;

/** Text after redaction and what was replaced. */
export interface Redacted {
  text: string;
  counts: RedactionCounts;
}

/** What to redact beyond credentials and phone numbers. */
export interface RedactOptions {
  /** E-mail addresses (`[email]`). */
  emails?: boolean;
  /** Personal names known from the thread's headers and signatures, replaced wherever they occur (`[name]`). */
  names?: readonly string[];
  /** Values already known to be secrets (a portal password seen once), replaced wherever they occur. */
  secrets?: readonly string[];
}

// A key, a separator and the value. The key is not preceded by a letter or digit (`\b` does not work before
// Chinese keys); a value runs to white space or a closing bracket.
const CREDENTIAL =
  /(?<![\p{L}\p{N}_])(password|passwd|pwd|pass|密码|口令|用户名|账号|帐号|账户|username|user(?:\s?name)?|login|token|secret)(\s*[:：=]\s*)("[^"]*"|'[^']*'|[^\s<>()（）,，;；]+)/giu;
const URL_SECRET = /([?&](?:token|key|sig|signature|password|pwd|access_token)=)([^&\s#<>]+)/gi;
// Mainland mobiles, landlines with an area code, 400/800 service numbers, international numbers with a plus.
const PHONE =
  /(?<![\w.])(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)|(?<![\w.])0\d{2,3}-\d{7,8}(?:-\d{1,5})?(?!\d)|(?<![\w.])[48]00[-\s]?\d{3}[-\s]?\d{4}(?!\d)|\+\d{1,3}[-\s]?\d{2,4}[-\s]?\d{3,4}[-\s]?\d{3,4}(?!\d)/g;
const EMAIL = /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g;
const MASKED = new Set(['***', '[phone]', '[email]', '[name]', '[secret]']);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A name as a pattern that also matches it written with spaces between its characters (`许  翔`). */
function namePattern(name: string): string {
  const chars = [...name.replace(/\s+/g, '')];
  const cjk = chars.every((c) => /\p{Script=Han}/u.test(c));
  return cjk ? chars.map(escapeRe).join('\\s*') : escapeRe(name.trim()).replace(/\s+/g, '\\s+');
}

/**
 * Redacts credentials (`password: …`, `用户名：…`, `?token=…`), phone numbers and, when asked, e-mail
 * addresses, known secrets and personal names. Returns the text and the counts by kind.
 */
export function redactText(s: string, opts: RedactOptions = {}): Redacted {
  const counts: RedactionCounts = {};
  const bump = (k: RedactionKind): void => void (counts[k] = (counts[k] ?? 0) + 1);
  let t = s
    .replace(URL_SECRET, (m, k: string, v: string) => (MASKED.has(v) ? m : (bump('url-secret'), `${k}***`)))
    .replace(CREDENTIAL, (m, k: string, sep: string, v: string) => {
      if (MASKED.has(v)) return m;
      bump('credential');
      return `${k}${sep}***`;
    });
  // A secret seen once beside its key is redacted wherever else it recurs.
  for (const v of opts.secrets ?? []) {
    if (v.length < 4 || MASKED.has(v)) continue;
    t = t.replace(new RegExp(escapeRe(v), 'g'), () => (bump('credential'), '[secret]'));
  }
  t = t.replace(PHONE, () => (bump('phone'), '[phone]'));
  if (opts.emails) t = t.replace(EMAIL, () => (bump('email'), '[email]'));
  const names = [...new Set((opts.names ?? []).map((n) => n.trim()).filter((n) => n.length >= 2))];
  // Longest first, so `Li Qi` does not leave half of a longer name behind.
  names.sort((a, b) => b.length - a.length);
  if (names.length > 0) {
    const re = new RegExp(names.map(namePattern).join('|'), 'giu');
    t = t.replace(re, () => (bump('name'), '[name]'));
  }
  return { text: t, counts };
}

/** The values `redactText` would remove as credentials (to redact them again wherever they recur). */
export function credentialValues(s: string): string[] {
  const out = new Set<string>();
  for (const m of s.matchAll(CREDENTIAL)) {
    const v = m[3]!.replace(/^["']|["']$/g, '');
    if (!MASKED.has(v)) out.add(v);
  }
  for (const m of s.matchAll(URL_SECRET)) out.add(m[2]!);
  return [...out];
}

/** Adds counts of `b` to `a`. */
export function addCounts(a: RedactionCounts, b: RedactionCounts): RedactionCounts {
  for (const [k, n] of Object.entries(b) as [RedactionKind, number][]) a[k] = (a[k] ?? 0) + n;
  return a;
}

/** Replaces credentials (`password: …`, `?token=…`) and phone numbers in free text. */
export function scrubText(s: string): string {
  return redactText(s).text;
}

/** `scrubText` for a nullable field. */
export function scrubNullable(s: string | null): string | null {
  return s === null ? null : scrubText(s);
}
