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
        name: 'corpus wu04: Windows 7, AU disabled through user preference',
        files: { 'WindowsUpdate.log': { corpus: 'wu04-rkudache-win7-legacy-au-disabled/WindowsUpdate.log' } },
        findings: [{ messageId: 'disabled', facts: { disabledBy: 'User preference' } }],
      },
    ],
  },
});
