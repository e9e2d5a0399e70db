// A download that failed, then an install of the same update that could not find or read its content
// (seed 004: 0x80248007 while downloading KB5032196 on 12/28, then CBS 0x80070490 installing it on 12/29
// from the incomplete cache). The install error is a consequence: clear the download cache and fetch the
// update again (or install the standalone package) before repairing anything in WinSxS.

import type { ChainLink, Finding } from '../model/types.js';
import { isContentBroken, isDownloadSide } from '../knowledge/code-classes.js';
import { codeInfo } from '../knowledge/codes.js';
import { writtenMs } from '../timeline/clock.js';
import { both, phrase, report } from '../rules/define-story-rule.js';
import { type CrossContext, showTime } from './context.js';
import { defineCheck } from './define-check.js';

/** A later install counts when it starts within this long after the failed download. */
const WINDOW_MS = 14 * 24 * 3600_000;

function run(ctx: CrossContext): Finding[] {
  const out: Finding[] = [];
  const byId = new Map(ctx.attempts.map((a) => [a.id, a]));
  for (const h of ctx.histories) {
    const members = h.occurrences.flatMap((o) => o.attempts.map((id) => ({ o, a: byId.get(id)! })));
    const when = (a: (typeof members)[number]['a']): number => writtenMs(a.startUtc ?? a.start ?? '');
    const downloads = members.filter(
      ({ a }) =>
        a.outcome === 'failed' &&
        (a.kind === 'download' || (a.kind === 'package' && !a.session && isDownloadSide(a.result))),
    );
    const installs = members.filter(
      ({ a }) =>
        a.kind === 'package' &&
        (a.outcome === 'failed' || a.outcome === 'retried') &&
        isContentBroken(a.result),
    );
    // Every failed download is paired with the first content-broken install after it, within the window.
    let pair: { download: (typeof members)[number]; install: (typeof members)[number] } | null = null;
    for (const download of downloads) {
      const t0 = when(download.a);
      const install = installs.find(
        ({ a }) => a !== download.a && when(a) >= t0 && when(a) - t0 <= WINDOW_MS,
      );
      if (install) {
        pair = { download, install };
        break;
      }
    }
    if (!pair) continue;
    const { download, install } = pair;
    const d = download.a;
    const i = install.a;
    const data = {
      what: h.kb ?? h.title ?? h.update,
      downloadTime: showTime(d.startUtc ?? d.start),
      downloadCode: String(d.result),
      downloadName: codeInfo(d.result ?? '')?.name ?? '',
      installTime: showTime(i.startUtc ?? i.start),
      installCode: String(i.result),
      installName: codeInfo(i.result ?? '')?.name ?? '',
    };
    const chain: ChainLink[] = [
      { text: phrase(check, 'installFailed', data), code: i.result, evidence: i.evidence.slice(-3) },
    ];
    // The install's own root finding is a consequence here: fold it under this one.
    const rootOfInstall = ctx.findings.find((f) => f.root && f.attempts.includes(i.id));
    const consequence = rootOfInstall
      ? phrase(check, 'consequence', both('title', rootOfInstall.title))
      : { en: '', zh: '' };
    out.push(
      report(
        check,
        'partialCache',
        { ...data, ...both('consequence', consequence) },
        {
          id: ctx.nextId(),
          code: d.result,
          facts: {
            kb: h.kb ?? undefined,
            title: h.title ?? undefined,
            downloadCode: d.result ?? undefined,
            installCode: i.result ?? undefined,
            downloadTime: data.downloadTime,
            installTime: data.installTime,
          },
          evidence: [...d.evidence.slice(-2), ...i.evidence.slice(-2)],
          chain,
          attempts: [d.id, i.id],
          time: d.startUtc ?? d.start,
        },
      ),
    );
  }
  return out;
}

// seed 004's Windows Update side, in the Get-WindowsUpdateLog shapes of corpus wu01/wu02 (GUID made up).
const WU_SEED_004 = `
2024/01/16 09:12:03.4411021 6720  5352  Agent           * START * Finding updates CallerId = UpdateOrchestrator  Id = 12
2024/01/16 09:12:40.1180417 6720  5352  Agent           Title = 2023-11 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5032196)
2024/01/16 09:12:40.1180533 6720  5352  Agent           UpdateId = {6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11}.200
2024/01/16 09:12:40.2203310 6720  5352  Agent           * END * Finding updates CallerId = UpdateOrchestrator  Id = 12, Exit code = 0x00000000
2024/01/16 09:13:02.5512203 6720  7364  DownloadManager Preparing update for download: updateId = 6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11.200
2024/01/16 09:41:17.0034471 6720  7364  DownloadManager *FAILED* [80248007] Failed to get the update's metadata for update 6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11.200
> 2024/01/16 09:41:17.0051932 6720  7364  DownloadManager *FAILED* [80248007] Error occurred while downloading update 6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11.200; notifying dependent calls.
2024/01/16 09:41:17.0102284 6720  5352  Agent           WU client calls back to download call {53490DFC-5A44-4060-B5BC-6873AAAE6215} with code Call complete and error 0x80248007`;

