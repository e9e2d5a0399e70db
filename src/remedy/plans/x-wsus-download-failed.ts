// The plan for x-wsus-download-failed findings: wSUS policy with download or detection failures: the server
// first, then the cache.

import { clearWuCacheStep, t, wsusChecksStep } from '../steps.js';
import { type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function wsusDownload(c: Ctx): Draft {
  const server = c.facts.wuServer ?? '';
  return {
    title: t('Get the update through WSUS', '通过 WSUS 获取更新'),
    steps: [
      wsusChecksStep({
        server,
        why: t(
          `Windows Update asks ${server} only${c.facts.noInternetFallback === 'true' ? ' (the policy forbids Microsoft Update as a fallback)' : ''}, and the failures are download or detection errors (${c.facts.codes ?? ''}).`,
          `Windows 更新只向 ${server} 请求更新${c.facts.noInternetFallback === 'true' ? '（策略禁止回退到 Microsoft Update）' : ''}，而失败均为下载或检测错误（${c.facts.codes ?? ''}）。`,
        ),
      }),
      clearWuCacheStep({
        why: t(
          'Once the server is reachable and the update approved, a clean cache makes the client download it again.',
          '在服务器可以访问且更新已审批后，清除缓存可让客户端重新下载。',
        ),
      }),
    ],
    collect: t(
      'the Windows Update log (Get-WindowsUpdateLog), ReportingEvents.log and the output of the check commands',
      'Windows 更新日志（Get-WindowsUpdateLog）、ReportingEvents.log 以及检查命令的输出',
    ),
  };
}

export default definePlan({
  rule: 'x-wsus-download-failed',
  build: wsusDownload,
  cases: [],
});
