// One place that knows what a fresh attempt looks like: every source's story (CBS runs, event logs,
// Windows Update, setup) starts from it and sets what it knows.

import type { Attempt } from '../model/types.js';

/** A package attempt with nothing known yet but its id, start and what `init` says. */
export function newAttempt(id: string, start: string | null, init: Partial<Attempt> = {}): Attempt {
  return {
    id,
    package: null,
    kb: null,
    kind: 'package',
    client: null,
    session: null,
    start,
    end: null,
    startState: null,
    targetState: null,
    failureSource: null,
    result: null,
    outcome: 'interrupted',
    rebootPending: false,
    evidence: [],
    findings: [],
    ...init,
  };
}
