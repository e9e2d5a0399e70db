// A captured DISM console run that ended with an error (`Error: 0x800f081f`, `错误: 14098`): the operation,
// the code as written and canonical, DISM's own sentence, and a /Source that is an image file without the
// WIM:/ESD: prefix. Often the only evidence of the first mail.

import { dismCapture, unmarked } from './bundle-case.js';
import { defineStoryRule } from './define-story-rule.js';

const BAR = '[==========================100.0%==========================]';

export default defineStoryRule({
  id: 'dism-output-failed',
  kind: 'story',
  meta: {
    severity: 'error',
    confidence: 'high',
    root: true,
    summary: { en: 'Captured DISM output', zh: '捕获的 DISM 输出' },
    codes: [],
    mechanism:
      "A DISM console capture whose run ends with `Error: <code>` other than 0: the code (decimal Win32 codes made canonical) with DISM's own sentence; a /Source naming a .wim or .esd without the WIM:/ESD: prefix and index is said to be unusable.",
    references: ['fixtures/outputs/dism-zh-runs.gbk.txt', 'corpus dism01, dism02'],
  },
  messages: {
    error: {
      en: '{{operation}} ended with error {{written}}{{canonical}} {{codeName}}{{said}}: {{meaning}}.{{sourceNote}}',
      zh: '{{operationZh}} 以错误 {{written}}{{canonicalZh}} {{codeName}} 结束{{saidZh}}：{{meaningZh}}。{{sourceNoteZh}}',
    },
  },
  phrases: {
    canonical: { en: ' ({{code}})', zh: '（{{code}}）' },
    said: { en: ' (“{{text}}”)', zh: ' (“{{text}}”)' },
    sourceNote: {
      en: ' The /Source {{source}} is an image file without the WIM:/ESD: prefix and index: DISM cannot use it.',
      zh: ' /Source {{source}} 是映像文件但缺少 WIM:/ESD: 前缀和索引，DISM 无法使用。',
    },
  },
  cases: {
    valid: [
      {
        name: 'RestoreHealth completes',
        files: {
          'dism.txt': unmarked(
            dismCapture('RestoreHealth', [
              BAR,
              'The restore operation completed successfully.',
              'The operation completed successfully.',
            ]),
          ),
        },
      },
    ],
    invalid: [
      {
        name: 'RestoreHealth with a bare install.wim as /Source fails with 0x800f081f',
        files: {
          'dism.txt': dismCapture('RestoreHealth /Source:D:\\sources\\install.wim /LimitAccess', [
            BAR,
            '> Error: 0x800f081f',
            '',
            '> The source files could not be found.',
            'Use the "Source" option to specify the location of the files that are required to restore the feature. For more information on specifying a source location, see https://go.microsoft.com/fwlink/?LinkId=243077.',
            '',
            'The DISM log file can be found at C:\\Windows\\Logs\\DISM\\dism.log',
          ]),
        },
        findings: [
          {
            messageId: 'error',
            code: '0x800f081f',
            facts: { operation: 'restore', source: 'D:\\sources\\install.wim', written: '0x800f081f' },
          },
        ],
      },
      {
        name: 'fixtures: a GBK capture, 0x800f081f and then 14098 (0x80073712)',
        files: { 'dism-zh-runs.gbk.txt': { fixture: 'fixtures/outputs/dism-zh-runs.gbk.txt' } },
        findings: [
          { messageId: 'error', code: '0x800f081f' },
          { messageId: 'error', code: '0x80073712', facts: { written: '14098' } },
        ],
      },
    ],
  },
});
