// The facts a diagnosis and a past case can share, as (kind, value) keys: the finding signature, the rule,
// the code, the component/file/package families, the KB and its family (kind of update and OS build), the
// OS build. Each kind has a weight; `similar.ts` scales it by how rare the value is among past cases.

import type { Diagnosis } from '../../model/types.js';
import { componentFamily, fileFamily, packageFamily } from '../../parse/identity.js';
import { updateByKb } from '../../knowledge/builds.js';
import type { ThreadFacts } from '../threads/facts.js';

/** Kinds of facts two cases can share. */
export type KeyKind =
  'signature' | 'rule' | 'code' | 'logcode' | 'component' | 'file' | 'package' | 'kb' | 'kbfamily' | 'build';

/** One shareable fact. */
export interface PastKey {
  kind: KeyKind;
  value: string;
}

/** How much sharing one fact of a kind says (before rarity). */
export const KEY_WEIGHTS: Record<KeyKind, number> = {
  signature: 10,
  component: 5,
  rule: 4,
  code: 3,
  file: 3,
  package: 3,
  kb: 2,
  logcode: 1,
  kbfamily: 1,
  build: 0.5,
};

// Files that are the team's tools or the logs themselves, not what is broken.
const TOOL_FILE = /\.(?:log|zip|msu|bat|cmd|txt|pml|ps1|evtx|cab)$/i;

function push(out: PastKey[], kind: KeyKind, value: string | null | undefined): void {
  if (!value) return;
  const v = value.trim().toLowerCase().slice(0, 400);
  if (v && !out.some((k) => k.kind === kind && k.value === v)) out.push({ kind, value: v });
}

function kbKeys(out: PastKey[], kb: string): void {
  push(out, 'kb', kb);
  const u = updateByKb(kb);
  if (u) push(out, 'kbfamily', `${u.kind}:${u.osBuild}`);
}

/** Keys of an imported thread's facts. */
export function threadKeys(f: ThreadFacts): PastKey[] {
  const out: PastKey[] = [];
  for (const s of f.signatures) push(out, 'signature', s);
  for (const r of f.rules) push(out, 'rule', r);
  for (const c of f.primaryCodes) push(out, 'code', c);
  for (const c of f.codes) if (!f.primaryCodes.includes(c)) push(out, 'logcode', c);
  for (const c of f.components) push(out, 'component', c);
  for (const x of f.files) if (!TOOL_FILE.test(x)) push(out, 'file', x);
  for (const p of f.packages) push(out, 'package', p);
  for (const k of f.kbs) kbKeys(out, k);
  for (const b of f.osBuilds) push(out, 'build', String(b));
  return out;
}

/** Keys of one or more diagnoses (a case's machines): every finding's facts, root causes first. */
export function diagnosisKeys(ds: Diagnosis[]): PastKey[] {
  const out: PastKey[] = [];
  for (const d of ds) {
    const findings = [...d.findings].sort((a, b) => Number(b.root) - Number(a.root));
    for (const f of findings) {
      if (f.severity === 'info' && !f.root) continue;
      push(out, 'signature', f.signature);
      if (f.rule !== 'unexplained-failure') push(out, 'rule', f.rule);
      if (f.code) push(out, 'code', f.code);
      const first = (v: string | undefined): string | undefined => v?.split(/;\s*/)[0];
      const c = first(f.facts.component);
      if (c) push(out, 'component', componentFamily(c));
      for (const p of [first(f.facts.file), first(f.facts.path)])
        if (p && !TOOL_FILE.test(p)) push(out, 'file', fileFamily(p));
      const p = first(f.facts.package);
      if (p) push(out, 'package', packageFamily(p));
      const kb = first(f.facts.kb);
      if (kb) kbKeys(out, kb.toUpperCase());
    }
    const build = d.machine.osBuild?.split('.')[0];
    if (build) push(out, 'build', build);
  }
  return out;
}

/** Text of diagnoses for the text index: summaries, finding titles and messages in both languages. */
export function diagnosisText(ds: Diagnosis[]): string {
  const parts: string[] = [];
  for (const d of ds) {
    for (const s of d.summary) parts.push(s.zh, s.en);
    for (const f of d.findings.filter((x) => x.root))
      parts.push(f.title.zh, f.title.en, f.message.zh, f.message.en);
  }
  return [...new Set(parts)].join('\n');
}
