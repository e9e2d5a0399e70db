// Stable identity of a finding across runs, rounds and machines: its signature is the rule, the code and the
// normalised main fact (component family without version, file name, package family, KB). Two rounds of a
// case, or two machines of a fleet, have "the same problem" when their findings share a signature; finding
// ids are derived from it, so the same input gives the same ids in every run.

import { createHash } from 'node:crypto';
import type { Diagnosis, Facts, Finding } from '../model/types.js';
import { componentFamily, fileFamily, packageFamily } from '../parse/identity.js';

/** Facts that name what a finding is about, most specific first. */
const MAIN_FACTS = [
  'component',
  'file',
  'package',
  'kb',
  'source',
  'feature',
  'phase',
  'stage',
  'pending',
] as const;

function mainFact(facts: Facts): string {
  for (const k of MAIN_FACTS) {
    const v = facts[k];
    if (!v) continue;
    // A list (`a; b; c`) is named by its first item.
    const first = v.split(/;\s*/)[0]!;
    if (k === 'component') return `component:${componentFamily(first)}`;
    if (k === 'file') return `file:${fileFamily(first)}`;
    if (k === 'package') return `package:${packageFamily(first)}`;
    if (k === 'kb') return `kb:${first.toUpperCase()}`;
    return `${k}:${first.toLowerCase()}`;
  }
  return '';
}

/**
 * The signature of a finding: `rule|code|main fact` (`cbs-manifest-corrupt|0x80073712|component:amd64_…`).
 * Stable across runs, builds and machines for the same problem; used to diff rounds and cluster fleets.
 */
export function signatureOf(f: Pick<Finding, 'rule' | 'code' | 'facts'>): string {
  return [f.rule, f.code ?? '', mainFact(f.facts)].join('|');
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 10);
}

/**
 * Gives every finding its signature and an id derived from it (`f-3a9c01d2e4`, `-2`, `-3` … for repeats in
 * report order), and rewrites every reference to the old ids. Same input, same ids.
 */
export function assignStableIds(d: Diagnosis): void {
  const renamed = new Map<string, string>();
  const used = new Map<string, number>();
  for (const f of d.findings) {
    f.signature = signatureOf(f);
    const base = `f-${shortHash(f.signature)}`;
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    renamed.set(f.id, n === 1 ? base : `${base}-${n}`);
  }
  for (const f of d.findings) f.id = renamed.get(f.id)!;
  for (const a of d.attempts) a.findings = a.findings.map((id) => renamed.get(id) ?? id);
  for (const p of d.plans ?? []) p.findingId = renamed.get(p.findingId) ?? p.findingId;
}
