// Seed 004 replayed as a case through `patchdx case` (in-process, on SQLite and PostgreSQL): each round
// shows what the engineer worked out by hand — the download failure (0x80248007), then 0x80070490 on a
// missing 17763.1879 component, then 0x800f0986 on wkscli.dll, then KB5033371 installing — each diff
// naming what changed; follow-ups, the handover, drafts, the closure with its three sections, export and
// import through the command.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseCommand, type CaseContext } from '../cli/commands/case.js';
import { fixturePath } from '../testing/paths.js';
import { captureIo, eachBackend, makeBackend, type Backend } from './store-test-support.js';

const ROUNDS = [
  fixturePath('cases', 'seed-004-round1-download.xml'),
  fixturePath('seeds', 'seed-004-not-found.log'),
  fixturePath('seeds', 'seed-004-forward-delta.log'),
  fixturePath('cases', 'seed-004-round4-installed.xml'),
];

function ctxFor(b: Backend, clock: { t: Date }): CaseContext {
  return {
    env: { PATCHDX_DB: b.target, PATCHDX_INPUTS: b.inputsDir, XDG_DATA_HOME: b.dir },
    pid: process.pid,
    isAlive: (p) => p === process.pid,
    now: () => clock.t,
  };
}

async function cmd(b: Backend, clock: { t: Date }, args: string[], lang: 'zh' | 'en' = 'en') {
  const c = captureIo(lang);
  const code = await caseCommand(args, c.io, ctxFor(b, clock));
  return { code, out: c.out(), err: c.err() };
}

eachBackend(
  'seed 004 as a case: per round the download failure, 0x80070490, 0x800f0986 on wkscli.dll, then healthy',
  async (b) => {
    // The thread's dates: opened Fri 2023-12-29 (Asia/Shanghai).
    const clock = { t: new Date('2023-12-29T02:02:52Z') };
    const N = 'CAS-10610-F5B0M9';
    const created = await cmd(
      b,
      clock,
      [
        'new',
        N,
        '--customer',
        '许先生',
        '--org',
        'ICBC',
        '--priority',
        'P2',
        '--engineer',
        'Li Qi',
        '--product',
        'V2020-L 1809 (17763.774)',
        '--problem',
        'V2020-L 1809 在线获取补丁 KB5032196 报错 0x80248007',
        '--phone',
        '13800001111',
        '--portal-credential',
        'CDUC: xu / Pa55word!',
      ],
      'zh',
    );
    assert.equal(created.code, 0, created.err);
    // Two working days after Fri 12-29, with Mon 1-1 off: Wed 2024-01-03.
    assert.match(created.out, /下次联系：2024-01-03/);

    const r1 = await cmd(b, clock, ['add', N, ROUNDS[0]!, '--machine', 'V2020-L']);
    assert.equal(r1.code, 1, r1.err);
    assert.match(r1.out, /round 1 · verdict: failed/);
    assert.match(r1.out, /Problems found \(1\):\n.*KB5032196 failed to download.*0x80248007/);

    clock.t = new Date('2024-01-02T03:11:14Z');
    assert.equal(
      (await cmd(b, clock, ['note', N, '电话沟通，日志分析结果已发邮件', '--kind', 'call'])).code,
      0,
    );
    const r2 = await cmd(b, clock, ['add', N, ROUNDS[1]!, '--machine', 'V2020-L']);
    assert.equal(r2.code, 1, r2.err);
    assert.match(r2.out, /Against round 1: verdict failed → failed/);
    assert.match(r2.out, /Resolved \(not seen this round\) \(1\):\n.*0x80248007/);
    assert.match(r2.out, /New \(1\):\n.*amd64_hyperv-vmsynthnic.*0x80070490/);
    assert.match(r2.out, /Still failing: KB5032196/);

    clock.t = new Date('2024-01-24T03:04:33Z');
    const r3 = await cmd(b, clock, ['add', N, ROUNDS[2]!, '--machine', 'V2020-L'], 'zh');
    assert.equal(r3.code, 1, r3.err);
    assert.match(r3.out, /与第 2 轮相比/);
    assert.match(r3.out, /已解决（本轮未再出现） \(1\):\n.*0x80070490/);
    assert.match(r3.out, /新问题 \(1\):\n.*wkscli\.dll.*0x800f0986/);

    const r4 = await cmd(b, clock, ['add', N, ROUNDS[3]!, '--machine', 'V2020-L']);
    assert.equal(r4.code, 0, r4.err);
    assert.match(r4.out, /verdict failed → healthy/);
    assert.match(r4.out, /Resolved \(not seen this round\) \(1\):\n.*wkscli\.dll/);
    assert.match(r4.out, /Now installing: KB5033371/);

    const show = await cmd(b, clock, ['show', N]);
    assert.match(show.out, /Machine V2020-L: 4 round\(s\), healthy again/);
    assert.match(show.out, /Secret portal-credential: \(shown with --show-secret\)/);
    assert.ok(!show.out.includes('Pa55word'));
    assert.match((await cmd(b, clock, ['show', N, '--show-secret'])).out, /Pa55word!/);

    // Follow-ups: the last contact was 1-02; due 1-04, overdue on 1-24 (all working days, no holiday between).
    const due = await cmd(b, clock, ['due']);
    assert.match(due.out, /CAS-10610-F5B0M9\topen\tP2\tLi Qi\t1\/4\t2024-01-04 overdue 14 working day\(s\)/);
    assert.match(due.out, /follow-up/);
    assert.match(due.out, /State Council/);
    // A handover moves the case to the new engineer's list, not the follow-up date.
    assert.equal(
      (await cmd(b, clock, ['note', N, '交接给王工', '--kind', 'handover', '--to', 'Wang Wei'])).code,
      0,
    );
    assert.match((await cmd(b, clock, ['list', '--due', '--engineer', 'Wang Wei'])).out, /CAS-10610-F5B0M9/);
    assert.match((await cmd(b, clock, ['list', '--engineer', 'Li Qi'])).out, /No cases match/);

    const analysis = await cmd(b, clock, ['draft', N, 'analysis'], 'zh');
    assert.match(analysis.out, /日志分析：/);
    assert.match(analysis.out, /wkscli\.dll/);

    clock.t = new Date('2024-01-30T09:00:15Z');
    const closed = await cmd(
      b,
      clock,
      [
        'close',
        N,
        '--cause',
        '系统长期未安装累积更新（停留在 17763.774），组件缺失导致 KB5032196 安装失败',
        '--resolution',
        '用户确认 12 月累积更新可以正常安装，问题解决，经同意关闭案例',
      ],
      'zh',
    );
    assert.equal(closed.code, 0, closed.err);
    const body = closed.out;
    const i1 = body.indexOf('问题描述：');
    const i2 = body.indexOf('问题分析：');
    const i3 = body.indexOf('问题总结：');
    assert.ok(i1 > 0 && i2 > i1 && i3 > i2, body);
    const analysisPart = body.slice(i2, i3);
    assert.match(analysisPart, /经过 4 轮日志分析/);
    assert.match(analysisPart, /第 1 轮日志（2023-12-29）：KB5032196 下载失败.*0x80248007/);
    assert.match(analysisPart, /第 2 轮日志（2024-01-02）：.*0x80070490/);
    assert.match(analysisPart, /第 3 轮日志（2024-01-24）：.*wkscli\.dll.*0x800f0986/);
    assert.match(analysisPart, /结论：系统长期未安装累积更新/);
    assert.match(body.slice(i3), /12 月累积更新可以正常安装/);
    assert.ok(!body.includes('13800001111') && !body.includes('Pa55word'));
    assert.match((await cmd(b, clock, ['list', '--due'])).out, /No cases match/);

    // Export (scrubbed, no secret) and an idempotent import into another database.
    const exp = await cmd(b, clock, ['export', N]);
    assert.ok(!exp.out.includes('13800001111') && !exp.out.includes('Pa55word'));
    const file = join(b.dir, 'case.json');
    writeFileSync(file, exp.out);
    const other = await makeBackend(b.kind);
    try {
      const first = await cmd(other, clock, ['import', file]);
      assert.match(first.out, /created; 4 round\(s\) and 3 contact\(s\) imported/);
      const second = await cmd(other, clock, ['import', file]);
      assert.match(second.out, /already here; 0 round\(s\) and 0 contact\(s\) imported/);
      const shown = await cmd(other, clock, ['show', N, '--json']);
      const v = JSON.parse(shown.out) as { record: { status: string }; machines: { rounds: unknown[] }[] };
      assert.equal(v.record.status, 'closed');
      assert.equal(v.machines[0]!.rounds.length, 4);
      assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')).case.number, N);
    } finally {
      await other.cleanup();
    }
  },
);

