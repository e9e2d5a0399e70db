// The formats patchdx reads, in the order they are tried: the first whose sniff accepts a file's head reads
// it. Earlier entries are the more specific (binary first; systeminfo and the event exports before the line
// logs; Panther before CBS, whose grammar it shares; an OS version capture before the registry capture it
// also is). Adding a format: one file beside these, its samples, one line here.

import { sniffEncoding } from '../ingest/encoding.js';
import cbs from './cbs.js';
import collectorDiskSpace from './collector-disk-space.js';
import collectorManifest from './collector-manifest.js';
import collectorOsBuild from './collector-os-build.js';
import collectorPending from './collector-pending.js';
import { headOf, type Format, type Head } from './define-format.js';
import dismConsole from './dism-console.js';
import dism from './dism.js';
import eventCsv from './event-csv.js';
import eventList from './event-list.js';
import eventText from './event-text.js';
import eventXml from './event-xml.js';
import evtx from './evtx.js';
import fileHash from './file-hash.js';
import osVersion from './os-version.js';
import packageList from './package-list.js';
import registryExport from './registry-export.js';
import reportingEvents from './reporting-events.js';
import setupact from './setupact.js';
import setupdiag from './setupdiag.js';
import sfcConsole from './sfc-console.js';
import systeminfo from './systeminfo.js';
import windowsUpdateLog from './windows-update-log.js';

/** Every format, in priority order. */
export const FORMATS: readonly Format[] = [
  evtx,
  collectorManifest,
  systeminfo,
  eventText,
  eventXml,
  eventCsv,
  eventList,
  reportingEvents,
  windowsUpdateLog,
  setupdiag,
  setupact,
  cbs,
  dism,
  collectorOsBuild,
  collectorPending,
  collectorDiskSpace,
  dismConsole,
  sfcConsole,
  packageList,
  osVersion,
  registryExport,
  fileHash,
];

/** What sniffing found: the format that reads the file, or why none does. */
export type Sniffed =
  { format: Format; head: Head } | { format: null; why: 'empty' | 'binary' | 'unknown'; head: Head | null };

/** The format of a file, from its head (first 64 KiB) and size: the first of {@link FORMATS} that accepts it. */
export function sniffFormat(bytes: Buffer, size: number): Sniffed {
  if (size === 0 || bytes.length === 0) return { format: null, why: 'empty', head: null };
  const head = headOf(bytes, size);
  for (const f of FORMATS) if (f.binary && f.sniff(head)) return { format: f, head };
  if (sniffEncoding(bytes).binary) return { format: null, why: 'binary', head };
  for (const f of FORMATS) if (!f.binary && f.sniff(head)) return { format: f, head };
  return { format: null, why: 'unknown', head };
}

export {
  defineFormat,
  newContext,
  type BundleContext,
  type Format,
  type FormatSample,
} from './define-format.js';
