// Advice apart from diagnosis: the remediation plans of a diagnosis (one per root-cause finding, from the plan
// of its rule in plans/) and the generated scripts those plans' steps name. One place decides both: each step
// declares the scripts that carry it out when its plan is built, a script is linked only when the facts give
// it work, and the scripts generated are exactly the ones the chosen steps link.

import type {
  Diagnosis,
  Finding,
  GeneratedScript,
  MachinePlan,
  PlanStep,
  RemediationPlan,
} from '../model/types.js';
import { machinePlanOf } from './machine-plan.js';
import { contextOf } from './plans/context.js';
import { planByRule } from './plans/index.js';
import { renderScripts, scriptBook, type ScriptBook } from './scripts.js';
import { collectAgainText, type Step } from './steps.js';

/** Plans are for people: past this many root causes, more plans add noise, not help. */
const MAX_PLANS = 25;

/** A plan as built, with the KBs its install steps install. */
interface Built {
  plan: RemediationPlan;
  installs: Set<string>;
}

/** Orders steps least invasive first, last resorts after everything else; the order within a level is kept. */
function ordered(steps: Step[]): Step[] {
  const seen = new Set<string>();
  const unique = steps.filter((s) => !seen.has(s.id) && seen.add(s.id));
  return unique
    .map((s, i) => ({ s, i }))
    .sort(
      (a, b) =>
        Number(a.s.lastResort) - Number(b.s.lastResort) || a.s.invasiveness - b.s.invasiveness || a.i - b.i,
    )
    .map((x) => x.s);
}

/** The step as reports show it: the scripts it declared that have work to do. */
function planStep(s: Step, book: ScriptBook): PlanStep {
  const { id, title, why, how, commands, verify, invasiveness, lastResort, scripts } = s;
  const available = scripts.filter((n) => book.available.has(n));
  return { id, title, why, how, commands, verify, invasiveness, lastResort, scripts: available };
}

function build(finding: Finding, d: Diagnosis, book: ScriptBook): Built | null {
  const def = planByRule.get(finding.rule);
  if (!def) return null;
  const draft = def.build(contextOf(finding, d));
  if (!draft || draft.steps.length === 0) return null;
  const steps = ordered(draft.steps);
  const stopAfter = [...steps].reverse().find((s) => !s.lastResort);
  const installs = new Set(
    steps.filter((s) => s.id.startsWith('install-')).flatMap((s) => s.installs.map((k) => k.toUpperCase())),
  );
  return {
    plan: {
      findingId: finding.id,
      rule: finding.rule,
      title: draft.title,
      steps: steps.map((s) => planStep(s, book)),
      collectAgain: collectAgainText(stopAfter, draft.collect ?? null),
      confidence: draft.confidence ?? finding.confidence,
    },
    installs,
  };
}

/** The remediation plan for one finding, or null when its rule or message has none. */
export function planFor(
  finding: Finding,
  d: Diagnosis,
  book: ScriptBook = scriptBook(d),
): RemediationPlan | null {
  return build(finding, d, book)?.plan ?? null;
}

/**
 * One plan per root-cause finding that has one, in the findings' order, plus the build-gap plan of a failed
 * cumulative update unless another plan for the same operation already installs that update.
 */
function plansOf(d: Diagnosis, book: ScriptBook): RemediationPlan[] {
  const built: Built[] = [];
  const gaps: Finding[] = [];
  const planned = new Set<string>();
  for (const f of d.findings) {
    if (f.rule === 'x-update-gap') {
      gaps.push(f);
      continue;
    }
    if (!f.root || built.length >= MAX_PLANS) continue;
    // The same cause found again (another SFC run, another scan) needs no second plan.
    const key = [f.rule, f.messageId, f.facts.component, f.facts.file, f.facts.path, f.facts.package].join(
      '|',
    );
    if (planned.has(key)) continue;
    planned.add(key);
    const b = build(f, d, book);
    if (b) built.push(b);
  }
  const byId = new Map(d.findings.map((f) => [f.id, f]));
  const pos = new Map(d.findings.map((f, i) => [f.id, i]));
  for (const g of gaps) {
    const kb = g.facts.kb?.toUpperCase();
    const covered = built.some((b) => {
      const owner = byId.get(b.plan.findingId);
      return !!kb && !!owner && owner.attempts.some((a) => g.attempts.includes(a)) && b.installs.has(kb);
    });
    if (covered) continue;
    const b = build(g, d, book);
    if (!b) continue;
    // The gap plan goes where its finding is, so the plans stay in the findings' order.
    const at = pos.get(g.id) ?? d.findings.length;
    const i = built.findIndex((x) => (pos.get(x.plan.findingId) ?? 0) > at);
    built.splice(i === -1 ? built.length : i, 0, b);
  }
  return built.map((b) => b.plan);
}

/** The remediation plans of a diagnosis (the plans half of `advise`). */
export function plansFor(d: Diagnosis): RemediationPlan[] {
  return plansOf(d, scriptBook(d));
}

/** Remediation for a diagnosis: one plan per root cause and the reviewable scripts they name. */
export interface Advice {
  plans: RemediationPlan[];
  scripts: GeneratedScript[];
  /** The machine's one plan merging `plans` (null when there is none, or the input mixes machines). */
  machinePlan?: MachinePlan | null;
}

/**
 * The advice for a diagnosis: its remediation plans and the reviewable scripts their steps name, least
 * invasive first. Pure: the diagnosis is not changed.
 */
export function advise(d: Diagnosis): Advice & { machinePlan: MachinePlan | null } {
  // Logs of several machines or builds: each machine's plans and scripts come from its own diagnosis, and no
  // plan, script or merged plan is made of the mix.
  if (d.machines && d.machines.length > 1) {
    // Each machine's scripts under a name of its own (`m1-Repair-FromSourcePack.ps1`), its plans naming them.
    const plans: RemediationPlan[] = [];
    const scripts: GeneratedScript[] = [];
    for (const m of d.machines) {
      const own = advise(m.diagnosis);
      const rename = (n: string): string => `${m.id}-${n}`;
      plans.push(
        ...own.plans.map((p) => ({
          ...p,
          steps: p.steps.map((s) => ({ ...s, scripts: s.scripts.map(rename) })),
        })),
      );
      scripts.push(...own.scripts.map((s) => ({ ...s, name: rename(s.name) })));
    }
    return { plans, scripts, machinePlan: null };
  }
  const book = scriptBook(d);
  const plans = plansOf(d, book);
  const named = new Set(plans.flatMap((p) => p.steps.flatMap((s) => s.scripts)));
  return { plans, scripts: renderScripts(d, book, named), machinePlan: machinePlanOf(d, plans) };
}

/** The diagnosis with its advice attached, as the reports and drafts show it. */
export function withAdvice(d: Diagnosis, advice: Advice = advise(d)): Diagnosis {
  const out: Diagnosis = { ...d, plans: advice.plans, scripts: advice.scripts };
  const merged =
    advice.machinePlan !== undefined
      ? advice.machinePlan
      : d.machines
        ? null
        : machinePlanOf(d, advice.plans);
  if (merged) out.machinePlan = merged;
  else delete out.machinePlan;
  // Each machine of a mixed input with its own advice.
  if (d.machines) out.machines = d.machines.map((m) => ({ ...m, diagnosis: withAdvice(m.diagnosis) }));
  return out;
}
