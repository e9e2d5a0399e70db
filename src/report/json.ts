// JSON report: the Diagnosis model as-is (schema `patchdx.diagnosis/2`, documented in docs/diagnosis-schema.md),
// or converted down to `patchdx.diagnosis/1` for readers not yet moved (kept for one release).

import type { Diagnosis } from '../model/types.js';
import { jsonChunks, joinChunks } from './stream.js';

/** The JSON schemas the report can be written in. */
export type JsonSchema = 1 | 2;

/**
 * A diagnosis as schema /1 had it: no `input`, no finding `signature`, finding ids `f1`, `f2`… in report
 * order. Plans and scripts are kept as given.
 */
export function toSchema1(d: Diagnosis): unknown {
  const ids = new Map(d.findings.map((f, i) => [f.id, `f${i + 1}`]));
  const rename = (id: string): string => ids.get(id) ?? id;
  const v1: Record<string, unknown> = {
    ...d,
    schema: 'patchdx.diagnosis/1',
    attempts: d.attempts.map((a) => ({ ...a, findings: a.findings.map(rename) })),
    findings: d.findings.map((f) => {
      const copy: Partial<typeof f> = { ...f, id: rename(f.id) };
      delete copy.signature;
      return copy;
    }),
  };
  delete v1.input;
  if (d.plans) v1.plans = d.plans.map((p) => ({ ...p, findingId: rename(p.findingId) }));
  return v1;
}

export function renderJson(d: Diagnosis, opts: { schema?: JsonSchema } = {}): string {
  return joinChunks(jsonReportChunks(d, opts));
}

/** The JSON report member by member (joined: `renderJson`), for writing as it is made. */
export function* jsonReportChunks(d: Diagnosis, opts: { schema?: JsonSchema } = {}): Generator<string> {
  yield* jsonChunks(opts.schema === 1 ? toSchema1(d) : d);
  yield '\n';
}
