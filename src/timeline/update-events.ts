// Windows Update and servicing events (System log WindowsUpdateClient 19/20/43, Setup log Servicing
// 1/2/3/4) turned into attempts and findings: which update was tried when, by whom, with what result —
// the decisive lines when CBS.log has rotated away (seed 001) or the failure is a download (seed 004).

import { boundKeys, pushTo } from './group.js';
import { DEFAULT_LIST_CAPS } from '../consolidate/caps.js';
import { newAttempt } from './attempt.js';
import { isStoreApp, LEFT_EVIDENCE, leftUpdatesFinding, updateFailureFinding } from './update-failure.js';
import type { Attempt, Evidence, Finding } from '../model/types.js';
import { canonicalize } from '../parse/error-codes.js';
import { isFailedResult } from './cbs-attempts.js';
import { kbOf } from '../parse/identity.js';
import { detectionFinding, type Scan } from './wu-story.js';
import evtUpdateFailed from '../rules/evt-update-failed.js';
import evtSystemInstability from '../rules/evt-system-instability.js';
import { both, phrase, phraseIf, report } from '../rules/define-story-rule.js';

/** A failure event that carries no code. */
const E_FAIL = '0x80004005';

/** The part of an event record this module reads (an EVTX record or a row of a text export). */
export interface UpdateEvent {
  /** The log the event comes from. */
  file: string;
  recordId: number;
  /** Line in a text export; EVTX records have none (their record id is shown). */
  line?: number;
  /** The event's own text (a text export's description), quoted as evidence when present. */
  text?: string;
  /** As the source gives it: ISO UTC for .evtx and XML exports, the exporting machine's time for text exports. */
  time: string;
  /** True when the source stores UTC (binary .evtx, XML exports): only then are times called UTC. */
  utc?: boolean;
  eventId: number;
  provider: string | null;
  data: Record<string, string>;
}

const WU = 'Microsoft-Windows-WindowsUpdateClient';
const SERVICING = 'Microsoft-Windows-Servicing';

const STATES: Record<string, string> = {
  '5000': 'Absent',
  '5112': 'Installed',
  '5016': 'Staged',
  '5064': 'Staged',
  '5096': 'InstallPending',
};

function evidence(e: UpdateEvent, text: string): Evidence {
  const own = e.text?.split('\n', 1)[0]?.trim();
  return {
    file: e.file,
    line: e.line ?? e.recordId,
    text: own
      ? `${own} (event ${e.eventId}, ${e.time})`
      : `record ${e.recordId} ${e.time} event ${e.eventId}: ${text}`,
  };
}

/** Local-looking time text for attempts (`2017-07-12 03:01:02`, UTC). */
function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z?$|Z$/, '');
}

/** Milliseconds of an event time read as written (the zone does not matter for differences). */
function writtenMs(t: string): number {
  return Date.parse(`${t.slice(0, 19).replace(' ', 'T')}Z`);
}

/**
 * What an event says, not how an export words it: provider, id, code, KB (or title), package, bugcheck. An
 * English and a Chinese export of one log give the same key; so do the .evtx and its CSV.
 */
export function eventKey(e: UpdateEvent): string {
  const title = e.data.updateTitle ?? '';
  return [
    e.provider,
    e.eventId,
    (e.data.errorCode ?? e.data.ErrorCode ?? '').toLowerCase(),
    kbOf(title) ?? title.toLowerCase(),
    (e.data.PackageIdentifier ?? '').toLowerCase(),
    // Kernel-Power 41 also has a BugcheckCode field, in decimal, in some exports only: not part of the key.
    e.eventId === 1001 ? (e.data.BugcheckCode ?? '') : '',
  ].join('|');
}

/** Events rare and specific enough that the same one in two files is the same moment (clock anchors). */
export const DISTINCT_EVENTS = new Set([19, 20, 31, 41, 43, 44, 1001, 6008]);

/** The events the story reads: the ones a twin of would be counted twice. */
function storyEvent(e: UpdateEvent): boolean {
  // Searches (25/26) repeat all day with the same text: counted once per moment, never a clock anchor.
  return (
    e.provider === SERVICING ||
    DISTINCT_EVENTS.has(e.eventId) ||
    (e.provider === WU && (e.eventId === 25 || e.eventId === 26))
  );
}

const QUARTER_S = 15 * 60;

/**
 * One event told by several exports of the same log (System.evtx and its CSV or XML export) is kept once:
 * same key, from another file, at a time a whole number of quarter hours away (±2 s; exports differ in
 * zone). Looked up by key and second-of-the-quarter-hour, so each event costs a few map reads.
 */
