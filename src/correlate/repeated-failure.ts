// The same update failing again and again: how many tries, first and last, with which codes, told across
// every source (a try seen in WindowsUpdate.log, CBS.log and the event log counts once). The same code on
// every try means retrying without a change will not help (corpus evtx01: KB4025342 four times 0x80248007).

import type { Finding } from '../model/types.js';
import { type CrossContext, crossFinding, showTime } from './context.js';

export const MIN_FAILURES = 2;

export function repeatedFailures(ctx: CrossContext): Finding[] {
  const out: Finding[] = [];
  const byId = new Map(ctx.attempts.map((a) => [a.id, a]));
  for (const h of ctx.histories) {
    if (h.failures < MIN_FAILURES) continue;
    const failed = h.occurrences.filter((o) => o.outcome === 'failed' || o.outcome === 'retried');
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
    out.push(
      crossFinding({
        id: ctx.nextId(),
        rule: 'x-update-failed-repeatedly',
        messageId: installedLater ? 'thenInstalled' : same ? 'sameCode' : 'codes',
        severity: installedLater ? 'info' : 'warning',
        confidence: 'high',
        root: false,
        code: codes[0] ?? null,
        message: {
          en:
            `${what} failed ${failed.length} times, first ${first}, last ${last}, ` +
            (same ? `each time with ${codes[0]}` : `with ${codes.join(', ') || 'no code'}`) +
            ` (told by ${files.size} ${files.size === 1 ? 'log' : 'logs'}; a try seen in several logs counts once).` +
            (installedLater
              ? ' A later try installed it.'
              : same
                ? ' The same code every time: retrying without a change will not help.'
                : ''),
          zh:
            `${what} 共失败 ${failed.length} 次，首次 ${first}，最近 ${last}，` +
            (same ? `每次错误均为 ${codes[0]}` : `错误为 ${codes.join('、') || '无代码'}`) +
            `（来自 ${files.size} 个日志；同一次尝试出现在多个日志中只计一次）。` +
            (installedLater
              ? '之后的尝试已安装成功。'
              : same
                ? '每次错误相同：不做任何改变直接重试不会成功。'
                : ''),
        },
        title: { en: 'The same update fails repeatedly', zh: '同一更新反复安装失败' },
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
      }),
    );
  }
  return out;
}
