// What every event-log format (the binary .evtx and the text, CSV, Format-List and XML exports) does with
// its events: keep the ones the update story and the clock read, tally the rest, and describe the source.

import { decodeText } from '../ingest/encoding.js';
import type { Input } from '../ingest/inputs.js';
import type { TextEvent } from '../parse/event-text.js';
import { DISTINCT_EVENTS } from '../timeline/update-events.js';
import { addSource, sourceOf, splitLines, type BundleContext } from './define-format.js';

const WU = 'Microsoft-Windows-WindowsUpdateClient';
const SERVICING = 'Microsoft-Windows-Servicing';

/**
 * Whether the story or the clock reads an event: Windows Update client and Servicing events, the ones told
 * apart as moments (installs, crashes, shutdowns) and TrustedInstaller's service-control events (7040, 7036).
 * A log's other events are counted, not kept: memory follows these, not the export's size.
 */
export function keepEvent(provider: string | null, eventId: number): boolean {
  return (
    provider === WU ||
    provider === SERVICING ||
    DISTINCT_EVENTS.has(eventId) ||
    eventId === 7040 ||
    eventId === 7036
  );
}

/** Adds an export's kept events to the bundle (`utc` when the export stores UTC: XML). */
export function addTextEvents(ctx: BundleContext, input: Input, events: TextEvent[], utc: boolean): void {
  for (const e of events) {
    if (!keepEvent(e.provider, e.eventId)) continue;
    ctx.events.push({ ...e, file: input.name, line: e.descLine, text: e.description, utc });
  }
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
