// WindowsUpdate.log in its two text forms: the Windows 10+ rendering of the ETW traces (Get-WindowsUpdateLog;
// a copy may begin with a header or mid-file) and the Windows 7/8.1 TAB-separated log. Streamed line by
// line: only the lines that can matter are parsed and kept (see parse/windows-update-log.ts).

import { sniffEncoding } from '../ingest/encoding.js';
import {
  detectWindowsUpdateLog,
  keptWuLine,
  wuLineMatters,
  type WuRecord,
} from '../parse/windows-update-log.js';
import { wuStory } from '../timeline/wu-story.js';
import { addSource, defineFormat, recordKeeper, sourceOf, streamLines } from './define-format.js';
import { headLinesOf } from './event-common.js';

/** WindowsUpdate.log, Windows 10+ (decoded ETW) or Windows 7/8.1. */
export default defineFormat({
  id: 'windows-update-log',
  kind: 'windowsupdate',
  summary: 'WindowsUpdate.log: Get-WindowsUpdateLog output (with or without a header) or the Windows 7 log',
  sniff: (head) => detectWindowsUpdateLog(head.lines) !== null,
  read(input, ctx) {
    const format = detectWindowsUpdateLog(headLinesOf(input));
    const records: WuRecord[] = [];
    const keeper = recordKeeper(ctx, input, 'lines that matter');
    const stats = streamLines(input, ctx, (l, n) => {
      if (!format) return;
      // Past the bundle's budget the lines that matter are only counted, not parsed.
      if (ctx.recordsLeft <= 0) {
        if (wuLineMatters(l)) keeper.take(n);
        return;
      }
      const r = keptWuLine(l, n, format);
      if (r && keeper.take(n)) records.push(r);
    });
    keeper.end();
    const s = wuStory(input.name, records, ctx.nextAttempt, ctx.nextFinding);
    ctx.attempts.push(...s.attempts);
    ctx.findings.push(...s.findings);
    const times = s.attempts.flatMap((a) => [a.start, a.end]);
    const encoding = sniffEncoding(input.head()).encoding;
    addSource(ctx, sourceOf(input, 'windowsupdate', stats.splitLines, encoding, times), null, 'unknown');
  },
  samples: [
    {
      // Corpus wu01-appostarsi-driver-800f024b, lines 8150-8160, cut mid-line as a copy that begins mid-file
      // (no header, a first line without its timestamp): the NVIDIA driver failing 0x800F024B.
      name: 'Windows 10, begins mid-file',
      text: [
        'CUHDriverHandler: No optional CompatibleProvider',
        '2023/05/22 08:22:20.0614505 2288  2488  Driver          *FAILED* [800F024B] Error Installing PnP Driver pci\\ven_10de&dev_1b81',
        '2023/05/22 08:22:20.0686479 2288  2488  Handler         Device id = pci\\ven_10de&dev_1b81 ',
        '2023/05/22 08:22:20.0686513 2288  2488  Handler         *FAILED* [800F024B] Driver Install of {4E95DCBD-E67C-46AF-985B-F29D655C3480} on pci\\ven_10de&dev_1b81 (mapping to error 8024200B)',
        '2023/05/22 08:22:20.0687355 8292  8220  UDP             Deployment job Id 9277A626-8759-47CC-A307-10D3CFDF30E7 : Update 4E95DCBD-E67C-46AF-985B-F29D655C3480.1 failure delegate invoked.',
        '2023/05/22 08:22:20.0687608 2288  2488  Handler         Exit code = 0x8024200B',
        '2023/05/22 08:22:20.0687615 2288  2488  Handler         * END *   Driver Install',
        '2023/05/22 08:22:20.0699170 6868  6776  Agent           LogHistory called. idUpdate={4E95DCBD-E67C-46AF-985B-F29D655C3480}.1, resultMapped=800F024B, resultUnMapped=800F024B',
      ].join('\r\n'),
    },
    {
      // Corpus wu01-appostarsi-driver-800f024b, lines 1-5, under the header a copy written by hand may carry
      // (the header is constructed; Get-WindowsUpdateLog's own output starts with the first trace line).
      name: 'Windows 10, with a header',
      text: [
        'WindowsUpdate.log of DESKTOP-RVU7BLR, from Get-WindowsUpdateLog',
        '==============================================================',
        '',
        '2023/05/22 08:08:32.6295131 8096  8116  Shared          InitializeSus',
        '2023/05/22 08:08:32.6301717 8096  8116  IdleTimer       Non-AoAc machine.  Aoac operations will be ignored.',
        '2023/05/22 08:08:32.6303004 8096  8116  Agent           WU client version 10.0.19041.2913',
        '2023/05/22 08:08:32.6305789 8096  8116  Agent           SleepStudyTracker: Machine is non-AOAC. Sleep study tracker disabled.',
        '2023/05/22 08:08:32.6306248 8096  8116  Agent           Base directory: C:\\Windows\\SoftwareDistribution',
      ].join('\r\n'),
    },
    {
      // Corpus wu04-rkudache-win7-legacy-au-disabled, lines 1-6: the Windows 7 TAB-separated log.
      name: 'Windows 7',
      text: [
        '2021-08-28\t03:07:48:216\t 648\t13bc\tReport\tCWERReporter finishing event handling. (00000000)',
        '2021-08-28\t03:07:48:216\t 648\t13bc\tService\t*********',
        '2021-08-28\t03:07:48:216\t 648\t13bc\tService\t**  END  **  Service: Service exit [Exit code = 0x240001]',
        '2021-08-28\t03:07:48:216\t 648\t13bc\tService\t*************',
        '2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t===========  Logging initialized (build: 7.6.7600.256, tz: +0530)  ===========',
        '2021-08-28\t11:05:07:920\t 576\ta70\tMisc\t  = Process: C:\\Windows\\system32\\svchost.exe',
      ].join('\r\n'),
    },
  ],
});