const check = defineCheck({
  id: 'x-download-then-install-failed',
  meta: {
    severity: 'error',
    confidence: 'medium',
    root: true,
    summary: {
      en: 'Failed download, then a failed install from the partial cache',
      zh: '下载失败后使用不完整缓存安装失败',
    },
    codes: [],
    mechanism:
      'A Windows Update download of a KB fails; a later install of the same KB fails with a missing or damaged-content code (0x80070490, 0x80073712, 0x800f0986 …): the install read an incomplete cache.',
    references: ['seed 004'],
  },
  messages: {
    partialCache: {
      en:
        '{{what}} failed to download at {{downloadTime}} with {{downloadCode}} {{downloadName}}, and the install ' +
        'that followed at {{installTime}} failed with {{installCode}} {{installName}}: it most likely ran from ' +
        'an incomplete download cache. Clear SoftwareDistribution\\Download and fetch the update again (or install ' +
        'the standalone package) before repairing the component store.{{consequence}}',
      zh:
        '{{what}} 在 {{downloadTime}} 下载失败（{{downloadCode}} {{downloadName}}），随后 {{installTime}} ' +
        '的安装失败（{{installCode}} {{installName}}）：安装很可能使用了不完整的下载缓存。请先清空 SoftwareDistribution\\Download ' +
        '并重新下载（或安装独立安装包），再考虑修复组件存储。{{consequenceZh}}',
    },
  },
  phrases: {
    consequence: {
      en: " CBS's own finding ({{title}}) is the consequence to check if it persists.",
      zh: 'CBS 侧的发现（{{titleZh}}）是其后果，若重新下载后仍出现再处理。',
    },
    /** The chain's link: the install that failed. */
    installFailed: {
      en: '{{installTime}}: the install of {{what}} failed with {{installCode}} {{installName}}',
      zh: '{{installTime}}：{{what}} 安装失败，错误 {{installCode}} {{installName}}',
    },
  },
  run,
  cases: {
    valid: [
      {
        name: 'the download failed once, then the whole update was downloaded: the install failure has another cause',
        files: {
          'WindowsUpdate.log': `${WU_SEED_004.replace(/^> /m, '')}
2024/01/16 10:02:55.3170000 6720  7364  DownloadManager All files for update 6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11.200 were already downloaded and are valid.`,
          'CBS.log': { fixture: 'fixtures/seeds/seed-004-not-found.log' },
        },
      },
      {
        name: 'the failed install is another update',
        files: {
          'WindowsUpdate.log': WU_SEED_004.replace(/^> /m, ''),
          'CBS.log': { fixture: 'fixtures/seeds/seed-003-manifest-hash.log' },
        },
      },
    ],
    invalid: [
      {
        name: 'an earlier, unrelated download failure does not hide the pair',
        files: {
          'WindowsUpdate.log': `2023/10/01 09:00:00.0000000 6720  7364  DownloadManager *FAILED* [80246008] Error occurred while downloading update 6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11.200; notifying dependent calls.\n${WU_SEED_004}`,
          'CBS.log': { fixture: 'fixtures/seeds/seed-004-not-found.log' },
        },
        findings: [{ messageId: 'partialCache', code: '0x80248007' }],
      },
      {
        name: 'the download failure told by the WindowsUpdateClient Operational log (event 31, XML export)',
        files: {
          'Operational.xml': `> <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-WindowsUpdateClient' Guid='{945a8954-c147-4acd-923f-40c45405a658}'/><EventID>31</EventID><Version>1</Version><Level>2</Level><Task>1</Task><Opcode>13</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2024-01-16T01:41:17.0051932Z'/><EventRecordID>812</EventRecordID><Correlation/><Execution ProcessID='6720' ThreadID='7364'/><Channel>Microsoft-Windows-WindowsUpdateClient/Operational</Channel><Computer>PC-0042</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='errorCode'>0x80248007</Data><Data Name='updateTitle'>2023-11 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5032196)</Data><Data Name='updateGuid'>{6b5f2b6a-0e23-4c4d-9e8e-2b6e1e0c5f11}</Data><Data Name='updateRevisionNumber'>200</Data></EventData></Event>`,
          'CBS.log': { fixture: 'fixtures/seeds/seed-004-not-found.log' },
        },
        findings: [{ messageId: 'partialCache', code: '0x80248007', facts: { kb: 'KB5032196' } }],
      },
      {
        name: 'seed 004: KB5032196 fails to download (0x80248007), the next day CBS cannot find its component (0x80070490)',
        files: {
          'WindowsUpdate.log': WU_SEED_004,
          'CBS.log': { fixture: 'fixtures/seeds/seed-004-not-found.log' },
        },
        findings: [
          {
            messageId: 'partialCache',
            code: '0x80248007',
            facts: { kb: 'KB5032196', installCode: '0x80070490' },
          },
        ],
      },
    ],
  },
});

export default check;