function onceEach(events: UpdateEvent[]): UpdateEvent[] {
  const seen = new Map<string, Set<string>>();
  const out: UpdateEvent[] = [];
  for (const e of events) {
    const ms = writtenMs(e.time);
    if (!storyEvent(e) || Number.isNaN(ms)) {
      out.push(e);
      continue;
    }
    const key = eventKey(e);
    const r = Math.round(ms / 1000) % QUARTER_S;
    let twin = false;
    for (let d = -2; d <= 2 && !twin; d++) {
      const files = seen.get(`${key}|${(r + d + QUARTER_S) % QUARTER_S}`);
      twin = !!files && [...files].some((f) => f !== e.file);
    }
    if (twin) continue;
    const slot = `${key}|${r}`;
    const files = seen.get(slot) ?? new Set<string>();
    files.add(e.file);
    seen.set(slot, files);
    out.push(e);
  }
  return out;
}

/** What an update event acts on: the update (KB or title) of Windows Update events, the package of servicing ones. */
function updateKey(e: UpdateEvent): string | null {
  if (e.provider === WU && [19, 20, 31, 41, 43].includes(e.eventId)) {
    const title = e.data.updateTitle ?? e.data.Data1 ?? '';
    return kbOf(title) ?? title;
  }
  if (e.provider === SERVICING && [1, 2, 3, 4, 6].includes(e.eventId))
    return e.data.PackageIdentifier ?? e.data.Data1 ?? '';
  return null;
}

/** The failure code of an install (20) or download (31) failure event, or null. */
function failureCode(e: UpdateEvent): string | null {
  if (e.provider !== WU || (e.eventId !== 20 && e.eventId !== 31)) return null;
  return canonicalize(e.data.errorCode ?? '') ?? null;
}

export interface EventStory {
  attempts: Attempt[];
  findings: Finding[];
}

