// Runs a rule's own cases through the real line reader, CBS parser and engine, and checks exactly the
// findings (message ids, data, facts, code) and exactly the evidence lines marked with `>` in the case.

import type { Finding } from '../model/types.js';
import { readLinesFromBuffer } from '../ingest/read-lines.js';
import { CbsLineParser } from '../parse/cbs.js';
import type { InvalidCase, Rule, RuleCase } from './define-rule.js';
import { Engine } from './engine.js';

/** Case text without `>` markers, and the 1-based line numbers that carried one. */
export function parseCaseLog(log: string): { text: string; marked: number[] } {
  const marked: number[] = [];
  const lines = log
    .replace(/^\n/, '')
    .split('\n')
    .map((l, i) => {
      if (l === '>' || l.startsWith('> ')) {
        marked.push(i + 1);
        return l.length > 2 ? l.slice(2) : '';
      }
      return l;
    });
  return { text: lines.join('\r\n') + '\r\n', marked };
}

/** Runs log text through the whole pipeline with the given rules; returns the findings. */
export function runRules(rules: readonly Rule[], text: string, file = 'CBS.log'): Finding[] {
  const engine = new Engine({ rules });
  const parser = new CbsLineParser(file, '8bit', (e) => engine.push(e));
  readLinesFromBuffer(Buffer.from(text, 'utf8'), (b, s, e, n) => parser.onLine(b, s, e, n));
  parser.finish();
  engine.finish();
  return engine.findings;
}

/** `what.key: expected …, got …` for every key of `want` that `got` does not match. */
export function subsetProblems(
  what: string,
  want: Record<string, unknown> | undefined,
  got: Record<string, unknown>,
): string[] {
  if (!want) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(want)) {
    if (got[k] !== v) out.push(`${what}.${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(got[k])}`);
  }
  return out;
}

/** Checks one valid case: the rule must not fire. Returns problems (empty = pass). */
export function checkValid(rule: Rule, c: RuleCase): string[] {
  const { text } = parseCaseLog(c.log);
  const found = runRules([rule], text).filter((f) => f.rule === rule.id && f.root);
  return found.map((f) => `valid case "${c.name ?? ''}" fired ${f.messageId}: ${f.message.en}`);
}

/** Checks one invalid case: exactly the expected findings, exactly the marked evidence. */
export function checkInvalid(rule: Rule, c: InvalidCase): string[] {
  const { text, marked } = parseCaseLog(c.log);
  const found = runRules([rule], text).filter((f) => f.rule === rule.id);
  const problems: string[] = [];
  const label = `invalid case "${c.name ?? ''}"`;
  if (found.length !== c.findings.length) {
    problems.push(
      `${label}: expected ${c.findings.length} finding(s), got ${found.length}: ${found.map((f) => f.messageId + ' ' + f.message.en).join(' | ')}`,
    );
  }
  c.findings.forEach((want, i) => {
    const got = found[i];
    if (!got) return;
    if (got.messageId !== want.messageId)
      problems.push(`${label} #${i}: messageId ${got.messageId} ≠ ${want.messageId}`);
    const gotData: Record<string, unknown> = { ...got.facts };
    problems.push(...subsetProblems(`${label} #${i} data`, want.data, gotData));
    problems.push(...subsetProblems(`${label} #${i} facts`, want.facts, gotData));
    if (want.code !== undefined && got.code !== want.code)
      problems.push(`${label} #${i}: code ${got.code} ≠ ${want.code}`);
  });
  const evidenceLines = [...new Set(found.flatMap((f) => f.evidence.map((e) => e.line)))].sort(
    (a, b) => a - b,
  );
  if (JSON.stringify(evidenceLines) !== JSON.stringify(marked)) {
    problems.push(
      `${label}: evidence lines ${JSON.stringify(evidenceLines)} ≠ marked ${JSON.stringify(marked)}`,
    );
  }
  return problems;
}
