// Markdown report: pure (diagnosis, {lang}) => string. Verdict, operations, findings with facts, causal
// chain and evidence (file:line), remediation plans and script listings. Log text goes into code spans
// and fenced blocks, so Markdown in a log line is shown, not interpreted; control characters from the
// input (ESC, C1, bidi overrides) are shown as visible escapes (safeText) over the whole report.

import type { Diagnosis, Finding, Lang } from '../model/types.js';
import { attemptText, clockText, factKeys, historiesToShow, historyText, label } from './labels.js';
import { familyName } from '../consolidate/machines.js';
import { cl, groupNumbers, itemsText, roleOf, shownGroups, spanText, verdictLines } from './consolidated.js';
import { safeText } from './safe-text.js';
import { joinChunks } from './stream.js';

/** Wraps text in a code span that its own backticks cannot close. */
function code(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ');
  const ticks = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length)) + 1;
  const fence = '`'.repeat(ticks);
  return `${fence}${ticks > 1 ? ' ' : ''}${clean}${ticks > 1 ? ' ' : ''}${fence}`;
}

/** A code span inside a table row: a `|` would end the cell even inside the span (GFM), so it is escaped. */
function cell(s: string): string {
  return code(s).replace(/\|/g, '\\|');
}

/** Escapes the Markdown punctuation that works mid-line (messages may quote log text). */
function text(s: string): string {
  return s.replace(/([\\`*_[\]|<>~])/g, '\\$1').replace(/[\r\n]+/g, ' ');
}

/** A fenced block whose fence is longer than any backtick run inside. */
function fenced(lines: string[], info = ''): string {
  const body = lines.join('\n');
  const ticks = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length)) + 1;
  const fence = '`'.repeat(ticks);
  return `${fence}${info}\n${body}\n${fence}`;
}

function finding(f: Finding, n: number, lang: Lang): string[] {
  const role = f.root
    ? label('root', lang)
    : f.severity === 'error'
      ? label('consequence', lang)
      : label('info', lang);
  const out = [
    `### ${n}. ${text(f.title[lang])}${f.code ? ` — ${code(`${f.code}${f.codeName ? ' ' + f.codeName : ''}`)}` : ''}`,
    '',
    `${text(f.message[lang])}`,
    '',
    `*${role} · ${f.rule} · ${label('confidence', lang)}: ${f.confidence}*`,
    '',
  ];
  const keys = factKeys(f.facts);
  if (keys.length > 0) {
    out.push(`| ${label('facts', lang)} | |`, '| --- | --- |');
    for (const k of keys) out.push(`| ${k} | ${cell(f.facts[k]!)} |`);
    out.push('');
  }
  if (f.chain.length > 0) {
    out.push(`**${label('chain', lang)}**`, '');
    for (const l of f.chain) {
      const at = l.evidence[0] ? ` (${code(`${l.evidence[0].file}:${l.evidence[0].line}`)})` : '';
      out.push(`1. ${code(l.text[lang])}${at}`);
    }
    out.push('');
  }
  if (f.evidence.length > 0) {
    out.push(`**${label('evidence', lang)}**`, '');
    out.push(
      fenced(
        f.evidence.slice(0, 20).map((e) => `${e.file}:${e.line}  ${e.text}`),
        'text',
      ),
      '',
    );
  }
  return out;
}

/** The consolidated view of one diagnosis: verdict, grouped findings, observations, the machine's one plan. */
function consolidated(d: Diagnosis, lang: Lang, level: string): string[] {
  const out: string[] = [];
  out.push(`**${label('verdict', lang)}: ${label(d.verdict, lang)}**`, '');
  const lines = verdictLines(d, lang);
  for (const s of lines) out.push(`- ${text(s)}`);
  if (lines.length > 0) out.push('');
  const m = d.machine;
  if (m.osBuild)
    out.push(
      `${label('osBuild', lang)}: ${code(m.osBuild)}${m.lastUpdate ? ` (${m.lastUpdate.kb}, ${m.lastUpdate.date ?? '?'})` : ''}`,
      '',
    );
  const groups = shownGroups(d);
  if (groups.length > 0) {
    out.push(`${level} ${label('findings', lang)}`, '');
    groups.forEach((g, i) => {
      const codes = g.codes.length > 0 ? ` — ${code(g.codes.join(', '))}` : '';
      const count = g.findings.length > 1 ? ` × ${g.findings.length}` : '';
      const role = label(roleOf(g), lang);
      out.push(`${i + 1}. **${text(g.title[lang])}**${codes}${count} *(${role} · ${g.rule})*  `);
      out.push(`   ${text(g.message[lang])}  `);
      if (g.items.length > 1)
        out.push(`   ${cl('items', lang)} (${g.items.length}): ${code(itemsText(g.items, 8, lang))}  `);
      const e = g.evidence[0];
      const span = spanText(g);
      if (e) out.push(`   ${code(`${e.file}:${e.line}`)}${span ? ` · ${text(span)}` : ''}: ${code(e.text)}`);
    });
    out.push('');
  }
  const obs = d.observations ?? [];
  if (obs.length > 0) {
    out.push(`${level} ${cl('observations', lang)}`, '');
    for (const o of obs) {
      const e = o.evidence[0];
      out.push(`- ${text(o.text[lang])}${e ? ` (${code(`${e.file}:${e.line}`)})` : ''}`);
    }
    out.push('');
  }
  const p = d.machinePlan;
  if (p) {
    out.push(`${level} ${cl('machinePlan', lang)}: ${text(p.title[lang])}`, '');
    p.steps.forEach((s, i) => {
      const nums = groupNumbers(groups, s.groups);
      const serves = nums.length > 0 ? ` *(${cl('serves', lang)} ${nums.join(', ')})*` : '';
      out.push(
        `${i + 1}. **${text(s.title[lang])}**${s.lastResort ? ` (${label('lastResort', lang)})` : ''}${serves} — ${text(s.how[lang])}`,
      );
      if (s.commands.length > 0)
        out.push(
          '',
          fenced(
            s.commands.map((c) => c.line),
            s.commands[0]!.shell === 'powershell' ? 'powershell' : 'bat',
          ).replace(/^/gm, '   '),
          '',
        );
      out.push(`   - ${label('verify', lang)}: ${text(s.verify[lang])}`);
    });
    out.push('', `${label('collectAgain', lang)}: ${text(p.collectAgain[lang])}`, '');
  }
  const hs = historiesToShow(d.updates);
  if (hs.length > 0) {
    out.push(`${level} ${label('updates', lang)}`, '');
    for (const h of hs) out.push(`- ${text(historyText(h, lang))}`);
    out.push('');
  }
  return out;
}

/** The whole Markdown report: the consolidated view; with `verbose`, every detail after it. */
export function renderMarkdown(d: Diagnosis, opts: { lang: Lang; verbose?: boolean }): string {
  return joinChunks(markdownChunks(d, opts));
}

/** The Markdown report section by section (joined: `renderMarkdown`), for writing as it is made. */
export function* markdownChunks(d: Diagnosis, opts: { lang: Lang; verbose?: boolean }): Generator<string> {
  const { lang } = opts;
  const out: string[] = [`# ${label('title', lang)}`, ''];
  let started = false;
  // The lines gathered since the last piece, joined as the whole report joins them.
  const take = (): string => {
    if (out.length === 0) return '';
    const piece = (started ? '\n' : '') + out.join('\n');
    started = true;
    out.length = 0;
    return safeText(piece);
  };
  if (d.machines && d.machines.length > 1) {
    out.push(`**${label('verdict', lang)}: ${label(d.verdict, lang)}**`, '');
    for (const s of verdictLines(d, lang)) out.push(`- ${text(s)}`);
    out.push('', `**${cl('mixed', lang)}**`, '');
    for (const m of d.machines) {
      const name = [m.computer, m.build ? familyName(m.build) : null].filter((x) => x).join(', ') || '?';
      out.push(
        `## ${cl('machineOf', lang)} ${m.id}: ${text(name)}`,
        '',
        `${m.files.map(code).join(', ')}`,
        '',
      );
      out.push(...consolidated(m.diagnosis, lang, '###'));
      yield take();
    }
  } else out.push(...consolidated(d, lang, '##'));
  const problems = d.diagnostics.filter((x) => x.level === 'error');
  if (problems.length > 0) {
    out.push(`## ${label('diagnostics', lang)}`, '');
    for (const x of problems)
      out.push(`- ${x.level}: ${code(`${x.file}${x.line ? `:${x.line}` : ''}`)} ${text(x.message)}`);
    out.push('');
  }
  if (!opts.verbose) {
    out.push(`*${text(cl('verbose', lang))}*`, '', `*${label('generated', lang)} ${d.tool.version}*`, '');
    yield take();
    return;
  }
  yield take();
  out.push(`# ${cl('details', lang)}`, '');
  for (const s of d.summary) out.push(`- ${text(s[lang])}`);
  if (d.summary.length > 0) out.push('');
  const m = d.machine;
  if (m.osBuild || m.servicingStack) {
    out.push(`## ${label('machine', lang)}`, '');
    if (m.osBuild)
      out.push(
        `- ${label('osBuild', lang)}: ${code(m.osBuild)}${m.lastUpdate ? ` (${m.lastUpdate.kb}, ${m.lastUpdate.date ?? '?'})` : ''}`,
      );
    if (m.servicingStack) out.push(`- ${label('stack', lang)}: ${code(m.servicingStack)}`);
    out.push('');
  }
  if (d.attempts.length > 0) {
    out.push(
      `## ${label('operations', lang)}`,
      '',
      `| ${label('time', lang)} | ${label('what', lang)} | ${label('client', lang)} |`,
      '| --- | --- | --- |',
    );
    for (const [i, a] of d.attempts.entries()) {
      out.push(
        `| ${text(a.start ?? '?')} | ${cell(attemptText(a, lang))} | ${a.client ? cell(a.client) : ''} |`,
      );
      if (i % 100 === 99) yield take();
    }
    out.push('');
  }
  if (d.findings.length > 0) {
    out.push(`## ${label('findings', lang)}`, '');
    for (const [i, f] of d.findings.entries()) {
      out.push(...finding(f, i + 1, lang));
      yield take();
    }
  }
  for (const p of d.plans ?? []) {
    out.push(`## ${label('plan', lang)}: ${text(p.title[lang])}`, '');
    p.steps.forEach((s, i) => {
      out.push(
        `${i + 1}. **${text(s.title[lang])}**${s.lastResort ? ` (${label('lastResort', lang)})` : ''} — ${text(s.how[lang])}`,
      );
      out.push(`   - ${label('why', lang)}: ${text(s.why[lang])}`);
      if (s.commands.length > 0)
        out.push(
          '',
          fenced(
            s.commands.map((c) => c.line),
            s.commands[0]!.shell === 'powershell' ? 'powershell' : 'bat',
          ).replace(/^/gm, '   '),
          '',
        );
      out.push(`   - ${label('verify', lang)}: ${text(s.verify[lang])}`);
    });
    out.push('', `${label('collectAgain', lang)}: ${text(p.collectAgain[lang])}`, '');
    yield take();
  }
  if ((d.scripts ?? []).length > 0) {
    out.push(`## ${label('scripts', lang)}`, '', label('review', lang), '');
    for (const s of d.scripts ?? []) {
      out.push(
        `### ${code(s.name)} — ${text(s.purpose[lang])} (${label(s.runsOn === 'broken' ? 'runsOnBroken' : 'runsOnHealthy', lang)})`,
        '',
      );
      out.push(fenced(s.content.split(/\r?\n/), s.shell === 'powershell' ? 'powershell' : 'bat'), '');
      yield take();
    }
  }
  const hs = historiesToShow(d.updates);
  if (hs.length > 0) {
    out.push(`## ${label('updates', lang)}`, '');
    for (const h of hs) out.push(`- ${text(historyText(h, lang))}`);
    out.push('');
  }
  out.push(`## ${label('sources', lang)}`, '');
  for (const s of d.sources) {
    const clock = clockText(s, lang);
    out.push(
      `- ${code(s.file)} — ${s.kind}, ${s.lines} lines, ${s.encoding}${s.first ? `, ${s.first} … ${s.last ?? ''}` : ''}${clock ? `; ${label('clock', lang)}: ${text(clock)}` : ''}`,
    );
  }
  if (d.diagnostics.length > 0) {
    out.push('', `## ${label('diagnostics', lang)}`, '');
    for (const x of d.diagnostics)
      out.push(`- ${x.level}: ${code(`${x.file}${x.line ? `:${x.line}` : ''}`)} ${text(x.message)}`);
  }
  out.push('', `*${label('generated', lang)} ${d.tool.version}*`, '');
  yield take();
}