/** Reconstructs update attempts from events and reports the failures, grouped by update and code. */
export function updateStory(
  events: UpdateEvent[],
  nextAttempt: () => string,
  nextFinding: () => string,
): EventStory {
  const attempts: Attempt[] = [];
  const open = new Map<string, Attempt>();
  const openServicing = new Map<string, Attempt>();
  const failures = new Map<
    string,
    { kb: string | null; title: string; code: string; phase: 'install' | 'download'; events: UpdateEvent[] }
  >();
  // Attempts by what they acted on (`kb ?? package`): retries and failures look their update up, not scan.
  const byUpdate = new Map<string, Attempt[]>();
  const add = (a: Attempt): void => {
    attempts.push(a);
    const k = a.kb ?? a.package;
    if (k !== null) pushTo(byUpdate, k, a);
  };
  const sorted = onceEach(events).sort((a, b) => a.time.localeCompare(b.time) || a.recordId - b.recordId);
  // Past the cap of updates told one by one, the rest are counted in one finding per phase.
  const bounded = boundKeys(sorted, updateKey, DEFAULT_LIST_CAPS.updates, (e) => failureCode(e) !== null);
  for (const e of bounded.kept) {
    if (e.provider === WU && (e.eventId === 43 || e.eventId === 19 || e.eventId === 20)) {
      const title = e.data.updateTitle ?? e.data.Data1 ?? '';
      const kb = kbOf(title);
      const key = kb ?? title;
      let a = open.get(key);
      if (!a || e.eventId === 43) {
        a = newAttempt(nextAttempt(), shortTime(e.time), {
          package: title || null,
          kb,
          // Microsoft Store apps are not Windows servicing: their failures never make the verdict.
          kind: isStoreApp(title) ? 'other' : 'package',
          client: 'Windows Update (event log)',
          targetState: 'Installed',
        });
        add(a);
        open.set(key, a);
      }
      a.evidence.push(
        evidence(
          e,
          `${e.eventId === 43 ? 'installation started' : e.eventId === 19 ? 'installed' : 'installation failed'}: ${title}`,
        ),
      );
      if (e.eventId === 19) {
        a.outcome = 'succeeded';
        a.result = '0x00000000';
        a.end = shortTime(e.time);
        open.delete(key);
        // Earlier failures of the same update were transient: it installed on a later try.
        for (const b of byUpdate.get(kb ?? title) ?? [])
          if (b !== a && b.outcome === 'failed') b.outcome = 'retried';
      } else if (e.eventId === 20) {
        const code = canonicalize(e.data.errorCode ?? '') ?? null;
        a.outcome = 'failed';
        a.result = code;
        a.end = shortTime(e.time);
        open.delete(key);
        if (code) {
          const fk = `${key}|${code}`;
          const f = failures.get(fk) ?? { kb, title, code, phase: 'install', events: [] };
          f.events.push(e);
          failures.set(fk, f);
        }
      }
    } else if (e.provider === WU && (e.eventId === 31 || e.eventId === 41)) {
      // Operational channel: 31 a download failed, 41 an update downloaded.
      const title = e.data.updateTitle ?? e.data.Data1 ?? '';
      const kb = kbOf(title);
      if (e.eventId === 41) {
        for (const b of byUpdate.get(kb ?? title) ?? [])
          if (b.kind === 'download' && b.outcome === 'failed') b.outcome = 'retried';
        continue;
      }
      const code = canonicalize(e.data.errorCode ?? '') ?? null;
      const a = newAttempt(nextAttempt(), shortTime(e.time), {
        package: title || null,
        kb,
        kind: isStoreApp(title) ? 'other' : 'download',
        client: 'Windows Update (event log)',
        end: shortTime(e.time),
        result: code,
        outcome: 'failed',
        evidence: [evidence(e, `download failed: ${title}`)],
      });
      add(a);
      if (code) {
        const fk = `${kb ?? title}|${code}|download`;
        const f = failures.get(fk) ?? { kb, title, code, phase: 'download', events: [] };
        f.events.push(e);
        failures.set(fk, f);
      }
    } else if (e.provider === SERVICING && [1, 2, 3, 4, 6].includes(e.eventId)) {
      const pkg = e.data.PackageIdentifier ?? e.data.Data1 ?? '';
      const kb = kbOf(pkg);
      const code = canonicalize(e.data.ErrorCode ?? '') ?? null;
      const target = STATES[e.data.IntendedPackageState ?? ''] ?? e.data.IntendedPackageStateTextized ?? null;
      const outcome: Attempt['outcome'] =
        e.eventId === 1
          ? 'interrupted'
          : e.eventId === 4
            ? 'pending'
            : isFailedResult(code) && e.eventId !== 2
              ? 'failed'
              : 'succeeded';
      // Event 1 opens the change; 2/3/4/6 for the same package close it.
      const started = e.eventId !== 1 ? openServicing.get(pkg) : undefined;
      if (started) {
        openServicing.delete(pkg);
        started.outcome = outcome;
        started.result = code;
        started.end = shortTime(e.time);
        started.rebootPending = e.eventId === 4;
        started.evidence.push(evidence(e, `servicing ${pkg} ${target ?? ''} ${code ?? ''}`.trim()));
        continue;
      }
      const svc = newAttempt(nextAttempt(), shortTime(e.time), {
        package: pkg || null,
        kb,
        client: e.data.Client ?? 'Servicing (Setup event log)',
        end: e.eventId === 1 ? null : shortTime(e.time),
        startState: STATES[e.data.InitialPackageState ?? ''] ?? null,
        targetState: target,
        result: code,
        outcome,
        rebootPending: e.eventId === 4,
        evidence: [evidence(e, `servicing ${pkg} ${target ?? ''} ${code ?? ''}`.trim())],
      });
      add(svc);
      if (e.eventId === 1) openServicing.set(pkg, svc);
    }
  }
  // A Windows Update install with no end event whose package servicing says "reboot required" or "installed".
  for (const a of open.values()) {
    const svc = (a.kb ? (byUpdate.get(a.kb) ?? []) : []).find(
      (b) => b !== a && b.kb === a.kb && (b.outcome === 'pending' || b.outcome === 'succeeded'),
    );
    if (svc) {
      a.outcome = svc.outcome;
      a.rebootPending = svc.rebootPending;
      a.end = svc.end;
    }
  }
  const findings: Finding[] = [];
  for (const f of failures.values()) {
    const n = f.events.length;
    const first = shortTime(f.events[0]!.time);
    const download = f.phase === 'download';
    const mine = (byUpdate.get(f.kb ?? f.title) ?? []).filter(
      (a) => a.result === f.code && (a.kind === 'download') === download,
    );
    const id = nextFinding();
    findings.push(
      updateFailureFinding({
        id,
        rule: evtUpdateFailed,
        messageId: download ? 'downloadFailed' : 'failed',
        what: f.kb ?? f.title,
        phase: f.phase,
        code: f.code,
        count: n,
        first,
        last: shortTime(f.events[n - 1]!.time),
        // Binary logs and XML exports give UTC; text and CSV exports whatever the exporter wrote (evt01's
        // `Z` times are local), so only the former are called UTC.
        utc: f.events.every((e) => e.utc),
        retried: mine.length > 0 && mine.every((a) => a.outcome === 'retried'),
        store: isStoreApp(f.title),
        facts: {
          kb: f.kb ?? undefined,
          title: f.title,
          attempts: String(n),
          first,
          last: shortTime(f.events[n - 1]!.time),
        },
        evidence: f.events
          .slice(0, 10)
          .map((e) =>
            evidence(e, `${download ? 'download' : 'installation'} failed with ${f.code}: ${f.title}`),
          ),
        attempts: mine.map((a) => a.id),
      }),
    );
    for (const a of mine) a.findings.push(id);
  }
  // Operational channel: 25 a search for updates failed, 26 one succeeded — the same detection story as
  // WindowsUpdate.log's and ReportingEvents.log's.
  const scans: Scan[] = sorted
    .filter((e) => e.provider === WU && (e.eventId === 25 || e.eventId === 26))
    .map((e) => {
      const code = e.eventId === 25 ? (canonicalize(e.data.errorCode ?? '') ?? E_FAIL) : null;
      return {
        time: shortTime(e.time),
        code,
        evidence: evidence(
          e,
          e.eventId === 25 ? `search for updates failed with ${code}` : 'search for updates succeeded',
        ),
      };
    });
  for (const phase of ['install', 'download'] as const) {
    const left = bounded.left.filter(
      (e) => failureCode(e) !== null && (e.eventId === 31) === (phase === 'download'),
    );
    if (left.length === 0) continue;
    const f = leftUpdatesFinding({
      id: nextFinding(),
      rule: evtUpdateFailed,
      messageId: phase === 'download' ? 'downloadFailed' : 'failed',
      phase,
      updates: new Set(left.map(updateKey)).size,
      failures: left.map((e) => ({ code: failureCode(e)!, time: shortTime(e.time) })),
      evidence: left
        .slice(0, LEFT_EVIDENCE)
        .map((e) =>
          evidence(e, `${phase === 'download' ? 'download' : 'installation'} failed with ${failureCode(e)}`),
        ),
      utc: left.every((e) => e.utc),
    });
    if (f) findings.push(f);
  }
  const detection = detectionFinding(scans, nextFinding);
  if (detection) findings.push(detection);
  const unstable = instability(sorted, nextFinding);
  if (unstable) findings.unshift(unstable);
  return { attempts, findings };
}

