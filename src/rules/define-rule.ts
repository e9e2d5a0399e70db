// The shape of a diagnosis rule: typed metadata, triggers, bilingual messages, a visitor, and its own
// valid/invalid test cases (the cases are the rule's documentation; rule-tester.ts runs them).

import type { Attempt, Confidence, Evidence, Facts, I18nText, LogEntry, Severity } from '../model/types.js';

/** What a rule reports; the engine turns it into a Finding. */
export interface Report {
  messageId: string;
  /** Placeholder values for the message; also copied into facts when facts are not given. */
  data?: Record<string, string>;
  facts?: Facts;
  /** Entries (or ready evidence) that prove it, in log order. */
  evidence: (LogEntry | Evidence)[];
  code?: string | null;
  /** Defaults to the rule's meta.root (true unless the rule says it is informational). */
  root?: boolean;
  confidence?: Confidence;
  severity?: Severity;
  /** Local time to show when the evidence holds no log entry. */
  time?: string | null;
}

/** What a rule sees while the engine walks one TrustedInstaller run. */
export interface RuleContext {
  /** All kept entries of the run, in order (for look-behind and look-ahead). */
  readonly entries: readonly LogEntry[];
  /** Index of an entry in `entries`. */
  indexOf(entry: LogEntry): number;
  report(r: Report): void;
}

export interface RuleVisitor {
  /** Called for each entry that matches the rule's triggers, in log order. */
  entry?(e: LogEntry): void;
  /** Called once when the run ends. */
  end?(): void;
}

export interface RuleCase {
  name?: string;
  /** Log text; lines starting with `> ` (or `>` alone) must come back as evidence, without the marker. */
  log: string;
}

export interface InvalidCase extends RuleCase {
  findings: { messageId: string; data?: Record<string, string>; facts?: Facts; code?: string | null }[];
}

export interface RuleMeta {
  severity: Severity;
  confidence: Confidence;
  /** Codes this rule diagnoses (each must be known to knowledge/). */
  codes: string[];
  summary: I18nText;
  /** False for informational rules whose findings are never root causes. */
  root?: boolean;
  /**
   * Rules whose findings this rule's findings summarise (an SFC run sums up its hash mismatches): in the
   * same operation they are folded under it as consequences.
   */
  folds?: string[];
  /** Kinds of operation whose outcome this rule's findings state (`sfc` for SFC results). */
  explains?: Attempt['kind'][];
  falsePositives?: string[];
  references?: string[];
}

export interface Rule {
  id: string;
  meta: RuleMeta;
  triggers: { codes?: string[]; text?: string[]; csiFlags?: ('F' | 'E' | 'W')[] };
  messages: Record<string, I18nText>;
  create(ctx: RuleContext): RuleVisitor;
  cases: { valid: RuleCase[]; invalid: InvalidCase[] };
}

/** Identity function that gives rule files their type. */
export function defineRule(rule: Rule): Rule {
  return rule;
}

/** Fills `{{name}}` placeholders. Unknown placeholders stay visible so a missing fact is noticed. */
export function format(template: string, data: Record<string, string | undefined>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (all, k: string) => data[k] ?? all);
}

/** Placeholder names of a template. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
}
