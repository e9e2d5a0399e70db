// Runs a plan's cases through the real analysis and `advise`: each case input (log text, bundle files or a
// fixture) is analysed as a user's input would be, and the first plan for the case's rule must have exactly
// the case's step ids, in order.

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { analyze } from '../../index.js';
import { packageRoot } from '../../knowledge/paths.js';
import type { Diagnosis, RemediationPlan } from '../../model/types.js';
import { advise } from '../advise.js';
import type { PlanCase, PlanDef, PlanInput } from './define-plan.js';

/** Log text as written to a file: `> ` evidence marks dropped, CRLF line ends as Windows writes them. */
function logText(log: string): string {
  const lines = log.replace(/^\n/, '').split('\n');
  return `${lines.map((l) => (l === '>' ? '' : l.startsWith('> ') ? l.slice(2) : l)).join('\r\n')}\r\n`;
}

/** The diagnosis of a case input (temporary files are removed afterwards). */
export async function analyzeInput(input: PlanInput): Promise<Diagnosis> {
  if ('fixture' in input) return analyze(join(packageRoot(), input.fixture));
  if ('corpus' in input) return analyze(join(packageRoot(), '..', 'shared', 'corpus', input.corpus));
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-plan-'));
  try {
    const files = 'log' in input ? { 'CBS.log': input.log } : input.files;
    for (const [name, f] of Object.entries(files)) {
      if (typeof f === 'string') writeFileSync(join(dir, name), logText(f));
      else copyFileSync(join(packageRoot(), f.fixture), join(dir, name));
    }
    return await analyze(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The plans `advise` gives for a case input. */
export async function casePlans(input: PlanInput): Promise<RemediationPlan[]> {
  return advise(await analyzeInput(input)).plans;
}

/** Problems with one case of a plan: none when its rule's first plan has exactly the listed steps. */
export async function checkCase(def: PlanDef, c: PlanCase): Promise<string[]> {
  const plans = await casePlans(c.input);
  const p = plans.find((x) => x.rule === def.rule);
  if (!p)
    return [`${def.rule} / ${c.name}: no ${def.rule} plan (plans: ${plans.map((x) => x.rule).join(', ')})`];
  const ids = p.steps.map((s) => s.id);
  return ids.join() === c.steps.join()
    ? []
    : [`${def.rule} / ${c.name}: steps ${ids.join(', ')}, expected ${c.steps.join(', ')}`];
}
