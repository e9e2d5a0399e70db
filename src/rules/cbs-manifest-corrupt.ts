// A component manifest in \WinSxS\Manifests fails its hash check or cannot be loaded (CorruptManifest,
// FileHashMismatch on a .manifest): the store is corrupt, installs fail with 0x80073712 (seeds 000, 003).

import type { LogEntry } from '../model/types.js';
import { componentKeys, hashPair, packageIdentities } from '../parse/identity.js';
import { defineRule } from './define-rule.js';
import { after, opt } from './rule-helpers.js';

interface Cluster {
  key: string;
  entries: LogEntry[];
  path?: string;
  expected?: string;
  actual?: string;
  pkg?: string;
  kb?: string;
}

export default defineRule({
  id: 'cbs-manifest-corrupt',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: ['0x80073712'],
    summary: { en: 'Component manifest fails its hash check', zh: '组件清单（manifest）哈希校验失败' },
    falsePositives: [
      'A manifest repaired from the backup directory in the same run (the store then says so).',
    ],
    references: ['docs/domain.md §1.2 store corruption markers', 'seed 000, seed 003'],
  },
  triggers: {
    text: ['Unable to load manifest', 'CorruptManifest', 'FileHashMismatch', 'Manifest hash for component'],
  },
  messages: {
    corrupt: {
      en: 'Manifest of component {{component}} is corrupt ({{path}}); the component store is inconsistent.',
      zh: '组件 {{component}} 的清单文件已损坏（{{path}}），组件存储不一致。',
    },
    hashMismatch: {
      en: 'Manifest of component {{component}} fails its hash check: expected {{expectedHash}}, actual {{actualHash}} ({{path}}).',
      zh: '组件 {{component}} 的清单文件哈希校验失败：期望 {{expectedHash}}，实际 {{actualHash}}（{{path}}）。',
    },
  },
  create(ctx) {
    const clusters = new Map<string, Cluster>();
    const keyOf = (e: LogEntry): string | null => {
      const m = /\\manifests\\([^\\'"\s]+?)\.manifest/i.exec(e.message);
      if (m) return m[1]!.toLowerCase();
      const k = componentKeys(e.message)[0];
      return k ? k.key.toLowerCase() : null;
    };
    let last: Cluster | null = null;
    return {
      entry(e) {
        const isManifestResource = /FileHashMismatch on resource '[^']*\\manifests\\/i.test(e.message);
        const relevant =
          /Unable to load manifest|Manifest hash for component/.test(e.message) ||
          isManifestResource ||
          /'CorruptManifest'/.test(e.message);
        if (!relevant) return;
        let key = keyOf(e);
        // The category line names no component: it belongs to the manifest just reported.
        if (!key && last && ctx.indexOf(e) - ctx.indexOf(last.entries[last.entries.length - 1]!) <= 3) {
          key = last.key;
        }
        if (!key) return;
        const c = clusters.get(key) ?? { key, entries: [] };
        clusters.set(key, c);
        c.entries.push(e);
        const path = /'(\\winsxs\\manifests\\[^']+)'/i.exec(e.message);
        if (path) c.path = path[1];
        const h = hashPair(e.message);
        if (h) {
          c.expected = h.expected;
          c.actual = h.actual;
        }
        // The failing call right after names the package that owns the component (`rid = 'Package_…'`).
        for (const n of after(ctx.entries, ctx.indexOf(e), 4)) {
          const p = packageIdentities(n.message)[0];
          if (p && !c.pkg && /rid = |Package:|package:/.test(n.message)) {
            c.pkg = p.id;
            c.kb = p.kb ?? undefined;
          }
        }
        last = c;
      },
      end() {
        for (const c of clusters.values()) {
          const key = componentKeys(c.key)[0];
          const component = key?.key ?? c.key;
          const path = c.path ?? `\\winsxs\\manifests\\${component}.manifest`;
          const data: Record<string, string> = { component, path };
          if (c.expected && c.actual) {
            data.expectedHash = c.expected;
            data.actualHash = c.actual;
          }
          ctx.report({
            messageId: c.expected ? 'hashMismatch' : 'corrupt',
            data,
            facts: {
              ...data,
              version: opt(key?.version),
              package: opt(c.pkg),
              kb: opt(c.kb),
            },
            evidence: c.entries,
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'healthy manifest lookups',
        log: `2023-01-05 17:16:16, Info                  CSI    00003e97 Looking for manifest in Backup Dir...
2023-01-05 17:16:16, Info                  CBS    Exec: Processing complete.  Session: 31002211_1234, Package: Package_for_DotNetRollup~31bf3856ad364e35~amd64~~10.0.4005.2 [HRESULT = 0x00000000 - S_OK]`,
      },
      {
        name: 'payload (not manifest) hash mismatch belongs to another rule',
        log: `2023-05-17 08:44:12, Info                  CSI    00000007 Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' do not match.
 Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.
 Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.`,
      },
    ],
    invalid: [
      {
        name: 'seed 000: .NET rollup fails on a corrupt manifest',
        log: `2023-01-05 17:16:16, Info                  CSI    00003e97 Looking for manifest in Backup Dir...
> 2023-01-05 17:16:16, Error                 CSI    00003e98 (F) Unable to load manifest for component [l:91 ml:140]'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8'[gle=0x80004005]
> 2023-01-05 17:16:16, Error                 CSI    00003e99@2023/1/5:09:16:16.157 (F) Attempting to mark store corrupt with category [l:15 ml:16]'CorruptManifest'[gle=0x80004005]
> 2023-01-05 17:16:16, Error                 CSI    00003e9a@2023/1/5:09:16:16.158 (F) onecore\\base\\wcp\\componentstore\\storelayout.cpp(3182): Store corruption detected in function ComponentStore::CRawStoreLayout::FetchManifestContent expression: 0
>   FileHashMismatch on resource '\\winsxs\\manifests\\amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8.manifest'[gle=0x80004005]
2023-01-05 17:16:16, Error                 CSI    00003e9b (F) HRESULT_FROM_WIN32(14098) #5546992# from Windows::ServicingAPI::CCSITransaction::ICSITransaction_UninstallDeployment(Flags = 0, a = e7efbb5769027affbc1fbfd7101971df, version 4.0.15713.866, arch amd64, nonSxS, pkt {l:8 b:b77a5c561934e089}, cb = (null), s = (null), rid = 'Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1.5017270-219_neutral', disp = 0)[gle=0x80073712]`,
        findings: [
          {
            messageId: 'corrupt',
            data: {
              component:
                'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8',
              path: '\\winsxs\\manifests\\amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8.manifest',
            },
            facts: {
              kb: 'KB5017270',
              package: 'Package_8_for_KB5017270~31bf3856ad364e35~amd64~~10.0.3991.1',
            },
            code: '0x80073712',
          },
        ],
      },
      {
        name: 'manifest hash mismatch with expected and actual hashes (seed 003 mechanism)',
        log: `> 2021-10-12 10:31:02, Info                  CSI    00000031 Manifest hash for component [ml:280{140},l:196{98}]"amd64_windows-id-connecte..nt-provider-wlidfdp_31bf3856ad364e35_10.0.17763.1697_none_f17c692b894fca9f" does not match expected value.
>  Expected:{l:32 b:72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102}.
>  Actual:{l:32 b:1aaa57c006a57122483d08d37341e401fca266c6a93468ae49dde6f3281db5a0}.
> 2021-10-12 10:31:02, Error                 CSI    00000032 (F) Unable to load manifest for component [ml:280{140},l:196{98}]"amd64_windows-id-connecte..nt-provider-wlidfdp_31bf3856ad364e35_10.0.17763.1697_none_f17c692b894fca9f"[gle=0x80004005]
> 2021-10-12 10:31:02, Error                 CSI    00000033@2021/10/12:02:31:02.446 (F) Attempting to mark store corrupt with category [l:15 ml:16]'CorruptManifest'[gle=0x80004005]`,
        findings: [
          {
            messageId: 'hashMismatch',
            data: {
              component:
                'amd64_windows-id-connecte..nt-provider-wlidfdp_31bf3856ad364e35_10.0.17763.1697_none_f17c692b894fca9f',
              expectedHash: '72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102',
              actualHash: '1aaa57c006a57122483d08d37341e401fca266c6a93468ae49dde6f3281db5a0',
            },
            facts: { version: '10.0.17763.1697' },
          },
        ],
      },
    ],
  },
});
