// The plan for cbs-source-missing findings: repair content cannot be found: let repairs reach it (policy,
// WSUS), then RestoreHealth from a source of the same build.

import { repairSourcePolicyStep, t } from '../steps.js';
import { restoreFromSource, type Ctx } from './context.js';
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
        log: `2021-06-01 10:00:00, Info                  CBS    Checking System Update Readiness.
(p)	CSI Payload Corrupt			(n)		amd64_microsoft-windows-a..modernappmanagement_31bf3856ad364e35_10.0.19041.3636_none_23b3b3ece690d77b\\EnterpriseModernAppMgmtCSP.dll
Repair failed: Missing replacement payload.

Summary:
Operation: Detect and Repair 
Operation result: 0x800f081f
Last Successful Step: Remove staged packages completes.
Total Detected Corruption:	1
	CSI Payload Corruption:	1
Total Repaired Corruption:	0
Total Operation Time: 39 seconds.`,
      },
      steps: ['repair-source-policy', 'restore-health-source'],
    },
  ],
});
