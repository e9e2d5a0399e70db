// Failures the event log or Windows Update records, whose CBS side is not in the bundle: no CBS log at all,
// or the CBS logs start after the failure (the lines rotated into CbsPersist files that were not collected)
// or end before it. The diagnosis then stops at the update-level code; say which logs are missing and what
// to collect (seed 001: CBS.log had rotated, the event log held 0x80070570).

import type { Finding, I18nText } from '../model/types.js';
import { both, phrase, report } from '../rules/define-story-rule.js';
import { toUtc, writtenMs } from '../timeline/clock.js';
import { type CrossContext, CBS_KINDS, showTime } from './context.js';
import { defineCheck } from './define-check.js';
import { eventExport } from './case-logs.js';

const COLLECT =
  '%windir%\\Logs\\CBS\\ (CBS.log and every CbsPersist_*.log/.cab), %windir%\\Logs\\DISM\\dism.log, ' +
  '%windir%\\SoftwareDistribution\\ReportingEvents.log, Get-WindowsUpdateLog output, System and Setup .evtx';

/** A failure this close to a CBS log's first or last line counts as covered by it. */
const SLACK_MS = 60_000;

function run(ctx: CrossContext): Finding[] {
  // dism.log does not carry the CBS lines of an update install: only CBS logs count.
  const cbs = ctx.sources
    .filter((s) => s.kind === 'cbs')
    .map((s) => ({
      s,
      from: writtenMs(toUtc(s.first, s.utcOffsetMinutes) ?? s.first ?? ''),
      to: writtenMs(toUtc(s.last, s.utcOffsetMinutes) ?? s.last ?? ''),
    }))
    .filter((c) => !Number.isNaN(c.from) && !Number.isNaN(c.to))
    .map((c) => (c.to < c.from ? { ...c, from: c.to, to: c.from } : c));
  const byId = new Map(ctx.attempts.map((a) => [a.id, a]));
  type Why = 'none' | 'before' | 'after' | 'gap';
  const uncovered: { id: string; at: string | null; code: string | null; what: string; why: Why }[] = [];
  for (const h of ctx.histories) {
    for (const o of h.occurrences) {
      if (o.outcome !== 'failed') continue;
      const members = o.attempts.map((id) => byId.get(id)!);
      // Told by CBS already, or a failure CBS never sees (a download, a detection): nothing to collect.
      if (
        members.some(
          (a) => a.session || CBS_KINDS.has(ctx.sources.find((s) => s.file === a.file)?.kind ?? ''),
        )
      )
        continue;
      // Only updates CBS installs (they carry a KB): drivers and feature updates never reach CBS.log.
      if (!h.kb || !members.some((a) => a.kind === 'package')) continue;
      const at = writtenMs(o.start ?? '');
      if (Number.isNaN(at)) continue;
      if (cbs.some((c) => at >= c.from - SLACK_MS && at <= c.to + SLACK_MS)) continue;
      const why: Why =
        cbs.length === 0
          ? 'none'
          : cbs.every((c) => at < c.from)
            ? 'before'
            : cbs.every((c) => at > c.to)
              ? 'after'
              : 'gap';
      uncovered.push({
        id: members[0]!.id,
        at: o.start,
        code: o.codes[0] ?? null,
        what: h.kb ?? h.title ?? h.update,
        why,
      });
    }
  }
  if (uncovered.length === 0) return [];
  const first = uncovered[0]!;
  // On the same clock as the failures: UTC when the CBS log's offset is known.
  const earliest = showTime(
    cbs
      .map((c) => toUtc(c.s.first, c.s.utcOffsetMinutes) ?? c.s.first)
      .filter((t): t is string => !!t)
      .sort()[0] ?? null,
  );
  const why: Why = first.why;
  const list = uncovered
    .slice(0, 5)
    .map((u) => `${u.what} ${u.code ?? ''} ${showTime(u.at)}`.replace(/\s+/g, ' '))
    .join('; ');
  const n = String(uncovered.length);
  return [
    report(
      check,
      why,
      {
        ...both('failed', phrase(check, uncovered.length === 1 ? 'oneFailed' : 'failed', { n })),
        list,
        earliest,
      },
      {
        id: ctx.nextId(),
        code: first.code,
        codeName: null,
        facts: { failures: n, missing: why, collect: COLLECT },
        evidence: uncovered.slice(0, 5).flatMap((u) => byId.get(u.id)!.evidence.slice(-1)),
        attempts: uncovered.map((u) => u.id),
        time: first.at,
      },
    ),
  ];
}

