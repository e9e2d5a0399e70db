// The shape of a cross-source check: metadata, its bilingual messages and phrases (`{{placeholders}}`, as in
// story rules), the logic over the whole bundle (a CrossContext) that reports through the story rules'
// `report()`, and its own cases — small bundles, each file inline (lines marked `>` must come back as
// evidence, as in rule cases) or taken from the project's fixtures or the shared corpus.
// analyze/check-tester.ts runs the cases through the real analysis.

import type { Finding, I18nText } from '../model/types.js';
import type { BundleCase, InvalidBundleCase } from '../rules/bundle-case.js';
import type { StoryMessage, StoryRule, WordedRule } from '../rules/define-story-rule.js';
import type { CrossContext } from './context.js';

export type { CaseFile } from '../rules/bundle-case.js';
/** A bundle the check must not report for. */
export type CheckCase = BundleCase;
/** A bundle with the findings the check must report, in the order it reports them. */
export type InvalidCheckCase = InvalidBundleCase;

export interface CrossCheck extends WordedRule {
  /** `x-…`, equal to the file name. */
  id: string;
  /** As a story rule's: default severity, confidence and root, summary, codes (empty: whatever code the
   * logs give), mechanism and references. */
  meta: StoryRule['meta'];
  /** Every message the check can report, by message id; `severity` or `root` override the meta. */
  messages: Record<string, StoryMessage>;
  /** Sentences a message may include, each with the same placeholders in en and zh. */
  phrases?: Record<string, I18nText>;
  /** The findings, each made by `report(check, …)`. */
  run(ctx: CrossContext): Finding[];
  cases: { valid: CheckCase[]; invalid: InvalidCheckCase[] };
}

/** Identity function that gives check files their type. */
export function defineCheck(check: CrossCheck): CrossCheck {
  return check;
}
