// The component store verdict of a captured DISM /CheckHealth, /ScanHealth or /RestoreHealth run, or a run
// that stopped half-way without one (the output was captured too early or the run was interrupted).

import { dismCapture, unmarked } from './bundle-case.js';
import { defineStoryRule } from './define-story-rule.js';

export default defineStoryRule({
  id: 'dism-output-health',
  kind: 'story',
  meta: {
    severity: 'warning',
    confidence: 'high',
    root: false,
    summary: { en: 'Captured DISM output', zh: '捕获的 DISM 输出' },
    codes: [],
    mechanism:
      'The health verdict line of a captured DISM run: no corruption and repaired are information, repairable a warning (run /RestoreHealth), not repairable an error and a root cause. A run whose progress bar stops without a verdict is reported as stalled.',
    references: ['fixtures/outputs/dism-zh-runs.gbk.txt', 'docs/domain.md DISM'],
  },
  messages: {
    noCorruption: {
      severity: 'info',
      en: '{{operation}} found no component store corruption.',
      zh: '{{operationZh}} 未检测到组件存储损坏。',
    },
    repaired: {
      severity: 'info',
      en: '{{operation}} repaired the component store.',
      zh: '{{operationZh}} 已修复组件存储。',
    },
    repairable: {
      en: '{{operation}} found component store corruption that can be repaired: run DISM /Online /Cleanup-Image /RestoreHealth.',
      zh: '{{operationZh}} 检测到组件存储损坏，可以修复：请运行 DISM /Online /Cleanup-Image /RestoreHealth。',
    },
    notRepairable: {
      severity: 'error',
      root: true,
      en: '{{operation}} found component store corruption it cannot repair.',
      zh: '{{operationZh}} 检测到无法修复的组件存储损坏。',
    },
    stalled: {
      en: '{{operation}} stopped at {{percent}}% without a result: it was interrupted, or still running when the output was captured. Let it finish (it can sit at 20% or 62% for a long time) and capture the output again.',
      zh: '{{operationZh}} 停在 {{percent}}%，没有结果：被中断，或捕获输出时仍在运行。请等待其完成（可能在 20% 或 62% 停留很久）后重新捕获输出。',
    },
  },
  cases: {
    valid: [
      {
        name: 'a DISM run that ends with an error has no health verdict',
        files: {
          'dism.txt': unmarked(
            dismCapture('RestoreHealth', ['Error: 0x800f081f', '', 'The source files could not be found.']),
          ),
        },
      },
    ],
    invalid: [
      {
        name: 'CheckHealth: no corruption',
        files: {
          'dism.txt': dismCapture('CheckHealth', [
            '> No component store corruption detected.',
            'The operation completed successfully.',
          ]),
        },
        findings: [
          {
            messageId: 'noCorruption',
            severity: 'info',
            root: false,
            facts: { operation: 'check', health: 'noCorruption' },
          },
        ],
      },
      {
        name: 'RestoreHealth: repaired',
        files: {
          'dism.txt': dismCapture('RestoreHealth', [
            '[==========================100.0%==========================]',
            '> The restore operation completed successfully.',
            'The operation completed successfully.',
          ]),
        },
        findings: [{ messageId: 'repaired', facts: { operation: 'restore' } }],
      },
      {
        name: 'ScanHealth: repairable',
        files: {
          'dism.txt': dismCapture('ScanHealth', [
            '> [==========================100.0%==========================] The component store is repairable.',
            'The operation completed successfully.',
          ]),
        },
        findings: [{ messageId: 'repairable', severity: 'warning', facts: { operation: 'scan' } }],
      },
      {
        name: 'ScanHealth: not repairable',
        files: {
          'dism.txt': dismCapture('ScanHealth', [
            '> [==========================100.0%==========================] The component store cannot be repaired.',
            'The operation completed successfully.',
          ]),
        },
        findings: [
          { messageId: 'notRepairable', severity: 'error', root: true, facts: { health: 'notRepairable' } },
        ],
      },
      {
        name: 'RestoreHealth stopped at 62.3%',
        files: {
          'dism.txt': dismCapture('RestoreHealth', [
            '> [===========================62.3%====                      ]',
          ]),
        },
        findings: [{ messageId: 'stalled', facts: { operation: 'restore', percent: '62.3' } }],
      },
    ],
  },
});
