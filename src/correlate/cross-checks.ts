// The checks that need more than one source, in the order their findings are reported: one file each, id
// equal to the file name, with its mechanism and its own cases (checks.test.ts runs them).

import type { Diagnostic, Finding } from '../model/types.js';
import type { CrossContext } from './context.js';
import type { CrossCheck } from './define-check.js';
import cbsLinesMissing from './x-cbs-lines-missing.js';
import corruptionMoving from './x-corruption-moving.js';
import downloadThenInstall from './x-download-then-install-failed.js';
import fileHashCheck from './x-file-hash-check.js';
import packageHashCheck from './x-package-hash-check.js';
import repeatedFailures from './x-update-failed-repeatedly.js';
import wsusPolicy from './x-wsus-download-failed.js';

export const CROSS_CHECKS: readonly CrossCheck[] = [
  downloadThenInstall,
  wsusPolicy,
  corruptionMoving,
  repeatedFailures,
  cbsLinesMissing,
  fileHashCheck,
  packageHashCheck,
];

/**
 * Every check's findings. A check that throws on an input it was not made for loses only its own findings:
 * the failure is a diagnostic in `problems` and the other checks still run.
 */
export function crossChecks(ctx: CrossContext, problems: Diagnostic[] = []): Finding[] {
  return CROSS_CHECKS.flatMap((c) => {
    try {
      return c.run(ctx);
    } catch (err) {
      problems.push({
        level: 'warning',
        file: '',
        message: `the cross-source check ${c.id} failed on this input (${err instanceof Error ? err.message : String(err)}): its findings are missing; the rest of the diagnosis stands`,
      });
      return [];
    }
  });
}
