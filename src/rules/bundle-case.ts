// The case shape of every finding judged over a whole bundle (story rules, cross-source checks, the engine's
// fallback): small bundles, each file inline (lines marked `>` must come back as evidence, as in CBS rule
// cases) or taken from the project's fixtures or the shared corpus. analyze/check-tester.ts runs them.

import type { Facts, Severity } from '../model/types.js';

/** One file of a case bundle: inline text (`> ` marks evidence lines), a fixture path, or a corpus path. */
export type CaseFile = string | { fixture: string } | { corpus: string };

/** A bundle the finding must not be reported for. */
export interface BundleCase {
  name: string;
  /** File name in the bundle → its content. */
  files: Record<string, CaseFile>;
}

/** A bundle with exactly the findings expected, in the order they are reported. */
export interface InvalidBundleCase extends BundleCase {
  findings: { messageId: string; facts?: Facts; code?: string | null; severity?: Severity; root?: boolean }[];
}

/** Anything whose cases the bundle tester runs: its id, the message ids it may report, its cases. */
export interface CasedFinding {
  id: string;
  messageIds: readonly string[];
  cases: { valid: BundleCase[]; invalid: InvalidBundleCase[] };
}

/** A rule or check that declares its messages, as the bundle tester takes it (message ids = its messages). */
export function casedFinding(r: {
  id: string;
  messages: Record<string, unknown>;
  cases: CasedFinding['cases'];
}): CasedFinding {
  return { id: r.id, messageIds: Object.keys(r.messages), cases: r.cases };
}

/**
 * One event as a line of an XML export (`wevtutil qe /f:xml`), for inline cases: `> ` before it marks it as
 * evidence.
 */
export function eventXml(
  provider: string,
  eventId: number,
  time: string,
  recordId: number,
  data: Record<string, string> = {},
): string {
  const fields = Object.entries(data)
    .map(([k, v]) => `<Data Name='${k}'>${v}</Data>`)
    .join('');
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='${provider}'/>` +
    `<EventID>${eventId}</EventID><TimeCreated SystemTime='${time}'/><EventRecordID>${recordId}</EventRecordID>` +
    `</System><EventData>${fields}</EventData></Event>`
  );
}

/**
 * One ReportingEvents.log line (tab-separated), for inline cases: event id and tag (`182 AGENT_INSTALLING_FAILED`),
 * local time with offset, update GUID, code without `0x`, result, kind and text.
 */
export function reportingLine(
  event: string,
  time: string,
  updateId: string,
  code: string,
  result: 'Success' | 'Failure',
  kind: string,
  text: string,
): string {
  const [id, tag] = event.split(' ');
  return [
    '{C7550B90-A0BA-47D7-A527-7F2A377E1DB7}',
    time,
    '1',
    `${id} [${tag}]`,
    '101',
    `{${updateId}}`,
    '0',
    code,
    'UpdateOrchestrator',
    result,
    kind,
    text,
    'arqdv3jFYUqk1Fmr.1.0.0.3.0',
  ].join('\t');
}

/**
 * A captured DISM console run, for inline cases: the prompt and `command` (marked as evidence, as the
 * findings quote it), DISM's banner and image version, then `output` as printed (`> ` marks evidence).
 */
export function dismCapture(command: string, output: string[]): string {
  return [
    `> C:\\Windows\\system32>DISM /Online /Cleanup-Image /${command}`,
    '',
    'Deployment Image Servicing and Management tool',
    'Version: 10.0.19041.844',
    '',
    'Image Version: 10.0.19045.2965',
    '',
    ...output,
  ].join('\n');
}

/** An inline case text with its `> ` evidence marks removed (for valid cases built by the helpers above). */
export function unmarked(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.startsWith('> ') ? l.slice(2) : l))
    .join('\n');
}
