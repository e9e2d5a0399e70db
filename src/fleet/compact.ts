// The compact diagnosis a fleet keeps per bundle: what clustering and the report need (verdict, machine
// facts, the root findings with a few evidence lines, the operations they explain, the failed KBs and the
// time span) and nothing of the sources or the full evidence. From it a diagnosis can be rebuilt for
// `advise`, so a cluster's plan is worked out once, when the report is made.

import type { Attempt, Diagnosis, Finding, MachineFacts } from '../model/types.js';
import { signatureOf } from '../analyze/signature.js';

/** Evidence lines kept per root finding. */
const EVIDENCE_KEPT = 4;
/** Longest evidence line kept (a log line can be 256 KiB). */
const LINE_KEPT = 400;
/** Diagnostics kept (the reason an unreadable bundle is unreadable). */
const DIAGNOSTICS_KEPT = 5;

/** A root finding as the fleet keeps it. */
export type CompactFinding = Omit<Finding, 'chain'> & { signature: string };

/** The stored result of one bundle (`patchdx.fleet-result/1`). */
export interface CompactDiagnosis {
  schema: 'patchdx.fleet-result/1';
  verdict: Diagnosis['verdict'];
  computer: string | null;
  collectedAt: string | null;
  machine: MachineFacts;
  /** KBs of the operations that failed (outcome `failed`), sorted. */
  kbs: string[];
  /** First and last time of the root findings and the failed operations (local time as written). */
  first: string | null;
  last: string | null;
  roots: CompactFinding[];
  attempts: Attempt[];
  /** Why nothing (or not everything) could be read: the first error diagnostics. */
  problems: string[];
  bytes: number;
  lines: number;
}

function clip(s: string): string {
  return s.length > LINE_KEPT ? `${s.slice(0, LINE_KEPT)}…` : s;
}

/** The root findings that make a machine's cluster: open root errors, else any non-informational root. */
export function clusterRoots(findings: readonly Finding[]): Finding[] {
  const roots = findings.filter((f) => f.root);
  const errors = roots.filter((f) => f.severity === 'error');
  if (errors.length > 0) return errors;
  return roots.filter((f) => f.severity !== 'info');
}

/** Keeps what the fleet needs of a diagnosis. */
export function compactDiagnosis(d: Diagnosis): CompactDiagnosis {
  const roots = clusterRoots(d.findings).map((f): CompactFinding => {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { chain, ...rest } = f;
    return {
      ...rest,
      signature: f.signature ?? signatureOf(f),
      evidence: f.evidence.slice(0, EVIDENCE_KEPT).map((e) => ({ ...e, text: clip(e.text) })),
    };
  });
  const wanted = new Set(roots.flatMap((f) => f.attempts));
  const failed = d.attempts.filter((a) => a.outcome === 'failed');
  const attempts = d.attempts
    .filter((a) => wanted.has(a.id) || a.outcome === 'failed')
    .map((a) => ({ ...a, evidence: a.evidence.slice(0, 2).map((e) => ({ ...e, text: clip(e.text) })) }));
  const times = [...roots.map((f) => f.time), ...failed.flatMap((a) => [a.start, a.end])].filter(
    (t): t is string => Boolean(t),
  );
  times.sort();
  const kbs = [...new Set(failed.map((a) => a.kb).filter((k): k is string => Boolean(k)))].sort();
  const problems = d.diagnostics
    .filter((x) => x.level === 'error' || d.verdict === 'unreadable')
    .slice(0, DIAGNOSTICS_KEPT)
    .map((x) => clip(`${x.file}${x.line ? `:${x.line}` : ''}: ${x.message}`));
  return {
    schema: 'patchdx.fleet-result/1',
    verdict: d.verdict,
    computer: d.input.computer,
    collectedAt: d.input.collectedAt,
    machine: d.machine,
    kbs,
    first: times[0] ?? null,
    last: times[times.length - 1] ?? null,
    roots,
    attempts,
    problems,
    bytes: d.stats.bytes,
    lines: d.stats.lines,
  };
}

/** A diagnosis rebuilt from the compact one, enough for `advise` (no sources, only the kept operations). */
export function expandDiagnosis(c: CompactDiagnosis, name: string, version: string): Diagnosis {
  return {
    schema: 'patchdx.diagnosis/2',
    tool: { name: 'patchdx', version },
    input: {
      name,
      sha256: null,
      bytes: c.bytes,
      computer: c.computer,
      collectedAt: c.collectedAt,
      timeZone: null,
      utcOffsetMinutes: null,
    },
    verdict: c.verdict,
    summary: [],
    sources: [],
    machine: c.machine,
    attempts: c.attempts,
    findings: c.roots.map((f) => ({ ...f, chain: [] })),
    diagnostics: [],
    stats: { bytes: c.bytes, lines: c.lines, entries: 0, ms: 0 },
  };
}
