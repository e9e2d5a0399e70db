// The engine's fallback: a failed servicing operation that no rule explains is never silent. The finding
// shows the decisive lines (first fatal CSI line, first failing result, the final failure) for a human.

import { defineStoryRule } from './define-story-rule.js';

const PKG = 'Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.4377.1.8';

export default defineStoryRule({
  id: 'unexplained-failure',
  kind: 'engine',
  meta: {
    severity: 'error',
    confidence: 'low',
    root: true,
    summary: { en: 'Failure not matched by any rule', zh: '未匹配规则的失败' },
    codes: [],
    mechanism:
      'A failed update attempt of a CBS/dism run with no root finding in its window: the engine reports the first fatal or error CSI line, the first line with a failing result and the final failure line, with the code and its meaning.',
    references: ['src/rules/engine.ts'],
  },
  messages: {
    unexplained: {
      en: 'No known signature matches this failure ({{code}} {{codeName}}: {{meaning}}). The decisive lines are shown; read them first.',
      zh: '此失败未匹配任何已知特征（{{codeZh}} {{codeName}}：{{meaningZh}}）。请先查看下列关键日志行。',
    },
  },
  phrases: {
    noCode: { en: 'no code', zh: '无错误码' },
    unknownCode: { en: 'unknown code', zh: 'unknown code' },
  },
  cases: {
    valid: [
      {
        name: 'the cumulative update installs',
        files: {
          'CBS.log': [
            '2023-05-17 09:00:00, Info                  CBS    Starting TrustedInstaller initialization.',
            `2023-05-17 09:00:02, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 31034000_1000, Package: ${PKG}, Identifier: KB5026362`,
            `2023-05-17 09:01:01, Info                  CBS    Exec: Processing complete.  Session: 31034000_1000, Package: ${PKG} [HRESULT = 0x00000000 - S_OK]`,
          ].join('\n'),
        },
      },
    ],
    invalid: [
      {
        name: 'the cumulative update fails with 0x8007045d and no rule knows why',
        files: {
          'CBS.log': [
            '2023-05-17 09:00:00, Info                  CBS    Starting TrustedInstaller initialization.',
            `2023-05-17 09:00:02, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 31034000_1000, Package: ${PKG}, Identifier: KB5026362`,
            '> 2023-05-17 09:01:00, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x8007045d - ERROR_IO_DEVICE]',
            `2023-05-17 09:01:00, Info                  CBS    WER: Generating failure report for package: ${PKG}, status: 0x8007045d, failure source: Execute, start state: Staged, target state: Installed, client id: WindowsUpdateAgent`,
            `2023-05-17 09:01:01, Info                  CBS    Exec: Processing complete.  Session: 31034000_1000, Package: ${PKG} [HRESULT = 0x8007045d - ERROR_IO_DEVICE]`,
          ].join('\n'),
        },
        findings: [{ messageId: 'unexplained', code: '0x8007045d', facts: { kb: 'KB5026362' } }],
      },
    ],
  },
});
