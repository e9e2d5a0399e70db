// The checks that need more than one source, in the order their findings are reported. Each lives in its
// own file with the mechanism it recognises described at its top.

import type { Finding } from '../model/types.js';
import type { CrossContext } from './context.js';
import { cbsLinesMissing } from './cbs-lines-missing.js';
import { downloadThenInstall } from './download-then-install.js';
import { fileHashCheck } from './file-hash-check.js';
import { repeatedFailures } from './repeated-failure.js';
import { wsusPolicy } from './wsus-policy.js';

export const CROSS_CHECKS: { id: string; run: (ctx: CrossContext) => Finding[] }[] = [
  { id: 'x-download-then-install-failed', run: downloadThenInstall },
  { id: 'x-wsus-download-failed', run: wsusPolicy },
  { id: 'x-update-failed-repeatedly', run: repeatedFailures },
  { id: 'x-cbs-lines-missing', run: cbsLinesMissing },
  { id: 'x-file-hash-check', run: fileHashCheck },
];

export function crossChecks(ctx: CrossContext): Finding[] {
  return CROSS_CHECKS.flatMap((c) => c.run(ctx));
}
