// The plan for unexplained-failure findings: a failure no rule explains: collect the logs, check the store,
// read the decisive lines; no repair is proposed.

import { collectLogsStep, readCbsLinesStep, t } from '../steps.js';
import { type Ctx, scanHealth } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function unexplained(c: Ctx): Draft {
  const { f } = c;
  return {
    title: t(
      'No known signature: gather what is needed to find the cause',
      '未匹配已知特征：收集定位原因所需的信息',
    ),
    steps: [
      collectLogsStep({
        why: t(
          'This failure was not recognised, so it proposes no repair yet: the logs below let the cause be found.',
          '此失败暂未能识别，因此暂不建议任何修复操作：以下日志用于查找原因。',
        ),
      }),
      scanHealth(
        c,
        t(
          'A read-only check of the component store tells whether store corruption is involved.',
          '对组件存储做只读检查，可以判断是否与组件存储损坏有关。',
        ),
      ),
      readCbsLinesStep({
        why: t(
          `The decisive lines are the first (F) or Error records before the final ${f.code ?? 'failure'}; they name the component, file or package involved.`,
          `关键行是最终 ${f.code ?? '失败'} 之前的第一条 (F) 或 Error 记录，其中会指出相关的组件、文件或补丁包。`,
        ),
        patterns: [f.code ?? 'Failed', '(F)'],
        lines: f.evidence.map((e) => e.text),
      }),
    ],
    collect: t('the folder C:\\update-logs', 'C:\\update-logs 文件夹'),
    confidence: 'low',
  };
}

export default definePlan({
  rule: 'unexplained-failure',
  build: unexplained,
  cases: [
    {
      name: 'the case of a failure no rule explains (ERROR_IO_DEVICE)',
      input: {
        log: `2023-05-17 09:00:00, Info                  CBS    Starting TrustedInstaller initialization.
2023-05-17 09:00:02, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 31034000_1000, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8, Identifier: KB5026362
2023-05-17 09:01:00, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x8007045d - ERROR_IO_DEVICE]
2023-05-17 09:01:00, Info                  CBS    WER: Generating failure report for package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8, status: 0x8007045d, failure source: Execute, start state: Staged, target state: Installed, client id: WindowsUpdateAgent
2023-05-17 09:01:01, Info                  CBS    Exec: Processing complete.  Session: 31034000_1000, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8 [HRESULT = 0x8007045d - ERROR_IO_DEVICE]`,
      },
      steps: ['collect-logs', 'scan-health', 'read-cbs-lines'],
    },
  ],
});
