// The plan for cbs-not-found findings: content the update needs is not found: clear the update cache, install
// the servicing stack and the update offline, then the update that ships the missing version.

import { updateShippingVersion } from '../../knowledge/builds.js';
import {
  type Step,
  clearWuCacheStep,
  installUpdatesStep,
  rebootStep,
  removeDriverOperationsStep,
  t,
} from '../steps.js';
import { inPlace, installTarget, prerequisitesOf, restoreHealth, toInstall, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function notFound(c: Ctx): Draft {
  const { facts, f } = c;
  if (f.messageId === 'driverOperations') {
    const seq = [
      ...new Set(
        f.evidence.flatMap((e) =>
          [...e.text.matchAll(/driver operation sequenceID (\d+)/gi)].map((m) => m[1]!),
        ),
      ),
    ];
    return {
      title: t(
        'Clear the stale driver operation that blocks servicing',
        '清除阻止服务操作的失效驱动操作记录',
      ),
      steps: [
        rebootStep({
          why: t(
            'A driver operation left pending by an earlier install can complete at a restart.',
            '之前安装遗留的挂起驱动操作可能会在重启时完成。',
          ),
        }),
        removeDriverOperationsStep({
          sequenceIds: seq,
          retry: c.retry,
          why: t(
            `CBS cannot load its driver operations queue (0x80070490): an entry under ${'DriverOperations'} refers to something that no longer exists.`,
            'CBS 无法加载驱动操作队列（0x80070490）：DriverOperations 下的某条记录指向已不存在的内容。',
          ),
        }),
      ],
      collect: t(
        'the output of reg query on the DriverOperations key',
        'DriverOperations 注册表项的 reg query 输出',
      ),
    };
  }
  const version = facts.version ?? null;
  const shipped = version ? updateShippingVersion(version) : null;
  const component = facts.component ?? facts.package ?? 'a component';
  const steps: Step[] = [
    clearWuCacheStep({
      why: t(
        `The operation cannot find ${component} (0x80070490). A partial or stale download in the cache is the most common cause: clear it so the package is fetched again.`,
        `操作找不到 ${component}（0x80070490）。最常见的原因是缓存中的下载不完整或已过期：清除缓存以便重新获取补丁包。`,
      ),
    }),
  ];
  const install = installTarget(
    c,
    t(
      'Installing the full package offline, with its servicing stack first, avoids the partial download and gives CBS every component of the update.',
      '先安装服务堆栈更新，再离线安装完整补丁包，可以避免下载不完整，并为 CBS 提供该更新的全部组件。',
    ),
  );
  if (install) steps.push(install);
  if (shipped && shipped.update.kb !== c.targetKb) {
    // The servicing stack of the step before stays installed; without that step it comes first here.
    const ssus = install ? [] : prerequisitesOf(c.targetKb, c.osBuild);
    const carrier = toInstall(shipped.update.kb);
    steps.push(
      installUpdatesStep({
        id: 'install-version-carrier',
        byScript: true,
        title: t(
          `If the same component is still missing: install ${carrier.kb} (${carrier.build ?? '?'}), which carries version ${version}, then ${c.targetKb ?? 'the update'} again`,
          `如仍提示缺少同一组件：先安装带有 ${version} 版本的 ${carrier.kb}（${carrier.build ?? '?'}），再重新安装 ${c.targetKb ?? '该更新'}`,
        ),
        why: t(
          `The missing component's version ${version} came with ${facts.shippedBy ?? carrier.kb}; the machine${c.machineBuild ? ` is at ${c.machineBuild} and` : ''} never got it. Installing that update first puts the component in the store as a base for ${c.targetKb ?? 'the update'}. Copying the component folder by hand does not register it with CBS, so it is not offered here.`,
          `缺失组件的版本 ${version} 随 ${facts.shippedBy ?? carrier.kb} 发布；本机${c.machineBuild ? `当前为 ${c.machineBuild}，` : ''}从未安装过该版本。先安装该更新可将此组件放入组件存储，作为 ${c.targetKb ?? '该更新'} 的基础。手动复制组件文件夹并不会在 CBS 中注册该组件，因此这里不建议这样做。`,
        ),
        ssus,
        updates: [carrier, ...(c.targetKb ? [toInstall(c.targetKb)] : [])],
        arch: c.arch,
        osBuild: c.osBuild,
        cabPrefix: c.cabPrefix,
        note: t(
          `This is a fallback for when the direct install fails on the same component: one intermediate update, not every month in between.`,
          `这是直接安装仍在同一组件处失败时的备用方案：只需安装一个中间更新，无需补装中间的每个月。`,
        ),
      }),
    );
  }
  steps.push(
    restoreHealth(
      c,
      t(
        'If the component is still not found, the store itself may be inconsistent; DISM checks and repairs it.',
        '如仍找不到该组件，可能是组件存储本身不一致；DISM 会检查并修复。',
      ),
    ),
    inPlace(c),
  );
  return {
    title: t(
      `Get ${component} back so ${c.targetKb ?? 'the update'} can install`,
      `恢复 ${component}，使 ${c.targetKb ?? '该更新'} 能够安装`,
    ),
    steps,
    collect: t(
      'C:\\Windows\\SoftwareDistribution\\ReportingEvents.log and the output of dism /online /get-packages /format:table',
      'C:\\Windows\\SoftwareDistribution\\ReportingEvents.log 以及 dism /online /get-packages /format:table 的输出',
    ),
  };
}

export default definePlan({
  rule: 'cbs-not-found',
  build: notFound,
  cases: [
    {
      name: 'fixtures/seeds/seed-004-not-found.log',
      input: { fixture: 'fixtures/seeds/seed-004-not-found.log' },
      steps: [
        'clear-wu-cache',
        'install-ssu-then-update',
        'install-version-carrier',
        'restore-health',
        'in-place-upgrade',
      ],
    },
  ],
});
