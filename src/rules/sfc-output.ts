// The verdict of a captured `sfc /scannow` or `/verifyonly` run (en and zh wording), or a run that stopped
// half-way without one. CBS.log, when present, names the files; this is what the user saw.

import { dismCapture, unmarked } from './bundle-case.js';
import { defineStoryRule } from './define-story-rule.js';

/** A captured sfc run ending with `verdict` (`> ` marks the evidence lines). */
function sfcRun(verdict: string[], command = 'sfc /scannow'): string {
  return [
    `> C:\\Windows\\system32>${command}`,
    '',
    'Beginning system scan.  This process will take some time.',
    '',
    'Beginning verification phase of system scan.',
    'Verification 100% complete.',
    '',
    ...verdict,
  ].join('\n');
}

export default defineStoryRule({
  id: 'sfc-output',
  kind: 'story',
  meta: {
    severity: 'info',
    confidence: 'high',
    root: false,
    summary: { en: 'Captured sfc output', zh: '捕获的 sfc 输出' },
    codes: [],
    mechanism:
      'The Windows Resource Protection sentence of a captured sfc run: unrepairable files, "could not perform" and a repair service that does not start are errors and root causes (the store needs repair first); violations found by /verifyonly and a pending repair are warnings; clean, repaired and not-admin runs inform.',
    references: ['fixtures/outputs/sfc-en-runs.utf16le.txt', 'fixtures/outputs/sfc-zh-runs.utf16le-bom.txt'],
  },
  messages: {
    clean: { en: 'sfc found no integrity violations.', zh: 'sfc 未发现完整性冲突。' },
    repaired: { en: 'sfc found corrupt files and repaired them.', zh: 'sfc 发现损坏文件并已修复。' },
    unrepairable: {
      severity: 'error',
      root: true,
      en: 'sfc found corrupt files it could not repair: the store copies are damaged too. Repair the store first (DISM /RestoreHealth with a matching source), then run sfc again; CBS.log names the files.',
      zh: 'sfc 发现无法修复的损坏文件：组件存储中的副本同样损坏。请先修复组件存储（使用匹配版本源的 DISM /RestoreHealth），再运行 sfc；具体文件见 CBS.log。',
    },
    violations: {
      severity: 'warning',
      en: 'sfc /verifyonly found integrity violations (nothing was repaired).',
      zh: 'sfc /verifyonly 发现完整性冲突（未做修复）。',
    },
    couldNotPerform: {
      severity: 'error',
      root: true,
      en: 'sfc could not perform the requested operation: usually a pending repair or a damaged store; reboot, then run DISM /RestoreHealth before sfc.',
      zh: 'sfc 无法执行请求的操作：通常是有待完成的修复或组件存储损坏；请重启，再先运行 DISM /RestoreHealth 后运行 sfc。',
    },
    pending: {
      severity: 'warning',
      en: 'sfc refused: a system repair is pending and needs a reboot to complete.',
      zh: 'sfc 拒绝运行：有待完成的系统修复，需要重启。',
    },
    service: {
      severity: 'error',
      root: true,
      en: 'sfc could not start the repair service (Windows Modules Installer / TrustedInstaller).',
      zh: 'sfc 无法启动修复服务（Windows Modules Installer / TrustedInstaller）。',
    },
    notAdmin: {
      en: 'sfc was run without administrator rights: it did nothing.',
      zh: 'sfc 未以管理员身份运行：未执行任何操作。',
    },
    stalled: {
      severity: 'warning',
      en: 'sfc stopped at {{percent}}% without a result (interrupted, or the output was captured too early).',
      zh: 'sfc 停在 {{percent}}%，没有结果（被中断，或过早捕获了输出）。',
    },
  },
  cases: {
    valid: [
      {
        name: 'a captured DISM run is not an sfc run',
        files: {
          'dism.txt': unmarked(
            dismCapture('CheckHealth', [
              'No component store corruption detected.',
              'The operation completed successfully.',
            ]),
          ),
        },
      },
    ],
    invalid: [
      {
        name: 'clean',
        files: {
          'sfc.txt': sfcRun(['> Windows Resource Protection did not find any integrity violations.']),
        },
        findings: [
          { messageId: 'clean', severity: 'info', facts: { outcome: 'noViolations', mode: 'scannow' } },
        ],
      },
      {
        name: 'repaired',
        files: {
          'sfc.txt': sfcRun([
            '> Windows Resource Protection found corrupt files and successfully repaired them.',
            'For online repairs, details are included in the CBS log file located at',
            'windir\\Logs\\CBS\\CBS.log.',
          ]),
        },
        findings: [{ messageId: 'repaired' }],
      },
      {
        name: 'unrepairable',
        files: {
          'sfc.txt': sfcRun([
            '> Windows Resource Protection found corrupt files but was unable to fix some',
            'of them. For online repairs, details are included in the CBS log file located at',
            'windir\\Logs\\CBS\\CBS.log.',
          ]),
        },
        findings: [
          { messageId: 'unrepairable', severity: 'error', root: true, facts: { outcome: 'unrepairable' } },
        ],
      },
      {
        name: 'violations found by /verifyonly',
        files: {
          'sfc.txt': sfcRun(
            ['> Windows Resource Protection found integrity violations. Details are included in the CBS.Log'],
            'sfc /verifyonly',
          ),
        },
        findings: [{ messageId: 'violations', facts: { mode: 'verifyonly' } }],
      },
      {
        name: 'could not perform the requested operation',
        files: {
          'sfc.txt': sfcRun(['> Windows Resource Protection could not perform the requested operation.']),
        },
        findings: [{ messageId: 'couldNotPerform' }],
      },
      {
        name: 'repair pending',
        files: {
          'sfc.txt': [
            '> C:\\Windows\\system32>sfc /scannow',
            '',
            '> There is a system repair pending which requires reboot to complete.  Restart',
            'Windows and run sfc again.',
          ].join('\n'),
        },
        findings: [
          { messageId: 'pending', severity: 'warning', root: false, facts: { outcome: 'repairPending' } },
        ],
      },
      {
        name: 'repair service does not start',
        files: { 'sfc.txt': sfcRun(['> Windows Resource Protection could not start the repair service.']) },
        findings: [{ messageId: 'service' }],
      },
      {
        // A capture with only this sentence is not recognised as an sfc capture: it follows a clean run here.
        name: 'not an administrator, after a clean run',
        files: {
          'sfc.txt': [
            sfcRun(['> Windows Resource Protection did not find any integrity violations.']),
            '',
            '> C:\\Users\\me>sfc /scannow',
            '',
            '> You must be an administrator running a console session in order to',
            'use the sfc utility.',
          ].join('\n'),
        },
        findings: [{ messageId: 'clean' }, { messageId: 'notAdmin', facts: { outcome: 'notAdmin' } }],
      },
      {
        name: 'fixtures: three runs in UTF-16, the last stopped at 12%',
        files: { 'sfc-en-runs.utf16le.txt': { fixture: 'fixtures/outputs/sfc-en-runs.utf16le.txt' } },
        findings: [{ messageId: 'unrepairable' }, { messageId: 'couldNotPerform' }, { messageId: 'stalled' }],
      },
    ],
  },
});
