// From the files of a thread to what the store keeps: messages merged across files (a reply quoting its
// history, a second export of the same thread) with repeats dropped, oldest first; sender roles; everything
// redacted (names, credentials, phones, e-mail addresses) with counts by kind; the facts; the log lines the
// thread quotes, analysed with the project's own rules; and a content hash that makes a re-import a no-op.

import { createHash } from 'node:crypto';
import type { Diagnosis } from '../../model/types.js';
import { addCounts, credentialValues, redactText, type RedactionCounts } from '../privacy.js';
import { quotedLogLines, senderRoles, threadFacts, type ThreadFacts, type ThreadMessage } from './facts.js';
import type { RawMessage, RawThread } from './read.js';

/** A thread ready to be stored: redacted, with its facts. */
export interface ImportedThread {
  /** SHA-256 of the redacted content: the same thread gives the same id, whatever file it came from. */
  id: string;
  files: string[];
  formats: string[];
  subject: string;
  messages: ThreadMessage[];
  facts: ThreadFacts;
  /** What was redacted before storing: kinds and counts, never the values. */
  redactions: RedactionCounts;
}

/** Analyses the log lines a thread quotes (the importer passes the library's `analyze`). */
export type ExcerptAnalyzer = (name: string, text: string) => Promise<Diagnosis | null>;

function norm(s: string): string {
  return s.replace(/[\s>\-_=☆*]+/g, '').slice(0, 2000);
}

/** Messages of all files, oldest first, a message quoted again (or exported twice) kept once. */
function merge(raws: RawThread[]): RawMessage[] {
  const out: RawMessage[] = [];
  const keys: string[] = [];
  for (const r of raws)
    for (const m of r.messages) {
      const k = norm(m.body);
      const same = keys.findIndex(
        (o) =>
          (k !== '' && o === k) || (k.length > 40 && o.length > 40 && (o.startsWith(k) || k.startsWith(o))),
      );
      if (same < 0) {
        out.push(m);
        keys.push(k);
      } else if (!out[same]!.at && m.at) out[same] = { ...out[same]!, at: m.at };
    }
  // Stable sort by time; undated messages keep their place relative to their neighbours.
  return out
    .map((m, i) => ({ m, i }))
    .sort((a, b) => (a.m.at && b.m.at ? a.m.at.localeCompare(b.m.at) || a.i - b.i : a.i - b.i))
    .map((x) => x.m);
}

const HAN_NAME = /^[\p{Script=Han}](?:\s*[\p{Script=Han}]){1,3}$/u;
const ORG_WORD = /部|中心|银行|公司|分行|支行|科|处|组|局|院|集团|大学|技术|支持|团队/;
const RULE_LINE = /^[\s☆★━═=_\-*~]{5,}$/;

/** Personal names a thread reveals: senders, contact lines, signature blocks, greetings. */
function namesIn(messages: RawMessage[]): string[] {
  const names = new Set<string>();
  const add = (n: string | undefined): void => {
    const t = (n ?? '').trim();
    if (t.length >= 2 && !ORG_WORD.test(t) && !/@/.test(t)) names.add(t);
  };
  for (const m of messages) {
    if (!/@/.test(m.from) && !ORG_WORD.test(m.from)) add(m.from.replace(/<[^>]*>/g, '').replace(/["']/g, ''));
    for (const c of m.body.matchAll(
      /(?:联系人|Contact(?: person)?)\s*[:：]\s*([\p{Script=Han}](?:\s*[\p{Script=Han}]){1,3}(?![\p{Script=Han}])|[A-Z][a-z]+(?: [A-Z][a-z]+)+)/gu,
    ))
      add(c[1]);
    const lines = m.body.split(/\r?\n/);
    let inSig = false;
    for (const l of lines) {
      if (RULE_LINE.test(l)) {
        inSig = !inSig;
        continue;
      }
      if (inSig && HAN_NAME.test(l.trim())) add(l.trim());
    }
    // "徐先生 & 毓杰，您们好" / "@毓杰：": given names of two or more characters.
    const greet = /^\s*(.{1,40}?)[，,]\s*(?:您|你)们?好/.exec(m.body);
    for (const part of greet?.[1]?.split(/\s*(?:&|和|、|,|，)\s*/) ?? []) {
      const bare = part.replace(/^@/, '').replace(/(先生|女士|小姐|老师|经理|工)$/, '');
      if (HAN_NAME.test(bare)) add(bare);
    }
    for (const at of m.body.matchAll(/@([\p{Script=Han}]{2,3})(?=[：:\s，,])/gu)) add(at[1]);
  }
  return [...names];
}

// A surname before an honorific (许先生 → [name]先生): one character, so only in that position.
const HONORIFIC_SURNAME = /(?<![\p{Script=Han}])[\p{Script=Han}](?=先生|女士|小姐)/gu;

/** Builds the stored form of a thread from the files read. */
export async function buildThread(
  raws: RawThread[],
  analyzeExcerpt?: ExcerptAnalyzer,
): Promise<ImportedThread> {
  const merged = merge(raws);
  const roles = senderRoles(merged);
  const names = namesIn(merged);
  const rawText = [raws.map((r) => r.subject).join('\n'), ...merged.map((m) => m.body)].join('\n');
  const secrets = credentialValues(rawText);
  const counts: RedactionCounts = {};
  const redact = (s: string): string => {
    const r = redactText(s, { emails: true, names, secrets });
    addCounts(counts, r.counts);
    return r.text.replace(HONORIFIC_SURNAME, () => (addCounts(counts, { name: 1 }), '[name]'));
  };
  const pseudonyms = new Map<string, string>();
  const seen: Record<string, number> = { engineer: 0, customer: 0 };
  const messages: ThreadMessage[] = merged.map((m, i) => {
    const role = roles.get(m.from) ?? 'customer';
    if (!pseudonyms.has(m.from)) pseudonyms.set(m.from, `${role} ${++seen[role]!}`);
    if (m.from) addCounts(counts, { name: names.includes(m.from.trim()) ? 1 : 0 });
    return { seq: i + 1, role, sender: pseudonyms.get(m.from)!, at: m.at, body: redact(m.body) };
  });
  const subject = redact(raws.find((r) => r.subject)?.subject ?? '');
  const facts = threadFacts(subject, messages);
  const lines = quotedLogLines(messages.map((m) => m.body).join('\n'));
  if (analyzeExcerpt && lines.length > 0) {
    const d = await analyzeExcerpt(
      `${facts.caseNumber ?? 'thread'}-excerpts.log`,
      lines.join('\r\n') + '\r\n',
    );
    for (const f of d?.findings ?? []) {
      if (f.rule === 'unexplained-failure' && d!.findings.length > 1) continue;
      if (!facts.rules.includes(f.rule)) facts.rules.push(f.rule);
      if (f.signature && !facts.signatures.includes(f.signature)) facts.signatures.push(f.signature);
    }
  }
  const h = createHash('sha256').update(subject);
  for (const m of messages) h.update(`\u0000${m.role}\u0000${m.at ?? ''}\u0000${m.body}`);
  return {
    id: h.digest('hex'),
    files: raws.map((r) => r.file),
    formats: [...new Set(raws.map((r) => r.format))],
    subject,
    messages,
    facts,
    redactions: Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)),
  };
}
