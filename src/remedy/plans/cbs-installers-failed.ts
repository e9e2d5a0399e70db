// The plan for cbs-installers-failed findings: an advanced installer failed and the operation rolled back:
// read the decisive lines, then check the installer's prerequisites.

import { type Step, installerChecksStep, readCbsLinesStep, t } from '../steps.js';
import { installTarget, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function installersFailed(c: Ctx): Draft {
  const { facts } = c;
  const installer = facts.installer ?? null;
  const steps: Step[] = [
    readCbsLinesStep({
      why: t(
        `An advanced installer${installer ? ` ("${installer}", ${facts.binary ?? 'binary not named'}, error ${facts.installerError ?? '?'})` : ''} failed late and the whole update was rolled back (0x800f0922); the lines before the rollback say why.`,
        `某个高级安装程序${installer ? `（“${installer}”，${facts.binary ?? '未记录二进制文件'}，错误 ${facts.installerError ?? '?'}）` : ''}在安装后期失败，整个更新被回滚（0x800f0922）；回滚前的日志行会说明原因。`,
      ),
      patterns: ['Installer:', 'AdvancedInstallersFailed', 'Error Summary', '0x800f0922'],
      lines: c.f.evidence.map((e) => e.text),
    }),
    installerChecksStep({
      installer,
      binary: facts.binary ?? null,
      why: t(
        'Advanced installers fail on a full System Reserved / EFI partition, disabled services, or application-control and security software that blocks them.',
        '系统保留/EFI 分区空间不足、服务被禁用，或应用程序控制策略与安全软件拦截，都会导致高级安装程序失败。',
      ),
    }),
  ];
  const retry = installTarget(
    c,
    t('With the cause removed, install the update again, offline.', '排除原因后，离线重新安装该更新。'),
  );
  if (retry) steps.push(retry);
  return {
    title: installer
      ? t(
          `Remove what makes the "${installer}" installer fail, then retry`,
          `排除导致“${installer}”安装程序失败的原因后重试`,
        )
      : t(
          'Find and remove what makes the advanced installer fail, then retry',
          '查找并排除导致高级安装程序失败的原因后重试',
        ),
    steps,
    collect: t('the output of the Get-Volume and Get-Service lines', 'Get-Volume 和 Get-Service 命令的输出'),
  };
}

export default definePlan({
  rule: 'cbs-installers-failed',
  build: installersFailed,
  cases: [
    {
      name: 'the case of cbs-installers-failed: rollback without the installer in the log',
      input: {
        log: `2014-05-28 15:00:38, Error                 CBS    Startup: Failed to process advanced operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]
2014-05-28 15:00:38, Info                  CBS    Setting ExecuteState key to: CbsExecuteStateInitiateRollback | CbsExecuteStateFlagAdvancedInstallersFailed
2014-05-28 15:00:38, Info                  CBS    Setting original failure status: 0x800f0922, last forward execute state: CbsExecuteStateResolvePending`,
      },
      steps: ['read-cbs-lines', 'installer-checks'],
    },
  ],
});
