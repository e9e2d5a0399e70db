// The plan for evt-update-failed findings: an update's install or download failed as the event log tells it
// (Windows Update events 20/31, Setup log): the code's family decides (update-failure.ts).

import { definePlan, type Draft } from './define-plan.js';
import { type Ctx } from './context.js';
import { updateFailurePlan } from './update-failure.js';

function eventFailure(c: Ctx): Draft {
  return updateFailurePlan(c, {
    code: c.f.code,
    kb: c.facts.kb ?? c.targetKb,
    title: c.facts.title ?? null,
    download: c.f.messageId === 'downloadFailed',
  });
}

export default definePlan({
  rule: 'evt-update-failed',
  build: eventFailure,
  cases: [
    {
      name: 'corpus evtx01: KB4025342 fails four times with 0x80248007 (seed 004 first reset the cache)',
      input: { corpus: 'evtx01-omerbenamram-w10-1703-kb4025342-80248007' },
      steps: ['clear-wu-cache', 'install-kb-offline'],
    },
    {
      name: 'corpus evt01: the Windows 11 feature update fails with 0xC1900131 (setup logs first)',
      input: { corpus: 'evt01-appostarsi-system-events-txt' },
      steps: ['collect-setup-logs'],
    },
  ],
});
