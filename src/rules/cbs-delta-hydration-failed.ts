// PSFX delta expansion fails: a forward or reverse delta cannot be applied to the base file
// (DeltaDecompressBuffer, `Hydration failed …`), so the base in WinSxS is corrupt or the wrong version —
// 0x800f0986 PSFX_E_APPLY_FORWARD_DELTA_FAILED / 0x800f0985 …REVERSE… (seed 004, corpus cbs01/cbs02). A
// failure seen while DISM /RestoreHealth or SFC detects corruption, then repaired by the same run, is
// reported as repaired (informational).

import type { LogEntry } from '../model/types.js';
import { longIdentities } from '../parse/identity.js';
import { RESOLVED, repairFacts, repairOf } from './cbs-sfc-results.js';
import { defineRule } from './define-rule.js';
import { opt } from './rule-helpers.js';

const FORWARD = '0x800f0986';
const REVERSE = '0x800f0985';

export default defineRule({
  id: 'cbs-delta-hydration-failed',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: [FORWARD, REVERSE],
    summary: { en: 'Delta (PSFX) expansion of a store file failed', zh: '组件文件的增量（PSFX）展开失败' },
    falsePositives: [
      'Reverse-delta (`r\\`) leftovers after component cleanup are usually harmless unless a repair needs them.',
    ],
    references: ['docs/domain.md §1.2 PSFX/hydration', 'MS Q&A: 0x800f0986 with KB4577671'],
  },
  triggers: { text: ['Hydration failed', 'DeltaDecompressBuffer'], codes: [FORWARD, REVERSE] },
  messages: {
    repaired: {
      en: 'Applying the {{deltaType}} to {{file}} of {{component}} failed ({{where}}) and {{repairedBy}} repaired the file ({{repairedAt}}).',
      zh: '对组件 {{component}} 的文件 {{file}} 应用{{deltaTypeZh}}失败（{{where}}），已由 {{repairedBy}} 修复（{{repairedAt}}）。',
    },
    hydration: {
      en: 'Applying the {{deltaType}} to {{file}} of {{component}} failed ({{code}} {{codeName}}): the base file in the store is corrupt or not the expected version.',
      zh: '对组件 {{component}} 的文件 {{file}} 应用{{deltaTypeZh}}失败（{{code}} {{codeName}}）：存储中的基础文件已损坏或版本不符。',
    },
  },
  create(ctx) {
    const groups: {
      entries: LogEntry[];
      component?: string;
      version?: string;
      file?: string;
      type?: string;
      code?: string;
    }[] = [];
    return {
      entry(e) {
        const isOrigin = /DeltaDecompressBuffer/.test(e.message);
        const isTyped = /Hydration failed with (?:original )?error/.test(e.message);
        const forComponent = /Hydration failed for component/.test(e.message);
        const psfxCode = e.codes.find((c) => c === FORWARD || c === REVERSE);
        if (!isOrigin && !isTyped && !forComponent && !psfxCode) return;
        let g = groups[groups.length - 1];
        const prev = g?.entries[g.entries.length - 1];
        // One failure = origin → typed → component lines, adjacent; a new origin after a component line starts another.
        if (!g || !prev || ctx.indexOf(e) - ctx.indexOf(prev) > 6 || (isOrigin && g.component)) {
          g = { entries: [] };
          groups.push(g);
        }
        g.entries.push(e);
        if (psfxCode) g.code = psfxCode;
        if (isTyped) {
          const t = /Delta Type: ([^,]+?)\s*,/.exec(e.message)?.[1];
          if (t) g.type = /reverse|^2$/i.test(t) ? 'reverse' : 'forward';
        }
        if (forComponent) {
          const id = longIdentities(e.message)[0];
          if (id) {
            g.component = `${id.name}, version ${id.version}${id.arch ? `, arch ${id.arch}` : ''}`;
            g.version = id.version;
          }
          const f = /\bon file (.+?) with (?:NTSTATUS|HRESULT|error)/.exec(e.message);
          if (f) g.file = f[1]!;
        }
      },
      end() {
        for (const g of groups) {
          if (
            !g.component &&
            !g.entries.some((e) => /Hydration failed|DeltaDecompressBuffer/.test(e.message))
          )
            continue;
          const reverse = g.type === 'reverse' || g.code === REVERSE;
          const code = g.code ?? (reverse ? REVERSE : FORWARD);
          const first = g.entries[0]!;
          const repair = g.file ? repairOf(ctx.entries, ctx.indexOf(first), g.file) : null;
          if (repair) {
            const resolved = repairFacts(first, repair);
            ctx.report({
              messageId: 'repaired',
              data: {
                deltaType: reverse ? 'reverse delta' : 'forward delta',
                deltaTypeZh: reverse ? '反向增量' : '正向增量',
                file: g.file!,
                component: g.component ?? 'an unnamed component',
                ...resolved,
              },
              facts: {
                component: opt(g.component),
                version: opt(g.version),
                file: g.file,
                deltaType: reverse ? 'reverse' : g.type ? 'forward' : undefined,
                ...resolved,
              },
              ...RESOLVED,
              evidence: [...g.entries, repair.evidence],
            });
            continue;
          }
          ctx.report({
            messageId: 'hydration',
            data: {
              deltaType: reverse ? 'reverse delta' : 'forward delta',
              deltaTypeZh: reverse ? '反向增量' : '正向增量',
              file: g.file ?? 'a file',
              component: g.component ?? 'an unnamed component',
            },
            facts: {
              component: opt(g.component),
              version: opt(g.version),
              file: opt(g.file),
              deltaType: reverse ? 'reverse' : g.type ? 'forward' : undefined,
            },
            code,
            confidence: g.component ? 'high' : 'medium',
            evidence: g.entries,
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'successful hydration is silent',
        log: `2023-05-17 08:44:13, Info                  CSI    0000000a Hydrated file wincorlib.dll for component Microsoft-Windows-COM-Base`,
      },
    ],
    invalid: [
      {
        name: 'seen while DISM /RestoreHealth detects corruption, then repaired by it (fixtures/repaired)',
        log: `2024-03-14 14:02:07, Info                  CSI    00000006@2024/3/14:13:02:07.041 Starting corruption detection (InnerFlags=5)
> 2024-03-14 14:02:38, Error                 CSI    00000009@2024/3/14:13:02:38.693 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(287): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: g_pfnApplyDeltaB(( (DELTA_FLAG_TYPE)0x00000000 ), ReferenceInput, CompressedInput, &UncompressedOutput)
> [gle=0x80004005]
> 2024-03-14 14:02:38, Error                 CSI    0000000a (F) Hydration failed with error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) . Delta Type: Reverse Delta , IntegrityState Valid: true , RetrievedChecksum: 1834793273 , ComputedChecksum: 1834793273[gle=0x80004005]
> 2024-03-14 14:02:38, Error                 CSI    0000000b (F) Hydration failed for component Microsoft-Windows-DirectWrite-FontCache, version 10.0.19041.3636, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35} on file FntCache.dll with NTSTATUS -1073283059[gle=0x80004005]
2024-03-14 14:02:51, Info                  CSI    0000000d@2024/3/14:13:02:51.585 Corruption detection complete. numCorruptions = 1, Disp = 1.
2024-03-14 14:03:41, Info                  CBS    Checking System Update Readiness.
> 2024-03-14 14:03:41, Info                  CBS    (p)\tCSI Payload Corrupt\t(w)\t(Fixed)\tamd64_microsoft-windows-directwrite-fontcache_31bf3856ad364e35_10.0.19041.3636_none_793ba71fc6a77a11\\r\\FntCache.dll
2024-03-14 14:03:41, Info                  CBS    Summary:
2024-03-14 14:03:41, Info                  CBS    Operation: Detect and Repair 
2024-03-14 14:03:41, Info                  CBS    Operation result: 0x0
2024-03-14 14:03:41, Info                  CBS    Total Detected Corruption:\t1
2024-03-14 14:03:41, Info                  CBS    Total Repaired Corruption:\t1
2024-03-14 14:03:41, Info                  CBS    Exec: Processing complete, session(Corruption Repairing): 31094612_3310456721 [HRESULT = 0x00000000 - S_OK]`,
        findings: [
          {
            messageId: 'repaired',
            facts: {
              file: 'FntCache.dll',
              deltaType: 'reverse',
              where: 'CBS.log:2',
              repairedBy: 'DISM /RestoreHealth',
              repairedAt: 'CBS.log:8',
            },
            code: null,
          },
        ],
      },
      {
        name: 'corpus cbs01: reverse delta of FaceRecognitionEngineAdapterResources_v4.dll',
        log: `> 2023-05-17 08:44:12, Error                 CSI    00000008@2023/5/17:15:44:12.956 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: g_pfnApplyDeltaB(( (DELTA_FLAG_TYPE)0x00000000 ), ReferenceInput, CompressedInput, &UncompressedOutput)
> [gle=0x80004005]
2023-05-17 08:44:12, Info                  CBS    Added C:\\Windows\\Logs\\CBS\\CBS.log to WER report.
> 2023-05-17 08:44:13, Error                 CSI    00000009 (F) Hydration failed with error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) . Delta Type: Reverse Delta , IntegrityState Valid: true , RetrievedChecksum: 239972166 , ComputedChecksum: 239972166[gle=0x80004005]
> 2023-05-17 08:44:13, Error                 CSI    0000000a (F) Hydration failed for component dual_helloface.inf, version 10.0.22621.1635, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35}, type [l:14]'dualModeDriver' on file FaceRecognitionEngineAdapterResources_v4.dll with NTSTATUS -1073283059. Matching Component = dual_helloface.inf, version 10.0.22621.1635, arch amd64, nonSxS, pkt {l:8 b:31bf38`,
        findings: [
          {
            messageId: 'hydration',
            data: {
              file: 'FaceRecognitionEngineAdapterResources_v4.dll',
              component: 'dual_helloface.inf, version 10.0.22621.1635, arch amd64',
            },
            facts: { deltaType: 'reverse', version: '10.0.22621.1635' },
            code: '0x800f0985',
          },
        ],
      },
      {
        name: 'forward delta (numeric Delta Type: 1) during a cumulative update, with the PSFX code',
        log: `> 2020-10-16 17:46:46, Error                 CSI    00000020@2020/10/16:14:46:46.245 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(287): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: g_pfnApplyDeltaB(( (DELTA_FLAG_TYPE)0x00000000 ), ReferenceInput, CompressedInput, &UncompressedOutput)
> [gle=0x80004005]
> 2020-10-16 17:46:46, Error                 CSI    00000021 (F) Hydration failed with original error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) . Delta Type: 1 , IntegrityState Valid: true , RetrievedChecksum: 2799692761 , ComputedChecksum: 2799692761[gle=0x80004005]
> 2020-10-16 17:46:46, Error                 CSI    00000022 (F) Hydration failed for component Microsoft-Windows-Security-TokenBroker, version 10.0.18362.1139, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35} on file tbauth.dll with NTSTATUS -1073283059. Matching Component = Microsoft-Windows-Security-TokenBroker, version 10.0.18362.1, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35}. FileHasForwardReverseDeltas  = true, GenerateReverseDelta = false[gle=0x80004005]
> 2020-10-16 17:46:46, Info                  CBS    Failed to stage execution package: Package_for_RollupFix~31bf3856ad364e35~amd64~~18363.1139.1.5 [HRESULT = 0x800f0986 - PSFX_E_APPLY_FORWARD_DELTA_FAILED]`,
        findings: [
          {
            messageId: 'hydration',
            data: { file: 'tbauth.dll' },
            facts: { deltaType: 'forward', version: '10.0.18362.1139' },
            code: '0x800f0986',
          },
        ],
      },
    ],
  },
});
