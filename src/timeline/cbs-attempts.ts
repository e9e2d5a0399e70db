// Reconstructs what happened in a CBS log: TrustedInstaller runs, client sessions, and the operations
// ("attempts") acted on in them — package installs, store scans and repairs, startup processing, SFC runs —
// with their states, final HRESULT and reboot state.

import { newAttempt } from './attempt.js';
import type { Attempt, Evidence, LogEntry } from '../model/types.js';
import { isFailureCode } from '../parse/error-codes.js';
import { kbOf } from '../parse/identity.js';
import { isSfcLine, SfcSegmenter } from './sfc-runs.js';

const ERROR_CANCELLED = '0x800704c7';

/** What a DISM command is, as an operation: a repair, a scan, a change to an image, or a query. */
export function dismKind(command: string): Attempt['kind'] {
  const c = command.toLowerCase();
  if (/\/restorehealth\b/.test(c)) return 'repair';
  if (/\/(?:scanhealth|checkhealth)\b/.test(c)) return 'scan';
  // A command that changes an image (packages, features, provisioned apps, drivers, unattend, mounting and
  // applying images) is servicing: when it fails the machine's servicing failed. Queries (/Get-*,
  // /Is-Serviceable), component cleanup and the DismApi sessions of management tools are listed, never the
  // verdict.
  if (
    /\/(?:add-package|remove-package|enable-feature|disable-feature|add-capability|remove-capability|(?:add|remove)-provisionedappxpackage|(?:add|remove)-driver|apply-unattend|(?:mount|unmount|remount|commit|apply|capture|append|export|split)-image|set-edition)\b/.test(
      c,
    )
  )
    return 'package';
  return 'other';
}

/** One TrustedInstaller/TiWorker process lifetime: the CSI sequence numbers restart with it. */
export interface Run {
  index: number;
  file: string;
  startLine: number;
  endLine: number;
  entries: LogEntry[];
  servicingStack: string | null;
}

/** What assembly reads of an `AttemptTracker` (`at` gives it as it stood at a mark). */
export interface TrackerState {
  readonly attempts: readonly TrackedAttempt[];
  readonly servicingStack: string | null;
  readonly versionByFile: ReadonlyMap<string, string>;
  readonly installedRollups: ReadonlyMap<string, { line: number; file: string }>;
}

/**
 * Where an `AttemptTracker` stood between two runs (`mark`): counts and a stamp, the same size however much
 * was read (an input of 10,000 logs is marked 10,000 times).
 */
export interface TrackerMark {
  attempts: number;
  servicingStack: string | null;
  /** Files with a version then: the first ones of `versionByFile` (a file's version is set while it is read). */
  versions: number;
  /** Changes to `installedRollups` then (a later log may set a build again: they are replayed). */
  rollups: number;
}

/** An attempt plus where it lies in the log (internal to the timeline and the engine). */
export interface TrackedAttempt extends Attempt {
  file: string;
  run: number;
  startLine: number;
  endLine: number;
  /** Line of the final failure report (WER / Processing complete), when failed. */
  failLine: number | null;
}

/** Codes that end an operation without it having failed. */
const NOT_FAILURES = new Set(['0x800f0816', '0x80070bc2', '0x800f081e', '0x00240005', '0x00240006']);

/** Whether a result code means the operation failed. */
export function isFailedResult(code: string | null): boolean {
  return isFailureCode(code) && !NOT_FAILURES.has(code);
}

