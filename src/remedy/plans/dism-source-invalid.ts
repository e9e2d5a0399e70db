// The plan for dism-source-invalid findings: DISM was given a source it cannot use: say how to write it, then
// repair from it.

import { t } from '../steps.js';
import { restoreFromSource, type Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function dismSourceInvalid(c: Ctx): Draft {
  const { facts } = c;
  const source = facts.source ?? '';
  const prefix = facts.prefix;
  const fixed = prefix
    ? `/Source:${prefix}:${source}:<index>`
    : source.includes(' ')
      ? `/Source:"${source}"`
      : null;
  const step = restoreFromSource(c, facts.version ?? null);
  const why = prefix
    ? t(
        `A .${prefix.toLowerCase()} image is a source only with its prefix and the index of the edition: ${fixed}. As written (${source}) CBS cannot add it, and with /LimitAccess no other source remains.`,
        `.${prefix.toLowerCase()} 映像必须加前缀并指定版本索引才能作为修复源：${fixed}。按原写法（${source}）CBS 无法添加该源，而加了 /LimitAccess 后就没有其他源可用。`,
      )
    : source.includes(' ')
      ? t(`A path with a space must be quoted: ${fixed}.`, `含空格的路径必须加引号：${fixed}。`)
      : t(
          `The source ${source} cannot be added: check that it exists and holds the Windows folder or image of the same build.`,
          `无法添加修复源 ${source}：请确认该路径存在，且包含相同内部版本的 Windows 目录或映像。`,
        );
  return {
    title: t('Give DISM a source it can use', '为 DISM 指定可用的修复源'),
    steps: [{ ...step, why }],
    collect: t('the DISM output and dism.log', 'DISM 的输出和 dism.log'),
  };
}

export default definePlan({
  rule: 'dism-source-invalid',
  build: dismSourceInvalid,
  cases: [
    {
      name: 'corpus dism01-appostarsi-w10-esd-source',
      input: { corpus: 'dism01-appostarsi-w10-esd-source/dism win 10.log' },
      steps: ['restore-health-source'],
    },
  ],
});
