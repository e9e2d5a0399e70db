// Every finding id patchdx can report, with its meta and message ids, in one list: the CBS/dism entry
// rules, the bundle-level story rules, the cross-source checks, the enrichment and the engine's fallback.
// Lint tests check that every finding any analysis produces is in it.

import type { Confidence, I18nText, Severity } from '../model/types.js';
import { CROSS_CHECKS } from '../correlate/cross-checks.js';
import { rules, storyRules } from './index.js';

/** What a finding looks at: one CBS/dism entry stream, a reconstructed story, several sources, the knowledge
 * tables, or nothing a rule knows (the engine's fallback). */
export type FindingKind = 'entry' | 'story' | 'cross' | 'enrichment' | 'engine';

/** One finding id as the catalog lists it. */
export interface CatalogEntry {
  /** Rule id, equal to its file name (`src/rules/<id>.ts`, cross-source checks `src/correlate/<id>.ts`). */
  id: string;
  kind: FindingKind;
  /** Default severity (a finding may say otherwise, e.g. information once retried). */
  severity: Severity;
  /** Default confidence (a finding may say otherwise). */
  confidence: Confidence;
  /** True when its findings are root causes by default. */
  root: boolean;
  summary: I18nText;
  /** Codes the rule diagnoses (empty when it reports whatever code the logs give). */
  codes: string[];
  /** Every message id its findings may carry. */
  messageIds: string[];
  /** Message templates (`{{placeholders}}`), by message id. */
  messages: Record<string, I18nText>;
  /** How the rule decides, when it says so. */
  mechanism: string | null;
  references: string[];
}

function text(m: I18nText): I18nText {
  return { en: m.en, zh: m.zh };
}

function templates(messages: Record<string, I18nText>): Record<string, I18nText> {
  return Object.fromEntries(Object.entries(messages).map(([k, m]) => [k, text(m)]));
}

/** Every finding id with its meta and message ids, sorted by id. */
export function findingCatalog(): CatalogEntry[] {
  const out: CatalogEntry[] = [
    ...rules.map((r): CatalogEntry => ({
      id: r.id,
      kind: 'entry',
      severity: r.meta.severity,
      confidence: r.meta.confidence,
      root: r.meta.root ?? true,
      summary: text(r.meta.summary),
      codes: [...r.meta.codes],
      messageIds: Object.keys(r.messages),
      messages: templates(r.messages),
      mechanism: null,
      references: [...(r.meta.references ?? [])],
    })),
    ...[...storyRules, ...CROSS_CHECKS.map((c) => ({ ...c, kind: 'cross' as const }))].map(
      (r): CatalogEntry => ({
        id: r.id,
        kind: r.kind,
        severity: r.meta.severity,
        confidence: r.meta.confidence,
        root: r.meta.root,
        summary: text(r.meta.summary),
        codes: [...r.meta.codes],
        messageIds: Object.keys(r.messages),
        messages: templates(r.messages),
        mechanism: r.meta.mechanism,
        references: [...(r.meta.references ?? [])],
      }),
    ),
  ];
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
