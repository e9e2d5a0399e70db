// The finding contract over every finding id: each bundle-level rule's own cases through the real analysis,
// and the lints over the whole catalog — ids equal file names, sorted and unique, every finding any
// analysis of the corpus and the fixtures produces is listed and worded by its declared template, en/zh
// placeholders equal (messages and phrases of story rules and cross-source checks), every message id
// exercised by a case, every code known to knowledge/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzePath } from '../analyze/analyze.js';
import { checkInvalidCase, checkValidCase } from '../analyze/check-tester.js';
import { codeInfo } from '../knowledge/codes.js';
import { packageRoot } from '../knowledge/paths.js';
import { CROSS_CHECKS } from '../correlate/cross-checks.js';
import type { I18nText } from '../model/types.js';
import { casedFinding } from './bundle-case.js';
import { findingCatalog } from './catalog.js';
import { placeholders } from './define-rule.js';
import { storyRules } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

for (const rule of storyRules) {
  for (const c of rule.cases.valid)
    test(`${rule.id} valid: ${c.name}`, () => assert.deepEqual(checkValidCase(rule, c), []));
  for (const c of rule.cases.invalid)
    test(`${rule.id} invalid: ${c.name}`, () =>
      assert.deepEqual(checkInvalidCase(casedFinding(rule), c), []));
}

test('catalog: sorted, unique ids, each id the name of its file', () => {
  const cat = findingCatalog();
  const ids = cat.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.equal(new Set(ids).size, ids.length);
  for (const e of cat) {
    const folder = e.kind === 'cross' ? join(here, '..', 'correlate') : here;
    assert.ok(existsSync(join(folder, `${e.id}.js`)), `${e.id}: no file ${e.id} in ${folder}`);
    assert.match(e.id, /^[a-z]+(-[a-z0-9]+)+$/);
  }
});

test('story registry: sorted by id; every story rule has valid and invalid cases', () => {
  const ids = storyRules.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort());
  for (const r of storyRules) {
    assert.ok(r.cases.valid.length > 0, `${r.id}: no valid case`);
    assert.ok(r.cases.invalid.length > 0, `${r.id}: no invalid case`);
  }
});

/**
 * Placeholders a zh text lacks, kept so that the output did not change when the text became a template: the
 * zh wording of `actual` does not name the file. Each entry must still be exactly the gap (fix the text,
 * then remove it here).
 */
const ZH_GAPS: Record<string, string[]> = { 'x-file-hash-check message actual': ['what'] };

test('story rules and cross checks: messages and phrases in en and zh with the same placeholders; every message exercised', () => {
  // A zh placeholder may carry a `Zh` suffix for its Chinese wording (`note` / `noteZh`).
  const norm = (xs: string[]): string[] => [...new Set(xs.map((x) => x.replace(/Zh$/, '')))].sort();
  for (const r of [...storyRules, ...CROSS_CHECKS]) {
    const texts: [string, I18nText][] = [
      ...Object.entries(r.messages).map(([k, m]): [string, I18nText] => [`message ${k}`, m]),
      ...Object.entries(r.phrases ?? {}).map(([k, m]): [string, I18nText] => [`phrase ${k}`, m]),
    ];
    for (const [what, m] of texts) {
      assert.ok(m.en.length > 0 && m.zh.length > 0, `${r.id} ${what} needs en and zh`);
      const gap = ZH_GAPS[`${r.id} ${what}`] ?? [];
      assert.deepEqual(
        norm(placeholders(m.zh)),
        norm(placeholders(m.en)).filter((x) => !gap.includes(x)),
        `${r.id} ${what}: placeholders differ`,
      );
    }
    assert.ok(r.meta.summary.en && r.meta.summary.zh, `${r.id}: summary in both languages`);
    const used = new Set(r.cases.invalid.flatMap((c) => c.findings.map((f) => f.messageId)));
    for (const id of Object.keys(r.messages))
      assert.ok(used.has(id), `${r.id}: message ${id} is never exercised by a case`);
  }
});

test('catalog: every code a finding names is known to knowledge/', () => {
  for (const e of findingCatalog()) {
    for (const c of e.codes) {
      assert.match(c, /^0x[0-9a-f]{8}$/, `${e.id}: ${c} is not canonical`);
      assert.ok(codeInfo(c), `${e.id}: ${c} unknown to knowledge`);
    }
  }
});

/** True when `text` is `template` with each `{{placeholder}}` filled by some text. */
function fills(template: string, text: string): boolean {
  const parts = template.split(/\{\{\w+\}\}/).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[\\s\\S]*')}$`).test(text);
}

test('catalog: every finding of every corpus case and fixture is listed, with a declared message id and its wording', () => {
  const corpus = join(packageRoot(), '..', 'shared', 'corpus');
  const fixtures = join(packageRoot(), 'fixtures');
  const inputs = [
    ...readdirSync(corpus).map((d) => join(corpus, d)),
    ...readdirSync(fixtures).flatMap((d) =>
      statSync(join(fixtures, d)).isDirectory()
        ? readdirSync(join(fixtures, d)).map((f) => join(fixtures, d, f))
        : [],
    ),
  ].filter((p) => statSync(p).isDirectory() || !p.endsWith('.md'));
  const byId = new Map(findingCatalog().map((e) => [e.id, e]));
  const seen = new Set<string>();
  for (const p of inputs) {
    for (const f of analyzePath(p).findings) {
      seen.add(f.rule);
      const e = byId.get(f.rule);
      assert.ok(e, `${p}: ${f.rule} is not in the catalog`);
      assert.ok(e.messageIds.includes(f.messageId), `${p}: ${f.rule}.${f.messageId} is not declared`);
      const m = e.messages[f.messageId]!;
      // A finding that stands for many (consolidate/caps.ts) has the fold's wording around the first one's.
      if (f.facts.folded !== undefined) {
        assert.match(f.message.en, /^[\d,]+ more .*not listed one by one/, `${p}: ${f.rule} folded`);
        assert.match(f.message.zh, /^另有 [\d,]+ .*未逐一列出/, `${p}: ${f.rule} folded`);
        continue;
      }
      for (const lang of ['en', 'zh'] as const)
        assert.ok(
          fills(m[lang], f.message[lang]),
          `${p}: ${f.rule}.${f.messageId} ${lang} is not its template: ${f.message[lang]}`,
        );
    }
  }
  // The safety net is real: the corpus does reach the bundle-level rules.
  for (const id of [
    'evt-update-failed',
    'wu-install-failed',
    'setup-upgrade-failed',
    'sfc-output',
    'x-cbs-lines-missing',
    'x-corruption-moving',
    'x-update-failed-repeatedly',
    'x-update-gap',
  ])
    assert.ok(seen.has(id), `${id} never produced by the corpus`);
});
