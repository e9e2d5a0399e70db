// The shape of a remediation plan: the root-cause rule it answers, a builder that composes the shared steps
// of steps.ts with the finding's facts, and its own cases (an input whose analysis must give this plan with
// exactly these steps, in order), run by plan-tester.ts through the real analysis and `advise`.

import type { I18nText, RemediationPlan } from '../../model/types.js';
import type { Step } from '../steps.js';
import type { Ctx } from './context.js';

/** What a builder returns: the steps in any order (`advise` orders them) and what to collect again. */
export interface Draft {
  title: I18nText;
  steps: Step[];
  /** What to collect besides the standard logs. */
  collect?: I18nText | null;
  confidence?: RemediationPlan['confidence'];
}

/**
 * An input for a plan case: a CBS.log text, the files of a bundle folder (text, or a file under the package
 * root), a file or folder under the package root (`fixtures/…`, `examples/…`), or a log of the shared corpus
 * (`dism03-appostarsi-w10-multi/dism_5_23.log`, beside the package as for the checks' cases).
 */
export type PlanInput =
  | { log: string }
  | { files: Record<string, string | { fixture: string }> }
  | { fixture: string }
  | { corpus: string };

export interface PlanCase {
  name: string;
  /** Log text may carry the `> ` evidence marks of rule cases; they are dropped before the analysis. */
  input: PlanInput;
  /** The step ids of the first plan for this rule, in order. */
  steps: string[];
}

export interface PlanDef {
  /** The rule id of the root-cause finding, equal to the file name. */
  rule: string;
  /** The plan for one finding, or null when its facts call for none. */
  build(ctx: Ctx): Draft | null;
  cases: PlanCase[];
}

/** Identity function that gives plan files their type. */
export function definePlan(def: PlanDef): PlanDef {
  return def;
}
