// Reading case e-mail threads as the team keeps them: `.eml` (MIME: quoted-printable/base64 parts, any
// charset Node's TextDecoder knows, GB2312/GBK/Big5 included; HTML-only bodies turned to text) through
// postal-mime, Outlook `.msg` through @kenjiuno/msgreader, and the plain-text exports of the seeds
// (`邮件主题：` … `====第N封邮件====`, `发件人：`, `发送时间：`, `邮件内容:`). Each becomes a subject and its
// messages, oldest first; a message's quoted history is split off by `split.ts`.

import { decodeText } from '../../ingest/encoding.js';
import { htmlToText, splitQuoted } from './split.js';

/** One message as read from a file, before roles, de-duplication and redaction. */
export interface RawMessage {
  /** The sender as written (a display name or an address). */
  from: string;
  /** ISO time, or null when the file does not say. */
  at: string | null;
  /** The message's own text, quoted history removed. */
  body: string;
}

/** A thread as read from one file. */
export interface RawThread {
  file: string;
  format: 'txt' | 'eml' | 'msg';
  subject: string;
  messages: RawMessage[];
}

/** Thrown for a file that is not a thread patchdx reads. */
export class ThreadFormatError extends Error {
  override readonly name = 'ThreadFormatError';
}

/** The .msg reader's class, as this module uses it (the library is loaded with the first .msg). */
type MsgReaderClass = new (b: ArrayBuffer | DataView) => {
  getFileData(): {
    error?: string;
    subject?: string;
    senderName?: string;
    senderEmail?: string;
    senderSmtpAddress?: string;
    body?: string;
    bodyHtml?: string;
    html?: Uint8Array;
    messageDeliveryTime?: string;
    clientSubmitTime?: string;
    creationTime?: string;
  };
};

async function msgReader(): Promise<MsgReaderClass> {
  const mod: unknown = await import('@kenjiuno/msgreader');
  // The CJS build puts the class on `default`; under ESM interop it may be one level deeper.
  const outer = (mod as { default?: unknown }).default ?? mod;
  return ((outer as { default?: unknown }).default ?? outer) as MsgReaderClass;
}

/** Parses a date as mail clients write it (`2023-01-05 15:00:24.503000+00:00`, RFC 2822, `2023年1月9日 10:01`). */
export function parseMailDate(s: string): string | null {
  const t = s.trim();
  const cn = /(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(?:星期.|周.))?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(t);
  if (cn) {
    const [, y, mo, d, h, mi, se] = cn;
    const iso = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}T${h!.padStart(2, '0')}:${mi}:${se ?? '00'}+08:00`;
    return new Date(iso).toISOString();
  }
  const iso = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?$/.exec(t);
  if (iso) {
    const frac = iso[3] ? iso[3].slice(0, 4) : '';
    const ms = Date.parse(`${iso[1]}T${iso[2]}${frac}${iso[4] ?? '+08:00'}`);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  const ms = Date.parse(t.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The plain-text export of the seeds. */
function readExport(file: string, text: string): RawThread {
  const subject = /^\s*邮件主题[:：]\s*(.*)$/m.exec(text)?.[1]?.trim() ?? '';
  const parts = text.split(/^====第\s*\d+\s*封邮件====\s*$/m).slice(1);
  const messages: RawMessage[] = [];
  for (const p of parts) {
    const from = /^发件人[:：]\s*(.*)$/m.exec(p)?.[1]?.trim() ?? '';
    const at = /^发送时间[:：]\s*(.*)$/m.exec(p)?.[1]?.trim() ?? '';
    const start = /^邮件内容[:：]?[ \t]*\r?\n?/m.exec(p);
    const body = start ? p.slice(start.index + start[0].length) : p;
    messages.push(...splitQuoted({ from, at: parseMailDate(at), body }, parseMailDate));
  }
  return { file, format: 'txt', subject, messages };
}

async function readEml(file: string, data: Uint8Array): Promise<RawThread> {
  const { default: PostalMime } = await import('postal-mime');
  const email = await PostalMime.parse(data);
  const body = email.text?.trim() ? email.text : htmlToText(email.html ?? '');
  const from = email.from?.name || email.from?.address || '';
  const at = email.date ? parseMailDate(email.date) : null;
  return {
    file,
    format: 'eml',
    subject: email.subject ?? '',
    messages: splitQuoted({ from, at, body }, parseMailDate),
  };
}

async function readMsg(file: string, data: Uint8Array): Promise<RawThread> {
  const MsgReader = await msgReader();
  const copy = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const m = new MsgReader(copy).getFileData();
  if (m.error) throw new ThreadFormatError(`${file}: not an Outlook message (${m.error})`);
  const html = m.bodyHtml ?? (m.html ? new TextDecoder().decode(m.html) : '');
  const body = m.body?.trim() ? m.body : htmlToText(html);
  const from = m.senderName || m.senderSmtpAddress || m.senderEmail || '';
  const when = m.clientSubmitTime ?? m.messageDeliveryTime ?? m.creationTime;
  const at = when ? parseMailDate(when) : null;
  return {
    file,
    format: 'msg',
    subject: m.subject ?? '',
    messages: splitQuoted({ from, at, body }, parseMailDate),
  };
}

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Reads one thread file, recognised by content: a compound file is `.msg`, MIME headers are `.eml`. */
export async function readThread(file: string, data: Uint8Array): Promise<RawThread> {
  if (CFB_MAGIC.every((b, i) => data[i] === b)) return readMsg(file, data);
  const head = Buffer.from(data.subarray(0, 4096)).toString('latin1');
  if (
    /^(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)+/.test(head) &&
    /^(?:from|date|subject|mime-version):/im.test(head)
  )
    return readEml(file, data);
  const text = decodeText(Buffer.from(data));
  if (/====第\s*\d+\s*封邮件====/.test(text)) return readExport(file, text);
  throw new ThreadFormatError(
    `${file}: not a case thread patchdx reads (an .eml, an Outlook .msg, or a text export with "====第N封邮件====" headers)`,
  );
}
