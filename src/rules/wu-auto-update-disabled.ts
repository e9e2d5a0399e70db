// Automatic Updates turned off (Win7 WindowsUpdate.log `# AU disabled through User preference`) while no
// update failure is logged: informational, with how many searches found nothing.

import { defineStoryRule } from './define-story-rule.js';

export default defineStoryRule({
  id: 'wu-auto-update-disabled',
  kind: 'story',
  meta: {
    severity: 'info',
    confidence: 'high',
    root: false,
    summary: { en: 'Automatic Updates disabled', zh: '自动更新已关闭' },
    codes: [],
    mechanism:
      'WindowsUpdate.log says Automatic Updates is disabled (by user preference or policy): updates only come when someone searches by hand. Windows 7 logs also get the end-of-support note.',
    references: ['corpus wu04'],
  },
  messages: {
    disabled: {
      en: 'No update failure is logged, but Automatic Updates is turned off ({{by}}, seen {{count}} times){{searchNote}}.{{win7Note}}',
      zh: '日志中没有更新失败，但自动更新已关闭（{{by}}，出现 {{count}} 次）{{searchNoteZh}}。{{win7NoteZh}}',
    },
  },
  phrases: {
    searches: {
      en: '; {{empty}} of {{searches}} searches found no updates',
      zh: '；{{searches}} 次搜索中有 {{empty}} 次未找到更新',
    },
    win7: {
      en: ' Windows 7 is out of support: it gets no updates without ESU.',
      zh: 'Windows 7 已停止支持：没有 ESU 就不会再获得更新。',
    },
  },
  cases: {
    valid: [
      {
        name: 'corpus wu02: a Windows 10 log with Automatic Updates on',
        files: { 'WindowsUpdate.log': { corpus: 'wu02-reeceketley-kb5034441-80070643/WindowsUpdate.log' } },
      },
    ],
    invalid: [
      {
        name: 'Windows 7 lines (corpus wu04): AU disabled twice, one search that found nothing',
        files: {
          'WindowsUpdate.log': [
            '2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t===========  Logging initialized (build: 7.6.7600.256, tz: +0530)  ===========',
            '2021-08-28\t11:05:53:815\t 576\ta70\tAU\t###########  AU: Initializing Automatic Updates  ###########',
            '> 2021-08-28\t11:05:53:815\t 576\ta70\tAU\t  # AU disabled through User preference',
            '2021-08-28\t11:05:54:268\t 576\ta70\tReport\t  * OS Version = 6.1.7601.1.0.65792',
            '2021-08-29\t14:00:26:050\t 576\t19d4\tAgent\t  * Found 0 updates and 0 categories in search; evaluated appl. rules of 0 out of 0 deployed entities',
            '> 2021-08-30\t10:55:58:514\t 700\t1364\tAU\t  # AU disabled through User preference',
          ].join('\n'),
        },
        findings: [
          {
            messageId: 'disabled',
            facts: { disabledCount: '2', searches: '1', emptySearches: '1', version: '6.1.7601.1.0.65792' },
          },
        ],
      },
      {
        name: 'corpus wu04: Windows 7, AU disabled through user preference',
        files: { 'WindowsUpdate.log': { corpus: 'wu04-rkudache-win7-legacy-au-disabled/WindowsUpdate.log' } },
        findings: [{ messageId: 'disabled', facts: { disabledBy: 'User preference' } }],
      },
    ],
  },
});