const RE = {
  // dism.log: one DISM.EXE command from its command line to its image session's close.
  dismCommand: /^DISM\.EXE: Executing command line: (.+)$/,
  dismClosed: /^DISM\.EXE: Image session has been closed\. Reboot required=(yes|no)/,
  dismResult: /::ExecuteCmdLine\(hr:(0x[0-9a-fA-F]{8})\)/,
  tiStart: /^Starting TrustedInstaller initialization/,
  tiworkerStart: /^Starting TiWorker initialization/,
  stack: /^Loaded Servicing Stack v(\d+\.\d+\.\d+\.\d+)/,
  // dism.log: the version of the Windows DISM ran on (the image it serviced may be another).
  dismHost: /^DISM\.EXE: Host machine information: OS Version=(\d+\.\d+\.\d+)/,
  sessionInit: /^Session: (\d+_\d+) initialized by client ([^,]+)/,
  sessionFinal: /^Session: (\d+_\d+) finalized\. Reboot required: (yes|no)/,
  execStart: /^Exec: Processing started\.\s+Client: ([^,]*), Session: (\d+_\d+), Package: ([^,\s]*)/,
  execComplete: /^Exec: Processing complete\.\s+Session: (\d+_\d+), Package: ([^,\s[]*)/,
  execCompleteSession: /^Exec: Processing complete, session\(([^)]*)\): (\d+_\d+)/,
  wer: /^WER: Generating failure report for package: (\S+?), status: (0x[0-9a-fA-F]+), failure source: ([^,]+), start state: (\w+), target state: (\w+), client id: ([^\r\n]+)/,
  singlePhase: /^Failed to process (?:single phase|Multi-phase) execution/i,
  startupComplete: /^Startup: Processing complete\./,
  startupFailed: /^Startup: Failed/,
  corruptionStart: /^Starting corruption detection/,
  sfcCannot: /^\[SR\] (?:Cannot repair|Could not reproject)/,
  sfcRepairing: /^\[SR\] Repairing (\d+) components/,
  rebootPending: /reboot is still pending|A reboot is required|RebootRequired|Reboot mark refs incremented/i,
};

/** A cumulative update package and the OS build it brings. */
export const LCU_PACKAGE =
  /Package_for_(?:RollupFix|KB\d{6,7})~[0-9a-f]{16}~\w*~[\w-]*~(\d{5})\.(\d+)\.\d+\.\d+/;

function ev(e: LogEntry): Evidence {
  return { file: e.file, line: e.line, text: e.lines[0] ?? e.message };
}

/**
 * Observes kept entries in order and builds runs and attempts. Call `observe` for each entry and
 * `endRun` when a run closes (the engine does both); `attempts` grows as the log is read.
 */
export class AttemptTracker {
  readonly attempts: TrackedAttempt[] = [];
  private sessions = new Map<string, { client: string; line: number; time: string | null }>();
  private open: TrackedAttempt[] = [];
  private lastSession: string | null = null;
  private sfc: TrackedAttempt | null = null;
  private sfcLast: LogEntry | null = null;
  private sfcSegments = new SfcSegmenter();
  private seq = 0;
  /** The run of the last attempt made, and where that run's attempts begin (kept by `create`). */
  private lastRun = -1;
  private lastRunFirst = 0;
  servicingStack: string | null = null;
  /** Per file: the servicing stack (CBS) or host OS (dism.log) version last seen, for telling machines apart. */
  readonly versionByFile = new Map<string, string>();
  /** Cumulative update builds CBS records as installed (`17763.1879` → first line saying so). */
  readonly installedRollups = new Map<string, { line: number; file: string }>();
  /** Every change to `installedRollups`, in order (replayed to tell it as it stood at a mark). */
  private readonly rollupChanges: [string, { line: number; file: string }][] = [];

  /**
   * True when the entry starts a new TrustedInstaller process, or a new DISM.EXE command in dism.log (the
   * caller closes the current run).
   */
  static startsRun(e: LogEntry, runHasWorker: boolean): 'run' | 'worker' | null {
    // In dism.log each DISM.EXE command is its own run: rules report per command.
    if (e.component === 'DISM') return RE.dismCommand.test(e.message) ? 'run' : null;
    if (e.component !== 'CBS') return null;
    if (RE.tiStart.test(e.message)) return 'run';
    if (RE.tiworkerStart.test(e.message)) return runHasWorker ? 'run' : 'worker';
    return null;
  }

  private create(e: LogEntry, run: Run, init: Partial<Attempt>): TrackedAttempt {
    const a: TrackedAttempt = {
      ...newAttempt(`a${++this.seq}`, e.time),
      file: e.file,
      run: run.index,
      startLine: e.line,
      endLine: e.line,
      failLine: null,
      ...init,
    };
    if (a.package && !a.kb) a.kb = kbOf(a.package);
    if (a.session && !a.client) a.client = this.sessions.get(a.session)?.client ?? null;
    if (a.run !== this.lastRun) {
      this.lastRun = a.run;
      this.lastRunFirst = this.attempts.length;
    }
    this.attempts.push(a);
    this.open.push(a);
    return a;
  }

