// JSON report: the Diagnosis model as-is (schema `patchdx.diagnosis/1`, documented in docs/diagnosis-schema.md).

import type { Diagnosis } from '../model/types.js';

export function renderJson(d: Diagnosis): string {
  return JSON.stringify(d, null, 2) + '\n';
}
