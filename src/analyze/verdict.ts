// The verdict of a diagnosis, in one place: a function of what was read, the operations and how they
// ended, and the findings with their resolution. docs/diagnosis-schema.md (verdict) has the table.

import type { Attempt, Diagnosis, Finding, SourceInfo } from '../model/types.js';

/** Outcomes that close a failure: a later try succeeded, or a later update superseded the failed one. */
const RESOLVED_OUTCOMES: readonly string[] = ['retried', 'superseded'];
/**
 * Resolved outcomes that by themselves make the verdict `repaired`. A `retried` failure is resolved (it
 * never makes the verdict `failed`) but alone leaves it `healthy`: the corpus' transient retries (evtx03,
 * evtx05: Defender definitions 0x80240016, installed on the next try) keep their `healthy` verdict.
 */
const REPAIRING_OUTCOMES: readonly string[] = ['superseded'];

/** Whether an operation's failure stands and makes the verdict (Store app updates never do). */
export function failureStands(a: Pick<Attempt, 'outcome' | 'kind'>): boolean {
  return a.outcome === 'failed' && a.kind !== 'other';
}

/** Whether an operation failed and was resolved later (retried with success, or superseded). */
export function failureResolved(a: Pick<Attempt, 'outcome' | 'kind'>): boolean {
  return RESOLVED_OUTCOMES.includes(a.outcome) && a.kind !== 'other';
}

/** Whether a finding says a problem was found and repaired (an informational "repaired" finding). */
export function saysRepaired(f: Pick<Finding, 'rule' | 'messageId'>): boolean {
  return f.messageId === 'repaired' || f.rule.endsWith('repaired');
}

/** Whether a finding is an open root error: it alone makes the verdict `failed`. */
export function isOpenRootError(f: Pick<Finding, 'root' | 'severity'>): boolean {
  return f.root && f.severity === 'error';
}

/**
 * The verdict: `unreadable` when nothing could be read; `failed` while any failed operation or open root
 * error stands; `repaired` when problems were found and every one was repaired, or a failed update was
 * superseded by a later one; `healthy` otherwise (a failure retried with success is resolved, not failed).
 */
export function verdictOf(input: {
  sources: readonly Pick<SourceInfo, 'lines'>[];
  attempts: readonly Pick<Attempt, 'outcome' | 'kind'>[];
  findings: readonly Pick<Finding, 'rule' | 'messageId' | 'root' | 'severity'>[];
}): Diagnosis['verdict'] {
  if (input.sources.length === 0 || input.sources.every((s) => s.lines === 0)) return 'unreadable';
  if (input.attempts.some(failureStands) || input.findings.some(isOpenRootError)) return 'failed';
  const repairs = (a: Pick<Attempt, 'outcome' | 'kind'>): boolean =>
    failureResolved(a) && REPAIRING_OUTCOMES.includes(a.outcome);
  if (input.findings.some(saysRepaired) || input.attempts.some(repairs)) return 'repaired';
  return 'healthy';
}
