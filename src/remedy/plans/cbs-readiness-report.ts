// The plan for cbs-readiness-report findings: the store items a DISM health report lists as corrupt:
// RestoreHealth from a source, then the items from a healthy machine.

import { componentKeys, packageIdentities } from '../../parse/identity.js';
import {
  type Step,
  checkPendingStep,
  rebootStep,
  replaceFromHealthyStep,
  replaceMumStep,
  t,
} from '../steps.js';
import {
  hardwareFirst,
  inPlace,
  replaceFile,
  restoreFromSource,
  restoreHealth,
  sourceFor,
  type Ctx,
  scanHealth,
} from './context.js';
import { RESTORE_HEALTH_NO_SOURCE } from './case-logs.js';
import { definePlan, type Draft } from './define-plan.js';

function readinessReport(c: Ctx): Draft | null {
  const { facts, f } = c;
  if (f.messageId === 'aborted') {
    if (f.code === '0x80070bc9') {
      return {
        title: t(
          'Finish the pending reboot, then check the store again',
          '先完成挂起的重启，再重新检查组件存储',
        ),
        steps: [
          rebootStep({
            twice: true,
            why: t(
              'DISM stopped because a reboot is pending (0x80070bc9).',
              'DISM 因存在挂起的重启而中止（0x80070bc9）。',
            ),
          }),
          checkPendingStep({
            why: t('The check only runs once nothing is pending.', '只有在没有挂起操作时检查才能运行。'),
          }),
          restoreHealth(
            c,
            t('Then the interrupted check and repair can run.', '之后即可重新运行被中断的检查和修复。'),
          ),
        ],
      };
    }
    return {
      title: t(`DISM could not finish its check (${f.code ?? '?'})`, `DISM 未能完成检查（${f.code ?? '?'}）`),
      steps: [
        ...hardwareFirst(c),
        scanHealth(
          c,
          t(
            'Run the check again to see whether it fails the same way.',
            '重新运行检查，确认是否以同样方式失败。',
          ),
        ),
        restoreHealth(
          c,
          t(
            'The repair runs the same check and fixes what it finds.',
            '修复过程会执行相同的检查并修复发现的问题。',
          ),
        ),
      ],
    };
  }
  if (f.messageId !== 'corruption') return null;
  const items = (facts.items ?? '').split('\n').filter(Boolean);
  const sourceMissing =
    facts.result === '0x800f081f' || facts.result === '0x800f0906' || facts.result === '0x800f0954';
  const repairRan = /repair/i.test(facts.operation ?? '');
  const steps: Step[] = [...hardwareFirst(c)];
  if (!(repairRan && sourceMissing))
    steps.push(
      restoreHealth(
        c,
        t(
          `DISM (${facts.operation ?? 'scan'}) found ${facts.detected ?? '?'} corruption(s) and repaired ${facts.repaired ?? '0'}; RestoreHealth repairs them.`,
          `DISM（${facts.operation ?? '扫描'}）发现 ${facts.detected ?? '?'} 处损坏，已修复 ${facts.repaired ?? '0'} 处；RestoreHealth 可修复这些损坏。`,
        ),
      ),
    );
  steps.push(
    restoreFromSource(c, facts.component ? (componentKeys(facts.component)[0]?.version ?? null) : null),
  );
  // By hand only for a few items: beyond that the in-place upgrade is the practical route.
  const first = items[0]?.split('\t');
  if (items.length <= 3 && first) {
    const [category = '', target = ''] = first;
    const key = componentKeys(target)[0];
    const why = t(
      `DISM lists "${category}" for ${target}; when DISM cannot repair it, an exact-version copy from a healthy machine can.`,
      `DISM 报告 ${target} 为“${category}”；如 DISM 无法修复，可从正常电脑复制完全相同版本的副本。`,
    );
    if (/manifest/i.test(category) && key) {
      steps.push(
        replaceFromHealthyStep({
          kind: 'manifest',
          path: `C:\\Windows\\WinSxS\\Manifests\\${key.key}.manifest`,
          identity: key.key,
          source: sourceFor(key.version, null),
          retry: c.retry,
          why,
        }),
      );
    } else if (key && target.includes('\\')) {
      const s = replaceFile(c, target, key.key, why);
      if (s) steps.push(s);
    } else if (/MUM/i.test(category) && packageIdentities(target)[0]) {
      const pkg = packageIdentities(target)[0]!;
      steps.push(
        replaceMumStep({
          mumPath: `C:\\Windows\\servicing\\Packages\\${pkg.id}.mum`,
          exists: !/missing/i.test(category),
          package: pkg.id,
          source: { build: c.machineBuild, kb: pkg.kb, ships: false },
          why,
          retry: c.retry,
        }),
      );
    }
  }
  steps.push(inPlace(c));
  return {
    title: t(
      `Repair the ${facts.detected ?? ''} corruption(s) DISM found in the component store`.replace('  ', ' '),
      `修复 DISM 在组件存储中发现的 ${facts.detected ?? ''} 处损坏`,
    ),
    steps,
    collect: t('the DISM output', 'DISM 的输出'),
  };
}

export default definePlan({
  rule: 'cbs-readiness-report',
  build: readinessReport,
  cases: [
    {
      name: 'the case of cbs-readiness-report: old layout without timestamps, RestoreHealth cannot find a source',
      input: {
        log: RESTORE_HEALTH_NO_SOURCE,
      },
      steps: ['restore-health-source', 'replace-file', 'in-place-upgrade'],
    },
  ],
});
