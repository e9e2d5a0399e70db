// The plan for cbs-file-hash-mismatch findings: a payload file that fails its hash check: RestoreHealth, a
// repair source, then the exact file from a healthy machine.

import { type Step, t } from '../steps.js';
import {
  hardwareFirst,
  inPlace,
  replaceFile,
  restoreFromSource,
  restoreHealth,
  type Ctx,
} from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function fileHashMismatch(c: Ctx): Draft {
  const { facts } = c;
  // Windows 8.1 logs give the whole store path; the text names the file.
  const file = (facts.file ?? 'the file').split('\\').pop()!;
  const steps: Step[] = [
    ...hardwareFirst(c),
    restoreHealth(
      c,
      t(
        `${file} in the component store does not have the hash its manifest expects; DISM replaces store files that fail their hash.`,
        `组件存储中的 ${file} 与其清单中的哈希值不符；DISM 会替换哈希校验失败的存储文件。`,
      ),
    ),
    restoreFromSource(c, facts.version ?? null),
  ];
  const replace = facts.component
    ? replaceFile(
        c,
        facts.file ?? file,
        facts.component,
        t(
          `When DISM cannot repair it, the exact-version ${file} of ${facts.component} from a healthy machine, checked against the expected hash ${facts.expectedHash ?? ''}, replaces it.`,
          `如 DISM 无法修复，可用正常电脑上 ${facts.component} 的同版本 ${file} 替换，并先用期望哈希值 ${facts.expectedHash ?? ''} 校验。`,
        ),
        facts,
      )
    : null;
  if (replace) steps.push(replace);
  steps.push(inPlace(c));
  return {
    title: t(`Repair ${file} in the component store`, `修复组件存储中的 ${file}`),
    steps,
    collect: t(
      'the output of the Get-FileHash lines and the DISM output',
      'Get-FileHash 命令的输出和 DISM 的输出',
    ),
  };
}

export default definePlan({
  rule: 'cbs-file-hash-mismatch',
  build: fileHashMismatch,
  cases: [
    {
      name: 'the case of cbs-file-hash-mismatch: no component named near the record',
      input: {
        log: `2023-05-17 08:45:54, Info                  CSI    00000010 Hashes for file member [l:17]'ExplorerFrame.dll' do not match.
 Expected: {l:32 ml:33 b:a573b14e9281885ec2fac386c0f31e0b700bd5c7a607fc282fa649cd5e45ea71}.
 Actual: {l:32 b:fa37977d4133e8d1339365ce5c58e2996ea66d411bfea4d92f1ba425d93136cb}.`,
      },
      steps: ['restore-health', 'restore-health-source', 'in-place-upgrade'],
    },
  ],
});
