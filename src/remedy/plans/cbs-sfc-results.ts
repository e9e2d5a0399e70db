// The plan for cbs-sfc-results findings: files SFC could not repair: repair the store first, then the files
// SFC names.

import { type Step, joinText, t } from '../steps.js';
import {
  hardwareFirst,
  inPlace,
  longParts,
  replaceFile,
  restoreFromSource,
  restoreHealth,
  type Ctx,
} from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function sfcResults(c: Ctx): Draft | null {
  const { facts, f } = c;
  if (f.messageId !== 'cannotRepair') return null;
  const count = Number(facts.count ?? '1');
  const steps: Step[] = [
    ...hardwareFirst(c),
    restoreHealth(
      c,
      joinText([
        t(
          `SFC repairs system files from the component store, but the store copies of ${facts.files ?? facts.file ?? 'these files'} are bad too: repair the store first, then SFC can repair the files.`,
          `SFC 是用组件存储中的副本修复系统文件的，但 ${facts.files ?? facts.file ?? '这些文件'} 在存储中的副本也已损坏：需先修复组件存储，SFC 才能修复这些文件。`,
        ),
        facts.misleadingTrailer === 'true'
          ? t(
              'SFC\'s closing line says all files were repaired; the "Cannot repair member file" lines show it did not.',
              'SFC 最后一行虽显示“已成功修复”，但“Cannot repair member file”行表明并未修复。',
            )
          : null,
      ]),
    ),
    restoreFromSource(c, facts.component ? (longParts(facts.component)?.version ?? null) : null),
  ];
  if (count <= 3 && facts.file && facts.component && facts.component !== 'store copy also corrupt') {
    const s = replaceFile(
      c,
      facts.file,
      facts.component,
      t(
        `When DISM cannot repair it, the exact-version ${facts.file} of ${facts.component} from a healthy machine replaces the store copy; SFC then restores the system copy from it.`,
        `如 DISM 无法修复，可用正常电脑上 ${facts.component} 的同版本 ${facts.file} 替换存储中的副本，之后 SFC 会据此修复系统中的文件。`,
      ),
    );
    if (s) steps.push(s);
  }
  steps.push(inPlace(c));
  return {
    title: t(
      `Repair the store copies SFC could not use (${facts.count ?? '?'} file(s))`,
      `修复 SFC 无法使用的存储副本（${facts.count ?? '?'} 个文件）`,
    ),
    steps,
    collect: t('the DISM and SFC output', 'DISM 和 SFC 的输出'),
  };
}

export default definePlan({
  rule: 'cbs-sfc-results',
  build: sfcResults,
  cases: [
    {
      name: 'the case of cbs-sfc-results: cannot repair, with the misleading trailer (corpus sfc01 shape)',
      input: {
        log: `2023-05-23 01:37:56, Info                  CSI    000002f0 [SR] Repairing 10 components
2023-05-23 01:37:56, Info                  CSI    000002f1 [SR] Beginning Verify and Repair transaction
2023-05-23 01:37:56, Info                  CSI    000002f3 [SR] Cannot repair member file [l:12]'edgehtml.dll' of Microsoft-Windows-IE-HTMLRendering, version 11.0.19041.2728, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35} in the store, hash mismatch
2023-05-23 01:37:56, Info                  CSI    000002f8 [SR] Cannot repair member file [l:9]'ntdll.dll' of Microsoft-Windows-Ntdll, version 10.0.19041.2788, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35} in the store, file is missing
2023-05-23 01:37:56, Info                  CSI    00000340 [SR] Repair complete
2023-05-23 01:37:56, Info                  CSI    00000341 [SR] Committing transaction
2023-05-23 01:37:56, Info                  CSI    00000348 [SR] Verify and Repair Transaction completed. All files and registry keys listed in this transaction  have been successfully repaired`,
      },
      steps: ['restore-health', 'restore-health-source', 'replace-file', 'in-place-upgrade'],
    },
  ],
});
