// Terminal report: pure (diagnosis, {lang, color}) => string. Verdict first, one line per failed
// operation, then each finding with its facts, causal chain and evidence (file:line). Log text is
// untrusted: control characters are neutralised so a log cannot drive the terminal.

import type { Attempt, Diagnosis, Finding, Lang } from '../model/types.js';
import { clockText, factKeys, historiesToShow, historyText, label, LABELS, outcomeText } from './labels.js';
import { safeText } from './safe-text.js';

export interface TextOptions {
  lang: Lang;
  color: boolean;
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

export function renderText(d: Diagnosis, opts: TextOptions): string {
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
