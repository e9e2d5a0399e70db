// Runs the bundle cases of any finding judged over a whole bundle — cross-source checks, story rules, the
// enrichment and the engine's fallback (it lives with the analysis because it needs all of it): writes each
// case bundle to a temporary folder, analyses it with the real pipeline, and compares the finding's
// results (message ids, facts, code) and, for inline files, exactly the evidence lines marked with `>`.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzePath } from './analyze.js';
import { packageRoot } from '../knowledge/paths.js';
import type { Finding } from '../model/types.js';
import { parseCaseLog, subsetProblems } from '../rules/rule-tester.js';
import type { BundleCase, CaseFile, CasedFinding, InvalidBundleCase } from '../rules/bundle-case.js';

function content(f: CaseFile): { bytes: Buffer; marked: number[] | null } {
  if (typeof f === 'string') {
    const { text, marked } = parseCaseLog(f);
    return { bytes: Buffer.from(text, 'utf8'), marked };
  }
  const path =
    'fixture' in f ? join(packageRoot(), f.fixture) : join(packageRoot(), '..', 'shared', 'corpus', f.corpus);
  return { bytes: readFileSync(path), marked: null };
}

/** Analyses a case bundle; returns the findings of `check` and the marked lines per inline file. */
export function runCase(
  check: Pick<CasedFinding, 'id'>,
  c: BundleCase,
): { found: Finding[]; marked: Map<string, number[]> } {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-check-'));
  try {
    const marked = new Map<string, number[]>();
    for (const [name, f] of Object.entries(c.files)) {
      const { bytes, marked: m } = content(f);
      writeFileSync(join(dir, name), bytes);
      if (m) marked.set(name, m);
    }
    const found = analyzePath(dir).findings.filter((f) => f.rule === check.id);
    return { found, marked };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A valid case: the finding is not reported. */
export function checkValidCase(check: Pick<CasedFinding, 'id'>, c: BundleCase): string[] {
  return runCase(check, c).found.map(
    (f) => `valid case "${c.name}" reported ${f.messageId}: ${f.message.en}`,
  );
}

/** An invalid case: exactly the expected findings; exactly the marked lines of inline files as evidence. */
export function checkInvalidCase(check: CasedFinding, c: InvalidBundleCase): string[] {
  const { found, marked } = runCase(check, c);
  const label = `invalid case "${c.name}"`;
  const problems: string[] = [];
  if (found.length !== c.findings.length)
    problems.push(
      `${label}: expected ${c.findings.length} finding(s), got ${found.length}: ${found.map((f) => `${f.messageId} ${f.message.en}`).join(' | ')}`,
    );
  c.findings.forEach((want, i) => {
    const got = found[i];
    if (!got) return;
    if (got.messageId !== want.messageId)
      problems.push(`${label} #${i}: messageId ${got.messageId} ≠ ${want.messageId}`);
    if (!check.messageIds.includes(got.messageId))
      problems.push(`${label} #${i}: messageId ${got.messageId} is not declared in messageIds`);
    problems.push(...subsetProblems(`${label} #${i} facts`, want.facts, { ...got.facts }));
    if (want.code !== undefined && got.code !== want.code)
      problems.push(`${label} #${i}: code ${got.code} ≠ ${want.code}`);
    if (want.severity !== undefined && got.severity !== want.severity)
      problems.push(`${label} #${i}: severity ${got.severity} ≠ ${want.severity}`);
    if (want.root !== undefined && got.root !== want.root)
      problems.push(`${label} #${i}: root ${got.root} ≠ ${want.root}`);
  });
  for (const [file, lines] of marked) {
    const got = [
      ...new Set(found.flatMap((f) => f.evidence.filter((e) => e.file === file).map((e) => e.line))),
    ].sort((a, b) => a - b);
    if (JSON.stringify(got) !== JSON.stringify(lines))
      problems.push(
        `${label}: evidence lines of ${file} ${JSON.stringify(got)} ≠ marked ${JSON.stringify(lines)}`,
      );
  }
  return problems;
}
