// The plan for x-wsus-download-failed findings: WSUS policy with download or detection failures: the server
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
  cases: [
    {
      name: 'the case of x-wsus-download-failed: WUServer set, UseWUServer=1, no Internet fallback; detection fails with 0x80072ee2 three times',
      input: {
        files: {
          'policy.reg': { fixture: 'fixtures/outputs/wu-policy.reg' },
          'ReportingEvents.log': `{C7550B90-A0BA-47D7-A527-7F2A377E1DB7}	2023-07-05 02:12:21:242+0300	1	148 [AGENT_DETECTION_FAILED]	101	{9482F4B4-E343-43B6-B170-9A65BC822C77}	0	80072ee2	<<PROCESS>>: DllHost.exe	Failure	Software Synchronization	Windows Update Client failed to detect with error 0x80072ee2.	arqdv3jFYUqk1Fmr.1.0.0.3.0
{D7550B90-A0BA-47D7-A527-7F2A377E1DB8}	2023-07-05 03:12:21:242+0300	1	148 [AGENT_DETECTION_FAILED]	101	{9482F4B4-E343-43B6-B170-9A65BC822C77}	0	80072ee2	<<PROCESS>>: DllHost.exe	Failure	Software Synchronization	Windows Update Client failed to detect with error 0x80072ee2.	arqdv3jFYUqk1Fmr.1.0.0.3.0
{E7550B90-A0BA-47D7-A527-7F2A377E1DB9}	2023-07-05 04:12:21:242+0300	1	148 [AGENT_DETECTION_FAILED]	101	{9482F4B4-E343-43B6-B170-9A65BC822C77}	0	80072ee2	<<PROCESS>>: DllHost.exe	Failure	Software Synchronization	Windows Update Client failed to detect with error 0x80072ee2.	arqdv3jFYUqk1Fmr.1.0.0.3.0`,
        },
      },
      steps: ['check-wsus', 'clear-wu-cache'],
    },
  ],
});
