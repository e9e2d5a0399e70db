// The plan for wu-detection-failed findings: scans for updates fail (network-level codes): the connection to
// the update service, never a store repair.

import { t } from '../steps.js';
import { definePlan, type Draft } from './define-plan.js';
import { type Ctx } from './context.js';
import { updateFailureKind, updateFailurePlan } from './update-failure.js';

function detectionFailure(c: Ctx): Draft {
  const kind = updateFailureKind({ code: c.f.code });
  // A scan failure is about reaching the service whatever its code says; the policy codes keep their own step.
  const plan = updateFailurePlan(c, {
    code: kind === 'policy' ? c.f.code : (c.f.code ?? '0x80072ee2'),
    kb: null,
    title: null,
  });
  const connect =
    kind === 'policy' || kind === 'connectivity'
      ? plan
      : updateFailurePlan(c, { code: '0x80072ee2', kb: null, title: null });
  if (c.facts.stillFailing === 'false')
    return {
      ...connect,
      title: t(
        'Scans failed for a while, then succeeded: check the connection if it comes back',
        '扫描曾连续失败后恢复正常：如再次出现，请检查网络连接',
      ),
      confidence: 'low',
    };
  return connect;
}

export default definePlan({
  rule: 'wu-detection-failed',
  build: detectionFailure,
  cases: [
    {
      name: 'corpus re01: 22 scans fail with 0x80072EE2 (19 in a row), later scans succeed',
      input: { corpus: 're01-dcheva-reportingevents-detect-80072ee2' },
      steps: ['check-connectivity'],
    },
  ],
});
