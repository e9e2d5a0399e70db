// The fleet report as JSON (`patchdx.fleet/1`): the report object as built, with no raw control character.

import { safeJson } from '../report/safe-text.js';
import type { FleetReport } from './cluster.js';

/** The report as JSON text. */
export function renderFleetJson(r: FleetReport): string {
  return safeJson(r) + '\n';
}