eachBackend('case command: usage errors exit 2 with a message', async (b) => {
  const clock = { t: new Date('2024-01-02T03:00:00Z') };
  const r = await cmd(b, clock, ['add', 'CAS-X']);
  assert.equal(r.code, 2);
  assert.match(r.err, /give the logs of this round/);
  assert.equal((await cmd(b, clock, ['show', 'CAS-NOPE'])).code, 2);
  assert.match((await cmd(b, clock, ['show', 'CAS-NOPE'])).err, /no case CAS-NOPE/);
  assert.equal((await cmd(b, clock, ['frobnicate'])).code, 2);
  assert.equal((await cmd(b, clock, ['new', 'CAS-Y'])).code, 0);
  assert.match((await cmd(b, clock, ['note', 'CAS-Y', 'x', '--kind', 'fax'])).err, /--kind must be one of/);
  assert.match((await cmd(b, clock, ['note', 'CAS-Y', 'x', '--kind', 'handover'])).err, /--to NAME/);
  assert.match((await cmd(b, clock, ['close', 'CAS-Y'])).err, /--cause TEXT and --resolution TEXT/);
  assert.match((await cmd(b, clock, ['draft', 'CAS-Y', 'analysis'])).err, /no logs yet/);
  assert.match((await cmd(b, clock, ['secret', 'CAS-Y', '--set', 'portal pw 123'])).out, /never exported/);
  assert.equal((await cmd(b, clock, ['secret', 'CAS-Y'])).out, 'portal pw 123\n');
  assert.ok(!(await cmd(b, clock, ['export', 'CAS-Y', '--unscrubbed'])).out.includes('portal pw 123'));
});
