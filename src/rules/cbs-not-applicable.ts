// The package does not apply to this image (0x800f081e CBS_E_NOT_APPLICABLE): wrong edition, architecture
// or build, superseded, or a missing prerequisite. Informational: not a failure of the machine.

import { kbOf, packageIdentities } from '../parse/identity.js';
import { defineRule } from './define-rule.js';
import { opt } from './rule-helpers.js';

const CODE = '0x800f081e';

export default defineRule({
  id: 'cbs-not-applicable',
  meta: {
    severity: 'info',
    confidence: 'high',
    codes: [CODE],
    root: false,
    summary: { en: 'Package not applicable to this image', zh: '补丁包不适用于此系统映像' },
    references: ['docs/domain.md §4.1 (0x800F081E)'],
  },
  triggers: { codes: [CODE] },
  messages: {
    notApplicable: {
      en: '{{package}} is not applicable to this image ({{code}} {{codeName}}): check edition, architecture, build and prerequisites.',
      zh: '{{package}} 不适用于此系统映像（{{code}} {{codeName}}）：请检查版本、架构、内部版本号和前置补丁。',
    },
  },
  create(ctx) {
    let reported = false;
    return {
      entry(e) {
        if (reported) return;
        reported = true;
        const pkg = packageIdentities(e.message)[0]?.id ?? null;
        ctx.report({
          messageId: 'notApplicable',
          data: { package: pkg ?? 'The package' },
          facts: { package: opt(pkg), kb: opt(pkg ? kbOf(pkg) : null) },
          evidence: [e],
        });
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'an applicable package',
        log: `2018-06-12 10:00:00, Info                  CBS    Appl: Evaluating package applicability for package Package_for_RollupFix~31bf3856ad364e35~amd64~~14393.2312.1.14, applicable state: Installed`,
      },
    ],
    invalid: [
      {
        name: 'DISM add-package of a cumulative update that does not apply',
        log: `> 2018-06-12 10:00:01, Error                 CBS    Failed to add package: Package_for_RollupFix~31bf3856ad364e35~amd64~~14393.2312.1.14 [HRESULT = 0x800f081e - CBS_E_NOT_APPLICABLE]`,
        findings: [
          {
            messageId: 'notApplicable',
            data: { package: 'Package_for_RollupFix~31bf3856ad364e35~amd64~~14393.2312.1.14' },
          },
        ],
      },
    ],
  },
});
