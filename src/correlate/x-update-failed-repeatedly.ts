// The same update failing again and again: how many tries, first and last, with which codes, told across
// every source (a try seen in WindowsUpdate.log, CBS.log and the event log counts once). The same code on
// every try means retrying without a change will not help (corpus evtx01: KB4025342 four times 0x80248007).

import type { Finding, I18nText } from '../model/types.js';
import { both, phrase, report } from '../rules/define-story-rule.js';
import { type CrossContext, showTime } from './context.js';
import { defineCheck } from './define-check.js';
import { eventExport } from './case-logs.js';

export const MIN_FAILURES = 2;

function run(ctx: CrossContext): Finding[] {
  const out: Finding[] = [];
  const byId = new Map(ctx.attempts.map((a) => [a.id, a]));
  for (const h of ctx.histories) {
    if (h.failures < MIN_FAILURES) continue;
    const failed = h.occurrences.filter((o) => o.outcome === 'failed' || o.outcome === 'retried');
    // Failures the history counts may all have been superseded or interrupted: nothing repeated then.
    if (failed.length === 0) continue;
    // One source's finding that already counts every try (an event log's "failed 4 times") says it all.
    const perTry = failed.map((o) => new Set(o.attempts.flatMap((id) => byId.get(id)?.findings ?? [])));
    if ([...perTry[0]!].some((f) => perTry.every((s) => s.has(f)))) continue;
    const codes = [...new Set(failed.flatMap((o) => o.codes.slice(0, 1)))];
    const same = codes.length === 1;
    const installedLater = h.lastOutcome === 'succeeded' || h.lastOutcome === 'pending';
    const ids = new Set(failed.flatMap((o) => o.attempts));
    const evidence = ctx.attempts
      .filter((a) => ids.has(a.id))
      .flatMap((a) => a.evidence.slice(-1))
      .slice(0, 8);
    const what = h.kb && h.title && !h.title.includes(h.kb) ? `${h.kb} (${h.title})` : (h.title ?? h.update);
    const first = showTime(failed[0]!.start);
    const last = showTime(failed[failed.length - 1]!.start);
    const files = new Set(failed.flatMap((o) => o.files));
    const codeList = same
      ? phrase(check, 'eachTime', { code: codes[0]! })
      : phrase(
          check,
          'withCodes',
          codes.length > 0
            ? { codes: codes.join(', '), codesZh: codes.join('、') }
            : both('codes', phrase(check, 'noCode')),
        );
    const logs = phrase(check, files.size === 1 ? 'oneLog' : 'logs', { n: String(files.size) });
    out.push(
      report(
        check,
        installedLater ? 'thenInstalled' : same ? 'sameCode' : 'codes',
        {
          what,
          failures: String(failed.length),
          first,
          last,
          ...both('codes', codeList),
          ...both('logs', logs),
        },
        {
          id: ctx.nextId(),
          code: codes[0] ?? null,
          codeName: null,
          facts: {
            kb: h.kb ?? undefined,
            title: h.title ?? undefined,
            failures: String(failed.length),
            first,
            last,
            codes: codes.join(', '),
          },
          evidence,
          attempts: [...ids],
          time: failed[0]!.start,
        },
      ),
    );
  }
  return out;
}

/** A message: the update, how many tries failed, when, with which codes, told by how many logs; then `note`. */
function tries(note: I18nText): I18nText {
  return {
    en: `{{what}} failed {{failures}} times, first {{first}}, last {{last}}, {{codes}} (told by {{logs}}; a try seen in several logs counts once).${note.en}`,
    zh: `{{what}} 共失败 {{failures}} 次，首次 {{first}}，最近 {{last}}，{{codesZh}}（来自 {{logsZh}}；同一次尝试出现在多个日志中只计一次）。${note.zh}`,
  };
}

const KB5032196 = '2023-11 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5032196)';

/** WindowsUpdate.log: KB5032196's download fails with 0x80248007. */
const WU_DOWNLOAD = `
2024/01/16 09:12:40.1180417 6720  5352  Agent           Title = 2023-11 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5032196)
2024/01/16 09:12:40.1180533 6720  5352  Agent           UpdateId = {6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11}.200
> 2024/01/16 09:41:17.0051932 6720  7364  DownloadManager *FAILED* [80248007] Error occurred while downloading update 6B5F2B6A-0E23-4C4D-9E8E-2B6E1E0C5F11.200; notifying dependent calls.`;

const check = defineCheck({
  id: 'x-update-failed-repeatedly',
  meta: {
    severity: 'warning',
    confidence: 'high',
    root: false,
    summary: { en: 'The same update fails repeatedly', zh: '同一更新反复安装失败' },
    codes: [],
    mechanism:
      'Tries at one update counted across logs (a try several logs tell counts once), with first and last time and whether the code is the same each time; said only when no single source already counts them.',
  },
  messages: {
    sameCode: tries({
      en: ' The same code every time: retrying without a change will not help.',
      zh: '每次错误相同：不做任何改变直接重试不会成功。',
    }),
    codes: tries({ en: '', zh: '' }),
    thenInstalled: {
      ...tries({ en: ' A later try installed it.', zh: '之后的尝试已安装成功。' }),
      severity: 'info',
    },
  },
  phrases: {
    eachTime: { en: 'each time with {{code}}', zh: '每次错误均为 {{code}}' },
    withCodes: { en: 'with {{codes}}', zh: '错误为 {{codesZh}}' },
    noCode: { en: 'no code', zh: '无代码' },
    oneLog: { en: '{{n}} log', zh: '{{n}} 个日志' },
    logs: { en: '{{n}} logs', zh: '{{n}} 个日志' },
  },
  run,
  cases: {
    valid: [
      {
        name: 'one event log counts its own four failures (corpus evtx01): nothing more to say',
        files: { 'System.evtx': { corpus: 'evtx01-omerbenamram-w10-1703-kb4025342-80248007/system.evtx' } },
      },
      {
        name: 'one failure only',
        files: { 'WindowsUpdate.log': WU_DOWNLOAD.replace(/^> /m, '') },
      },
    ],
    invalid: [
      {
        name: 'KB5032196: the download fails (WindowsUpdate.log), the next day the install fails with the same code (event 20)',
        files: {
          'WindowsUpdate.log': WU_DOWNLOAD,
          'System.txt': eventExport([
            { date: '2024-01-17T02:00:00.0000000Z', code: '0x80248007', title: KB5032196, mark: true },
          ]),
        },
        findings: [{ messageId: 'sameCode', code: '0x80248007', facts: { kb: 'KB5032196', failures: '2' } }],
      },
      {
        name: 'different codes on each try',
        files: {
          'WindowsUpdate.log': WU_DOWNLOAD,
          'System.txt': eventExport([
            { date: '2024-01-17T02:00:00.0000000Z', code: '0x80070570', title: KB5032196, mark: true },
          ]),
        },
        findings: [{ messageId: 'codes', facts: { codes: '0x80248007, 0x80070570' } }],
      },
      {
        name: 'two failures, then the update installs (event 19)',
        files: {
          'WindowsUpdate.log': WU_DOWNLOAD,
          'System.txt': eventExport([
            { date: '2024-01-17T02:00:00.0000000Z', code: '0x80248007', title: KB5032196, mark: true },
            { date: '2024-01-18T02:00:00.0000000Z', code: null, title: KB5032196 },
          ]),
        },
        findings: [{ messageId: 'thenInstalled', facts: { failures: '2' } }],
      },
    ],
  },
});

export default check;
