// The plan for cbs-source-missing findings: repair content cannot be found: let repairs reach it (policy,
// WSUS), then RestoreHealth from a source of the same build.

import { repairSourcePolicyStep, t } from '../steps.js';
import { restoreFromSource, type Ctx } from './context.js';
import { RESTORE_HEALTH_NO_SOURCE } from './case-logs.js';
import { definePlan, type Draft } from './define-plan.js';

function sourceMissing(c: Ctx): Draft {
  const { facts, f } = c;
  const feature = facts.operation === 'feature';
  return {
    title: feature
      ? t('Give the feature install its source', '为功能安装指定源文件')
      : t('Give the store repair its source', '为组件存储修复指定源文件'),
    steps: [
      repairSourcePolicyStep({
        feature,
        why: t(
          `The content was not found (${f.code ?? ''} ${f.codeName ?? ''})${facts.downloadResult ? `; the download itself failed with ${facts.downloadResult}` : ''}. On WSUS-managed machines the policy decides whether Windows Update may be used for repair content.`,
          `未找到所需内容（${f.code ?? ''} ${f.codeName ?? ''}）${facts.downloadResult ? `；下载本身失败，错误码 ${facts.downloadResult}` : ''}。由 WSUS 管理的电脑能否从 Windows 更新获取修复内容，由该组策略决定。`,
        ),
      }),
      // A feature takes its source in its own command (the policy step says how), not from RestoreHealth.
      ...(feature ? [] : [restoreFromSource(c, facts.version ?? null)]),
    ],
    collect: t(
      'the DISM output and gpresult /h gpresult.html',
      'DISM 的输出以及 gpresult /h gpresult.html 的结果',
    ),
  };
}

export default definePlan({
  rule: 'cbs-source-missing',
  build: sourceMissing,
  cases: [
    {
      name: 'the case of cbs-readiness-report: old layout without timestamps, RestoreHealth cannot find a source',
      input: {
        log: RESTORE_HEALTH_NO_SOURCE,
      },
      steps: ['repair-source-policy', 'restore-health-source'],
    },
  ],
});
