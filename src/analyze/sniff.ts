// What a file is, by content (collectors rename files; users attach `CBS Win 10.log`): the first lines of
// each input decide its kind, whatever its name; and which event-export parser reads an event log.

import { sniffEncoding, decodeText } from '../ingest/encoding.js';
import { looksLikeEvtx } from '../ingest/evtx.js';
import { detectCbs } from '../parse/cbs.js';
import { detectDismConsole } from '../parse/dism-console.js';
import { detectEventCsv, parseEventCsv } from '../parse/event-csv.js';
import { detectEventList, parseEventList } from '../parse/event-list.js';
import { detectEventText, parseEventText, type TextEvent } from '../parse/event-text.js';
import { detectEventXml, parseEventXml } from '../parse/event-xml.js';
import { detectFileHash } from '../parse/file-hash.js';
import { detectOsVersion } from '../parse/os-version.js';
import { detectPackageList } from '../parse/package-list.js';
import { detectRegistryExport } from '../parse/registry-export.js';
import { detectReportingEvents } from '../parse/reporting-events.js';
import { detectSetupDiag, detectSetupact } from '../parse/setupact.js';
import { detectSfcConsole } from '../parse/sfc-console.js';
import { detectSystemInfo } from '../parse/systeminfo.js';
import { detectWindowsUpdateLog } from '../parse/windows-update-log.js';

/** Decoded first lines of a file, for content sniffing. */
export function headLines(head: Buffer): string[] {
  const sniff = sniffEncoding(head);
  let text: string;
  if (sniff.encoding === 'utf16le') text = head.subarray(sniff.bomBytes).toString('utf16le');
  else if (sniff.encoding === 'utf16be')
    text = Buffer.from(head.subarray(sniff.bomBytes)).swap16().toString('utf16le');
  else text = head.subarray(sniff.bomBytes).toString('latin1');
  return text.split(/\r?\n/).slice(0, 2000);
}

export type Kind =
  | 'cbs'
  | 'dism'
  | 'systeminfo'
  | 'events'
  | 'evtx'
  | 'setup'
  | 'windowsupdate'
  | 'reportingevents'
  | 'console'
  | 'osversion'
  | 'registry'
  | 'packages'
  | 'filehash'
  | 'unknown'
  | 'binary'
  | 'empty';

export const MAX_EVENT_TEXT = 256 * 1024 * 1024;

/** Captured outputs are read whole: a full `reg export` of HKLM\\SOFTWARE runs to tens of MB. */
export const MAX_TEXT_OUTPUT = 64 * 1024 * 1024;

export function sniffKind(head: Buffer, bytes: number): Kind {
  if (bytes === 0 || head.length === 0) return 'empty';
  if (looksLikeEvtx(head)) return 'evtx';
  const sniff = sniffEncoding(head);
  if (sniff.binary) return 'binary';
  const lines = headLines(head);
  const decoded = decodeText(head).split(/\r?\n/);
  if (detectSystemInfo(decoded)) return 'systeminfo';
  if (eventParser(decoded)) return 'events';
  if (detectReportingEvents(decoded)) return 'reportingevents';
  if (detectWindowsUpdateLog(decoded)) return 'windowsupdate';
  // Panther logs share the CBS line grammar: recognise them by their components first.
  if (detectSetupact(decoded) || detectSetupDiag(decoded)) return 'setup';
  // Findstr extracts prefix each line with the source path: look past it.
  const stripped = lines.map((l) => l.replace(/^[^\s]*?\.log:(?=\d{4}-)/i, ''));
  // dism.log shares the WDS line grammar (and often carries CBS lines): it is read by the same parser.
  const dismLines = stripped.filter((l) =>
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, \w+\s+DISM\s+.*PID=\d+/.test(l),
  ).length;
  if (detectCbs(stripped) > 0.2) return dismLines > stripped.length * 0.3 ? 'dism' : 'cbs';
  if (dismLines > 10) return 'dism';
  // Captured command outputs. A `reg query` of CurrentVersion is a version capture before a registry one.
  if (detectDismConsole(decoded) || detectSfcConsole(decoded)) return 'console';
  if (detectPackageList(decoded)) return 'packages';
  if (detectOsVersion(decoded)) return 'osversion';
  if (detectRegistryExport(decoded)) return 'registry';
  if (detectFileHash(decoded)) return 'filehash';
  return 'unknown';
}

/** The parser of an event-log export (wevtutil text, Event Viewer CSV/TXT, Export-Csv, Format-List, XML). */
export function eventParser(lines: string[]): ((text: string) => TextEvent[]) | null {
  if (detectEventText(lines)) return parseEventText;
  if (detectEventXml(lines)) return parseEventXml;
  if (detectEventCsv(lines)) return parseEventCsv;
  if (detectEventList(lines)) return parseEventList;
  return null;
}
