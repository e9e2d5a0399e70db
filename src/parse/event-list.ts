// Event records as PowerShell lists them, saved with `>` or Out-File: `Get-WinEvent … | Format-List` (the
// default view `TimeCreated`, `ProviderName`, `Id`, `Message`; `Format-List *` adds `RecordId`,
// `LevelDisplayName`…) and `Get-EventLog … | Format-List` (`Index`, `EntryType`, `InstanceId`, `Message`,
// `Source`, `TimeGenerated`…). PowerShell never localises property names; the values follow the machine (a
// zh-CN one writes `2022/7/22 8:41:07` and Chinese messages). Names are padded to one column, `Name : value`;
// a value goes on over the following lines indented to the value column (the next line of a message, or a
// long line wrapped at the console width); a blank line ends a record. Times are local: they become
// `YYYY-MM-DDTHH:MM:SS` without a zone as in event-csv.ts, whose record building this module shares.

import type { TextEvent } from './event-text.js';
import { eventFields, fieldOf, toEvents, type Field, type RawEvent } from './event-csv.js';
import { eachLine } from './text-lines.js';

/** Sample lists (en-US and zh-CN machines); the format test parses them. */
export const samples: { text: string; events: Partial<TextEvent>[] }[] = [
  {
    // Get-WinEvent -LogName System -MaxEvents 3 | Format-List, on a 100-column console: newest first.
    text: [
      '',
      '',
      'TimeCreated  : 7/22/2022 9:13:20 AM',
      'ProviderName : Microsoft-Windows-WER-SystemErrorReporting',
      'Id           : 1001',
      'Message      : The computer has rebooted from a bugcheck.  The bugcheck was: 0x0000001a',
      '               (0x0000000000041792, 0xffffa8000a5f3000, 0x0000000000100000, 0x0000000000000000). A',
      '               dump was saved in: C:\\Windows\\MEMORY.DMP. Report Id:',
      '               3f1c9e42-7b1d-4c55-9a0e-2d6b8e4f7a10.',
      '',
      'TimeCreated  : 7/22/2022 8:41:07 AM',
      'ProviderName : Microsoft-Windows-WindowsUpdateClient',
      'Id           : 20',
      'Message      : Installation Failure: Windows failed to install the following update with error',
      '               0x80070570: 2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based',
      '               Systems (KB5015811).',
      '',
      'TimeCreated  : 7/22/2022 8:22:20 AM',
      'ProviderName : Microsoft-Windows-WindowsUpdateClient',
      'Id           : 43',
      'Message      : Installation Started: Windows has started installing the following update: 2022-07',
      '               Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)',
      '',
      '',
    ].join('\r\n'),
    events: [
      {
        line: 3,
        descLine: 6,
        recordId: 3,
        time: '2022-07-22T09:13:20',
        eventId: 1001,
        provider: 'Microsoft-Windows-WER-SystemErrorReporting',
        level: null,
        data: { BugcheckCode: '0x0000001a' },
      },
      {
        line: 11,
        descLine: 14,
        recordId: 2,
        time: '2022-07-22T08:41:07',
        eventId: 20,
        data: {
          errorCode: '0x80070570',
          updateTitle:
            '2022-07 Cumulative Update for Windows 10 Version 1809 for x64-based Systems (KB5015811)',
        },
      },
      { line: 18, recordId: 1, eventId: 43 },
    ],
  },
  {
    // Get-EventLog -LogName System -Newest 1 | Format-List on a zh-CN machine.
    text: [
      '',
      '',
      'Index              : 27001',
      'EntryType          : Error',
      'InstanceId         : 20',
      'Message            : 安装失败: Windows 无法安装以下更新，错误 0x80070570: 2022-07 适用于基于 x64 的系统的',
      '                     Windows 10 Version 1809 累积更新 (KB5015811)。',
      'Category           : Windows 更新代理',
      'CategoryNumber     : 1',
      'ReplacementStrings : {0x80070570, 2022-07 适用于基于 x64 的系统的 Windows 10 Version 1809 累积更新',
      '                     (KB5015811), {8a4b3e20-5c1d-4f7e-9b62-0d3c5e7a9f14}, 1...}',
      'Source             : Microsoft-Windows-WindowsUpdateClient',
      'TimeGenerated      : 2022/7/22 8:41:07',
      'TimeWritten        : 2022/7/22 8:41:07',
      'UserName           : NT AUTHORITY\\SYSTEM',
      '',
    ].join('\r\n'),
    events: [
      {
        descLine: 6,
        recordId: 27001,
        time: '2022-07-22T08:41:07',
        eventId: 20,
        level: 'Error',
        data: {
          errorCode: '0x80070570',
          updateTitle: '2022-07 适用于基于 x64 的系统的 Windows 10 Version 1809 累积更新 (KB5015811)',
        },
      },
    ],
  },
];

/** `Name : value` at column 0 (PowerShell pads the names to one column). */
const PROPERTY = /^([A-Za-z][A-Za-z0-9]*) *: ?(.*)$/;

/** Whether text looks like event records listed by PowerShell's Format-List. */
export function detectEventList(lines: string[]): boolean {
  const names: (Field | undefined)[] = [];
  for (const l of lines.slice(0, 80)) {
    const p = PROPERTY.exec(l.replace(/^\uFEFF/, ''));
    if (p) names.push(fieldOf(p[1]!));
  }
  return eventFields(names);
}

/** Parses Format-List output; records that cannot be read are skipped. */
export function parseEventList(text: string): TextEvent[] {
  const raws: RawEvent[] = [];
  const reader = new EventListReader((r) => raws.push(r));
  eachLine(text, (l, n) => reader.line(l, n));
  reader.finish();
  return toEvents(raws);
}

/** Reads Format-List output line by line, handing out each record when the next begins. */
export class EventListReader {
  private cur: RawEvent | null = null;
  private names = new Set<string>();
  private field: Field | undefined;
  private blanks = 0;
  constructor(private readonly onRaw: (r: RawEvent) => void) {}

  line(l: string, lineNo: number): void {
    const p = PROPERTY.exec(l);
    if (p) {
      // A blank line or a name seen again starts the next record.
      if (!this.cur || this.blanks || this.names.has(p[1]!)) {
        this.finish();
        this.cur = { line: lineNo, descLine: lineNo };
        this.names = new Set();
      }
      const cur = this.cur;
      this.names.add(p[1]!);
      this.field = fieldOf(p[1]!);
      if (this.field) cur[this.field] = p[2]!;
      if (this.field === 'description') cur.descLine = lineNo;
      this.blanks = 0;
    } else if (!l.trim()) {
      this.blanks++;
    } else if (this.cur && /^\s/.test(l)) {
      // The value goes on: a message keeps its lines (and blank lines), other values are one line.
      const joint = this.field === 'description' ? '\n'.repeat(this.blanks + 1) : ' ';
      if (this.field) this.cur[this.field] = `${this.cur[this.field] ?? ''}${joint}${l.trim()}`;
      this.blanks = 0;
    } else {
      this.finish();
    }
  }

  /** Ends the current record. */
  finish(): void {
    if (this.cur) this.onRaw(this.cur);
    this.cur = null;
  }
}
