// The update needs a newer servicing stack than the machine has (0x800f0823
// CBS_E_NEW_SERVICING_STACK_REQUIRED): install the servicing stack update first.

import { kbOf } from '../parse/identity.js';
import { defineRule } from './define-rule.js';
import { opt } from './rule-helpers.js';

const CODES = ['0x800f0823', '0x80242017'];
const REQUIRES =
  /Package "?([^"\s]+?)"? requires Servicing Stack v(\d+\.\d+\.\d+\.\d+) but current Servicing Stack is v(\d+\.\d+\.\d+\.\d+)/;

export default defineRule({
  id: 'cbs-servicing-stack-required',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: CODES,
    summary: { en: 'A newer servicing stack is required first', zh: '需要先安装更新的服务堆栈' },
    references: ['MS Learn: error 0x800f0823'],
  },
  triggers: { codes: CODES },
  messages: {
    required: {
      en: 'Package {{package}} requires servicing stack {{required}}, but the machine has {{current}} ({{code}} {{codeName}}).',
      zh: '补丁包 {{package}} 需要服务堆栈 {{required}}，而本机为 {{current}}（{{code}} {{codeName}}）。',
    },
    unnamed: {
      en: 'The update requires a newer servicing stack than the one installed ({{code}} {{codeName}}).',
      zh: '该更新需要比当前已安装版本更新的服务堆栈（{{code}} {{codeName}}）。',
    },
  },
  create(ctx) {
    let done = false;
    return {
      entry(e) {
        if (done) return;
        const m = REQUIRES.exec(e.message);
        if (m) {
          done = true;
          ctx.report({
            messageId: 'required',
            data: { package: m[1]!, required: m[2]!, current: m[3]! },
            facts: { package: m[1]!, kb: opt(kbOf(m[1]!)), requiredStack: m[2]!, currentStack: m[3]! },
            evidence: [e],
          });
        }
      },
      end() {
        if (done) return;
        const first = ctx.entries.find((e) => e.codes.some((c) => CODES.includes(c)));
        if (first) ctx.report({ messageId: 'unnamed', data: {}, facts: {}, evidence: [first] });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a servicing stack that is new enough',
        log: `2023-09-04 15:01:50, Info                  CBS    Loaded Servicing Stack v10.0.14393.5285 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.14393.5285_none_7f2b0b8f8c6f2f4b\\cbscore.dll`,
      },
    ],
    invalid: [
      {
        name: 'Server 2016 LCU needs SSU 14393.5285 (MS Learn sample)',
        log: `> 2023-09-04 15:01:53, Error                 CBS    Package "Package_for_KB5012170~31bf3856ad364e35~amd64~~14393.5285.1.4" requires Servicing Stack v10.0.14393.5285 but current Servicing Stack is v10.0.14393.4349. [HRESULT = 0x800f0823 - CBS_E_NEW_SERVICING_STACK_REQUIRED]`,
        findings: [
          {
            messageId: 'required',
            facts: { kb: 'KB5012170', requiredStack: '10.0.14393.5285', currentStack: '10.0.14393.4349' },
            code: '0x800f0823',
          },
        ],
      },
      {
        name: 'offline image newer than the servicing stack (no package named)',
        log: `> 2022-03-01 09:12:44, Error                 CBS    Servicing stack v6.2.22000.120 cannot service offline image: D:\\MyCache\\Ws [HRESULT = 0x800f0823 - CBS_E_NEW_SERVICING_STACK_REQUIRED]`,
        findings: [{ messageId: 'unnamed', code: '0x800f0823' }],
      },
    ],
  },
});
