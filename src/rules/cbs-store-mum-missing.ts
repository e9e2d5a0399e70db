// Store corruption with a package manifest missing: CBS knows a package as installed but its .mum is gone
// (0x800f0831 CBS_E_STORE_CORRUPTION). The missing package names the KB to reinstall (MS Learn KB4477073).

import type { LogEntry } from '../model/types.js';
import { packageIdentities } from '../parse/identity.js';
import { defineRule } from './define-rule.js';
import { GENERIC_TAIL, opt } from './rule-helpers.js';

const CODE = '0x800f0831';

export default defineRule({
  id: 'cbs-store-mum-missing',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: [CODE],
    summary: { en: 'Store corruption: a package manifest is missing', zh: '存储损坏：补丁包清单缺失' },
    references: ['MS Learn KB4477073 (0x800f0831)'],
  },
  triggers: { codes: [CODE], text: ['manifest missing for package'] },
  messages: {
    missing: {
      en: 'The manifest of package {{package}} ({{kb}}) is missing from \\servicing\\Packages although CBS records it ({{code}} {{codeName}}).',
      zh: '补丁包 {{package}}（{{kb}}）的清单文件在 \\servicing\\Packages 中缺失，但 CBS 仍记录其存在（{{code}} {{codeName}}）。',
    },
    unnamed: {
      en: 'CBS reports store corruption ({{code}} {{codeName}}) without naming the package.',
      zh: 'CBS 报告存储损坏（{{code}} {{codeName}}），但未指明补丁包。',
    },
  },
  create(ctx) {
    const byPkg = new Map<string, LogEntry[]>();
    const unnamed: LogEntry[] = [];
    return {
      entry(e) {
        if (GENERIC_TAIL.test(e.message) || /^Failed to get next package/.test(e.message)) return;
        const pkg = packageIdentities(e.message)[0]?.id;
        if (!pkg) {
          const last = [...byPkg.values()].pop();
          if (last && /Failed to resolve package/.test(e.message)) last.push(e);
          else unnamed.push(e);
          return;
        }
        byPkg.set(pkg, [...(byPkg.get(pkg) ?? []), e]);
      },
      end() {
        for (const [pkg, entries] of byPkg) {
          const kb = packageIdentities(pkg)[0]?.kb ?? null;
          ctx.report({
            messageId: 'missing',
            data: { package: pkg, kb: kb ?? 'no KB in its name' },
            facts: { package: pkg, kb: opt(kb), path: `C:\\Windows\\servicing\\Packages\\${pkg}.mum` },
            evidence: entries,
          });
        }
        if (byPkg.size === 0 && unnamed.length > 0) {
          ctx.report({
            messageId: 'unnamed',
            data: {},
            facts: {},
            confidence: 'medium',
            evidence: unnamed.slice(0, 3),
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'packages resolved normally',
        log: `2017-11-15 12:40:00, Info                  CBS    Appl: Evaluating package applicability for package Package_123_for_KB3192392~31bf3856ad364e35~amd64~~6.3.1.4, applicable state: Installed`,
      },
    ],
    invalid: [
      {
        name: 'missing manifest of KB3192392 (MS Learn sample)',
        log: `> 2017-11-15 12:40:00, Info                  CBS    Store corruption, manifest missing for package: Package_123_for_KB3192392~31bf3856ad364e35~amd64~~6.3.1.4
> 2017-11-15 12:40:00, Error                 CBS    Failed to resolve package 'Package_123_for_KB3192392~31bf3856ad364e35~amd64~~6.3.1.4' [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
> 2017-11-15 12:40:00, Info                  CBS    Mark store corruption flag because of package: Package_123_for_KB3192392~31bf3856ad364e35~amd64~~6.3.1.4. [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
> 2017-11-15 12:40:00, Info                  CBS    Failed to resolve package [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
2017-11-15 12:40:00, Info                  CBS    Failed to get next package to re-evaluate [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
2017-11-15 12:40:00, Info                  CBS    Failed to execute execution chain. [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
2017-11-15 12:40:00, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
2017-11-15 12:40:00, Info                  CBS    WER: Generating failure report for package: Package_for_RollupFix~31bf3856ad364e35~amd64~~9600.18838.1.7, status: 0x800f0831, failure source: Execute, start state: Staged, target state: Installed, client id: WindowsUpdateAgent`,
        findings: [
          {
            messageId: 'missing',
            facts: { package: 'Package_123_for_KB3192392~31bf3856ad364e35~amd64~~6.3.1.4', kb: 'KB3192392' },
            code: '0x800f0831',
          },
        ],
      },
      {
        name: 'store corruption flagged without a package name',
        log: `> 2017-11-15 12:40:00, Info                  CBS    Failed to resolve package [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]
2017-11-15 12:40:00, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x800f0831 - CBS_E_STORE_CORRUPTION]`,
        findings: [{ messageId: 'unnamed', code: '0x800f0831' }],
      },
    ],
  },
});
