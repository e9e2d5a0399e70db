// A Windows setup / feature upgrade run that failed (Panther setupact.log, setupact_rollback.log,
// SetupDiagResults.log): the phase, the extended code, the underlying cause while applying the image, and
// whether the unreadable file stays the same (damaged media) or moves (unstable hardware).

import { defineStoryRule } from './define-story-rule.js';

export default defineStoryRule({
  id: 'setup-upgrade-failed',
  kind: 'story',
  meta: {
    severity: 'error',
    confidence: 'medium',
    root: true,
    summary: { en: 'Windows setup / feature upgrade failed', zh: 'Windows 安装/功能更新失败' },
    codes: [],
    mechanism:
      'A setup run whose result is a failure (MOUPG/SP result lines, SetupDiag): the failed phase and operation, the extended code (0x8007000D-0x2000C), the first underlying code while applying the image, the files it could not read. The same file in every failed apply means damaged media; a file that moves means unstable hardware.',
    references: ['corpus setup01', 'docs/domain.md setup'],
  },
  messages: {
    failed: {
      en: 'Windows setup{{target}} failed in phase {{phase}} with {{shown}}{{resultNote}}.{{notes}}',
      zh: 'Windows 安装/升级{{target}} 在 {{phase}} 阶段失败，错误 {{shown}}{{resultNoteZh}}。{{notesZh}}',
    },
  },
  phrases: {
    result: {
      en: ' ({{result}} {{resultName}}: {{resultMeaning}})',
      zh: '（{{result}} {{resultName}}：{{resultMeaningZh}}）',
    },
    operation: { en: ' Failed operation: {{operation}}.', zh: ' 失败的操作：{{operation}}。' },
    cause: {
      en: ' Underlying cause: {{cause}} {{causeName}} ({{causeMeaning}}){{apply}}.',
      zh: ' 根本原因：{{cause}} {{causeName}}（{{causeMeaningZh}}）{{applyZh}}。',
    },
    apply: {
      en: ' while applying the Windows image, {{count}} time(s)',
      zh: '，应用 Windows 映像时发生 {{count}} 次',
    },
    movingFiles: {
      en: " The unreadable file differs between attempts ({{files}}): data corruption that moves points to unstable hardware — test RAM (memtest86, Windows Memory Diagnostic), disable XMP/overclocking and check the disk before retrying; verify the media's SHA-256 too.",
      zh: ' 各次尝试中损坏的文件不同（{{files}}）：损坏位置会变化，说明硬件不稳定——重试前请检测内存（memtest86、Windows 内存诊断）、关闭 XMP/超频并检查硬盘；同时校验安装介质的 SHA-256。',
    },
    sameFile: {
      en: " The same file was unreadable in {{applies}} ({{file}}): the image is damaged (the ISO/install.wim, or setup's copy of it on disk) — re-download the media and verify its SHA-256; if a fresh image fails too, test RAM and the disk.",
      zh: ' {{appliesZh}}都是同一个文件无法读取（{{file}}）：映像本身已损坏（ISO/install.wim，或安装程序在磁盘上的副本）——请重新下载安装介质并校验 SHA-256；若新映像仍失败，再检测内存和硬盘。',
    },
    oneApply: { en: 'the failed apply', zh: '失败的映像应用中' },
    allApplies: { en: 'all {{n}} failed applies', zh: '全部 {{n}} 次失败的映像应用中' },
    rolledBack: {
      en: ' Setup rolled the machine back to the previous Windows.',
      zh: ' 安装程序已回滚到原来的 Windows。',
    },
    likelyStep: {
      en: ' Likely cause: the step "{{step}}" failed with {{stepCode}} {{stepCodeName}} before the rollback ({{where}}).',
      zh: ' 可能原因：回滚前步骤“{{step}}”失败，错误 {{stepCode}} {{stepCodeName}}（{{where}}）。',
    },
  },
  cases: {
    valid: [
      {
        name: 'corpus setup05: a clean install that completes',
        files: { 'setupact.log': { corpus: 'setup05-bitbtrust-clean-install-ok/setupact.log' } },
      },
      {
        name: 'corpus setup03: a run the user cancelled is no failure',
        files: { 'setupact.log': { corpus: 'setup03-copyleft21-w11-mct-user-cancel/setupact.log' } },
      },
    ],
    invalid: [
      {
        name: 'corpus setup01: Safe OS fails with 0x8007000D-0x2000C, the same file unreadable in three applies',
        files: {
          'setupact.log': { corpus: 'setup01-appostarsi-upgrade-80070570/setupact.log' },
          'setupact_rollback.log': { corpus: 'setup01-appostarsi-upgrade-80070570/setupact_rollback.log' },
          'SetupDiagResults.log': { corpus: 'setup01-appostarsi-upgrade-80070570/SetupDiagResults.log' },
        },
        findings: [
          {
            messageId: 'failed',
            code: '0x80070570',
            facts: { phase: 'Safe OS', extendedCode: '0x8007000D-0x2000C', applyFailures: '3' },
          },
        ],
      },
      {
        name: 'a rollback reported as 0xC1900101-0x30018: the step that failed before it is the likely cause',
        files: {
          'setupact.log': [
            '2024-01-20 14:02:11, Info                  MOUPG  *************** SetupHost Logging Begin ***************',
            '2024-01-20 14:02:12, Info                  MOUPG  Setup build version is: 10.0.22631.2861',
            '2024-01-20 14:29:58, Info                  SP     Executing operation: Run sysprep specialization offline on C:\\$WINDOWS.~BT\\NewOS',
            '2024-01-20 14:30:05, Error                 SP     CSetupPlatformPrivate::LoadProductKeyFromRegistry: Failed to read product key; hr = 0x80070002[gle=0x00000002]',
            '> 2024-01-20 14:31:52, Error                 SP     Sysprep specialize offline failed 0x80070005',
            '2024-01-20 14:31:52, Error                 SP     CSysprepSpecializeOffline::Execute: Specialize failed; hr = 0x80070005[gle=0x00000005]',
            '> 2024-01-20 14:33:10, Info                  MOUPG  Initiating rollback',
            '2024-01-20 14:52:41, Info                  MOUPG  *************** SetupHost Logging Begin ***************',
            '> 2024-01-20 14:52:44, Info                  MOUPG  SetupHost: Reporting post reboot event -> [0xC1900101, 0x30018]',
          ].join('\n'),
        },
        findings: [
          {
            messageId: 'failed',
            code: '0xc1900101',
            facts: {
              extendedCode: '0xC1900101-0x30018',
              rolledBack: 'true',
              failedStep: 'Sysprep specialize offline',
              failedStepCode: '0x80070005',
            },
          },
        ],
      },
    ],
  },
});
