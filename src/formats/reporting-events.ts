// ReportingEvents.log (`%windir%\SoftwareDistribution\ReportingEvents.log`, UTF-16LE): one Windows Update
// client event per TAB-separated line, with its local time and UTC offset. Streamed line by line.

import { sniffEncoding } from '../ingest/encoding.js';
import { detectReportingEvents, reportingLine, type ReRecord } from '../parse/reporting-events.js';
import { reportingStory } from '../timeline/wu-story.js';
import {
  addSource,
  defineFormat,
  recordKeeper,
  sourceOf,
  streamLines,
  EVENT_RECORD_COST,
} from './define-format.js';

/** The offset most lines carry (`+0300` → 180), or null. */
function writtenOffset(offsets: Map<string, number>): number | null {
  const top = [...offsets].sort((a, b) => b[1] - a[1])[0]?.[0];
  const m = top ? /^([+-])(\d\d):?(\d\d)$/.exec(top) : null;
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : null;
}

/** ReportingEvents.log. */
export default defineFormat({
  id: 'reporting-events',
  kind: 'reportingevents',
  summary: "ReportingEvents.log: the Windows Update client's event log",
  sniff: (head) => detectReportingEvents(head.lines),
  read(input, ctx) {
    const records: ReRecord[] = [];
    const offsets = new Map<string, number>();
    const keeper = recordKeeper(ctx, input, 'events', EVENT_RECORD_COST);
    const stats = streamLines(input, ctx, (l, n) => {
      const r = reportingLine(l, n);
      if (!r) return;
      if (r.utcOffset && (offsets.size < 100 || offsets.has(r.utcOffset)))
        offsets.set(r.utcOffset, (offsets.get(r.utcOffset) ?? 0) + 1);
      if (keeper.take(n)) records.push(r);
    });
    keeper.end();
    const offset = writtenOffset(offsets);
    const s = reportingStory(input.name, records, ctx.nextAttempt, ctx.nextFinding);
    ctx.attempts.push(...s.attempts);
    ctx.findings.push(...s.findings);
    const times = s.attempts.flatMap((a) => [a.start, a.end]);
    const encoding = sniffEncoding(input.head()).encoding;
    const source = sourceOf(input, 'reportingevents', stats.splitLines, encoding, times);
    addSource(ctx, source, offset, offset === null ? 'unknown' : 'written-offset');
  },
  samples: [
    {
      // Corpus re01-dcheva-reportingevents-detect-80072ee2, lines 1-3 (a Store app downloaded and installing).
      name: 'Store app download and install',
      text: [
        '{A583FB9E-9C9C-4282-B2AC-021ABB6BCB34}\t2023-06-17 20:20:23:087+0300\t1\t162 [AGENT_DOWNLOAD_SUCCEEDED]\t101\t{83CB05B1-36CD-4EF9-A9C6-136D4B522E64}\t1\t0\tAcquisition;Microsoft.GamingApp_8wekyb3d8bbwe\tSuccess\tContent Download\tDownload succeeded.\tw3Fd8MIdE0yBSbdX.0.7.1.0.0.107.0',
        '{76064FF8-80F9-436A-AC7E-76BB9A1E96CA}\t2023-06-17 20:20:23:232+0300\t1\t162 [AGENT_DOWNLOAD_SUCCEEDED]\t101\t{C432F685-4AE8-4DF6-BDEB-97DB1EA94716}\t1\t0\tAcquisition;Microsoft.GamingApp_8wekyb3d8bbwe\tSuccess\tContent Download\tDownload succeeded.\tE8oYvmIexEi8/sUd.0.7.1.0.0.127.0',
        '{2246BD16-3455-467B-BC4D-FBFCE06C6B4C}\t2023-06-17 20:20:23:379+0300\t1\t181 [AGENT_INSTALLING_STARTED]\t101\t{83CB05B1-36CD-4EF9-A9C6-136D4B522E64}\t1\t0\tAcquisition;Microsoft.GamingApp_8wekyb3d8bbwe\tSuccess\tContent Install\tInstallation Started: Windows has started installing the following update: 9NKNC0LD5NN6-Microsoft.Xbox.TCUI\tw3Fd8MIdE0yBSbdX.0.9.1.0.0.1.0',
      ].join('\r\n'),
    },
  ],
});
