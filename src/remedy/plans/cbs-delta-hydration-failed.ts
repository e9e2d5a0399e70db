// The plan for cbs-delta-hydration-failed findings: a delta that cannot be applied to its base version:
// RestoreHealth, the update again, then the base component folder from a healthy machine.

import { type Step, joinText, replaceFromHealthyStep, t } from '../steps.js';
import {
  folderPattern,
  hardwareFirst,
  inPlace,
  installTarget,
  longParts,
  matchingComponent,
  restoreFromSource,
  restoreHealth,
  sourceFor,
  type Ctx,
} from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function deltaHydration(c: Ctx): Draft {
  const { facts, f } = c;
  const file = facts.file ?? 'a file';
  const reverse = facts.deltaType === 'reverse';
  const own = facts.component ? longParts(facts.component) : null;
  // A forward delta is applied to the installed (matching) version; a reverse delta lives in the component itself.
  const base = (!reverse ? matchingComponent(f) : null) ?? own;
  const baseSource = base ? sourceFor(base.version, null) : null;
  const steps: Step[] = [
    ...hardwareFirst(c),
    restoreHealth(
      c,
      t(
        `The ${reverse ? 'reverse' : 'forward'} delta for ${file} could not be applied because the base copy in WinSxS${base ? ` (${base.name} ${base.version})` : ''} is corrupt or not the expected version; DISM repairs store files.`,
        `${file} 的${reverse ? '反向' : '正向'}增量无法应用，因为 WinSxS 中的基础文件${base ? `（${base.name} ${base.version}）` : ''}已损坏或版本不符；DISM 可以修复存储中的文件。`,
      ),
    ),
  ];
  const install = installTarget(
    c,
    t(
      'Installing the full package offline instead of the express download rules out a bad download. It applies the same deltas to the same base, so it may fail the same way if the base file is bad: then go on.',
      '离线安装完整补丁包（而不是快速下载）可以排除下载损坏的可能。但它同样会对相同的基础文件应用增量，如基础文件本身损坏，仍可能以同样方式失败：此时请继续下一步。',
    ),
  );
  if (install) steps.push(install);
  steps.push(restoreFromSource(c, base?.version ?? facts.version ?? null));
  if (base) {
    const arch = base.arch ?? own?.arch ?? (c.arch === 'x64' ? 'amd64' : c.arch);
    steps.push(
      replaceFromHealthyStep({
        kind: 'folder',
        folderPattern: folderPattern(base.name, base.version, arch),
        version: base.version,
        identity: `${base.name} ${base.version}`,
        source: baseSource ?? { build: null, kb: null, ships: false },
        retry: c.retry,
        why: joinText([
          t(
            `The delta is applied to ${base.name} ${base.version}; its WinSxS folder (the full file with its f\\ and r\\ deltas) from a healthy machine gives the update a good base.`,
            `增量是基于 ${base.name} ${base.version} 应用的；用正常电脑上该组件的 WinSxS 文件夹（包含完整文件及其 f\\ 和 r\\ 增量）替换，可为更新提供正常的基础文件。`,
          ),
          baseSource?.kb
            ? t(
                `That version came with ${baseSource.kb} (${baseSource.build ?? '?'}).`,
                `该版本随 ${baseSource.kb}（${baseSource.build ?? '?'}）发布。`,
              )
            : null,
        ]),
      }),
    );
  }
  steps.push(inPlace(c));
  return {
    title: t(
      `Repair the base of ${file} so the update's delta applies`,
      `修复 ${file} 的基础文件，使更新增量可以应用`,
    ),
    steps,
    collect: t('the DISM output', 'DISM 的输出'),
  };
}

export default definePlan({
  rule: 'cbs-delta-hydration-failed',
  build: deltaHydration,
  cases: [
    {
      name: 'fixtures/seeds/seed-004-forward-delta.log',
      input: { fixture: 'fixtures/seeds/seed-004-forward-delta.log' },
      steps: [
        'restore-health',
        'install-ssu-then-update',
        'restore-health-source',
        'replace-folder',
        'in-place-upgrade',
      ],
    },
  ],
});
