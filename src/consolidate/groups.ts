// Findings grouped by mechanism: the consolidated reports show one group where the analysis found many
// findings of one kind (the hash mismatches of one scan, the corrupt payloads of a repair, the failed
// tries of one update). Every finding is in exactly one group; the findings themselves stay whole.

import type { Finding, FindingGroup, I18nText } from '../model/types.js';
import { pushTo } from '../timeline/group.js';

/** Evidence lines a group keeps for the consolidated view (each finding keeps all of its own). */
const GROUP_EVIDENCE = 3;

/** What a finding is about, in one string: component, file, package, KB or path. */
export function mainItem(f: Pick<Finding, 'facts'>): string | null {
  const x = f.facts;
  return x.component ?? x.file ?? x.package ?? x.kb ?? x.path ?? x.update ?? null;
}

/** One mechanism: the rule and message, whether a root cause, the severity and the code. */
function keyOf(f: Finding): string {
  return [f.rule, f.messageId, f.root ? 'root' : 'other', f.severity, f.code ?? ''].join('|');
}

function countText(n: number, title: I18nText, first: I18nText): I18nText {
  return {
    en: `${n} × ${title.en}; first: ${first.en}`,
    zh: `${n} 处${title.zh}；首个：${first.zh}`,
  };
}

/** The findings grouped by mechanism, in the order of each group's first finding. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) pushTo(byKey, keyOf(f), f);
  const out: FindingGroup[] = [];
  for (const list of byKey.values()) {
    const f = list[0]!;
    const items = [...new Set(list.map(mainItem).filter((x): x is string => !!x))];
    const codes = [...new Set(list.map((x) => x.code).filter((c): c is string => !!c))];
    const times = list
      .map((x) => x.time)
      .filter((t): t is string => !!t)
      .sort();
    // Evidence from different findings first: one line of each, then more of the first.
    const evidence = list
      .map((x) => x.evidence[0])
      .filter((e) => e !== undefined)
      .slice(0, GROUP_EVIDENCE);
    for (const e of f.evidence) {
      if (evidence.length >= GROUP_EVIDENCE) break;
      if (!evidence.some((x) => x.file === e.file && x.line === e.line)) evidence.push(e);
    }
    out.push({
      id: `g${out.length + 1}`,
      rule: f.rule,
      title: f.title,
      message: list.length === 1 ? f.message : countText(list.length, f.title, f.message),
      severity: f.severity,
      root: f.root,
      codes,
      findings: list.map((x) => x.id),
      items,
      first: times[0] ?? null,
      last: times[times.length - 1] ?? null,
      evidence,
    });
  }
  return out;
}