  private close(a: TrackedAttempt, e: LogEntry, result: string | null): void {
    a.end = e.time;
    a.endLine = e.endLine;
    if (result !== null) a.result = result;
    if (isFailedResult(a.result) || (a.kind === 'sfc' && a.failLine !== null)) {
      a.outcome = 'failed';
      a.failLine ??= e.line;
    } else if (a.result === '0x80070bc2' || a.rebootPending) {
      a.outcome = 'pending';
      a.rebootPending = true;
    } else {
      a.outcome = 'succeeded';
      const r = a.package ? LCU_PACKAGE.exec(a.package) : null;
      if (r && a.targetState !== 'Absent') this.setRollup(`${r[1]}.${r[2]}`, { line: e.line, file: e.file });
    }
    a.evidence.push(ev(e));
    this.open = this.open.filter((x) => x !== a);
  }

  /**
   * Where the attempts of run `index` begin in `attempts`. A run's attempts are made while it is the run being
   * read and runs are read in order, so they are the last ones, from where `create` noted the run's first:
   * neither many runs (a scan of every attempt took 80 of 94 s on 12,521 runs) nor one run of many
   * operations (a scan back over the run's) costs more than the attempts it looks at.
   */
  private runStart(index: number): number {
    return index === this.lastRun ? this.lastRunFirst : this.attempts.length;
  }

  /** The attempts of run `index`, in the order they were made. */
  attemptsOfRun(index: number): TrackedAttempt[] {
    return this.attempts.slice(this.runStart(index));
  }

  /** The first attempt of run `index` that `pred` accepts. */
  private findInRun(index: number, pred: (a: TrackedAttempt) => boolean): TrackedAttempt | undefined {
    for (let i = this.runStart(index); i < this.attempts.length; i++)
      if (pred(this.attempts[i]!)) return this.attempts[i];
    return undefined;
  }

  private findOpen(pred: (a: TrackedAttempt) => boolean): TrackedAttempt | undefined {
    for (let i = this.open.length - 1; i >= 0; i--) if (pred(this.open[i]!)) return this.open[i];
    return undefined;
  }

  private setRollup(build: string, at: { line: number; file: string }): void {
    this.installedRollups.set(build, at);
    this.rollupChanges.push([build, at]);
  }

  /** Records a cumulative update package that CBS reports as installed (state 112 / Installed). */
  private noteRollup(e: LogEntry): void {
    const installed =
      /CurrentState: ?112\b|current: Installed|is already in the correct state, current: Installed|applicable state: Installed, current state: Installed/i.test(
        e.message,
      );
    if (!installed) return;
    // The cumulative update package: `Package_for_RollupFix~…~17763.1879.1.5` (1809) or
    // `Package_for_KB5026039~…~22621.1554.1.1` (Windows 11): its version starts with the OS build.
    const m = LCU_PACKAGE.exec(e.message);
    if (m && !this.installedRollups.has(`${m[1]}.${m[2]}`)) {
      this.setRollup(`${m[1]}.${m[2]}`, { line: e.line, file: e.file });
    }
  }

  /** Where a session began, for attempts first seen at their end (the window must cover the session). */
  private sessionStart(session: string): Partial<TrackedAttempt> {
    const s = this.sessions.get(session);
    return s ? { startLine: s.line, start: s.time } : {};
  }

