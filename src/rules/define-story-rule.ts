// The shape of a finding decided over the whole bundle rather than over one CBS run: event-log, Windows
// Update, setup and captured-output findings built from what the timeline reconstructed, the knowledge
// enrichment (`x-update-gap`) and the engine's fallback (`unexplained-failure`). One file per id, with its
// meta, its bilingual messages and phrases (`{{placeholders}}`), and bundle cases run through the real
// analysis. `report()` is the only way such a finding is made, here and in the cross-source checks
// (correlate/define-check.ts), which declare their wording the same way.

import type { ChainLink, Confidence, Evidence, Facts, Finding, I18nText, Severity } from '../model/types.js';
import { codeInfo } from '../knowledge/codes.js';
import type { BundleCase, InvalidBundleCase } from './bundle-case.js';
import { format } from './define-rule.js';

/** What a bundle-level rule looks at. */
export type StoryKind = 'story' | 'enrichment' | 'engine';

/** A message; `title`, `severity` and `root` override the rule's meta for findings that carry it. */
export interface StoryMessage extends I18nText {
  title?: I18nText;
  severity?: Severity;
  root?: boolean;
}

/** What `report()` and `phrase()` need of a rule: its id, default meta, messages and phrases. */
export interface WordedRule {
  id: string;
  meta: { severity: Severity; confidence: Confidence; root: boolean; summary: I18nText };
  messages: Record<string, StoryMessage>;
  phrases?: Record<string, I18nText>;
}

/** A bundle-level rule: one finding id, declared once, in the file named after it. */
export interface StoryRule extends WordedRule {
  /** Equal to the file name (`wu-install-failed`). */
  id: string;
  /** `story`: over the reconstructed attempts and records of one source; `enrichment`: over the knowledge
   * tables and the whole diagnosis; `engine`: the engine's own fallback. */
  kind: StoryKind;
  meta: {
    severity: Severity;
    confidence: Confidence;
    /** False for findings that only inform (never a root cause) unless a report says otherwise. */
    root: boolean;
    summary: I18nText;
    /** Codes this rule is about (each must be known to knowledge/); empty when it reports whatever code it sees. */
    codes: string[];
    /** The mechanism, for the README and reviewers. */
    mechanism: string;
    references?: string[];
  };
  messages: Record<string, StoryMessage>;
  /** Sentences a message may include (`{{note}}`), each with the same placeholders in en and zh. */
  phrases?: Record<string, I18nText>;
  cases: { valid: BundleCase[]; invalid: InvalidBundleCase[] };
}

/** Identity function that gives story rule files their type. */
export function defineStoryRule(rule: StoryRule): StoryRule {
  return rule;
}

/** Data for `{{name}}` and `{{nameZh}}` from one text in both languages. */
export function both(name: string, text: I18nText): Record<string, string> {
  return { [name]: text.en, [`${name}Zh`]: text.zh };
}

/** A phrase of the rule filled with data (en placeholders from `data`, zh ones from `data` too). */
export function phrase(rule: WordedRule, name: string, data: Record<string, string> = {}): I18nText {
  const p = rule.phrases?.[name];
  if (!p) throw new Error(`rule ${rule.id}: unknown phrase ${name}`);
  return { en: format(p.en, data), zh: format(p.zh, data) };
}

/** The phrase when `when` holds, else empty text in both languages. */
export function phraseIf(
  rule: WordedRule,
  name: string,
  when: unknown,
  data: Record<string, string> = {},
): I18nText {
  return when ? phrase(rule, name, data) : { en: '', zh: '' };
}

/** What a story reports besides the message: where it is proven, and what differs from the rule's meta. */
export interface StoryReport {
  id: string;
  evidence: Evidence[];
  facts?: Facts;
  code?: string | null;
  /** The code's name as the finding shows it; by default its name in knowledge/ (null: the code alone). */
  codeName?: string | null;
  severity?: Severity;
  confidence?: Confidence;
  root?: boolean;
  chain?: ChainLink[];
  attempts?: string[];
  time?: string | null;
}

/**
 * The finding of a bundle-level rule: its message filled from `data` (plus `code`, `codeName`, `meaning`
 * and `meaningZh` of the finding's code unless given); severity, confidence and root from the report, else
 * the message, else the meta.
 */
export function report(
  rule: WordedRule,
  messageId: string,
  data: Record<string, string>,
  r: StoryReport,
): Finding {
  const msg = rule.messages[messageId];
  if (!msg) throw new Error(`rule ${rule.id}: unknown messageId ${messageId}`);
  const code = r.code ?? null;
  const info = code ? codeInfo(code) : null;
  const all = {
    code: code ?? '',
    codeName: info?.name ?? '',
    meaning: info?.meaning.en ?? 'no meaning on record',
    meaningZh: info?.meaning.zh ?? info?.meaning.en ?? '暂无释义',
    ...data,
  };
  return {
    id: r.id,
    rule: rule.id,
    messageId,
    severity: r.severity ?? msg.severity ?? rule.meta.severity,
    confidence: r.confidence ?? rule.meta.confidence,
    code,
    codeName: r.codeName !== undefined ? r.codeName : (info?.name ?? null),
    root: r.root ?? msg.root ?? rule.meta.root,
    message: { en: format(msg.en, all), zh: format(msg.zh, all) },
    title: msg.title ?? rule.meta.summary,
    facts: r.facts ?? {},
    evidence: r.evidence,
    chain: r.chain ?? [],
    attempts: r.attempts ?? [],
    time: r.time ?? null,
  };
}
