// `patchdx draft` in-process: a closure from the case parameters alone, a first response triaged from a code,
// the follow-up variants, and the usage errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { draftCommand } from './commands/draft.js';
import type { Io } from './io.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    outIsTty: false,
    errIsTty: false,
    defaultLang: 'zh',
    noColorEnv: true,
  };
  const code = await draftCommand(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

test('draft closure from --problem, --cause and --resolution, without logs', async () => {
  const r = await run([
    'closure',
    '--case',
    'CAS-10610-F5B0M9',
    '--problem',
    '用户反馈V2020-L版本系统在线获取补丁报错，补丁号为KB5032196，报错代码为0x80248007',
    '--cause',
    '组件缺失导致补丁安装失败',
    '--resolution',
    '用户安装更新版本的补丁后问题解决',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /问题描述：\n=+\n用户反馈V2020-L版本系统/);
  assert.match(r.out, /问题分析：\n=+\n组件缺失导致补丁安装失败。/);
  assert.match(r.out, /问题总结：\n=+\n用户安装更新版本的补丁后问题解决。/);
  assert.doesNotMatch(r.out.split('\n')[0]!, /。%/, 'the subject is not a sentence');
});

test('draft closure with nothing to go on, and an unknown variant, are usage errors', async () => {
  assert.equal((await run(['closure'])).code, 2);
  assert.match((await run(['closure'])).err, /--problem, --cause, --resolution/);
  assert.equal((await run(['followup', '--variant', 'later'])).code, 2);
});

test('draft initial --code and the follow-up variants', async () => {
  const i = await run(['initial', '--code', '80248007', '--customer', '许先生']);
  assert.equal(i.code, 0);
  assert.match(i.out, /报错代码为 0x80248007/);
  assert.match(i.out, /catroot2/);
  assert.match((await run(['followup', '--variant', 'no-answer'])).out, /电话未联系到您/);
  assert.match(
    (await run(['followup', '--variant', 'handover', '--previous', '李工'])).out,
    /目前此问题由我来跟踪处理。之前李工已和您沟通过此问题/,
  );
});
