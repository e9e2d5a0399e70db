// What every event-log format (the binary .evtx and the text, CSV, Format-List and XML exports) does with
// its events: keep the ones the update story and the clock read, tally the rest, and describe the source.

import { decodeText } from '../ingest/encoding.js';
import type { Input } from '../ingest/inputs.js';
import type { TextEvent } from '../parse/event-text.js';
import { detach, detachValues } from '../parse/text-lines.js';
import { EventCollector, type RawEvent } from '../parse/event-csv.js';
import { DISTINCT_EVENTS, type UpdateEvent } from '../timeline/update-events.js';
import {
  addSource,
  recordKeeper,
  sourceOf,
  splitLines,
  streamLines,
  type BundleContext,
  EVENT_RECORD_COST,
} from './define-format.js';
import { sniffEncoding } from '../ingest/encoding.js';

const WU = 'Microsoft-Windows-WindowsUpdateClient';
const SERVICING = 'Microsoft-Windows-Servicing';

/** Service-control events (7040 start type changed, 7036 state changed) of TrustedInstaller. */
export const TI_SERVICE = /TrustedInstaller|Windows Modules Installer|Windows 模块安装程序/i;

/**
 * Whether the story or the clock reads an event: Windows Update client and Servicing events, the ones told
 * apart as moments (installs, crashes, shutdowns) and TrustedInstaller's service-control events (7040, 7036;
 * `text` is the event's description and data). A log's other events are counted, not kept: memory follows
 * these, not the export's size.
 */
export function keepEvent(provider: string | null, eventId: number, text: string): boolean {
  if (eventId === 7040 || eventId === 7036) return TI_SERVICE.test(text);
  return provider === WU || provider === SERVICING || DISTINCT_EVENTS.has(eventId);
}

/**
 * An exported event as the story reads it: its description's first line is what evidence quotes (the data
 * was read from the whole description already), so the rest is not kept.
 */
export function updateEventOf(e: TextEvent, file: string, utc: boolean): UpdateEvent {
  return {
    file,
    recordId: e.recordId,
    line: e.descLine,
    text: detach(e.description.split('\n', 1)[0]!),
    time: e.time,
    utc,
    eventId: e.eventId,
    provider: e.provider,
    data: detachValues(e.data),
  };
}

/** Adds an export's kept events to the bundle (`utc` when the export stores UTC: XML). */
export function addTextEvents(ctx: BundleContext, input: Input, events: TextEvent[], utc: boolean): void {
  const keeper = recordKeeper(ctx, input, 'events', EVENT_RECORD_COST);
  for (const e of events) {
    if (
      keepEvent(e.provider, e.eventId, `${e.description} ${Object.values(e.data).join(' ')}`) &&
      keeper.take(e.line)
    )
      ctx.events.push(updateEventOf(e, input.name, utc));
  }
  keeper.end();
}

/** Tallies of an export's events: how many, their span, whether every time is labelled UTC. */
export interface EventTally {
  count: number;
  first: string | null;
  last: string | null;
  allUtc: boolean;
}

const UTC_LABEL = /Z$|[+-]00:?00$/;

/** The tally of events held whole. */
export function tallyOf(events: readonly TextEvent[]): EventTally {
  const times = events.map((e) => e.time).sort();
  return {
    count: events.length,
    first: times[0] ?? null,
    last: times[times.length - 1] ?? null,
    allUtc: events.length > 0 && events.every((e) => UTC_LABEL.test(e.time)),
  };
}

/** Whether a time is labelled UTC (`Z`, `+00:00`). */
export const labelledUtc = (time: string): boolean => UTC_LABEL.test(time);

/**
 * Describes an event export as a source. Text exports label times as they like (often local time with a
 * `Z`): labelled, not trusted. An XML export carries the record's own SystemTime, which is UTC.
 */
export function addEventSource(
  ctx: BundleContext,
  input: Input,
  lines: number,
  encoding: string,
  tally: EventTally,
  xml: boolean,
): void {
  const basis = !tally.allUtc ? 'unknown' : xml ? 'utc-by-format' : 'as-labelled';
  addSource(ctx, sourceOf(input, 'events', lines, encoding, tally), tally.allUtc ? 0 : null, basis);
}

/** The first lines of an input, decoded, for a reader that needs its header. */
export function headLinesOf(input: Input): string[] {
  return splitLines(decodeText(input.head()));
}

/** A line-by-line reader of an export's records (a table, a Format-List). */
export interface RawEventReader {
  line(l: string, lineNo: number): void;
  finish(): void;
}

/**
 * Streams an export through `reader` (made with the sink its records go to), keeps the events the story
 * reads and describes the source.
 */
export function readRawEvents(
  input: Input,
  ctx: BundleContext,
  reader: (onRaw: (r: RawEvent) => void) => RawEventReader | null,
): void {
  const keeper = recordKeeper(ctx, input, 'events', EVENT_RECORD_COST);
  // The line of the record being added, for the keeper.
  let at = 0;
  const collector = new EventCollector(
    (provider, eventId, text) => keepEvent(provider, eventId, text) && keeper.take(at),
    true,
  );
  const r = reader((raw) => {
    at = raw.line;
    collector.add(raw);
  });
  const stats = streamLines(input, ctx, (l, n) => r?.line(l, n));
  r?.finish();
  keeper.end();
  const found = collector.finish();
  for (const e of found.events) ctx.events.push(updateEventOf(e, input.name, false));
  addEventSource(ctx, input, stats.splitLines, sniffEncoding(input.head()).encoding, found, false);
}
