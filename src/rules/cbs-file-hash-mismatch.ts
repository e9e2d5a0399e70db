// A payload file in the component store does not match the hash its manifest expects
// (`Hashes for file member … do not match. Expected/Actual`, SHA-256 hex on Win10+, base64 on Win7/8.1):
// extract both hashes and the owning component (seed 003 mechanism, corpus cbs01/cbs02/sfc01). A file that
// the same SFC run or DISM /RestoreHealth then repaired is no longer a problem: an informational finding
// says what was wrong, where, and where it was repaired.

import type { LogEntry } from '../model/types.js';
import { componentKeys, hashPair, longIdentities } from '../parse/identity.js';
import { RESOLVED, repairFacts, repairOf } from './cbs-sfc-results.js';
import { defineRule } from './define-rule.js';
import { opt } from './rule-helpers.js';

const MAX_PER_RUN = 60;

export default defineRule({
  id: 'cbs-file-hash-mismatch',
  meta: {
    severity: 'error',
    confidence: 'high',
    codes: ['0x800736cc'],
    summary: { en: 'Store file fails its hash check', zh: '组件存储中的文件哈希校验失败' },
    falsePositives: [
      'Unprotected static files (wallpapers, some XML) that SFC lists but Windows tolerates (MS Learn KB954402).',
      'A mismatch repaired from the backup directory in the same run.',
      'The installed copy of a file that SFC or DISM /RestoreHealth repairs from the store in the same run (reported as repaired).',
    ],
    references: ['docs/domain.md §6.1 (SHA-256)', 'corpus cbs01 lines 4405-4407'],
  },
  triggers: { text: ['do not match'] },
  messages: {
    mismatch: {
      en: 'File {{file}} of {{component}} fails its hash check: expected {{expectedHash}}, actual {{actualHash}}.',
      zh: '组件 {{component}} 的文件 {{file}} 哈希校验失败：期望 {{expectedHash}}，实际 {{actualHash}}。',
    },
    repaired: {
      en: 'File {{file}}{{ofComponent}} failed its hash check ({{where}}) and {{repairedBy}} repaired it ({{repairedAt}}).',
      zh: '文件 {{file}}{{ofComponentZh}}哈希校验失败（{{where}}），已由 {{repairedBy}} 修复（{{repairedAt}}）。',
    },
    mismatchFile: {
      en: 'File {{file}} fails its hash check (the log does not name its component): expected {{expectedHash}}, actual {{actualHash}}.',
      zh: '文件 {{file}} 哈希校验失败（日志未记录所属组件）：期望 {{expectedHash}}，实际 {{actualHash}}。',
    },
  },
  create(ctx) {
    const seen = new Map<
      string,
      {
        entry: LogEntry;
        count: number;
        component: string | null;
        version: string | null;
        related: LogEntry[];
      }
    >();
    return {
      entry(e) {
        if (!/Hashes for file member/.test(e.message)) return;
        const h = hashPair(e.message);
        if (!h) return;
        const key = `${h.file}|${h.expected}|${h.actual}`;
        const known = seen.get(key);
        if (known) {
          known.count++;
          return;
        }
        if (seen.size >= MAX_PER_RUN) return;
        // The component is named in the record itself (Win8.1 path form) or by the lines right after it.
        let component: string | null = null;
        let version: string | null = null;
        const related: LogEntry[] = [];
        const own = componentKeys(e.message)[0];
        if (own) [component, version] = [own.key, own.version];
        const i = ctx.indexOf(e);
        const fileBase = (h.file ?? '').split('\\').pop() ?? '';
        for (const n of ctx.entries.slice(i + 1, i + 13)) {
          if (component) break;
          if (fileBase && !n.message.includes(fileBase)) continue;
          const k = componentKeys(n.message)[0];
          const l = longIdentities(n.message)[0];
          if (k) [component, version] = [k.key, k.version];
          else if (l)
            [component, version] = [
              `${l.name}, version ${l.version}${l.arch ? `, arch ${l.arch}` : ''}`,
              l.version,
            ];
          if (component) related.push(n);
        }
        seen.set(key, { entry: e, count: 1, component, version, related });
      },
      end() {
        for (const s of seen.values()) {
          const h = hashPair(s.entry.message)!;
          const file = h.file ?? 'unknown file';
          const base = (h.file ?? '').split('\\').pop() ?? '';
          const i = ctx.indexOf(s.entry);
          const repair = repairOf(ctx.entries, i, base);
          const facts = {
            file,
            component: opt(s.component),
            version: opt(s.version),
            expectedHash: h.expected,
            actualHash: h.actual,
            hashForm: h.form,
          };
          if (repair) {
            const resolved = repairFacts(s.entry, repair);
            ctx.report({
              messageId: 'repaired',
              data: {
                file,
                ofComponent: s.component ? ` of ${s.component}` : '',
                ofComponentZh: s.component ? `（组件 ${s.component}）` : '',
                ...resolved,
              },
              facts: { ...facts, ...resolved },
              ...RESOLVED,
              // The entry holding the repair line (a health report) is quoted by that line alone.
              evidence: [
                s.entry,
                ...s.related.filter((r) => r.line > repair.evidence.line || r.endLine < repair.evidence.line),
                repair.evidence,
              ],
            });
            continue;
          }
          ctx.report({
            messageId: s.component ? 'mismatch' : 'mismatchFile',
            data: {
              file,
              component: s.component ?? '',
              expectedHash: h.expected,
              actualHash: h.actual,
            },
            facts: { ...facts, occurrences: String(s.count) },
            evidence: [s.entry, ...s.related],
          });
        }
      },
    };
  },
  cases: {
    valid: [
      {
        name: 'a verify pass with no mismatch',
        log: `2023-05-23 10:15:27, Info                  CSI    00000008 [SR] Verify complete`,
      },
      {
        name: 'the installed copy that SFC repairs from the store in the same run is no root cause',
        log: `2024-03-12 10:24:41, Info                  CSI    0000001b [SR] Beginning Verify and Repair transaction
2024-03-12 10:24:41, Info                  CSI    0000001c Hashes for file member [l:17]'ExplorerFrame.dll' do not match.
 Expected: {l:32 ml:33 b:a573b14e9281885ec2fac386c0f31e0b700bd5c7a607fc282fa649cd5e45ea71}.
 Actual: {l:32 b:fa37977d4133e8d1339365ce5c58e2996ea66d411bfea4d92f1ba425d93136cb}.
2024-03-12 10:24:41, Info                  CSI    0000001d [SR] Repairing corrupted file \\??\\C:\\Windows\\System32\\\\ExplorerFrame.dll from store
2024-03-12 10:24:41, Info                  CSI    00000020 [SR] Repair complete`,
      },
    ],
    invalid: [
      {
        name: 'SFC repairs one file from the store; the other it cannot repair stays a problem (fixtures/repaired)',
        log: `2024-03-12 10:24:41, Info                  CSI    0000001a [SR] Repairing 2 components
2024-03-12 10:24:41, Info                  CSI    0000001b [SR] Beginning Verify and Repair transaction
> 2024-03-12 10:24:41, Info                  CSI    0000001c Hashes for file member [l:17]'ExplorerFrame.dll' do not match.
>  Expected: {l:32 ml:33 b:a573b14e9281885ec2fac386c0f31e0b700bd5c7a607fc282fa649cd5e45ea71}.
>  Actual: {l:32 b:fa37977d4133e8d1339365ce5c58e2996ea66d411bfea4d92f1ba425d93136cb}.
> 2024-03-12 10:24:41, Info                  CSI    0000001d [SR] Repairing corrupted file \\??\\C:\\Windows\\System32\\\\ExplorerFrame.dll from store
> 2024-03-12 10:24:41, Info                  CSI    0000001e Hashes for file member [l:9]'gpsvc.dll' do not match.
>  Expected: {l:32 ml:33 b:9f9db493bd7852edeeb476b924643a1d061b66984a865316ab9a4499f9c20eec}.
>  Actual: {l:32 b:29ad96df17fe3740180e56d919864ddd2c9439d1b5bfd18a0a6d2ad9f562dc5c}.
> 2024-03-12 10:24:41, Info                  CSI    0000001f [SR] Cannot repair member file [l:9]'gpsvc.dll' of Microsoft-Windows-GroupPolicy-Base, version 10.0.19041.3636, arch amd64, nonSxS, pkt {l:8 b:31bf3856ad364e35} in the store, hash mismatch
2024-03-12 10:24:41, Info                  CSI    00000020 [SR] Repair complete
2024-03-12 10:24:41, Info                  CSI    00000021 [SR] Committing transaction
2024-03-12 10:24:42, Info                  CSI    00000022 [SR] Verify and Repair Transaction completed. All files and registry keys listed in this transaction  have been successfully repaired`,
        findings: [
          {
            messageId: 'repaired',
            facts: {
              file: 'ExplorerFrame.dll',
              where: 'CBS.log:3',
              repairedBy: 'SFC',
              repairedAt: 'CBS.log:6',
            },
            code: null,
          },
          {
            messageId: 'mismatch',
            facts: {
              file: 'gpsvc.dll',
              component: 'Microsoft-Windows-GroupPolicy-Base, version 10.0.19041.3636, arch amd64',
            },
          },
        ],
      },
      {
        name: 'DISM /RestoreHealth detects the mismatch and repairs everything it detected',
        log: `2024-03-14 14:02:07, Info                  CSI    00000006@2024/3/14:13:02:07.041 Starting corruption detection (InnerFlags=5)
> 2024-03-14 14:02:31, Info                  CSI    00000007 Hashes for file member [l:17]'ExplorerFrame.dll' do not match.
>  Expected: {l:32 ml:33 b:a573b14e9281885ec2fac386c0f31e0b700bd5c7a607fc282fa649cd5e45ea71}.
>  Actual: {l:32 b:fa37977d4133e8d1339365ce5c58e2996ea66d411bfea4d92f1ba425d93136cb}.
2024-03-14 14:02:51, Info                  CSI    0000000d@2024/3/14:13:02:51.585 Corruption detection complete. numCorruptions = 1, Disp = 1.
2024-03-14 14:03:41, Info                  CBS    Checking System Update Readiness.
> 2024-03-14 14:03:41, Info                  CBS    (p)\tCSI Payload Corrupt\t(w)\t(Fixed)\tamd64_microsoft-windows-explorerframe_31bf3856ad364e35_10.0.19041.3636_none_5b6f8d2ee0a1c4a2\\ExplorerFrame.dll
2024-03-14 14:03:41, Info                  CBS    Summary:
2024-03-14 14:03:41, Info                  CBS    Operation: Detect and Repair 
2024-03-14 14:03:41, Info                  CBS    Operation result: 0x0
2024-03-14 14:03:41, Info                  CBS    Total Detected Corruption:\t1
2024-03-14 14:03:41, Info                  CBS    Total Repaired Corruption:\t1
2024-03-14 14:03:41, Info                  CBS    Total Operation Time: 95 seconds.
2024-03-14 14:03:41, Info                  CBS    Exec: Processing complete, session(Corruption Repairing): 31094612_3310456721 [HRESULT = 0x00000000 - S_OK]`,
        findings: [
          {
            messageId: 'repaired',
            facts: {
              file: 'ExplorerFrame.dll',
              component:
                'amd64_microsoft-windows-explorerframe_31bf3856ad364e35_10.0.19041.3636_none_5b6f8d2ee0a1c4a2',
              where: 'CBS.log:2',
              repairedBy: 'DISM /RestoreHealth',
              repairedAt: 'CBS.log:7',
            },
            code: null,
          },
        ],
      },
      {
        name: 'Windows 7/8.1 forms: path-form mismatch, repair line with quoted directory and file',
        log: `2014-04-03 09:56:40, Info                  CSI    00000810 [SR] Beginning Verify and Repair transaction
> 2014-04-03 09:56:48, Info                  CSI    0000081d Hashes for file member \\SystemRoot\\WinSxS\\amd64_prncacla.inf_31bf3856ad364e35_6.3.9600.16384_none_9590ba64d5b91f79\\Amd64\\CNBJ2530.DPB do not match actual file [l:36{18}]"Amd64\\CNBJ2530.DPB" :
>   Found: {l:32 b:Ka2W3xf+N0AYDlbZGYZN3SyUOdG1v9GKCm0q2fVi3Fw=} Expected: {l:32 b:n520k714Uu3utHa5JGQ6HQYbZphKhlMWq5pEmfnCDuw=}
> 2014-04-03 09:56:48, Info                  CSI    0000081e [SR] Repairing corrupted file [ml:520{260},l:76{38}]"\\??\\C:\\Windows\\System32\\spool\\drivers\\x64\\3"\\[l:24{12}]"CNBJ2530.DPB" from store
2014-04-03 09:56:49, Info                  CSI    00000820 [SR] Repair complete`,
        findings: [
          {
            messageId: 'repaired',
            facts: {
              component: 'amd64_prncacla.inf_31bf3856ad364e35_6.3.9600.16384_none_9590ba64d5b91f79',
              repairedBy: 'SFC',
              where: 'CBS.log:2',
              repairedAt: 'CBS.log:4',
            },
            code: null,
          },
        ],
      },
      {
        name: 'Win11 payload mismatch (corpus cbs01), component named by the repair warning',
        log: `> 2023-05-17 08:44:12, Info                  CSI    00000007 Hashes for file member [l:44]'FaceRecognitionEngineAdapterResources_v4.dll' do not match.
>  Expected: {l:32 ml:33 b:a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17}.
>  Actual: {l:32 b:25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf}.
2023-05-17 08:44:12, Error                 CSI    00000008@2023/5/17:15:44:12.956 (F) onecore\\base\\wcp\\rtllib\\win32lib\\delta_library.cpp(351): Error NTSTATUS_FROM_WIN32(ERROR_INVALID_DATA) originated in function Windows::Rtl::DeltaDecompressBuffer expression: x
> 2023-05-17 08:44:13, Info                  CSI    0000000b Warning: Unable to repair payload file ([l:44]'FaceRecognitionEngineAdapterResources_v4.dll') for component ([l:79 ml:140]'amd64_dual_helloface.inf_31bf3856ad364e35_10.0.22621.1635_none_1b109bcc844f4c10') from backups directory with disposition (2). A backup file may not exist or may be corrupt. Falling back to WU.`,
        findings: [
          {
            messageId: 'mismatch',
            data: {
              file: 'FaceRecognitionEngineAdapterResources_v4.dll',
              component: 'amd64_dual_helloface.inf_31bf3856ad364e35_10.0.22621.1635_none_1b109bcc844f4c10',
              expectedHash: 'a9b55797968df4e138e3b8ab5a0759889ffa7684de67f8449334360473862f17',
              actualHash: '25ca333a020fddc4543e54190d1d2091d649b4e4801355b8be8f045b0ff4bbcf',
            },
            facts: { version: '10.0.22621.1635', hashForm: 'hex' },
          },
        ],
      },
      {
        name: 'Windows 8.1 base64 form (Found/Expected), component in the path',
        log: `> 2014-04-03 09:56:48, Info                  CSI    0000081d Hashes for file member \\SystemRoot\\WinSxS\\amd64_prncacla.inf_31bf3856ad364e35_6.3.9600.16384_none_9590ba64d5b91f79\\Amd64\\CNBJ2530.DPB do not match actual file [l:36{18}]"Amd64\\CNBJ2530.DPB" :
>   Found: {l:32 b:Ka2W3xf+N0AYDlbZGYZN3SyUOdG1v9GKCm0q2fVi3Fw=} Expected: {l:32 b:n520k714Uu3utHa5JGQ6HQYbZphKhlMWq5pEmfnCDuw=}`,
        findings: [
          {
            messageId: 'mismatch',
            data: {
              component: 'amd64_prncacla.inf_31bf3856ad364e35_6.3.9600.16384_none_9590ba64d5b91f79',
              expectedHash: '9f9db493bd7852edeeb476b924643a1d061b66984a865316ab9a4499f9c20eec',
              actualHash: '29ad96df17fe3740180e56d919864ddd2c9439d1b5bfd18a0a6d2ad9f562dc5c',
            },
            facts: { hashForm: 'base64' },
          },
        ],
      },
      {
        name: 'no component named near the record',
        log: `> 2023-05-17 08:45:54, Info                  CSI    00000010 Hashes for file member [l:17]'ExplorerFrame.dll' do not match.
>  Expected: {l:32 ml:33 b:a573b14e9281885ec2fac386c0f31e0b700bd5c7a607fc282fa649cd5e45ea71}.
>  Actual: {l:32 b:fa37977d4133e8d1339365ce5c58e2996ea66d411bfea4d92f1ba425d93136cb}.`,
        findings: [{ messageId: 'mismatchFile', facts: { file: 'ExplorerFrame.dll', occurrences: '1' } }],
      },
    ],
  },
});
