// E-mail drafts in the seeds' structure: the sections the team uses, the facts of the diagnosis, both
// languages, and no credentials ever copied into a draft.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, withAdvice, type Diagnosis } from '../index.js';
import { examplePath, fixturePath } from '../testing/paths.js';
import { renderDraft } from './email.js';

/** The diagnosis with its advice, as the CLI reports it. */
const analyzePath = async (p: string): Promise<Diagnosis> => withAdvice(await analyze(p));

const sample = (): Promise<Diagnosis> => analyzePath(examplePath('CBS.log'));

test('initial response: 问题定义 / 问题范围 / 下一步动作 with the log-collection steps', async () => {
  const d = renderDraft(
    'initial',
    null,
    {
      customer: '许先生',
      caseNo: 'CAS-07938-T4F1J7',
      priority: 'P2',
      org: 'ICBC',
      problem: '用户反馈Windows 更新补丁失败',
    },
    'zh',
  );
  assert.match(
    d.subject,
    /^\[案例号: CAS-07938-T4F1J7\] %\|P2\|ICBC\|用户反馈Windows 更新补丁失败% 初次响应$/,
  );
  assert.match(d.body, /^许先生，您好：/);
  for (const h of ['问题定义：', '问题范围：', '下一步动作：', 'collect.ps1'])
    assert.ok(d.body.includes(h), h);
  const en = renderDraft('initial', null, { customer: 'Mr. Xu' }, 'en');
  for (const h of ['Problem definition:', 'Scope:', 'Next steps:']) assert.ok(en.body.includes(h), h);
});

test('analysis: the decisive log lines and the diagnosis facts (seed 000)', async () => {
  const d = renderDraft('analysis', await sample(), { customer: '许先生' }, 'zh');
  assert.ok(d.body.includes('日志分析：'));
  assert.ok(d.body.includes('下一步操作：'));
  assert.ok(
    d.body.includes(
      'amd64_e7efbb5769027affbc1fbfd7101971df_b77a5c561934e089_4.0.15713.866_none_41638f151bd7fec8',
    ),
  );
  assert.ok(d.body.includes('Package_1861_for_KB5017315'));
  assert.ok(d.body.includes('(F) Unable to load manifest for component'), 'the quoted log line');
  assert.match(d.subject, /KB5020685/);
});

test('analysis of an event log only: the answer collects the CBS logs that name the component first', async () => {
  // Before event-log failures had a plan this draft fell back to a generic request; the plan now asks for the
  // same logs as its first step.
  const d = await analyzePath(fixturePath('events'));
  const zh = renderDraft('analysis', d, {}, 'zh').body;
  assert.match(zh, /报错1：在 CBS\.log 中找到失败位置/);
  assert.match(zh, /copy C:\\Windows\\Logs\\CBS\\\*\.cab/);
  assert.doesNotMatch(zh, /附件中的步骤/, 'no attached steps are promised');
  assert.match(renderDraft('analysis', d, {}, 'en').body, /Collect the servicing logs/);
});

test('closure: 问题描述 / 问题分析 / 问题总结', async () => {
  const d = renderDraft(
    'closure',
    await sample(),
    { caseNo: 'CAS-1', resolution: '用户已重装系统，问题不再出现' },
    'zh',
  );
  const i = ['问题描述：', '问题分析：', '问题总结：'].map((h) => d.body.indexOf(h));
  assert.ok(i.every((x) => x >= 0) && i[0]! < i[1]! && i[1]! < i[2]!, JSON.stringify(i));
  assert.ok(d.body.includes('用户已重装系统'));
  assert.ok(d.body.includes('Case No: CAS-1'));
});

test('follow-up in both languages', async () => {
  assert.match(renderDraft('followup', null, { customer: '黎先生' }, 'zh').body, /进展/);
  assert.match(renderDraft('followup', null, {}, 'en').body, /progress/);
});

test('credentials a user passes in never reach a draft', async () => {
  const d = renderDraft(
    'initial',
    null,
    { problem: '补丁失败 用户名：icbc001 密码：icbc001 password=hunter2' },
    'zh',
  );
  assert.ok(!d.body.includes('icbc001') && !d.subject.includes('icbc001'));
  assert.ok(!d.body.includes('hunter2'));
});