/** A message: how many failures lie outside CBS, why the CBS lines are missing, and what to collect. */
function missing(why: I18nText): I18nText {
  return {
    en: `{{failed}} recorded outside CBS ({{list}}), but ${why.en}. The component or file behind the code cannot be named from this bundle: collect ${COLLECT} — right after reproducing the failure.`,
    zh: `{{failedZh}}记录在 CBS 之外（{{list}}），但${why.zh}。仅凭此日志包无法定位错误背后的组件或文件：请在复现失败后立即收集 ${COLLECT}。`,
  };
}

/** seed 001: the event log holds KB5015811 failing twice with 0x80070570. */
const KB5015811 = '2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)';
const EVENTS_SEED_001 = eventExport([
  { date: '2022-07-20T02:11:09.1230000Z', code: '0x80070570', title: KB5015811, mark: true },
  { date: '2022-07-21T02:40:51.0000000Z', code: '0x80070570', title: KB5015811, mark: true },
]);

/** A CBS.log of one TrustedInstaller run from `start` to `end` (`YYYY-MM-DD HH:MM:SS`). */
function cbsLog(start: string, end: string): string {
  return `
${start}, Info                  CBS    Starting TrustedInstaller initialization.
${start}, Info                  CBS    TrustedInstaller service starts successfully.
${end}, Info                  CBS    Ending TrustedInstaller finalization.`;
}

const check = defineCheck({
  id: 'x-cbs-lines-missing',
  meta: {
    severity: 'warning',
    confidence: 'high',
    root: false,
    summary: { en: 'CBS lines of the failure are not in the bundle', zh: '日志包缺少失败时的 CBS 记录' },
    codes: [],
    mechanism:
      'Install failures of KB updates recorded in event logs or Windows Update logs at a time no CBS log of the bundle covers (no CBS log, rotated away, a gap, copied before the failure): the component behind the code cannot be named; say what to collect.',
    references: ['seed 001'],
  },
  messages: {
    none: missing({ en: 'the bundle holds no CBS log', zh: '日志包中没有 CBS 日志' }),
    before: missing({
      en: 'the CBS logs in the bundle start later ({{earliest}}): the lines of the failure have rotated into CbsPersist files that were not collected',
      zh: '包中的 CBS 日志开始得更晚（{{earliest}}）：失败时的记录已轮转进未收集的 CbsPersist 文件',
    }),
    after: missing({
      en: 'the CBS logs in the bundle end before the failure: they were copied earlier than the failure happened',
      zh: '包中的 CBS 日志在失败之前就结束了：日志是在失败发生前复制的',
    }),
    gap: missing({
      en: 'the failure falls between the CBS logs in the bundle: the CbsPersist file of that time was not collected',
      zh: '失败时间落在包中各 CBS 日志之间：当时的 CbsPersist 文件未被收集',
    }),
  },
  phrases: {
    oneFailed: { en: '{{n}} failed install is', zh: '有 {{n}} 次安装失败' },
    failed: { en: '{{n}} failed installs are', zh: '有 {{n}} 次安装失败' },
  },
  run,
  cases: {
    valid: [
      {
        name: 'the CBS log covers the failures',
        files: {
          'System.txt': EVENTS_SEED_001.replace(/^> /gm, ''),
          'CBS.log': cbsLog('2022-07-20 00:00:01', '2022-07-21 09:05:02'),
        },
      },
    ],
    invalid: [
      {
        name: 'seed 001: the CBS.log in the bundle starts after the failures (rotated away)',
        files: {
          'System.txt': EVENTS_SEED_001,
          'CBS.log': cbsLog('2022-07-25 09:00:01', '2022-07-25 09:05:02'),
        },
        findings: [{ messageId: 'before', code: '0x80070570', facts: { failures: '2' } }],
      },
      {
        name: 'the failures fall between a rotated log and the live log: the CbsPersist of that time is missing',
        files: {
          'System.txt': EVENTS_SEED_001,
          'CbsPersist_20220701090502.log': cbsLog('2022-07-01 09:00:01', '2022-07-01 09:05:02'),
          'CBS.log': cbsLog('2022-07-25 09:00:01', '2022-07-25 09:05:02'),
        },
        findings: [{ messageId: 'gap' }],
      },
      {
        name: 'no CBS log at all',
        files: { 'System.txt': EVENTS_SEED_001 },
        findings: [{ messageId: 'none', facts: { failures: '2' } }],
      },
      {
        name: 'the CBS log was copied before the failures',
        files: {
          'System.txt': EVENTS_SEED_001,
          'CBS.log': cbsLog('2022-07-01 09:00:01', '2022-07-01 09:05:02'),
        },
        findings: [{ messageId: 'after' }],
      },
    ],
  },
});

export default check;
