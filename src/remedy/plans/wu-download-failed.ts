// The plan for wu-download-failed findings: Windows Update could not download an update. The component store
// is never reached, so the plan resets the update cache and offers the standalone package; no DISM or SFC.

import { definePlan, type Draft } from './define-plan.js';
import { type Ctx } from './context.js';
import { updateFailurePlan } from './update-failure.js';

function downloadFailure(c: Ctx): Draft {
  return updateFailurePlan(c, {
    code: c.f.code,
    kb: c.facts.kb ?? c.targetKb,
    title: c.facts.title ?? null,
    download: true,
  });
}

export default definePlan({
  rule: 'wu-download-failed',
  build: downloadFailure,
  cases: [
    {
      name: 'corpus wu01: the May 2023 cumulative update fails to download with 0x8007000D',
      input: { corpus: 'wu01-appostarsi-driver-800f024b' },
      steps: ['clear-wu-cache', 'install-kb-offline'],
    },
  ],
});