/** Bugchecks and unexpected shutdowns in varied subsystems: the machine is unstable (hardware suspected). */
function instability(events: UpdateEvent[], nextFinding: () => string): Finding | null {
  const bugchecks = events.filter(
    (e) => e.provider === 'Microsoft-Windows-WER-SystemErrorReporting' && e.eventId === 1001,
  );
  const shutdowns = events.filter(
    (e) =>
      (e.provider === 'Microsoft-Windows-Kernel-Power' && e.eventId === 41) ||
      (e.provider === 'EventLog' && e.eventId === 6008),
  );
  const codes = [...new Set(bugchecks.map((e) => e.data.BugcheckCode ?? e.data.param1 ?? '?'))];
  if (bugchecks.length < 2 && shutdowns.length < 3) return null;
  const list = codes.join(', ');
  const noCodes = phrase(evtSystemInstability, 'noCodes');
  return report(
    evtSystemInstability,
    'unstable',
    {
      bugchecks: String(bugchecks.length),
      codes: list || noCodes.en,
      codesZh: list || noCodes.zh,
      shutdowns: String(shutdowns.length),
      ...both('hardware', phraseIf(evtSystemInstability, 'hardware', codes.length > 1)),
    },
    {
      id: nextFinding(),
      confidence: codes.length > 1 ? 'medium' : 'low',
      facts: {
        bugchecks: String(bugchecks.length),
        bugcheckCodes: list || undefined,
        unexpectedShutdowns: String(shutdowns.length),
      },
      evidence: [...bugchecks, ...shutdowns]
        .sort((a, b) => a.time.localeCompare(b.time))
        .slice(0, 10)
        .map((e) =>
          evidence(e, e.eventId === 1001 ? `bugcheck ${e.data.BugcheckCode ?? ''}` : 'unexpected shutdown'),
        ),
      time: shortTime(events[0]?.time ?? ''),
    },
  );
}
