// The plan for cbs-manifest-corrupt findings: a corrupt component manifest: RestoreHealth, a repair source,
// then the exact manifest from a healthy machine.

import { type Step, joinText, replaceFromHealthyStep, t } from '../steps.js';
import {
  hardwareFirst,
  inPlace,
  manifestPath,
  restoreFromSource,
  restoreHealth,
  sourceFor,
  type Ctx,
} from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function manifestCorrupt(c: Ctx): Draft {
  const { facts } = c;
  const component = facts.component ?? 'the component';
  const path = manifestPath(facts.path, facts.component);
  const source = sourceFor(facts.version, facts.kb);
  const steps: Step[] = [
    ...hardwareFirst(c),
    restoreHealth(
      c,
      t(
        `CSI marked the store corrupt (CorruptManifest) on the manifest of ${component}; DISM can fetch a good copy of it.`,
        `CSI 因组件 ${component} 的清单文件损坏（CorruptManifest）将组件存储标记为损坏；DISM 可以获取该文件的正常副本。`,
      ),
    ),
    restoreFromSource(c, facts.version ?? null),
  ];
  if (path)
    steps.push(
      replaceFromHealthyStep({
        kind: 'manifest',
        path,
        identity: component,
        expectedHash: facts.expectedHash,
        actualHash: facts.actualHash,
        source,
        retry: c.retry,
        why: joinText([
          t(
            `When DISM cannot repair it, the exact-version manifest (${component}) from a healthy machine replaces the corrupt one`,
            `如 DISM 无法修复，可用正常电脑上完全相同版本的清单文件（${component}）替换损坏的文件`,
          ),
          facts.expectedHash
            ? t(
                `; the log gives the hash it must have (${facts.expectedHash}), so the copy can be checked before it is used.`,
                `；日志给出了该文件应有的哈希值（${facts.expectedHash}），复制前可以先校验。`,
              )
            : t('.', '。'),
          facts.shippedBy
            ? t(`This version came with ${facts.shippedBy}.`, `该版本随 ${facts.shippedBy} 发布。`)
            : null,
        ]),
      }),
    );
  steps.push(inPlace(c));
  return {
    title: t(`Repair the corrupt manifest of ${component}`, `修复组件 ${component} 的损坏清单文件`),
    steps,
    collect: t(
      'the output of the Get-FileHash lines and the DISM output',
      'Get-FileHash 命令的输出和 DISM 的输出',
    ),
  };
}

export default definePlan({
  rule: 'cbs-manifest-corrupt',
  build: manifestCorrupt,
  cases: [
    {
      name: 'the bundled sample log',
      input: { fixture: 'examples/CBS.log' },
      steps: ['restore-health', 'restore-health-source', 'replace-manifest', 'in-place-upgrade'],
    },
  ],
});
