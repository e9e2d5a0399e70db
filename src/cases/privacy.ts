// Privacy of case data: what leaves the store (exports, drafts) has credentials and phone numbers
// scrubbed unless the engineer asks otherwise; secret fields never leave it.

const CREDENTIAL =
  /\b(password|passwd|pwd|密码|用户名|账号|username|user|token|secret|口令)(\s*[:：=]\s*)("[^"]*"|'[^']*'|\S+)/gi;
const URL_SECRET = /([?&](?:token|key|sig|signature|password|pwd|access_token)=)[^&\s#]+/gi;
// Mainland mobiles, landlines with an area code, international numbers written with a plus.
const PHONE =
  /(?<![\w.])(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)|(?<![\w.])0\d{2,3}-\d{7,8}(?:-\d{1,5})?(?!\d)|\+\d{1,3}[-\s]?\d{2,4}[-\s]?\d{3,4}[-\s]?\d{3,4}(?!\d)/g;

/** Replaces credentials (`password: …`, `?token=…`) and phone numbers in free text. */
export function scrubText(s: string): string {
  return s
    .replace(CREDENTIAL, (_m, k: string, sep: string) => `${k}${sep}***`)
    .replace(URL_SECRET, '$1***')
    .replace(PHONE, '[phone]');
}

/** `scrubText` for a nullable field. */
export function scrubNullable(s: string | null): string | null {
  return s === null ? null : scrubText(s);
}
