// The e-mail checker itself: each rule fires on a draft that breaks it and stays quiet on one that keeps it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerBlock, causeNumber, draftProblems, latinSentences, proseLines } from './email-check.js';

const ok = (body: string, subject = '[案例号: CAS-1] KB5032196 安装失败（0x80248007） 日志分析') => ({
  subject,
  body,
});

test('an English sentence inside Chinese prose is found; literals, product names and quotes are not', () => {
  assert.deepEqual(latinSentences('请重启电脑。If it still fails, collect the logs again.'), [
    'If it still fails, collect the logs again',
  ]);
  assert.deepEqual(
    latinSentences(
      '重新安装 KB5015811 — 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems',
    ),
    ['Cumulative Update for Windows 10 Version 1809 for x64-based Systems'],
  );
  for (const fine of [
    '从 Microsoft Update Catalog 下载 KB5005112，保存为 C:\\updates\\KB5005112.msu。',
    'DISM 最后显示“The restore operation completed successfully.”。',
    '检查 C:\\Program Files\\Windows Defender 是否可以打开。',
    '报错代码为 0x80073712（ERROR_SXS_COMPONENT_STORE_CORRUPT），涉及 amd64_windows-id-connecte..nt-provider-wlidfdp_31bf3856ad364e35_10.0.17763.1697_none_f17c692b894fca9f。',
    '运行 DISM /Online /Cleanup-Image /RestoreHealth 修复 Windows Update 组件。',
    '打开“设置 → Windows 更新 → 更新历史记录”。',
  ])
    assert.deepEqual(latinSentences(fine), [], fine);
});

test('commands and quoted log lines are code, not prose', () => {
  const body =
    '说明：\n   net stop wuauserv and then start it\n以下为日志的部分内容：\nInstallation Failure: Windows failed to install the update\n\n结束。';
  assert.deepEqual(proseLines(body), ['说明：', '以下为日志的部分内容：', '结束。']);
  assert.deepEqual(draftProblems(ok(body), 'zh'), []);
});

test('every rule of a customer draft fires on a draft that breaks it', () => {
  const cases: [string, string, RegExp][] = [
    ['请用 patchdx 分析。', 'zh', /tool/],
    ['该条目的可信度为 medium。', 'zh', /confidence/],
    ['KB5032196: 1 tries.', 'en', /1 tries/],
    ['1. 最后手段：就地升级（最后手段）：备份。', 'zh', /last resort/],
    ['If it still fails: If it still fails after step "x", stop.', 'en', /repeated/],
    ['许先生，您好：\n\n日志分析：\n\n下一步操作：\n1. 重启。', 'zh', /empty section 日志分析：/],
    ['许先生，您好：\n请重启。Then run the check again and send us the result.', 'zh', /English sentence/],
    ['Dear Mr. Xu,\nPlease restart 电脑 now.', 'en', /Chinese in English/],
  ];
  for (const [body, lang, want] of cases)
    assert.match(draftProblems(ok(body), lang as 'zh' | 'en').join('\n'), want, body);
  assert.match(
    draftProblems(
      ok('好。', '[案例号: CAS-1] %|P2|ICBC|用户反馈 Windows 更新补丁失败，请协助分析问题原因。% 初次响应'),
      'zh',
    ).join(),
    /full sentence/,
  );
  assert.deepEqual(draftProblems(ok('许先生，您好：\n\n下一步操作：\n1. 重启电脑。'), 'zh'), []);
});

test('the answer to a listed cause is found by its number', () => {
  const body =
    '1. KB1：甲（0x80073712）\n2. KB2：乙（0x8007025d）\n\n下一步操作：\n报错1、3：修复\n1. 做甲\n\n报错2：替换\n1. 做乙\n';
  assert.equal(causeNumber(body, '0x8007025d'), 2);
  assert.match(answerBlock(body, 2)!, /做乙/);
  assert.match(answerBlock(body, 3)!, /做甲/);
  assert.equal(answerBlock(body, 4), null);
});
