// Test support: the rules an e-mail draft must keep before a customer receives it, as one checker.
//
// Code regions (exempt from the language rules): a line that starts with whitespace (commands are indented),
// a line that starts with a log timestamp, and the quoted log lines of the analysis: every line after
// "以下为日志的部分内容：" / "The decisive lines of the logs:" up to the next empty line.
// Literal spans (exempt inside prose): “…”, "…", `…`, URLs, Windows paths (C:\…, \\host\…, %windir%\…),
// command options (/Online, -Algorithm), KB ids, hex codes, symbolic code names (ERROR_…), identities and
// file names (any token with _ ~ \ or a dot inside).
//
// A Latin-letter sentence in Chinese text: what is left of a prose line, a run of at least four Latin words
// with nothing but spaces and ASCII punctuation between them, at least one of them an English function word
// (the, to, of, and, is, …). Product names ("Microsoft Update Catalog", "Windows Update") are not sentences.
// Chinese in English text: any CJK character in what is left of a prose line.

const FUNCTION_WORDS = new Set(
  'the a an to of and or is are was were be been in on at for with by from as if then not this that it its these those please will can could should would may must has have had do does did you your we our they their there here when which what who after before than into only also'.split(
    ' ',
  ),
);

/** Lines of `body` that are prose (not commands, not quoted log lines). */
export function proseLines(body: string): string[] {
  const out: string[] = [];
  let quoting = false;
  for (const l of body.split('\n')) {
    if (quoting) {
      if (l.trim() === '') quoting = false;
      continue;
    }
    if (/^(?:以下为日志的部分内容：|The decisive lines of the logs:)$/.test(l.trim())) {
      quoting = true;
      out.push(l);
      continue;
    }
    if (/^\s/.test(l) || /^\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]/.test(l)) continue;
    out.push(l);
  }
  return out;
}

/** A prose line without its literal spans (quotes, URLs, paths, options, codes, identities). */
export function withoutLiterals(line: string): string {
  return line
    .replace(/“[^”]*”|"[^"]*"|`[^`]*`|「[^」]*」/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(?:[A-Za-z]:\\|\\\\|%\w+%\\)[^\s，。；：、（）,;]*/g, ' ')
    .replace(/(?<![\w])[/-][A-Za-z][\w:.-]*/g, ' ')
    .replace(/\bKB\d{6,8}\b/gi, ' ')
    .replace(/\b0x[0-9a-f]{4,8}(?:-0x[0-9a-f]+)?\b/gi, ' ')
    .replace(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g, ' ')
    .replace(/[^\s，。；：、（）,;()]*[_~\\][^\s，。；：、（）,;()]*/g, ' ')
    .replace(/\b[\w-]+\.[\w.-]*\w\b/g, ' ');
}

/** Latin-letter sentences in a Chinese prose line (after the literal spans are removed). */
export function latinSentences(line: string): string[] {
  const rest = withoutLiterals(line);
  const runs = rest.match(/[A-Za-z][A-Za-z'’-]*(?:[\s,.:;!?()'’-]+[A-Za-z0-9][A-Za-z0-9'’-]*)*/g) ?? [];
  return runs.filter((r) => {
    const words = r.match(/\b[A-Za-z][A-Za-z'’-]*/g) ?? [];
    return words.length >= 4 && words.some((w) => FUNCTION_WORDS.has(w.toLowerCase()));
  });
}

/** CJK text in an English prose line (after the literal spans are removed). */
export function cjkRuns(line: string): string[] {
  return withoutLiterals(line).match(/[\u3400-\u9fff\uff08\uff09\uff0c\u3002\uff1a]+/g) ?? [];
}

/** A section heading: a short line of one phrase ending with a colon (`日志分析：`, `Next steps:`). */
const HEADING = /^[^\s：:，,。.]{2,8}[：:]$|^[A-Z][a-z]+(?: [a-z]+){0,2}:$/;

/** Every problem of one draft: empty when it keeps the rules. */
export function draftProblems(draft: { subject: string; body: string }, lang: 'zh' | 'en'): string[] {
  const out: string[] = [];
  const all = `${draft.subject}\n${draft.body}`;
  if (/patchdx/i.test(all)) out.push('names the tool (patchdx)');
  if (/可信度|置信度|\bconfidence\b/i.test(all)) out.push('confidence jargon');
  if (/\b1 tries\b|\b1 times\b/.test(all)) out.push('"1 tries"');
  if (/最后手段[^\n]*（最后手段）|Last resort[^\n]*\(last resort\)/i.test(all))
    out.push('last resort said twice');
  if (/(If it still fails)[^.\n]{0,40}\1|(如仍然失败)[^。\n]{0,20}\2/i.test(all))
    out.push('repeated "if it still fails"');
  if (
    /[。.]\s*%?\s*(?:初次响应|日志分析|进展跟进|案例总结|initial response|log analysis|follow-up|closure)$/.test(
      draft.subject,
    )
  )
    out.push('subject is a full sentence');
  if (draft.subject.length > 120) out.push(`subject too long (${draft.subject.length})`);
  // Sections: a heading line (ends with a colon, no other text) must be followed by content.
  const lines = draft.body.split('\n');
  lines.forEach((l, i) => {
    if (i > 0 && HEADING.test(l)) {
      const next = lines.slice(i + 1).find((x) => x.trim() !== '' && !/^=+$/.test(x));
      const direct = lines[i + 1]?.trim() ?? '';
      const body = /^=+$/.test(direct) ? (lines[i + 2]?.trim() ?? '') : direct;
      if (!next || body === '' || (HEADING.test(body) && !/^(?:报错|Error )\d/.test(body)))
        out.push(`empty section ${l}`);
    }
  });
  for (const l of proseLines(draft.body)) {
    if (lang === 'zh') for (const s of latinSentences(l)) out.push(`English sentence in Chinese text: ${s}`);
    else for (const s of cjkRuns(l)) out.push(`Chinese in English text: ${s}`);
  }
  return out;
}

/** The answer block of the 下一步操作 / Next steps section that answers cause number `n`, or null. */
export function answerBlock(body: string, n: number): string | null {
  const start = body.search(/^(?:下一步操作：|Next steps:)$/m);
  if (start < 0) return null;
  const lines = body.slice(start).split('\n').slice(1);
  const head = /^(?:报错([\d、]+)：|Errors? ([\d, ]+):)/;
  let cur: string[] | null = null;
  for (const l of lines) {
    const m = head.exec(l);
    if (m) {
      if (cur) return cur.join('\n');
      const ns = (m[1] ?? m[2] ?? '')
        .split(/[、,\s]+/)
        .filter(Boolean)
        .map(Number);
      cur = ns.includes(n) ? [l] : null;
    } else if (cur) cur.push(l);
  }
  return cur ? cur.join('\n') : null;
}

/** The number of the listed cause whose line contains `needle` (`1. KB…：… (0x80073712 …)`), or null. */
export function causeNumber(body: string, needle: string): number | null {
  for (const l of body.split('\n')) {
    if (/^(?:日志分析|下一步操作)：$|^(?:Log analysis|Next steps):$/.test(l)) break;
    const m = /^(\d+)\. (.*)$/.exec(l);
    if (m && m[2]!.includes(needle)) return Number(m[1]);
  }
  return null;
}
