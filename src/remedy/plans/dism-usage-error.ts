// The plan for dism-usage-error findings: the DISM command itself is wrong (a missing argument, an /Image:
// that holds no Windows): correct the command and run it again. Nothing on the machine needs repairing.

import { ownStep, t } from '../steps.js';
import type { Ctx } from './context.js';
import { definePlan, type Draft } from './define-plan.js';

function dismUsageError(c: Ctx): Draft {
  const command = c.facts.commandLine ?? 'dism …';
  const name = c.facts.commandName ?? '';
  const missing = c.facts.argument;
  return {
    title: t('Correct the DISM command and run it again', '更正 DISM 命令后重新运行'),
    steps: [
      ownStep({
        id: 'correct-dism-command',
        title: t('Correct the command', '更正命令'),
        why: t(
          `DISM rejected ${command} (${c.f.code ?? ''}) before it touched the image: the command is wrong, not Windows.`,
          `DISM 在处理映像之前就拒绝了 ${command}（${c.f.code ?? ''}）：问题在命令本身，而非 Windows。`,
        ),
        how: missing
          ? t(
              `Add ${missing} to the command (for an image index, dism /Get-WimInfo lists them), then run it again.`,
              `在命令中加上 ${missing}（映像索引可用 dism /Get-WimInfo 查看），然后重新运行。`,
            )
          : c.facts.image
            ? t(
                `Point /Image: at the folder where the image is mounted or applied (the one holding its Windows folder), or mount it first with dism /Mount-Image; ${c.facts.image} holds no Windows installation.`,
                `让 /Image: 指向映像的挂载或应用目录（其中包含 Windows 文件夹），或先用 dism /Mount-Image 挂载；${c.facts.image} 中没有 Windows 安装。`,
              )
            : t(
                `Check each argument against the command's help, correct the wrong one, and run it again.`,
                `对照命令帮助逐一检查参数，更正错误的参数后重新运行。`,
              ),
        commands: [
          { shell: 'cmd', line: `dism ${name ? `${name} ` : ''}/?` },
          { shell: 'cmd', line: 'dism /Get-WimInfo /WimFile:<path-to-image.wim>' },
        ],
        verify: t(
          'The corrected command ends with "The operation completed successfully" and dism.log shows no new 0x80070057 for it.',
          '更正后的命令以“操作成功完成”结束，dism.log 中该命令不再出现 0x80070057。',
        ),
        invasiveness: 1,
      }),
    ],
  };
}

export default definePlan({
  rule: 'dism-usage-error',
  build: dismUsageError,
  cases: [
    {
      name: 'fixtures/dism: /Mount-Image without /Index',
      input: { fixture: 'fixtures/dism/mount-usage-error.log' },
      steps: ['correct-dism-command'],
    },
  ],
});
