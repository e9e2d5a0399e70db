// The component store is corrupt (0x80073712 / STATUS_SXS_COMPONENT_STORE_CORRUPT) with no corrupt
// manifest named: CBS fails while enumerating missing components or completing the component closure,
// or CSI marks the store corrupt in some other category (seed 002).

import type { LogEntry } from '../model/types.js';
import { defineRule } from './define-rule.js';
import { componentIn, GENERIC_TAIL, opt } from './rule-helpers.js';

const CODES = ['0x80073712', '0xc015001a'];
const MANIFEST_RULE_TEXT =
  /CorruptManifest|Unable to load manifest|FileHashMismatch|Manifest hash for component|CorruptPayloadFile/;

export default defineRule({
  id: 'cbs-store-corrupt',
  meta: {
    severity: 'error',
    confidence: 'medium',
    codes: CODES,
    summary: { en: 'Component store (WinSxS) is corrupt', zh: '组件存储（WinSxS）已损坏' },
    falsePositives: ['When a corrupt manifest is named, cbs-manifest-corrupt reports it instead.'],
    references: ['seed 002', 'MS Learn KB947821'],
  },
  triggers: { codes: CODES, text: ['Attempting to mark store corrupt'] },
  messages: {
    closure: {
      en: 'The component store is corrupt: CBS cannot {{operation}} ({{code}} {{codeName}}); the failure originates in {{origin}}.',
      zh: '组件存储已损坏：CBS 无法{{operationZh}}（{{code}} {{codeName}}），错误源自 {{origin}}。',
    },
    corrupt: {
      en: 'The component store is corrupt ({{code}} {{codeName}}); the failure originates in {{origin}}.',
      zh: '组件存储已损坏（{{code}} {{codeName}}），错误源自 {{origin}}。',
    },
  },
  create(ctx) {
    const clusters: LogEntry[][] = [];
    return {
      entry(e) {
        const marks = /Attempting to mark store corrupt/.test(e.message);
        if (!marks && !(e.csi?.flag === 'F' || /^Failed|Error/.test(e.message) || e.level === 'Error'))
          return;
        if (marks && MANIFEST_RULE_TEXT.test(e.message)) return;
        // The generic tail of any failed operation is the attempt's chain, not this rule's evidence.
        if (GENERIC_TAIL.test(e.message)) return;
        const last = clusters[clusters.length - 1];
        const prev = last?.[last.length - 1];
        if (prev && ctx.indexOf(e) - ctx.indexOf(prev) <= 12) last!.push(e);
        else clusters.push([e]);
      },
      end() {
        for (const c of clusters) {
          const i0 = ctx.indexOf(c[0]!);
          const near = ctx.entries.slice(Math.max(0, i0 - 8), ctx.indexOf(c[c.length - 1]!) + 8);
          if (near.some((n) => MANIFEST_RULE_TEXT.test(n.message))) continue;
          const originEntry =
            c.find((e) => /originated in function/.test(e.message)) ??
            c.find((e) => /#\d+# from /.test(e.message)) ??
            c.find((e) => e.csi?.flag === 'F') ??
            c[0]!;
          const fn =
            /originated in function (\S+)/.exec(originEntry.message)?.[1] ??
            /#\d+# from ([\w:]+)/.exec(originEntry.message)?.[1] ??
            originEntry.message.split('\n', 1)[0]!.replace(/\s*\[HRESULT.*$/, '');
          const category = c.map((e) => /category \[[^\]]*\]'(\w+)'/.exec(e.message)?.[1]).find(Boolean);
          const closure = c.find((e) => /missing components|component closure/i.test(e.message));
          const comp = near.map((n) => componentIn(n.message)).find(Boolean);
          const operation = closure
            ? /closure/i.test(closure.message) || c.some((e) => /component closure/.test(e.message))
              ? 'enumerate missing components and complete the component closure'
              : 'enumerate missing components'
            : '';
          const data: Record<string, string> = {
            origin: fn,
            operation,
            operationZh: operation.includes('closure') ? '枚举缺失组件并完成组件闭包' : '枚举缺失组件',
          };
          ctx.report({
            messageId: closure ? 'closure' : 'corrupt',
            data,
            facts: {
              origin: fn,
              category: opt(category),
              component: opt(comp?.component),
              version: opt(comp?.version),
            },
            code: '0x80073712',
            evidence: c,
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a corrupt manifest is reported by its own rule',
        log: `2023-01-05 17:16:16, Error                 CSI    00003e99@2023/1/5:09:16:16.157 (F) Attempting to mark store corrupt with category [l:15 ml:16]'CorruptManifest'[gle=0x80004005]
2023-01-05 17:16:16, Error                 CSI    00003e9b (F) HRESULT_FROM_WIN32(14098) #5546992# from Windows::ServicingAPI::CCSITransaction::ICSITransaction_UninstallDeployment(Flags = 0)[gle=0x80073712]`,
      },
    ],
    invalid: [
      {
        name: 'seed 002: closure fails on a corrupt store',
        log: `2022-05-19 11:49:09, Info                  CBS    Exec: Resolving Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.2746.1.7, Update: 5011503-4182_neutral_GDR
> 2022-05-19 11:49:09, Error                 CSI    000004a6@2022/5/19:03:49:09.871 (F) onecore\\base\\wcp\\componentstore\\csd_core.cpp(2151): Error STATUS_SXS_COMPONENT_STORE_CORRUPT originated in function CCSDirect::GetComponentManifest expression: (null)
> [gle=0x80004005]
> 2022-05-19 11:49:09, Info                  CBS    Failed to get enumerator for missing components. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]
> 2022-05-19 11:49:09, Error                 CBS    Failed to complete component closure [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]`,
        findings: [
          { messageId: 'closure', data: { origin: 'CCSDirect::GetComponentManifest' }, code: '0x80073712' },
        ],
      },
      {
        name: 'store marked corrupt in another category (Server 2022, MS Learn sample)',
        log: `> 2025-02-27 08:58:35, Error                 CSI    0000000a@2025/2/27:11:58:35.891 (F) Attempting to mark store corrupt with category [l:21 ml:22]'CorruptComponentValue'[gle=0x80004005]
> 2025-02-27 08:58:35, Error                 CSI    0000000b (F) STATUS_SXS_COMPONENT_STORE_CORRUPT #62038# from CCSDirectTransaction::OperateEnding at index 0 of 1 operations, disposition 0[gle=0xd015001a]
> 2025-02-27 08:58:35, Error                 CSI    0000000c (F) HRESULT_FROM_WIN32(14098) #61875# from Windows::ServicingAPI::CCSITransaction::ICSITransaction2_AddComponents(Flags = 1, a = @0x29dd79f20d0, mp = @0x29dd79f28d0, disp = 0)[gle=0x80073712]
> 2025-02-27 08:58:35, Info                  CBS    Failed to add one or more deployment [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]
> 2025-02-27 08:58:35, Info                  CBS    Failed to bulk stage deployment manifest and pin deployment for package:Wrapper-DDDA51604A99B1668F4E7D804F8F81E7558D0FEB4EA0DE087D6BF2DE607411F0~31bf3856ad364e35~amd64~~10.0.20348.3081 [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]
2025-02-27 08:58:35, Info                  CBS    Perf: Resolve chain complete.
2025-02-27 08:58:35, Info                  CBS    Failed to resolve execution chain. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]
2025-02-27 08:58:35, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]`,
        findings: [
          {
            messageId: 'corrupt',
            data: { origin: 'CCSDirectTransaction::OperateEnding' },
            facts: { category: 'CorruptComponentValue' },
          },
        ],
      },
    ],
  },
});
