// The shape of a cross-source check: metadata, the message ids it reports, the logic over the whole bundle
// (a CrossContext), and its own cases — small bundles, each file inline (lines marked `>` must come back as
// evidence, as in rule cases) or taken from the project's fixtures or the shared corpus. analyze/check-tester.ts
// runs the cases through the real analysis.

import type { Finding, I18nText, Severity } from '../model/types.js';
import type { BundleCase, InvalidBundleCase } from '../rules/bundle-case.js';
import type { CrossContext } from './context.js';

export type { CaseFile } from '../rules/bundle-case.js';
/** A bundle the check must not report for. */
export type CheckCase = BundleCase;
/** A bundle with the findings the check must report, in the order it reports them. */
export type InvalidCheckCase = InvalidBundleCase;

export interface CrossCheck {
  /** `x-…`, equal to the file name. */
  id: string;
  meta: {
    severity: Severity;
    /** False for checks that only inform (never a root cause). */
    root: boolean;
    summary: I18nText;
    /** The mechanism, for the README and reviewers. */
    mechanism: string;
    references?: string[];
  };
  /** Every message id the check can report. */
  messageIds: readonly string[];
  run(ctx: CrossContext): Finding[];
  cases: { valid: CheckCase[]; invalid: InvalidCheckCase[] };
}

/** Identity function that gives check files their type. */
export function defineCheck(check: CrossCheck): CrossCheck {
  return check;
}
