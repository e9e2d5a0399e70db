// One plan per machine: the steps of every root cause's plan merged into one list. A step two plans share
// (the same id: a restart, a component store scan, a repair install) is done once and names every finding it
// serves; hardware and disk checks come first (repairs on failing hardware do not hold), then the least
// invasive steps, last resorts at the end. The per-root plans stay in `plans[]` unchanged.

import type {
  Diagnosis,
  I18nText,
  MachinePlan,
  MachinePlanStep,
  PlanStep,
  RemediationPlan,
} from '../model/types.js';
import { buildFamily } from '../consolidate/machines.js';
import { collectAgainText } from './steps.js';

/** Steps that check the hardware: before every repair. */
const HARDWARE_STEPS = new Set(['hardware-checks', 'disk-check']);
/** Findings that suspect the hardware. */
const HARDWARE_FINDINGS = new Set(['x-corruption-moving', 'evt-system-instability']);

interface Merged {
  step: MachinePlanStep;
  hows: I18nText[];
  first: number;
}

function addOnce<T>(list: T[], more: readonly T[], same: (a: T, b: T) => boolean = (a, b) => a === b): void {
  for (const x of more) if (!list.some((y) => same(x, y))) list.push(x);
}

/** The `how` of a step merged from several plans: the first, and a note that the commands cover the rest. */
function mergedHow(hows: I18nText[]): I18nText {
  const first = hows[0]!;
  if (hows.length === 1) return first;
  return {
    en: `${first.en} The same for ${hows.length - 1} more root cause${hows.length > 2 ? 's' : ''}: the commands below cover them all.`,
    zh: `${first.zh}另有 ${hows.length - 1} 个根因同样处理：下面的命令已全部包含。`,
  };
}

/** Hardware checks first, last resorts last, then the least invasive, then the first seen. */
function rank(a: Merged, b: Merged): number {
  return (
    Number(!HARDWARE_STEPS.has(a.step.id)) - Number(!HARDWARE_STEPS.has(b.step.id)) ||
    Number(a.step.lastResort) - Number(b.step.lastResort) ||
    a.step.invasiveness - b.step.invasiveness ||
    a.first - b.first
  );
}

/**
 * The merged steps in an order every plan agrees with where it can: a step one plan puts before another
 * stays before it (RestoreHealth online before RestoreHealth from media), and among the steps free to go
 * next the best ranked goes first. When plans disagree, the best ranked step left breaks the tie.
 */
function inPlanOrder(steps: Merged[], plans: readonly RemediationPlan[]): Merged[] {
  const before = new Map<string, Set<string>>(steps.map((m) => [m.step.id, new Set<string>()]));
  for (const p of plans)
    p.steps.forEach((s, i) => {
      for (const earlier of p.steps.slice(0, i)) if (earlier.id !== s.id) before.get(s.id)?.add(earlier.id);
    });
  const left = [...steps].sort(rank);
  const out: Merged[] = [];
  while (left.length > 0) {
    const placed = new Set(out.map((m) => m.step.id));
    const free = left.findIndex((m) =>
      [...before.get(m.step.id)!].every(
        (id) => placed.has(id) || HARDWARE_STEPS.has(m.step.id) || !left.some((x) => x.step.id === id),
      ),
    );
    out.push(...left.splice(free === -1 ? 0 : free, 1));
  }
  return out;
}

/**
 * The machine's one plan from its per-root plans (null when there is none). `groupOf` maps a finding id to
 * its group (`g1`…) for the links the reports show.
 */
export function machinePlanOf(d: Diagnosis, plans: readonly RemediationPlan[]): MachinePlan | null {
  if (plans.length === 0) return null;
  const groupOf = new Map<string, string>();
  for (const g of d.groups ?? []) for (const id of g.findings) groupOf.set(id, g.id);
  const merged = new Map<string, Merged>();
  let seq = 0;
  for (const p of plans) {
    for (const s of p.steps) {
      const m = merged.get(s.id);
      const group = groupOf.get(p.findingId);
      if (!m) {
        const step: MachinePlanStep = {
          ...s,
          commands: [...s.commands],
          scripts: [...s.scripts],
          serves: [p.findingId],
          groups: group ? [group] : [],
        };
        merged.set(s.id, { step, hows: [s.how], first: seq++ });
        continue;
      }
      addOnce(m.step.serves, [p.findingId]);
      if (group) addOnce(m.step.groups, [group]);
      addOnce(m.step.scripts, s.scripts);
      addOnce(m.step.commands, s.commands, (a, b) => a.shell === b.shell && a.line === b.line);
      addOnce(m.hows, [s.how], (a, b) => a.en === b.en);
      // A step is as invasive as its most invasive use.
      m.step.invasiveness = Math.max(m.step.invasiveness, s.invasiveness) as PlanStep['invasiveness'];
      m.step.lastResort ||= s.lastResort;
    }
  }
  // Hardware checks also serve the findings that suspect the hardware (they have no plan of their own).
  const suspects = (d.groups ?? []).filter((g) => HARDWARE_FINDINGS.has(g.rule));
  for (const m of merged.values()) {
    if (!HARDWARE_STEPS.has(m.step.id)) continue;
    for (const g of suspects) {
      addOnce(m.step.groups, [g.id]);
      addOnce(m.step.serves, g.findings.slice(0, 1));
    }
    m.step.groups.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }
  const steps = inPlanOrder([...merged.values()], plans).map((m) => ({ ...m.step, how: mergedHow(m.hows) }));
  const stopAfter = [...steps].reverse().find((s) => !s.lastResort);
  const confidence = plans.some((p) => p.confidence === 'high')
    ? 'high'
    : plans.some((p) => p.confidence === 'medium')
      ? 'medium'
      : 'low';
  const roots = plans.length;
  return {
    title: {
      en: `One plan for this machine: ${steps.length} steps for ${roots} root cause${roots === 1 ? '' : 's'}`,
      zh: `本机的统一处理方案：${steps.length} 个步骤，覆盖 ${roots} 个根因`,
    },
    build: buildFamily(d.machine.osBuild) ?? d.sources.find((s) => s.build)?.build ?? null,
    steps,
    plans: plans.map((p) => p.findingId),
    collectAgain: collectAgainText(stopAfter, null),
    confidence,
  };
}
