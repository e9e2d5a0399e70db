// The plan for wu-install-failed findings: an install failed as WindowsUpdate.log or ReportingEvents.log tell
// it, with the handler's and the installer's codes: the code's family decides (update-failure.ts).

import { definePlan, type Draft } from './define-plan.js';
import { type Ctx } from './context.js';
import { updateFailurePlan } from './update-failure.js';

function installFailure(c: Ctx): Draft {
  return updateFailurePlan(c, {
    code: c.f.code,
    inner: c.facts.innerCode ?? null,
    kb: c.facts.kb ?? c.targetKb,
    title: c.facts.title ?? null,
  });
}

export default definePlan({
  rule: 'wu-install-failed',
  build: installFailure,
  cases: [
    {
      name: 'corpus wu02: KB5034441 fails with 0x80070643 (installer 0x800F0828): the recovery partition',
      input: { corpus: 'wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log' },
      steps: ['check-winre', 'resize-recovery-partition'],
    },
    {
      name: 'a cumulative update fails with 0x80073712 (store corruption): CBS.log first, then the store repair',
      input: {
        files: {
          'WindowsUpdate.log': `
2024/01/16 09:12:40.1180417 6720  5352  Agent           Title = 2023-11 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5032196)
2024/01/16 09:12:40.1180533 6720  5352  Agent           UpdateId = {6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11}.200
2024/01/16 09:41:17.0051932 6720  7364  Handler         CBS called Error with 0x80073712,
2024/01/16 09:41:17.0052011 6720  7364  Deployment      Deployment job Id 1A2B3C4D-0000-4000-8000-00000000AAAA : Update 6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11.200 failed, error = 0x80073712`,
        },
      },
      steps: ['collect-logs', 'restore-health'],
    },
  ],
});
