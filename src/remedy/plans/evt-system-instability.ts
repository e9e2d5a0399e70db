// The plan for evt-system-instability findings: bugchecks and unexpected shutdowns. An unstable machine
// damages what it writes, so the hardware comes before any update repair.

import { hardwareChecksStep, ownStep, t } from '../steps.js';
import { definePlan, type Draft } from './define-plan.js';
import { type Ctx } from './context.js';

function unstable(c: Ctx): Draft {
  const { facts } = c;
  return {
    title: t('Stabilise the machine before repairing updates', '先让系统稳定，再处理更新问题'),
    steps: [
      hardwareChecksStep({
        memory: true,
        drive: 'C:',
        why: t(
          `The event log records ${facts.bugchecks ?? 'several'} system crash(es)${facts.bugcheckCodes ? ` (bugcheck ${facts.bugcheckCodes})` : ''} and ${facts.unexpectedShutdowns ?? 'several'} unexpected shutdown(s). Crashes in different parts of the system point to memory, storage or power; updates written on such a machine are damaged again.`,
          `事件日志记录了 ${facts.bugchecks ?? '多'} 次系统崩溃${facts.bugcheckCodes ? `（蓝屏代码 ${facts.bugcheckCodes}）` : ''}和 ${facts.unexpectedShutdowns ?? '多'} 次意外关机。不同部件上的崩溃通常指向内存、存储或电源问题；在这样的电脑上写入的更新会再次损坏。`,
        ),
      }),
      ownStep({
        id: 'stabilise-system',
        title: t(
          'Remove what makes the system crash (overclocking, drivers, firmware)',
          '排除导致系统崩溃的因素（超频、驱动、固件）',
        ),
        why: t(
          'When the hardware tests pass, crashes usually come from overclocking or memory profiles (XMP), outdated firmware or a faulty driver; the crash dumps name the driver.',
          '硬件检测通过时，崩溃通常来自超频或内存超频配置（XMP）、过旧的固件或有问题的驱动；崩溃转储文件中会指出相关驱动。',
        ),
        how: t(
          'Reset the BIOS/UEFI to defaults (XMP and overclocking off), update BIOS, chipset and storage drivers from the machine maker, and keep the dump files of the next crash (C:\\Windows\\Minidump) for analysis.',
          '将 BIOS/UEFI 恢复默认设置（关闭 XMP 和超频），从整机厂商处更新 BIOS、芯片组和存储驱动，并保留下次崩溃的转储文件（C:\\Windows\\Minidump）用于分析。',
        ),
        commands: [
          { shell: 'cmd', line: 'dir C:\\Windows\\Minidump' },
          {
            shell: 'powershell',
            line: "Get-WinEvent -FilterHashtable @{LogName='System'; Id=1001,41} -MaxEvents 20 | Format-List TimeCreated,Id,Message",
          },
        ],
        verify: t(
          'No new bugcheck (event 1001) or unexpected shutdown (Kernel-Power 41) for several days of normal use.',
          '正常使用数天内不再出现新的蓝屏（事件 1001）或意外关机（Kernel-Power 41）。',
        ),
        invasiveness: 2,
      }),
    ],
    collect: t('the memory test result and C:\\Windows\\Minidump', '内存检测结果和 C:\\Windows\\Minidump'),
    confidence: 'medium',
  };
}

export default definePlan({
  rule: 'evt-system-instability',
  build: unstable,
  cases: [
    {
      name: 'corpus evt01: five bugchecks in different subsystems and 21 unexpected shutdowns',
      input: { corpus: 'evt01-appostarsi-system-events-txt' },
      steps: ['hardware-checks', 'stabilise-system'],
    },
  ],
});
