// Repair or feature content cannot be found or downloaded: 0x800f081f CBS_E_SOURCE_MISSING,
// 0x800f0906 download failure, 0x800f0907 blocked by policy, 0x800f0950/0954 Windows Update/WSUS count,
// 0x800f0915 repair content not found anywhere.

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { GENERIC_TAIL, opt } from './rule-helpers.js';
import { isFailureCode } from '../parse/error-codes.js';

const CODES = ['0x800f081f', '0x800f0906', '0x800f0907', '0x800f0950', '0x800f0954', '0x800f0915'];

export default defineRule({
  id: 'cbs-source-missing',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: CODES,
    summary: { en: 'Repair or feature source content is missing', zh: '修复或功能所需的源文件缺失' },
    falsePositives: [
      'A repair that falls back to Windows Update and then succeeds logs these codes on the way.',
    ],
    references: ['MS Learn KB947821', 'docs/domain.md §4.1'],
  },
  triggers: { codes: CODES, text: ['Missing replacement payload'] },
  messages: {
    missing: {
      en: 'The content needed for {{operation}} was not found ({{code}} {{codeName}}){{download}}.',
      zh: '{{operationZh}}所需的内容未找到（{{code}} {{codeName}}）{{downloadZh}}。',
    },
  },
  create(ctx) {
    const hits: LogEntry[] = [];
    let code: string | null = null;
    return {
      entry(e) {
        if (GENERIC_TAIL.test(e.message) && !/^Exec: Processing complete, session/.test(e.message)) return;
        const c = e.codes.find((x) => CODES.includes(x));
        if (c && !code) code = c;
        if (hits.length < 6) hits.push(e);
      },
      end() {
        if (!code) return;
        const text = hits.map((e) => e.message).join('\n');
        const capability = /capabilit|feature|FoD|Enable-Feature|NetFx3/i.test(text);
        const dl = /download (?:Result|error): (0x[0-9a-f]{8})/i.exec(text)?.[1] ?? null;
        const repair = /Detect and repair|Corruption Repairing|replacement payload|CheckSur/i.test(text);
        const operation = capability
          ? 'the feature (Features on Demand)'
          : repair
            ? 'the component store repair'
            : 'the operation';
        const operationZh = capability ? '启用功能（按需功能）' : repair ? '组件存储修复' : '该操作';
        const downloadResult = dl && isFailureCode(dl) ? dl : null;
        ctx.report({
          messageId: 'missing',
          data: {
            operation,
            operationZh,
            download: downloadResult ? `; the download itself failed with ${downloadResult}` : '',
            downloadZh: downloadResult ? `；下载本身失败，错误码 ${downloadResult}` : '',
          },
          facts: {
            operation: capability ? 'feature' : repair ? 'repair' : 'other',
            downloadResult: opt(downloadResult),
          },
          code,
          evidence: hits.slice(0, 4),
        });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'repair that succeeds',
        log: `2019-07-29 22:39:18, Info                  CBS    CheckSur: hrStatus: 0x0 [S_OK], download Result: 0x0 [S_OK]
2019-07-29 22:39:18, Info                  CBS    Exec: Processing complete, session(Corruption Repairing): 30754339_543620214 [HRESULT = 0x00000000 - S_OK]`,
      },
    ],
    invalid: [
      {
        name: 'RestoreHealth cannot download replacement payloads (0x800f0906)',
        log: `> 2025-11-19 15:59:25, Info                  CBS    CheckSur: hrStatus: 0x800f0906 [CBS_E_DOWNLOAD_FAILURE], download Result: 0x80240438 [Unknown Error]
> 2025-11-19 15:59:25, Info                  CBS    Failed to run Detect and repair. [HRESULT = 0x800f0906 - CBS_E_DOWNLOAD_FAILURE]
> 2025-11-19 15:59:25, Info                  CBS    Exec: Processing complete, session(Corruption Repairing): 31218019_4279730216 [HRESULT = 0x800f0906 - CBS_E_DOWNLOAD_FAILURE]
> 2025-11-19 15:59:25, Error                 CBS    Session: 31218019_4279730216 failed to perform store corruption detect and repair operation. [HRESULT = 0x800f0906 - CBS_E_DOWNLOAD_FAILURE]`,
        findings: [
          {
            messageId: 'missing',
            facts: { operation: 'repair', downloadResult: '0x80240438' },
            code: '0x800f0906',
          },
        ],
      },
      {
        name: 'Features on Demand cannot be fetched on 1809 (0x800f0950)',
        log: `> 2019-02-11 12:51:51, Info                  CBS    Failed to download and plan capabilities [HRESULT = 0x800f0950 - CBS_E_INVALID_WINDOWS_UPDATE_COUNT]
2019-02-11 12:51:51, Info                  CBS    Failed to plan execution. [HRESULT = 0x800f0950 - CBS_E_INVALID_WINDOWS_UPDATE_COUNT]
2019-02-11 12:51:51, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x800f0950 - CBS_E_INVALID_WINDOWS_UPDATE_COUNT]
2019-02-11 12:51:51, Info                  CBS    WER: Generating failure report for package: Microsoft-OneCore-DeveloperMode-Desktop-Package~31bf3856ad364e35~amd64~~10.0.17763.1, status: 0x800f0950, failure source: CBS Other, start state: Absent, target state: Absent, client id: FodHelper(DeveloperModeFodInstaller)`,
        findings: [{ messageId: 'missing', facts: { operation: 'feature' }, code: '0x800f0950' }],
      },
    ],
  },
});
