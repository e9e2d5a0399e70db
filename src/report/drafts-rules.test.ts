// Every draft kind and variant, for every seed excerpt, seed fixture and corpus case, in zh and en, keeps the
// rules a customer e-mail must keep (src/testing/email-check.ts), and the analysis answers every root cause.
// Then, per seed, the root causes the engineer answered in that thread (hand-written expectations).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, withAdvice, type Diagnosis } from '../index.js';
import { answerBlock, causeNumber, draftProblems } from '../testing/email-check.js';
import { corpusPath, examplePath, fixturePath } from '../testing/paths.js';
import { seedExcerpts } from '../testing/seed-excerpts.js';
import { causesOf, FOLLOWUP_VARIANTS, renderDraft, type DraftParams } from './email.js';

async function fromText(text: string): Promise<Diagnosis> {
  const dir = mkdtempSync(join(tmpdir(), 'mail-rules-'));
  try {
    writeFileSync(join(dir, 'CBS.log'), text);
    return withAdvice(await analyze(join(dir, 'CBS.log')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const at = async (p: string): Promise<Diagnosis> => withAdvice(await analyze(p));

const INPUTS: [string, () => Promise<Diagnosis>][] = [
  ...['000', '001', '002', '003', '004'].flatMap((s) =>
    seedExcerpts(s).map((x, i): [string, () => Promise<Diagnosis>] => [
      `seed ${s} excerpt ${i + 1}`,
      () => fromText(x),
    ]),
  ),
  ['seed 000 example', () => at(examplePath('CBS.log'))],
  ['seed 003 fixture', () => at(fixturePath('seeds', 'seed-003-manifest-hash.log'))],
  ['seed 004 not-found fixture', () => at(fixturePath('seeds', 'seed-004-not-found.log'))],
  ['seed 004 forward-delta fixture', () => at(fixturePath('seeds', 'seed-004-forward-delta.log'))],
  ...readdirSync(corpusPath())
    .filter((n) => !['fixtures', 'INDEX.md'].includes(n))
    .map((n): [string, () => Promise<Diagnosis>] => [`corpus ${n}`, () => at(corpusPath(n))]),
];

const PARAMS: Record<'zh' | 'en', DraftParams> = {
  zh: { customer: '许先生', caseNo: 'CAS-10610-F5B0M9', org: 'ICBC', priority: 'P2', engineer: '李工' },
  en: { customer: 'Mr. Xu', caseNo: 'CAS-10610-F5B0M9', org: 'ICBC', priority: 'P2', engineer: 'Li Qi' },
};

for (const [name, load] of INPUTS) {
  test(`drafts for ${name}: every kind and variant keeps the customer rules and answers every root cause`, async () => {
    const d = await load();
    const causes = causesOf(d);
    for (const lang of ['zh', 'en'] as const) {
      const p = PARAMS[lang];
      const code = causes[0]?.code ?? '0x80248007';
      const drafts = {
        initial: renderDraft('initial', d, p, lang),
        initialNoAnswer: renderDraft('initial', null, { ...p, variant: 'no-answer' }, lang),
        initialCode: renderDraft('initial', null, { ...p, code }, lang),
        analysis: renderDraft('analysis', d, p, lang),
        closureLogs: renderDraft('closure', d, p, lang),
        closureParams: renderDraft(
          'closure',
          null,
          lang === 'zh'
            ? {
                ...p,
                problem: '用户反馈补丁安装失败',
                cause: '组件缺失',
                resolution: '用户重装系统后问题解决',
              }
            : {
                ...p,
                problem: 'An update fails to install',
                cause: 'A component was missing',
                resolution: 'Reinstalled',
              },
          lang,
        ),
        ...Object.fromEntries(
          FOLLOWUP_VARIANTS.map((v) => [
            `followup-${v}`,
            renderDraft(
              'followup',
              null,
              { ...p, variant: v, previousEngineer: lang === 'zh' ? '李工' : 'Li Qi' },
              lang,
            ),
          ]),
        ),
      };
      for (const [kind, x] of Object.entries(drafts))
        assert.deepEqual(draftProblems(x, lang), [], `${name} ${kind} ${lang}:\n${x.subject}\n${x.body}`);
      for (const c of causes)
        assert.ok(answerBlock(drafts.analysis.body, c.n), `${name} ${lang}: cause ${c.n} has no answer`);
      const roots = new Set(d.findings.filter((f) => f.root && f.severity !== 'info').map((f) => f.id));
      assert.equal(
        causes.reduce((n, c) => n + c.findings.length, 0),
        roots.size,
        'every root cause is in one listed cause',
      );
    }
  });
}

/** Per seed: what the engineer answered, as (text in the cause line, text the answer must carry). */
const SEEDS: [string, () => Promise<Diagnosis>, [string, RegExp][]][] = [
  [
    '000: both errors — the .NET manifest (0x80073712) and the KB5017315 .mum (0x8007025d)',
    () => at(examplePath('CBS.log')),
    [
      ['0x80073712', /amd64_e7efbb5769027affbc1fbfd7101971df/],
      ['0x8007025d', /KB5017315/],
    ],
  ],
  [
    '001: C:\\Program Files\\Windows Defender unreadable (0x80070570)',
    () => fromText(seedExcerpts('001').join('')),
    [['Windows Defender', /chkdsk/i]],
  ],
  [
    '002: the corrupt component store (0x80073712)',
    () => fromText(seedExcerpts('002').join('')),
    [['0x80073712', /RestoreHealth/]],
  ],
  [
    '003: the wlidfdp manifest fails its hash check',
    () => at(fixturePath('seeds', 'seed-003-manifest-hash.log')),
    [['wlidfdp', /takeown|TrustedInstaller/]],
  ],
  [
    '004: 0x80070490, hyperv-vmsynthnic missing: clear SoftwareDistribution, SSU first',
    () => at(fixturePath('seeds', 'seed-004-not-found.log')),
    [['0x80070490', /SoftwareDistribution[\s\S]*KB5005112|KB5005112[\s\S]*SoftwareDistribution/]],
  ],
  [
    '004: 0x800F0986 on wkscli.dll',
    () => at(fixturePath('seeds', 'seed-004-forward-delta.log')),
    [['0x800f0986', /2803/]],
  ],
];

for (const [name, load, expect] of SEEDS) {
  test(`seed ${name}: the analysis e-mail answers it`, async () => {
    const d = await load();
    for (const lang of ['zh', 'en'] as const) {
      const body = renderDraft('analysis', d, PARAMS[lang], lang).body;
      for (const [needle, answer] of expect) {
        const n = causeNumber(body, needle);
        assert.ok(n, `${lang}: no listed cause with ${needle}\n${body}`);
        assert.match(answerBlock(body, n) ?? '', answer, `${lang}: cause ${n}`);
      }
    }
  });
}

test('seed 004 first mail: initial --code 0x80248007 triages a download failure (cache reset, then logs)', () => {
  const x = renderDraft('initial', null, { customer: '许先生', code: '0x80248007' }, 'zh');
  assert.match(x.body, /报错代码为 0x80248007/);
  assert.match(x.body, /ren C:\\Windows\\SoftwareDistribution SoftwareDistribution\.old/);
  assert.match(x.body, /收集日志/);
  assert.doesNotMatch(x.subject, /。/);
});

test("closure from the case parameters alone, in the seeds' 问题描述 / 问题分析 / 问题总结 structure", () => {
  const x = renderDraft(
    'closure',
    null,
    {
      caseNo: 'CAS-1',
      problem: '用户反馈补丁安装失败',
      cause: '组件缺失导致补丁安装失败',
      resolution: '用户安装更新版本的补丁后问题解决',
    },
    'zh',
  );
  const i = ['问题描述：', '问题分析：', '问题总结：'].map((h) => x.body.indexOf(h));
  assert.ok(i[0]! > 0 && i[0]! < i[1]! && i[1]! < i[2]!);
  assert.match(x.body, /问题分析：\n=+\n组件缺失导致补丁安装失败。/);
  assert.match(x.body, /用户安装更新版本的补丁后问题解决。经您的确认，此案例将做关闭处理。/);
});

test("follow-up variants say what the seeds' engineers said", () => {
  const p = { customer: '徐先生', previousEngineer: '李工' };
  assert.match(renderDraft('followup', null, { ...p, variant: 'no-answer' }, 'zh').body, /电话未联系到您/);
  assert.match(
    renderDraft('followup', null, { ...p, variant: 'handover' }, 'zh').body,
    /目前此问题由我来跟踪处理/,
  );
  assert.match(renderDraft('followup', null, p, 'zh').body, /来信是想咨询当前案件的进展状况/);
});