  /** Feed one kept entry of the given run. */
  observe(e: LogEntry, run: Run): void {
    const msg = e.message;
    const code = e.codes[0] ?? null;
    let m: RegExpExecArray | null;
    if (e.component === 'CSI' || e.component === '') {
      this.observeCsi(e, run);
      return;
    }
    if (e.component === 'DISM') {
      if ((m = RE.dismHost.exec(msg))) this.versionByFile.set(e.file, m[1]!);
      this.observeDism(e, run);
      return;
    }
    if (msg.includes('Package_for_')) this.noteRollup(e);
    if ((m = RE.stack.exec(msg))) {
      this.servicingStack = m[1]!;
      run.servicingStack = m[1]!;
      this.versionByFile.set(e.file, m[1]!);
    } else if ((m = RE.sessionInit.exec(msg))) {
      this.sessions.set(m[1]!, { client: m[2]!.trim(), line: e.line, time: e.time });
      this.lastSession = m[1]!;
    } else if ((m = RE.execStart.exec(msg))) {
      const pkg = m[3]!;
      if (pkg) {
        // 1809+ names the update: `…, Package: Package_for_DotNetRollup~…, Identifier: KB5020685`.
        const kb = /Identifier: (KB\d{6,7})\b/.exec(msg)?.[1] ?? null;
        this.create(e, run, {
          package: pkg,
          client: m[1]!.trim() || null,
          session: m[2]!,
          ...(kb ? { kb } : {}),
        });
      }
    } else if ((m = RE.execComplete.exec(msg))) {
      const [session, pkg] = [m[1]!, m[2]!];
      if (pkg) {
        const closedByWer = this.findInRun(
          run.index,
          (x) => x.session === session && x.package === pkg && !this.open.includes(x),
        );
        if (closedByWer) {
          closedByWer.end = e.time;
          closedByWer.endLine = e.endLine;
        } else {
          const a =
            this.findOpen((x) => x.session === session && x.package === pkg) ??
            this.create(e, run, { package: pkg, session, ...this.sessionStart(session) });
          this.close(a, e, code);
        }
      }
    } else if ((m = RE.execCompleteSession.exec(msg))) {
      const [what, session] = [m[1]!, m[2]!];
      const kind = /repair/i.test(what) ? 'repair' : /detect|scan/i.test(what) ? 'scan' : 'other';
      const a =
        this.findOpen((x) => x.session === session && x.kind !== 'package') ??
        this.create(e, run, { session, kind, package: null, ...this.sessionStart(session) });
      a.kind = kind;
      a.package = `Store corruption ${kind === 'repair' ? 'repair' : 'scan'} (${what})`;
      this.close(a, e, code);
    } else if ((m = RE.wer.exec(msg))) {
      const pkg = m[1]!;
      const a =
        this.findOpen((x) => x.package === pkg) ??
        this.findInRun(run.index, (x) => x.package === pkg && x.outcome === 'failed') ??
        // A log cut before "Exec: Processing started": the failure line just before had no package yet.
        this.findInRun(
          run.index,
          (x) => x.package === null && x.kind === 'package' && e.line - (x.failLine ?? -99) <= 10,
        ) ??
        this.create(e, run, { package: pkg, client: m[6]!.trim() });
      a.package ??= pkg;
      a.kb ??= kbOf(pkg);
      a.result = '0x' + m[2]!.slice(2).toLowerCase().padStart(8, '0');
      a.failureSource = m[3]!;
      a.startState = m[4]!;
      a.targetState = m[5]!;
      a.client ??= m[6]!.trim();
      if (this.open.includes(a)) this.close(a, e, a.result);
      else {
        a.outcome = isFailedResult(a.result) ? 'failed' : a.outcome;
        a.failLine ??= e.line;
        a.evidence.push(ev(e));
      }
    } else if (RE.singlePhase.test(msg)) {
      // The final failure of the operation: applies to the open package attempt of this run.
      const a = this.findOpen((x) => x.kind === 'package' && x.run === run.index);
      if (a && isFailedResult(code)) {
        a.result = code;
        a.outcome = 'failed';
        a.failLine = e.line;
        a.evidence.push(ev(e));
      } else if (!a && isFailedResult(code)) {
        const b = this.create(e, run, { package: null, session: this.lastSession });
        this.close(b, e, code);
      }
    } else if (RE.startupComplete.test(msg) || RE.startupFailed.test(msg)) {
      if (isFailureCode(code)) {
        // One startup attempt per run: a failure first, then "Processing complete" asking for a reboot.
        const done = this.findInRun(run.index, (x) => x.kind === 'startup' && !this.open.includes(x));
        if (done) {
          if (code === '0x80070bc2') done.rebootPending = true;
        } else {
          const a =
            this.findOpen((x) => x.kind === 'startup' && x.run === run.index) ??
            this.create(e, run, { kind: 'startup', package: 'Startup processing (pending operations)' });
          if (RE.startupComplete.test(msg) || isFailedResult(code)) this.close(a, e, code);
        }
      }
    } else if ((m = RE.sessionFinal.exec(msg))) {
      const session = m[1]!;
      const reboot = m[2] === 'yes';
      for (const a of [...this.open]) {
        if (a.session !== session) continue;
        a.rebootPending ||= reboot;
        this.close(a, e, a.result ?? code);
      }
    }
  }

