// A package manifest (.mum in \servicing\Packages) cannot be read or parsed: bad NTFS compression
// (0x8007025d ERROR_BAD_COMPRESSION_BUFFER), XML errors, file corruption. The .mum may belong to another KB
// than the one being installed (seed 000: KB5017315's .mum broke the November update).

import type { LogEntry } from '../model/types.js';
import { kbOf, packageIdentities } from '../parse/identity.js';
import { defineRule } from './define-rule.js';
import { opt } from './rule-helpers.js';

const CORRUPTION_CODES = [
  '0x8007025d',
  '0x800f0900',
  '0x800705b9',
  '0x80070246',
  '0x8007000d',
  '0x80070570',
  '0x800b0100',
  '0x80092003',
];

const MUM_RE = /(?:\\\\\?\\)?([A-Za-z]:\\[^\s[\]<>"']*?\\([^\\\s[\]<>"']+)\.mum)\b/i;

export default defineRule({
  id: 'cbs-package-manifest-unreadable',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: CORRUPTION_CODES,
    summary: { en: 'Package manifest (.mum) cannot be read', zh: '补丁包清单文件（.mum）无法读取' },
    falsePositives: ['A .mum missing altogether (0x80070002/0x800f0831) is store corruption, another rule.'],
    references: ['seed 000 (0x8007025d)', 'CheckSUR "CBS MUM Corrupt 0x800F0900"'],
  },
  triggers: { codes: CORRUPTION_CODES },
  messages: {
    unreadable: {
      en: 'Package manifest {{path}} ({{kb}}) cannot be read: {{code}} {{codeName}}.',
      zh: '补丁包清单 {{path}}（{{kb}}）无法读取：{{code}} {{codeName}}。',
    },
  },
  create(ctx) {
    const byPath = new Map<string, { entries: LogEntry[]; code: string; pkg: string | null }>();
    return {
      entry(e) {
        const code = e.codes.find((c) => CORRUPTION_CODES.includes(c));
        if (!code || !/Failed|Unable|Cannot|Error/i.test(e.message)) return;
        const m = MUM_RE.exec(e.message);
        if (!m) {
          // A later line naming the same package ("Maint: Deepclean: Unable to open package X").
          for (const s of byPath.values()) {
            if (s.pkg && s.code === code && e.message.includes(s.pkg) && !s.entries.includes(e))
              s.entries.push(e);
          }
          return;
        }
        const path = m[1]!;
        const key = path.toLowerCase();
        const slot = byPath.get(key) ?? { entries: [], code, pkg: packageIdentities(m[2]!)[0]?.id ?? m[2]! };
        byPath.set(key, slot);
        slot.entries.push(e);
        // Same-second follow-ups without the path ("Failed to read in xml content") belong to it too.
        const i = ctx.indexOf(e);
        for (const n of ctx.entries.slice(i + 1, i + 3)) {
          if (
            n.time === e.time &&
            !MUM_RE.test(n.message) &&
            n.codes.includes(code) &&
            !slot.entries.includes(n)
          ) {
            slot.entries.push(n);
          }
        }
      },
      end() {
        for (const [, s] of byPath) {
          const path = MUM_RE.exec(s.entries.find((x) => MUM_RE.test(x.message))!.message)![1]!;
          const kb = kbOf(path) ?? 'no KB';
          ctx.report({
            messageId: 'unreadable',
            data: { path, kb },
            facts: { path, package: opt(s.pkg), kb: opt(kbOf(path)), file: path.split('\\').pop() },
            code: s.code,
            evidence: s.entries.sort((a, b) => a.line - b.line),
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a .mum read that succeeds',
        log: `2023-01-05 16:20:07, Info                  CBS    Read out cached package applicability for package: Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5, ApplicableState: 112, CurrentState:112`,
      },
    ],
    invalid: [
      {
        name: 'seed 000: KB5017315 .mum has a bad compression buffer',
        log: `> 2023-01-05 16:20:07, Info                  CBS    Failed to read from file: \\\\?\\C:\\WINDOWS\\Servicing\\Packages\\Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]
> 2023-01-05 16:20:07, Info                  CBS    Failed to read in xml content [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]
> 2023-01-05 16:20:07, Error                 CBS    Failed to parse package manifest: \\\\?\\C:\\WINDOWS\\Servicing\\Packages\\Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]
> 2023-01-05 16:20:07, Info                  CBS    Failed to initialize package: Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5, from path: \\\\?\\C:\\WINDOWS\\Servicing\\Packages\\Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum, existing package: 1 [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]
> 2023-01-05 16:20:07, Info                  CBS    Maint: Deepclean: Unable to open package Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5 [HRESULT = 0x8007025d - ERROR_BAD_COMPRESSION_BUFFER]`,
        findings: [
          {
            messageId: 'unreadable',
            data: {
              path: 'C:\\WINDOWS\\Servicing\\Packages\\Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5.mum',
            },
            facts: {
              kb: 'KB5017315',
              package: 'Package_1861_for_KB5017315~31bf3856ad364e35~amd64~~10.0.1.5',
            },
            code: '0x8007025d',
          },
        ],
      },
    ],
  },
});
