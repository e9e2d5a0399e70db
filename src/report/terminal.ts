// Terminal report: pure (diagnosis, {lang, color}) => string. Verdict first, one line per failed
// operation, then each finding with its facts, causal chain and evidence (file:line). Log text is
// untrusted: control characters are neutralised so a log cannot drive the terminal.

import type { Attempt, Diagnosis, Finding, I18nText, Lang } from '../model/types.js';
import { familyName } from '../consolidate/machines.js';
import { cl, groupNumbers, itemsText, roleOf, shownGroups, spanText, verdictLines } from './consolidated.js';
import { clockText, factKeys, historiesToShow, historyText, label, LABELS, outcomeText } from './labels.js';
import { safeText } from './safe-text.js';

export interface TextOptions {
  lang: Lang;
  color: boolean;
  /** Append every finding, operation and per-cause plan to the consolidated view. */
  verbose?: boolean;
  /** Evidence lines shown per finding (default 8). */
  maxEvidence?: number;
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

// The shared labels, with the terminal's own words where a dense text report wants them (lower case
// inline, a shouting FAILED).
const L = {
  ...LABELS,
  failed: { en: 'FAILED', zh: '失败' },
  healthy: { en: 'no failure found', zh: '未发现失败' },
  repaired: { en: 'repaired', zh: '已修复' },
  unreadable: { en: 'could not read the input', zh: '无法读取输入' },
  failedOps: { en: 'Failed operations', zh: '失败的操作' },
  rootCause: { en: 'root cause', zh: '根因' },
  chain: { en: 'causal chain', zh: '因果链' },
  evidence: { en: 'evidence', zh: '证据' },
  operations: { en: 'Operations reconstructed', zh: '还原的操作' },
  sources: { en: 'Sources', zh: '来源' },
  noFindings: { en: 'No failure signature found.', zh: '未发现失败特征。' },
  info: { en: 'info', zh: '信息' },
  more: { en: 'more lines', zh: '行未显示' },
  lines: { en: 'lines', zh: '行' },
  stack: { en: 'servicing stack', zh: '服务堆栈' },
  plan: { en: 'What to do', zh: '处理方案' },
} as const;

const MAX_TERMINAL_FINDINGS = 60;

/** Groups, items, steps' commands and histories the consolidated text shows at most. */
const MAX_GROUPS = 12;
const MAX_ITEMS = 4;
const MAX_STEP_COMMANDS = 3;
const MAX_HISTORIES = 6;
const MAX_PROBLEMS = 6;

/**
 * The terminal report: the consolidated view (verdict in five lines, findings grouped by mechanism,
 * observations, the machine's one plan); with `verbose`, every finding, operation and per-cause plan after it.
 */
export function renderText(d: Diagnosis, opts: TextOptions): string {
  const { lang } = opts;
  const st = styles(opts.color);
  const out: string[] = [];
  const srcs = d.sources.map(
    (s) => `${safeText(s.file)} (${(s.bytes / 1e6).toFixed(1)} MB, ${s.lines} ${L.lines[lang]})`,
  );
  out.push(st.dim(`patchdx ${d.tool.version} — ${clip(srcs.join(', '), 400) || '-'}`));
  if (d.machines && d.machines.length > 1) {
    out.push(...consolidatedText(d, opts, st, true));
    out.push(st.bold(cl('mixed', lang)));
    for (const x of d.diagnostics.filter((x) => x.level === 'error'))
      out.push(`  ${x.level}: ${safeText(x.file)} — ${safeText(clip(x.message, 600))}`);
    out.push('');
    for (const m of d.machines) {
      const label = [m.computer, m.build ? familyName(m.build) : null].filter((x) => x).join(', ') || '?';
      out.push(
        st.bold(
          `══ ${cl('machineOf', lang)} ${m.id}: ${safeText(label)} — ${safeText(clip(m.files.join(', '), 200))}`,
        ),
      );
      out.push(...consolidatedText(m.diagnosis, opts, st, false));
    }
  } else out.push(...consolidatedText(d, opts, st, false));
  if (opts.verbose) {
    out.push(st.bold(`── ${cl('details', lang)} ──`), '');
    out.push(renderDetailText(d, opts).replace(/^[^\n]*\n/, ''));
  } else out.push(st.dim(cl('verbose', lang)));
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

interface Styles {
  bold: (s: string) => string;
  red: (s: string) => string;
  green: (s: string) => string;
  dim: (s: string) => string;
}

function styles(color: boolean): Styles {
  const c = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: (s) => c('1', s), red: (s) => c('31', s), green: (s) => c('32', s), dim: (s) => c('2', s) };
}

/** Verdict, machine, grouped findings, observations, the one plan, histories, sources and problems. */
function consolidatedText(d: Diagnosis, opts: TextOptions, st: Styles, headOnly: boolean): string[] {
  const { lang } = opts;
  const t = (k: keyof typeof L): string => L[k][lang];
  const out: string[] = [];
  const verdictWord =
    d.verdict === 'failed'
      ? st.red(st.bold(t('failed')))
      : d.verdict === 'unreadable'
        ? st.red(t('unreadable'))
        : st.green(t(d.verdict));
  out.push(`${st.bold(t('verdict'))}: ${verdictWord}`);
  for (const s of verdictLines(d, lang))
    out.push(`  ${d.verdict === 'failed' ? st.red('✗') : '•'} ${safeText(clip(s, 400))}`);
  if (headOnly) return [...out, ''];
  const m = d.machine;
  if (m.osBuild) {
    const u = m.lastUpdate ? ` (${m.lastUpdate.kb}, ${m.lastUpdate.date ?? '?'})` : '';
    out.push(st.dim(`${t('osBuild')}: ${m.osBuild}${u}`));
  }
  if (m.servicingStack) {
    const lvl = m.servicingStackLevel
      ? ` ≈ ${m.servicingStackLevel.kb} (${m.servicingStackLevel.date ?? '?'})`
      : '';
    out.push(st.dim(`${t('stack')}: ${m.servicingStack}${lvl}`));
  }
  out.push('');
  const groups = shownGroups(d);
  if (groups.length === 0 && d.verdict !== 'unreadable') out.push(t('noFindings'), '');
  if (groups.length > 0) {
    const n = groups.reduce((s, g) => s + g.findings.length, 0);
    out.push(
      st.bold(`${t('findings')} (${groups.length} ${cl('groupsOf', lang)} ${n} ${cl('findingsWord', lang)})`),
    );
    groups.slice(0, MAX_GROUPS).forEach((g, i) => {
      const code = g.codes.length > 0 ? ` ${g.codes.slice(0, 3).join(', ')}` : '';
      const role = roleOf(g);
      const roleText =
        role === 'root' ? t('rootCause') : role === 'consequence' ? t('consequence') : t('info');
      const count = g.findings.length > 1 ? ` × ${g.findings.length}` : '';
      const span = spanText(g);
      out.push(
        `${i + 1}. ${st.bold(safeText(g.title[lang]))}${code}${count} ${st.dim(`[${roleText}; ${g.rule}${span ? `; ${span}` : ''}]`)}`,
      );
      out.push(
        `   ${safeText(clip((g.findings.length > 1 ? firstMessage(d, g.findings[0]!) : null)?.[lang] ?? g.message[lang], 300))}`,
      );
      if (g.items.length > 1)
        out.push(
          `   ${st.dim(`${cl('items', lang)} (${g.items.length}):`)} ${safeText(clip(itemsText(g.items, MAX_ITEMS, lang), 300))}`,
        );
      const e = g.evidence[0];
      if (e) out.push(`   ${st.dim(`${safeText(e.file)}:${e.line}`)}  ${safeText(clip(e.text, 200))}`);
    });
    if (groups.length > MAX_GROUPS)
      out.push(st.dim(`… ${groups.length - MAX_GROUPS} ${lang === 'zh' ? '组未显示' : 'more groups'}`));
    out.push('');
  }
  const obs = d.observations ?? [];
  if (obs.length > 0) {
    out.push(st.bold(`${cl('observations', lang)} (${obs.length})`));
    for (const o of obs) {
      const e = o.evidence[0];
      out.push(
        `  • ${safeText(clip(o.text[lang], 300))}${e ? ' ' + st.dim(`${safeText(e.file)}:${e.line}`) : ''}`,
      );
    }
    out.push('');
  }
  const p = d.machinePlan;
  if (p) {
    out.push(st.bold(`${cl('machinePlan', lang)}: ${safeText(p.title[lang])}`));
    p.steps.forEach((s, i) => {
      const last = s.lastResort ? st.red(` (${t('lastResort')})`) : '';
      const nums = groupNumbers(groups, s.groups);
      const serves = nums.length > 0 ? st.dim(` → ${cl('serves', lang)} ${nums.join(', ')}`) : '';
      out.push(`  ${i + 1}. ${safeText(s.title[lang])}${last}${serves}`);
      out.push(`     ${st.dim(safeText(clip(s.how[lang].replace(/\s*\n\s*/g, ' '), 260)))}`);
      for (const c of s.commands.slice(0, MAX_STEP_COMMANDS))
        out.push(`       ${safeText(clip(c.line, 200))}`);
      if (s.commands.length > MAX_STEP_COMMANDS)
        out.push(st.dim(`       … ${s.commands.length - MAX_STEP_COMMANDS} ${cl('moreCommands', lang)}`));
    });
    out.push(`  ${st.dim(t('collectAgain') + ':')} ${safeText(p.collectAgain[lang])}`, '');
  }
  const hs = historiesToShow(d.updates);
  if (hs.length > 0) {
    out.push(st.bold(`${label('updates', lang)} (${hs.length})`));
    for (const h of hs.slice(0, MAX_HISTORIES))
      out.push(
        `  ${h.lastOutcome === 'failed' ? st.red('✗') : '•'} ${safeText(clip(historyText(h, lang), 300))}`,
      );
    if (hs.length > MAX_HISTORIES) out.push(st.dim(`  … ${hs.length - MAX_HISTORIES}`));
    out.push('');
  }
  if (d.attempts.length > 0) {
    const failed = d.attempts.filter((a) => a.outcome === 'failed').length;
    out.push(
      st.dim(
        `${cl('operationsCount', lang)}: ${d.attempts.length}${failed > 0 ? (lang === 'zh' ? `（失败 ${failed}）` : ` (${failed} failed)`) : ''}`,
      ),
    );
  }
  if (d.sources.length > 1) {
    out.push(st.bold(label('sources', lang)));
    for (const s of d.sources) {
      const build = s.build ? `, ${s.build}` : '';
      out.push(`  ${safeText(s.file)} — ${s.kind}${build}`);
    }
  }
  const problems = d.diagnostics.filter((x) => x.level !== 'info');
  if (problems.length > 0) {
    out.push(st.bold(t('diagnostics')));
    for (const x of problems.slice(0, MAX_PROBLEMS))
      out.push(
        `  ${x.level}: ${safeText(x.file)}${x.line ? `:${x.line}` : ''} — ${safeText(clip(x.message, 400))}`,
      );
    if (problems.length > MAX_PROBLEMS) out.push(st.dim(`  … ${problems.length - MAX_PROBLEMS}`));
  }
  out.push('');
  return out;
}

function firstMessage(d: Diagnosis, id: string): I18nText | null {
  return d.findings.find((f) => f.id === id)?.message ?? null;
}

/** The full report: every finding with its facts, chain and evidence, every per-cause plan, every operation. */
export function renderDetailText(d: Diagnosis, opts: TextOptions): string {
  const { lang } = opts;
  const c = (code: string, s: string): string => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const bold = (s: string): string => c('1', s);
  const red = (s: string): string => c('31', s);
  const green = (s: string): string => c('32', s);
  const dim = (s: string): string => c('2', s);
  const t = (k: keyof typeof L): string => L[k][lang];
  const out: string[] = [];

  const srcs = d.sources.map(
    (s) => `${safeText(s.file)} (${(s.bytes / 1e6).toFixed(1)} MB, ${s.lines} ${t('lines')})`,
  );
  out.push(dim(`patchdx ${d.tool.version} — ${srcs.join(', ') || '-'}`));
  const verdictWord =
    d.verdict === 'failed'
      ? red(bold(t('failed')))
      : d.verdict === 'unreadable'
        ? red(t('unreadable'))
        : green(t(d.verdict));
  out.push(`${bold(t('verdict'))}: ${verdictWord}`);
  for (const s of d.summary) out.push(`  ${d.verdict === 'failed' ? red('✗') : '•'} ${safeText(s[lang])}`);
  const m = d.machine;
  if (m.osBuild) {
    const u = m.lastUpdate ? ` (${m.lastUpdate.kb}, ${m.lastUpdate.date ?? '?'})` : '';
    out.push(dim(`${t('osBuild')}: ${m.osBuild}${u}`));
  }
  if (m.servicingStack) {
    const lvl = m.servicingStackLevel
      ? ` ≈ ${m.servicingStackLevel.kb} (${m.servicingStackLevel.date ?? '?'})`
      : '';
    out.push(dim(`${t('stack')}: ${m.servicingStack}${lvl}`));
  }
  out.push('');

  const findings = d.findings.filter((f) => f.root || f.severity !== 'info');
  const infos = d.findings.filter((f) => !f.root && f.severity === 'info');
  if (findings.length === 0 && d.verdict !== 'unreadable') out.push(t('noFindings'));
  if (findings.length > 0) out.push(bold(`${t('findings')} (${findings.length})`));
  // A terminal is read, not searched: past this many, the rest are counted and left to --json / --format md.
  findings
    .slice(0, MAX_TERMINAL_FINDINGS)
    .forEach((f, i) => out.push(...renderFinding(f, i + 1, d.attempts, opts, { bold, red, dim })));
  if (findings.length > MAX_TERMINAL_FINDINGS)
    out.push(
      dim(
        lang === 'zh'
          ? `……另有 ${findings.length - MAX_TERMINAL_FINDINGS} 条发现未显示：完整内容请用 --json 或 --format md|html`
          : `… ${findings.length - MAX_TERMINAL_FINDINGS} more findings not shown: --json or --format md|html has them all`,
      ),
      '',
    );
  if (infos.length > 0) {
    out.push(bold(t('info')));
    for (const f of infos)
      out.push(
        `  • ${safeText(f.message[lang])} ${dim(f.evidence[0] ? `${safeText(f.evidence[0].file)}:${f.evidence[0].line}` : '')}`,
      );
    out.push('');
  }

  for (const p of d.plans ?? []) {
    out.push(bold(`${t('plan')}: ${safeText(p.title[lang])}`));
    p.steps.forEach((s, i) => {
      const last = s.lastResort ? red(` (${t('lastResort')})`) : '';
      out.push(`  ${i + 1}. ${safeText(s.title[lang])}${last}`);
      out.push(`     ${dim(safeText(s.how[lang]))}`);
      for (const c of s.commands) out.push(`       ${safeText(c.line)}`);
    });
    out.push(`  ${dim(t('collectAgain') + ':')} ${safeText(p.collectAgain[lang])}`, '');
  }

  const ops = d.attempts;
  if (ops.length > 0) {
    out.push(bold(`${t('operations')} (${ops.length})`));
    for (const a of ops.slice(0, 40)) out.push('  ' + attemptLine(a, lang, { red, dim }));
    if (ops.length > 40) out.push(dim(`  … ${ops.length - 40}`));
    out.push('');
  }
  const hs = historiesToShow(d.updates);
  if (hs.length > 0) {
    out.push(bold(`${label('updates', lang)} (${hs.length})`));
    for (const h of hs)
      out.push(`  ${h.lastOutcome === 'failed' ? red('✗') : '•'} ${safeText(historyText(h, lang))}`);
    out.push('');
  }
  if (d.sources.length > 1) {
    out.push(bold(label('sources', lang)));
    for (const s of d.sources) {
      const clock = clockText(s, lang);
      out.push(
        `  ${safeText(s.file)} — ${s.kind}${clock ? dim(`; ${label('clock', lang)}: ${safeText(clock)}`) : ''}`,
      );
    }
    out.push('');
  }
  if (d.diagnostics.length > 0) {
    out.push(bold(t('diagnostics')));
    for (const x of d.diagnostics)
      out.push(`  ${x.level}: ${safeText(x.file)}${x.line ? `:${x.line}` : ''} — ${safeText(x.message)}`);
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

function attemptLine(
  a: Attempt,
  lang: Lang,
  s: { red: (x: string) => string; dim: (x: string) => string },
): string {
  const mark =
    a.outcome === 'failed'
      ? s.red('✗')
      : a.outcome === 'succeeded'
        ? '✓'
        : a.outcome === 'pending'
          ? '↻'
          : '?';
  const what = a.kb ? `${a.kb} ${a.package ?? ''}` : (a.package ?? a.kind);
  const states = a.startState && a.targetState ? ` ${a.startState}→${a.targetState}` : '';
  const client = a.client ? s.dim(` [${a.client}]`) : '';
  const result = a.result ? ` ${a.result}` : '';
  // English keeps the short state words in this dense list; Chinese uses the shared labels.
  const outcome = lang === 'zh' ? outcomeText(a.outcome, lang) : a.outcome;
  return `${mark} ${a.start ?? '?'} ${safeText(clip(what, 110))}${states} ${outcome}${result}${client}`;
}

function renderFinding(
  f: Finding,
  n: number,
  attempts: Attempt[],
  opts: TextOptions,
  s: { bold: (x: string) => string; red: (x: string) => string; dim: (x: string) => string },
): string[] {
  const { lang } = opts;
  const t = (k: keyof typeof L): string => L[k][lang];
  const out: string[] = [];
  const code = f.code ? ` ${f.code}${f.codeName ? ` ${f.codeName}` : ''}` : '';
  const role = f.root ? '' : ` (${f.severity === 'error' ? t('consequence') : t('info')})`;
  out.push(
    `${n}. ${s.bold(safeText(f.title[lang]))}${code}${role} ${s.dim(`[${f.rule}, ${t('confidence')}: ${f.confidence}]`)}`,
  );
  out.push(`   ${safeText(f.message[lang])}`);
  for (const k of factKeys(f.facts)) {
    const v = f.facts[k]!;
    out.push(`   ${s.dim(k + ':')} ${safeText(clip(v, 300))}`);
  }
  const explained = attempts.filter((a) => f.attempts.includes(a.id) && a.outcome === 'failed');
  for (const a of explained) out.push(`   ${s.dim('→')} ${attemptLine(a, lang, { red: s.red, dim: s.dim })}`);
  if (f.chain.length > 0) {
    out.push(`   ${s.dim(t('chain') + ':')}`);
    for (const l of f.chain) {
      const at = l.evidence[0] ? s.dim(` (${safeText(l.evidence[0].file)}:${l.evidence[0].line})`) : '';
      out.push(`     ↳ ${safeText(clip(l.text[lang], 200))}${at}`);
    }
  }
  const max = opts.maxEvidence ?? 8;
  if (f.evidence.length > 0) {
    out.push(`   ${s.dim(t('evidence') + ':')}`);
    for (const e of f.evidence.slice(0, max))
      out.push(`     ${s.dim(`${safeText(e.file)}:${e.line}`)}  ${safeText(clip(e.text, 240))}`);
    if (f.evidence.length > max) out.push(s.dim(`     … ${f.evidence.length - max} ${t('more')}`));
  }
  out.push('');
  return out;
}
