// What changed between two rounds of one machine: findings compared by signature (resolved, new,
// persisting), the verdict, and the updates that now install or still fail. Pure: two diagnoses in, facts out.

import type { Diagnosis, Finding, I18nText } from '../index.js';

/** A finding as a diff names it. */
export interface DiffFinding {
  signature: string;
  rule: string;
  code: string | null;
  title: I18nText;
  message: I18nText;
}

/** The difference between the previous round of a machine and this one. */
export interface RoundDiff {
  /** Sequence number of the previous round, null for a machine's first round. */
  previous: number | null;
  verdictBefore: Diagnosis['verdict'] | null;
  verdictAfter: Diagnosis['verdict'];
  resolved: DiffFinding[];
  added: DiffFinding[];
  persisting: DiffFinding[];
  /** Updates that install now (a successful install this round, none the round before). */
  nowInstalled: { update: string; failedBefore: boolean }[];
  /** Updates failing in both rounds. */
  stillFailing: string[];
}

/** The findings that make a round's problems: root causes and errors (not consequences or notes). */
function problems(d: Diagnosis): Map<string, Finding> {
  const out = new Map<string, Finding>();
  for (const f of d.findings) {
    if (!(f.root || f.severity === 'error')) continue;
    const sig = f.signature ?? `${f.rule}|${f.code ?? ''}|`;
    if (!out.has(sig)) out.set(sig, f);
  }
  return out;
}

function ref(sig: string, f: Finding): DiffFinding {
  return { signature: sig, rule: f.rule, code: f.code, title: f.title, message: f.message };
}

/** Installed and failed updates of a round, by KB (or title). */
function updateOutcomes(d: Diagnosis): { installed: Set<string>; failed: Set<string> } {
  const installed = new Set<string>();
  const failed = new Set<string>();
  for (const a of d.attempts) {
    const key = a.kb ?? null;
    if (!key) continue;
    if (a.kind === 'package' && a.outcome === 'succeeded') installed.add(key);
    if (a.outcome === 'failed') failed.add(key);
  }
  for (const u of d.updates ?? []) {
    const key = u.kb ?? u.update;
    if (u.lastOutcome === 'succeeded') {
      installed.add(key);
      failed.delete(key);
    } else if (u.lastOutcome === 'failed') failed.add(key);
  }
  for (const k of installed) failed.delete(k);
  return { installed, failed };
}

/** Compares a machine's round with its previous one (`prev` null for the first round). */
export function diffRounds(prev: { seq: number; diagnosis: Diagnosis } | null, cur: Diagnosis): RoundDiff {
  const now = problems(cur);
  const before = prev ? problems(prev.diagnosis) : new Map<string, Finding>();
  const diff: RoundDiff = {
    previous: prev?.seq ?? null,
    verdictBefore: prev?.diagnosis.verdict ?? null,
    verdictAfter: cur.verdict,
    resolved: [],
    added: [],
    persisting: [],
    nowInstalled: [],
    stillFailing: [],
  };
  for (const [sig, f] of now) (before.has(sig) ? diff.persisting : diff.added).push(ref(sig, f));
  for (const [sig, f] of before) if (!now.has(sig)) diff.resolved.push(ref(sig, f));
  const u1 = prev
    ? updateOutcomes(prev.diagnosis)
    : { installed: new Set<string>(), failed: new Set<string>() };
  const u2 = updateOutcomes(cur);
  for (const k of [...u2.installed].sort())
    if (!u1.installed.has(k)) diff.nowInstalled.push({ update: k, failedBefore: u1.failed.has(k) });
  diff.stillFailing = [...u2.failed].filter((k) => u1.failed.has(k)).sort();
  return diff;
}
