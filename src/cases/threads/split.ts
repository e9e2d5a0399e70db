// Splitting a message's own text from the history it quotes. A reply quotes earlier messages under a marker
// (`-----原始邮件-----`, `-----Original Message-----`, an Outlook rule of underscores, `On … wrote:`, `>`
// lines) usually followed by a header block (`发件人:`/`From:`, `发送时间:`/`Sent:`); a quoted message with
// its headers becomes a message of its own (the thread de-duplicates repeats), one without is dropped.

import type { RawMessage } from './read.js';

const QUOTE_MARKERS = [
  /^[ \t>]*-{3,}\s*(?:原始邮件|Original Message|转发邮件|Forwarded message)\s*-{3,}[ \t]*$/im,
  /^[ \t>]*_{10,}[ \t]*$/m,
  /^[ \t]*On .{5,200}wrote:[ \t]*$/m,
  /^[ \t]*(?:发件人|From)[ \t]*[:：].*\r?\n[ \t>]*(?:发送时间|Sent|Date|日期|时间)[ \t]*[:：]/im,
  /^>.*$/m,
];

const HEADER =
  /^[ \t>]*(发件人|From|发送时间|Sent|Date|日期|时间|收件人|To|抄送|Cc|主题|Subject)[ \t]*[:：][ \t]*(.*)$/i;

/** Index where quoted history starts in a body, or -1. */
function quoteStart(body: string): number {
  let best = -1;
  for (const re of QUOTE_MARKERS) {
    const m = re.exec(body);
    if (m && (best < 0 || m.index < best)) best = m.index;
  }
  return best;
}

function parseQuoted(text: string, parseDate: (s: string) => string | null): RawMessage[] {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^(?:[ \t]*>)+ ?/, '').replace(/^\t+/, ''));
  // Skip the marker line(s) up to the first header.
  let i = 0;
  while (i < lines.length && !HEADER.test(lines[i]!)) i++;
  if (i >= lines.length) return [];
  let from = '';
  let at: string | null = null;
  for (; i < lines.length; i++) {
    const m = HEADER.exec(lines[i]!);
    if (!m) break;
    const k = m[1]!.toLowerCase();
    if (k === '发件人' || k === 'from')
      from = m[2]!
        .replace(/<[^>]*>/g, '')
        .replace(/["']/g, '')
        .trim();
    else if (k === '发送时间' || k === 'sent' || k === 'date' || k === '日期' || k === '时间')
      at = parseDate(m[2]!);
  }
  if (!from && !at) return [];
  return splitQuoted({ from, at, body: lines.slice(i).join('\n') }, parseDate);
}

/**
 * A message and the messages it quotes, oldest first. The message keeps its own text only; quoted messages
 * with a header block are returned as messages of their own.
 */
export function splitQuoted(
  m: RawMessage,
  parseDate: (s: string) => string | null = (s) => {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  },
): RawMessage[] {
  const at = quoteStart(m.body);
  if (at < 0) return [{ ...m, body: m.body.trim() }];
  const own = m.body.slice(0, at).trim();
  return [...parseQuoted(m.body.slice(at), parseDate), { ...m, body: own }];
}

const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text of an HTML body: blocks become lines, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h[1-6]|blockquote|table)\s*>/gi, '\n')
    .replace(/<(td|th)\b[^>]*>/gi, '\t')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (e, n: string) => {
      if (n[0] === '#') {
        const cp = n[1] === 'x' || n[1] === 'X' ? parseInt(n.slice(2), 16) : parseInt(n.slice(1), 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      }
      return ENTITIES[n.toLowerCase()] ?? e;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
