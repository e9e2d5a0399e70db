// Every seed's diagnosis yields the three e-mails the engineers wrote (initial response, analysis,
// closure), carrying the same facts they found, with the plan's steps as the numbered next steps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, withAdvice, type Diagnosis } from '../index.js';
import { seedExcerpts } from '../testing/seed-excerpts.js';
import { examplePath, fixturePath } from '../testing/paths.js';
import { renderDraft } from './email.js';

/** The diagnosis with its advice, as the CLI reports it. */
const analyzePath = async (p: string): Promise<Diagnosis> => withAdvice(await analyze(p));

async function fromText(text: string): Promise<Diagnosis> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-mail-'));
  try {
    writeFileSync(join(dir, 'CBS.log'), text);
    return await analyzePath(join(dir, 'CBS.log'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fixture = (f: string): Promise<Diagnosis> => analyzePath(fixturePath('seeds', f));

const SEEDS: { name: string; d: () => Promise<Diagnosis>; facts: RegExp[]; step: RegExp }[] = [
  {
    name: '000',
    d: () => analyzePath(examplePath('CBS.log')),
    facts: [/amd64_e7efbb5769027affbc1fbfd7101971df/, /KB5017315/],
    step: /RestoreHealth|清单/,
  },
  {
    name: '001',
    d: () => fromText(seedExcerpts('001').join('')),
    facts: [/C:\\Program Files\\Windows Defender/],
    step: /chkdsk/i,
  },
  {
    name: '002',
    d: () => fromText(seedExcerpts('002').join('')),
    facts: [/0x80073712/],
    step: /RestoreHealth/,
  },
  {
    name: '003',
    d: () => fixture('seed-003-manifest-hash.log'),
    facts: [/72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102/, /wlidfdp/],
    step: /takeown|TrustedInstaller/,
  },
  {
    name: '004',
    d: () => fixture('seed-004-not-found.log'),
    facts: [/amd64_hyperv-vmsynthnic/, /KB5032196/],
    step: /SoftwareDistribution|KB5005112/,
  },
];

for (const s of SEEDS) {
  test(`seed ${s.name}: initial, analysis and closure e-mails carry the diagnosis`, async () => {
    const d = await s.d();
    assert.ok((d.plans ?? []).length > 0, 'a plan');
    const p = { customer: '许先生', caseNo: `CAS-SEED-${s.name}` };
    const initial = renderDraft('initial', d, p, 'zh');
    assert.ok(initial.body.includes('问题定义：') && initial.body.includes('下一步动作：'));
    const analysis = renderDraft('analysis', d, p, 'zh');
    for (const f of s.facts) assert.match(analysis.body, f);
    const steps = analysis.body.slice(analysis.body.indexOf('下一步操作：'));
    assert.match(steps, /^1\. /m);
    assert.match(steps, s.step);
    const closure = renderDraft('closure', d, p, 'zh');
    for (const h of ['问题描述：', '问题分析：', '问题总结：']) assert.ok(closure.body.includes(h), h);
    const en = renderDraft('analysis', d, p, 'en');
    assert.ok(en.body.includes('Log analysis:') && en.body.includes('Next steps:'));
  });
}
