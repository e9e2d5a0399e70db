// Observations: harmless context the engineer should still see, kept apart from the findings — an
// operation waiting for a restart, a component store cleanup, a failure settled by a later try, a command
// the user cancelled, Store app updates, informational findings, and the error lines that no failure
// signature explains, counted by mechanism (component and code) so noise is seen as noise.

import type { Attempt, Evidence, Finding, I18nText, Observation } from '../model/types.js';
import { pushTo } from '../timeline/group.js';

/** Error-level log lines of one mechanism (component and code) in one file, as the reader counted them. */
export interface ErrorLineCount {
  file: string;
  component: string;
  code: string | null;
  count: number;
  /** Line numbers kept (the first few thousand) so lines cited as evidence can be left out. */
  lines: number[];
  example: Evidence;
}

/** Error-line mechanisms shown in the benign-errors observation (the rest are summed). */
const SHOWN_MECHANISMS = 4;

const ex = (e: Evidence | undefined): Evidence[] => (e ? [e] : []);

/** Commands that clean the component store up (dism.log command lines); /AnalyzeComponentStore only reads. */
const CLEANUP = /StartComponentCleanup|ResetBase|SPSuperseded/i;

function plural(n: number, en: string): string {
  return `${n} ${en}${n === 1 ? '' : 's'}`;
}

/** Whether a finding is context, not a problem: informational and no root cause. */
export function isObservation(f: Pick<Finding, 'root' | 'severity'>): boolean {
  return !f.root && f.severity === 'info';
}

function findingObservation(list: Finding[]): Observation {
  const f = list[0]!;
  const kind: Observation['kind'] = f.facts.resolvedBy
    ? 'resolved'
    : f.rule === 'setup-user-cancelled'
      ? 'cancelled'
      : 'info';
  const text: I18nText =
    list.length === 1
      ? f.message
      : {
          en: `${list.length} × ${f.title.en}; first: ${f.message.en}`,
          zh: `${list.length} 处${f.title.zh}；首个：${f.message.zh}`,
        };
  return {
    kind,
    text,
    count: list.length,
    findings: list.map((x) => x.id),
    evidence: list.flatMap((x) => ex(x.evidence[0])).slice(0, 3),
  };
}

/**
 * The observations of a diagnosis: informational findings by rule and message, the attempts that say
 * something harmless, and the error lines no finding cites, by mechanism.
 */
export function observationsOf(
  findings: readonly Finding[],
  attempts: readonly Attempt[],
  errorLines: readonly ErrorLineCount[],
): Observation[] {
  const out: Observation[] = [];
  const pending = attempts.filter((a) => a.outcome === 'pending');
  if (pending.length > 0) {
    const last = pending[pending.length - 1]!;
    out.push({
      kind: 'reboot-pending',
      text: {
        en: `${plural(pending.length, 'operation')} ended waiting for a restart; the last at ${last.start ?? '?'} (${last.kb ?? last.package ?? last.kind}). Restart before the next try.`,
        zh: `${pending.length} 个操作以“待重启”结束；最后一个在 ${last.start ?? '?'}（${last.kb ?? last.package ?? last.kind}）。下次尝试前请先重启。`,
      },
      count: pending.length,
      findings: [],
      evidence: pending.flatMap((a) => ex(a.evidence[0])).slice(-3),
    });
  }
  const cleanups = attempts.filter((a) => CLEANUP.test(a.package ?? ''));
  if (cleanups.length > 0) {
    const last = cleanups[cleanups.length - 1]!;
    out.push({
      kind: 'component-cleanup',
      text: {
        en: `Component store cleanup ran ${cleanups.length} × (last ${last.start ?? '?'}, ${last.outcome}): superseded components were removed, so older updates cannot be uninstalled.`,
        zh: `组件存储清理运行了 ${cleanups.length} 次（最后一次 ${last.start ?? '?'}，结果 ${last.outcome}）：已被取代的组件被删除，旧的更新将无法卸载。`,
      },
      count: cleanups.length,
      findings: [],
      evidence: cleanups.flatMap((a) => ex(a.evidence[0])).slice(-3),
    });
  }
  const cancelled = attempts.filter((a) => a.outcome === 'cancelled');
  if (cancelled.length > 0)
    out.push({
      kind: 'cancelled',
      text: {
        en: `${plural(cancelled.length, 'command')} cancelled by the user (not failures).`,
        zh: `${cancelled.length} 个命令被用户取消（不是失败）。`,
      },
      count: cancelled.length,
      findings: [],
      evidence: cancelled.flatMap((a) => ex(a.evidence[0])).slice(0, 3),
    });
  const store = attempts.filter((a) => a.kind === 'other' && a.outcome !== 'succeeded' && a.result);
  if (store.length > 0) {
    const codes = [...new Set(store.map((a) => a.result!))].slice(0, 3).join(', ');
    out.push({
      kind: 'store-apps',
      text: {
        en: `${plural(store.length, 'Microsoft Store app or other non-servicing operation')} did not succeed (${codes}); these never make the verdict.`,
        zh: `${store.length} 个 Microsoft Store 应用或其他非系统维护操作未成功（${codes}）；不影响结论。`,
      },
      count: store.length,
      findings: [],
      evidence: store.flatMap((a) => ex(a.evidence[0])).slice(0, 3),
    });
  }
  const infos = new Map<string, Finding[]>();
  for (const f of findings) if (isObservation(f)) pushTo(infos, `${f.rule}|${f.messageId}`, f);
  for (const list of infos.values()) out.push(findingObservation(list));
  const benign = benignErrors(findings, errorLines);
  if (benign) out.push(benign);
  return out;
}

/** Error lines that no finding cites, by mechanism, as one observation (null when there are none). */
function benignErrors(findings: readonly Finding[], counts: readonly ErrorLineCount[]): Observation | null {
  const cited = new Set<string>();
  for (const f of findings) {
    for (const e of f.evidence) cited.add(`${e.file}:${e.line}`);
    for (const l of f.chain) for (const e of l.evidence) cited.add(`${e.file}:${e.line}`);
  }
  const rest = counts
    .map((c) => ({ ...c, count: c.count - c.lines.filter((n) => cited.has(`${c.file}:${n}`)).length }))
    .filter((c) => c.count > 0);
  // The same mechanism in several files is one.
  const byMechanism = new Map<string, typeof rest>();
  for (const c of rest) pushTo(byMechanism, `${c.component}|${c.code ?? ''}`, c);
  const mechanisms = [...byMechanism.values()]
    .map((list) => ({ list, count: list.reduce((s, c) => s + c.count, 0) }))
    .sort((a, b) => b.count - a.count);
  const total = mechanisms.reduce((s, m) => s + m.count, 0);
  if (total === 0) return null;
  const shown = mechanisms.slice(0, SHOWN_MECHANISMS).map((m) => {
    const c = m.list[0]!;
    return `${c.component || '?'} ${c.code ?? 'no code'} × ${m.count}`;
  });
  const more = mechanisms.length > SHOWN_MECHANISMS ? `, +${mechanisms.length - SHOWN_MECHANISMS}` : '';
  return {
    kind: 'benign-errors',
    text: {
      en: `${plural(total, 'error line')} that no failure signature explains (routine probing and retries): ${shown.join(', ')}${more}.`,
      zh: `${total} 行错误日志不符合任何失败特征（例行探测与重试）：${shown.join('，')}${more}。`,
    },
    count: total,
    findings: [],
    evidence: mechanisms.slice(0, 3).map((m) => m.list[0]!.example),
  };
}