  /** dism.log: each DISM.EXE command is an operation; its handler's `ExecuteCmdLine(hr:…)` is its result. */
  private observeDism(e: LogEntry, run: Run): void {
    const msg = e.message;
    let m: RegExpExecArray | null;
    const current = (): TrackedAttempt | undefined =>
      this.findOpen((x) => x.client === 'DISM' && x.run === run.index);
    if ((m = RE.dismCommand.exec(msg))) {
      // A command still open when the next starts never closed its session: killed, or a restart.
      const prev = current();
      if (prev) {
        this.open = this.open.filter((x) => x !== prev);
        prev.outcome = isFailedResult(prev.result) ? 'failed' : 'interrupted';
      }
      const command = m[1]!.trim().replace(/\s+/g, ' ');
      this.create(e, run, { client: 'DISM', package: command, kind: dismKind(command), evidence: [ev(e)] });
    } else if ((m = RE.dismResult.exec(msg))) {
      const a = current();
      if (!a || !isFailureCode(m[1]!)) return;
      a.result = m[1]!.toLowerCase();
      a.failLine ??= e.line;
      a.evidence.push(ev(e));
    } else if ((m = RE.dismClosed.exec(msg))) {
      const a = current();
      if (!a) return;
      a.rebootPending ||= m[1] === 'yes';
      this.close(a, e, a.result);
      // A command the user cancelled did not fail.
      if (a.result === ERROR_CANCELLED) a.outcome = 'cancelled';
    }
  }

  private observeCsi(e: LogEntry, run: Run): void {
    const msg = e.message;
    if (RE.corruptionStart.test(msg)) {
      const session = this.lastSession;
      if (!this.findOpen((x) => x.session === session && x.kind !== 'package' && x.run === run.index)) {
        const client = session ? (this.sessions.get(session)?.client ?? null) : null;
        if (!this.sfc) {
          this.create(e, run, { kind: 'scan', session, client, package: 'Store corruption scan/repair' });
        }
      }
    } else if (isSfcLine(e)) {
      const wasClosed = this.sfcSegments.closed;
      if (this.sfcSegments.feed(e) || !this.sfc) {
        this.endSfc(wasClosed);
        this.sfc = this.create(e, run, { kind: 'sfc', package: 'System File Checker (sfc)', client: 'SFC' });
      }
      const a = this.sfc!;
      this.sfcLast = e;
      if (RE.sfcRepairing.test(msg)) a.evidence.push(ev(e));
      // SFC prints no code: the run failed when it could not repair a member file.
      if (RE.sfcCannot.test(msg)) a.failLine ??= e.line;
    }
  }

  /** Ends the current SFC attempt: completed if it printed its closing line, else interrupted. */
  private endSfc(closed: boolean): void {
    const a = this.sfc;
    if (!a || !this.sfcLast) return;
    this.sfc = null;
    if (closed || a.failLine !== null) this.close(a, this.sfcLast, null);
    else {
      this.open = this.open.filter((x) => x !== a);
      a.outcome = 'interrupted';
    }
  }

  /**
   * Where the tracker stands between runs, nothing open (null otherwise), for `at`. Attempts of closed runs
   * are never changed by what is read later, so a mark holds counts only.
   */
  mark(): TrackerMark | null {
    if (this.open.length > 0 || this.sfc) return null;
    return {
      attempts: this.attempts.length,
      servicingStack: this.servicingStack,
      versions: this.versionByFile.size,
      rollups: this.rollupChanges.length,
    };
  }

  /**
   * What assembly reads of the tracker as it stood at `mark` (not a tracker to read on with): the attempts
   * made before it, shared (a closed run's attempts never change, and assembly changes copies).
   */
  at(mark: TrackerMark): TrackerState {
    return {
      attempts: this.attempts.slice(0, mark.attempts),
      servicingStack: mark.servicingStack,
      versionByFile: new Map([...this.versionByFile].slice(0, mark.versions)),
      installedRollups: new Map(this.rollupChanges.slice(0, mark.rollups)),
    };
  }

  /** Close what is still open when a run ends: an operation with no end was interrupted. */
  endRun(run: Run): void {
    if (this.sfc?.run === run.index) this.endSfc(this.sfcSegments.closed);
    this.sfcSegments = new SfcSegmenter();
    for (const a of [...this.open]) {
      if (a.run !== run.index) continue;
      this.open = this.open.filter((x) => x !== a);
      if (isFailedResult(a.result) || (a.kind === 'sfc' && a.failLine !== null)) a.outcome = 'failed';
      else a.outcome = 'interrupted';
      a.endLine = run.endLine;
    }
  }
}
