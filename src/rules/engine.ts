// The diagnosis engine: receives parsed entries in log order, cuts them into TrustedInstaller runs,
// reconstructs attempts, hands each rule only the entries its triggers ask for, then links findings to
// the attempts they explain (root cause first, consequences folded into a causal chain). Memory is bounded
// by one run's kept entries plus the findings.

import type { ChainLink, Evidence, Finding, LogEntry } from '../model/types.js';
import { codeInfo } from '../knowledge/codes.js';
import { isFailureCode } from '../parse/error-codes.js';
import {
  AttemptTracker,
  isFailedResult,
  type Run,
  type TrackedAttempt,
  type TrackerMark,
  type TrackerState,
} from '../timeline/cbs-attempts.js';
import { format, type Report, type Rule, type RuleContext, type RuleVisitor } from './define-rule.js';
import { rules as allRules } from './index.js';
import { phrase, report as storyReport } from './define-story-rule.js';
import unexplainedFailure from './unexplained-failure.js';

/** A finding while the engine still knows where it lies. */
export interface TrackedFinding extends Finding {
  file: string;
  run: number;
  anchor: number;
}

// Entries kept per TrustedInstaller run for the rules' context. The largest run of the corpus keeps 6,557 (an
// SFC scan); an entry costs 1–2 KB, so a run of a 1 GB log keeps 20–40 MB.
export const MAX_RUN_ENTRIES = 20_000;
const NONE: readonly Rule[] = [];
const MAX_CHAIN = 8;
const MAX_FOLDED = 10;

function toEvidence(x: LogEntry | Evidence): Evidence[] {
  if ('lines' in x) {
    return x.lines.map((text, i) => ({ file: x.file, line: x.line + i, text }));
  }
  return [x];
}

function dedupeEvidence(list: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of list) {
    const k = `${e.file}:${e.line}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

/** Text of a log entry for a chain link: first line of the message, shortened. */
function linkText(e: LogEntry): string {
  const first = e.message.split('\n', 1)[0]!.trim();
  return first.length > 300 ? first.slice(0, 297) + '…' : first;
}

export interface EngineOptions {
  rules?: readonly Rule[];
}

/** What assembly reads of an `Engine`: its findings and attempts, and what the logs said of the machine. */
export interface EngineState {
  readonly findings: readonly TrackedFinding[];
  readonly overflowRuns: readonly number[];
  readonly tracker: TrackerState;
}

/** Where an `Engine` stood between two runs (`mark`): counts, the same size however much was read. */
export interface EngineMark {
  tracker: TrackerMark;
  findings: number;
  overflowRuns: number;
}

/** Streaming engine over the entries of one log source. */
export class Engine implements EngineState {
  readonly tracker = new AttemptTracker();
  readonly findings: TrackedFinding[] = [];
  readonly overflowRuns: number[] = [];
  private run: Run | null = null;
  private runIndex = 0;
  private runHasWorker = false;
  private findingSeq = 0;
  private readonly rules: readonly Rule[];
  private readonly ruleById = new Map<string, Rule>();
  private readonly byCode = new Map<string, Rule[]>();
  private readonly textTriggers: { text: string; rule: Rule }[] = [];
  private readonly flagTriggers = new Map<string, Rule[]>();
  /** One pass over a message tells whether any text trigger can match at all. */
  private readonly anyText: RegExp | null;

  constructor(opts: EngineOptions = {}) {
    this.rules = opts.rules ?? allRules;
    for (const r of this.rules) {
      this.ruleById.set(r.id, r);
      for (const c of r.triggers.codes ?? []) this.byCode.set(c, [...(this.byCode.get(c) ?? []), r]);
      for (const t of r.triggers.text ?? []) this.textTriggers.push({ text: t, rule: r });
      for (const f of r.triggers.csiFlags ?? [])
        this.flagTriggers.set(f, [...(this.flagTriggers.get(f) ?? []), r]);
    }
    const escaped = [...new Set(this.textTriggers.map((t) => t.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))];
    this.anyText = escaped.length > 0 ? new RegExp(escaped.join('|')) : null;
  }

  /** Feed one entry (in log order). */
  push(e: LogEntry): void {
    const starts = AttemptTracker.startsRun(e, this.runHasWorker);
    if (starts === 'run' || !this.run || this.run.file !== e.file) {
      if (this.run) this.closeRun();
      this.run = {
        index: ++this.runIndex,
        file: e.file,
        startLine: e.line,
        endLine: e.line,
        entries: [],
        servicingStack: null,
      };
      this.runHasWorker = false;
    }
    if (starts === 'worker' || starts === 'run') this.runHasWorker = starts === 'worker' || this.runHasWorker;
    const run = this.run;
    run.endLine = e.endLine;
    if (run.entries.length < MAX_RUN_ENTRIES) run.entries.push(e);
    else if (!this.overflowRuns.includes(run.index)) this.overflowRuns.push(run.index);
    this.tracker.observe(e, run);
  }

  /** End of input. */
  finish(): void {
    if (this.run) this.closeRun();
    this.run = null;
  }

  /**
   * Where the engine stands between runs (after `finish`), for `at`: null while a run or an operation is
   * open. Findings and attempts of closed runs never change with later entries: a mark is counts.
   */
  mark(): EngineMark | null {
    const tracker = this.run ? null : this.tracker.mark();
    if (!tracker) return null;
    return { tracker, findings: this.findings.length, overflowRuns: this.overflowRuns.length };
  }

  /**
   * What assembly reads of the engine as it stood at `mark` (the engine of one machine's logs when they were
   * the first a bundle's pass read). It shares the findings and attempts made before the mark, which neither
   * later reading nor assembly changes (assembly copies what it changes).
   */
  at(mark: EngineMark): EngineState {
    return {
      findings: this.findings.slice(0, mark.findings),
      overflowRuns: this.overflowRuns.slice(0, mark.overflowRuns),
      tracker: this.tracker.at(mark.tracker),
    };
  }

  /**
   * Rules whose triggers match the entry, in order of discovery (no duplicates); the shared empty list when
   * none does (called once per kept entry: nothing is allocated for an entry no rule reads).
   */
  private rulesFor(e: LogEntry): readonly Rule[] {
    let out: Rule[] | null = null;
    for (const c of e.codes) {
      const rs = this.byCode.get(c);
      if (rs) for (const r of rs) if (!out?.includes(r)) (out ??= []).push(r);
    }
    const flag = e.csi?.flag;
    if (flag) {
      const rs = this.flagTriggers.get(flag);
      if (rs) for (const r of rs) if (!out?.includes(r)) (out ??= []).push(r);
    }
    // One pattern tells whether any trigger text is there; then each is looked for (in the benchmark's log 63 %
    // of kept entries have one: one scan of a message with all the texts in one pattern was no quicker).
    if (this.anyText?.test(e.message)) {
      for (const t of this.textTriggers)
        if (!out?.includes(t.rule) && e.message.includes(t.text)) (out ??= []).push(t.rule);
    }
    return out ?? NONE;
  }

  private closeRun(): void {
    const run = this.run!;
    this.tracker.endRun(run);
    const entries = run.entries;
    const index = new Map<LogEntry, number>();
    entries.forEach((e, i) => index.set(e, i));
    const runFindings: TrackedFinding[] = [];
    const visitors = new Map<Rule, RuleVisitor>();
    const visitorFor = (rule: Rule): RuleVisitor => {
      let v = visitors.get(rule);
      if (!v) {
        const ctx: RuleContext = {
          entries,
          indexOf: (e) => index.get(e) ?? -1,
          report: (r) => runFindings.push(this.toFinding(rule, r, run)),
        };
        v = rule.create(ctx);
        visitors.set(rule, v);
      }
      return v;
    };
    for (const e of entries) {
      for (const rule of this.rulesFor(e)) visitorFor(rule).entry?.(e);
    }
    for (const v of visitors.values()) v.end?.();
    this.link(run, runFindings, entries);
    this.findings.push(...runFindings);
    run.entries = [];
  }

  private toFinding(rule: Rule, r: Report, run: Run): TrackedFinding {
    const msg = rule.messages[r.messageId];
    if (!msg) throw new Error(`rule ${rule.id}: unknown messageId ${r.messageId}`);
    const evidence = dedupeEvidence(r.evidence.flatMap(toEvidence));
    const code = r.code === undefined ? (rule.meta.codes[0] ?? null) : r.code;
    const codeName = code ? (codeInfo(code)?.name ?? null) : null;
    const facts = r.facts ?? { ...r.data };
    const data = { code: code ?? '', codeName: codeName ?? '', ...r.data };
    for (const k of Object.keys(facts)) if (facts[k] === undefined || facts[k] === '') delete facts[k];
    const first = r.evidence.find((x): x is LogEntry => 'lines' in x);
    return {
      id: `f${++this.findingSeq}`,
      rule: rule.id,
      messageId: r.messageId,
      severity: r.severity ?? rule.meta.severity,
      confidence: r.confidence ?? rule.meta.confidence,
      code,
      codeName,
      root: r.root ?? rule.meta.root ?? true,
      message: { en: format(msg.en, data), zh: format(msg.zh, data) },
      title: rule.meta.summary,
      facts,
      evidence,
      chain: [],
      attempts: [],
      time: first?.time ?? r.time ?? null,
      file: evidence[0]?.file ?? run.file,
      run: run.index,
      anchor: evidence[0]?.line ?? run.startLine,
    };
  }

  /** Attach findings to the failed attempts of a run, fold consequences, and explain the unexplained. */
  private link(run: Run, found: TrackedFinding[], entries: LogEntry[]): void {
    const attempts = this.tracker.attemptsOfRun(run.index);
    const index = new AnchorIndex(found);
    let prevEnd = run.startLine;
    for (const a of attempts) {
      const failed = a.outcome === 'failed';
      const start = failed ? Math.min(a.startLine, prevEnd) : a.startLine;
      const end = a.failLine ?? a.endLine;
      const inWindow = index.within(start, end);
      if (failed) prevEnd = end;
      for (const f of inWindow) if (!f.attempts.includes(a.id)) f.attempts.push(a.id);
      this.fold(inWindow);
      if (!failed) {
        a.findings.push(...inWindow.map((f) => f.id));
        continue;
      }
      const roots = inWindow.filter((f) => f.root).sort((x, y) => x.anchor - y.anchor);
      // The finding that states this kind of operation's result, else the first with the attempt's own
      // code, else the earliest root in the window.
      const explaining = roots.filter((f) => this.ruleById.get(f.rule)?.meta.explains?.includes(a.kind));
      let primary =
        (a.result ? roots.find((f) => f.code === a.result) : undefined) ??
        explaining[explaining.length - 1] ??
        roots[0];
      // Operations that are not update servicing (provisioned apps, image queries) need no explanation.
      if (!primary && a.kind === 'other') continue;
      if (!primary) {
        primary = this.unexplained(a, run, entries, start, end);
        index.add(primary);
      }
      // Later root findings with the attempt's own code are consequences of the primary one.
      for (const f of roots) {
        if (f === primary || f.anchor < primary.anchor) continue;
        if (f.code && f.code === a.result) {
          f.root = false;
          primary.chain.push({ text: f.message, code: f.code, evidence: f.evidence.slice(0, 3) });
        }
      }
      primary.chain.push(...this.chainLinks(primary, a, entries));
      a.findings.push(primary.id, ...inWindow.filter((f) => f !== primary).map((f) => f.id));
    }
  }

  /** Within one operation, findings that an aggregate finding sums up become its consequences. */
  private fold(inWindow: TrackedFinding[]): void {
    for (const agg of inWindow) {
      const folds = this.ruleById.get(agg.rule)?.meta.folds;
      if (!folds || !agg.root) continue;
      const parts = inWindow.filter((f) => f !== agg && f.root && folds.includes(f.rule));
      for (const f of parts) {
        f.root = false;
        if (agg.chain.length < MAX_FOLDED)
          agg.chain.push({ text: f.message, code: f.code, evidence: f.evidence.slice(0, 1) });
      }
      const extra = parts.length - MAX_FOLDED;
      if (extra > 0) {
        agg.chain.push({
          text: { en: `… and ${extra} more`, zh: `……另有 ${extra} 项` },
          code: null,
          evidence: [],
        });
      }
    }
  }

  /** The failing lines between a root cause and the attempt's final failure. */
  private chainLinks(root: TrackedFinding, a: TrackedAttempt, entries: LogEntry[]): ChainLink[] {
    const end = a.failLine ?? a.endLine;
    const used = new Set(root.evidence.map((e) => e.line));
    for (const l of root.chain) for (const e of l.evidence) used.add(e.line);
    const picked: LogEntry[] = [];
    // Entries are in line order: start at the root and stop after the attempt's end.
    for (let i = firstAfter(entries, root.anchor); i < entries.length; i++) {
      const e = entries[i]!;
      if (e.line > end + 1) break;
      if (used.has(e.line)) continue;
      const code = e.codes.find(isFailureCode);
      const isFinal = /^WER: Generating failure report/.test(e.message);
      if (!isFinal && !(code && isFailedResult(code) && (code === a.result || code === root.code))) continue;
      picked.push(e);
    }
    let list = picked;
    if (list.length > MAX_CHAIN)
      list = [...picked.slice(0, 3), ...picked.slice(picked.length - (MAX_CHAIN - 3))];
    return list.map((e) => {
      const text = linkText(e);
      return {
        text: { en: text, zh: text },
        code: e.codes.find(isFailureCode) ?? null,
        evidence: toEvidence(e).slice(0, 2),
      };
    });
  }

  /** A failure no rule explains: never silent — show the decisive lines. */
  private unexplained(
    a: TrackedAttempt,
    run: Run,
    entries: LogEntry[],
    start: number,
    end: number,
  ): TrackedFinding {
    const win = entriesWithin(entries, start, end);
    const firstFatal = win.find((e) => e.csi?.flag === 'F' || e.csi?.flag === 'E');
    const firstFail = win.find((e) => e.codes.some((c) => isFailedResult(c)));
    const final = win.filter((e) => e.line === a.failLine);
    const evidence = [firstFatal, firstFail, ...final].filter((x): x is LogEntry => !!x);
    const code = a.result ?? firstFail?.codes.find(isFailureCode) ?? null;
    const noCode = phrase(unexplainedFailure, 'noCode');
    const unknown = phrase(unexplainedFailure, 'unknownCode');
    const name = code ? codeInfo(code)?.name : undefined;
    const f = storyReport(
      unexplainedFailure,
      'unexplained',
      {
        code: code ?? noCode.en,
        codeZh: code ?? noCode.zh,
        codeName: name ?? unknown.en,
      },
      {
        id: `f${++this.findingSeq}`,
        code,
        facts: { ...(a.package ? { package: a.package } : {}), ...(a.kb ? { kb: a.kb } : {}) },
        evidence: dedupeEvidence(evidence.flatMap((e) => toEvidence(e).slice(0, 3))),
        attempts: [a.id],
        time: evidence[0]?.time ?? a.start,
      },
    );
    return {
      ...f,
      file: run.file,
      run: run.index,
      anchor: evidence[0]?.line ?? a.startLine,
    };
  }
}

/** The index of the first of `entries` (in line order, as a run holds them) whose line is past `line`. */
function firstAfter(entries: readonly LogEntry[], line: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.line <= line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The entries whose line is in [start, end] (a run's entries are in line order): found by halving, not by a
 * scan of the run per attempt (a run of 14,000 failed operations took 108 s with the scan).
 */
export function entriesWithin(entries: readonly LogEntry[], start: number, end: number): LogEntry[] {
  const out: LogEntry[] = [];
  for (let i = firstAfter(entries, start - 1); i < entries.length && entries[i]!.line <= end; i++)
    out.push(entries[i]!);
  return out;
}

/**
 * A run's findings by anchor line, for the findings in each operation's window: by halving, not a scan of
 * every finding per operation (quadratic in a run of thousands of failed operations). `within` gives them in
 * the order they were found, as a filter of the list would; `add` appends to the list too.
 */
export class AnchorIndex {
  private readonly sorted: TrackedFinding[];
  private readonly order = new Map<TrackedFinding, number>();

  constructor(private readonly found: TrackedFinding[]) {
    found.forEach((f, i) => this.order.set(f, i));
    this.sorted = [...found].sort((x, y) => x.anchor - y.anchor);
  }

  /** The first position whose anchor is at least `line`. */
  private lowerBound(line: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.anchor < line) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  within(start: number, end: number): TrackedFinding[] {
    const out: TrackedFinding[] = [];
    for (let i = this.lowerBound(start); i < this.sorted.length && this.sorted[i]!.anchor <= end; i++)
      out.push(this.sorted[i]!);
    return out.sort((x, y) => this.order.get(x)! - this.order.get(y)!);
  }

  add(f: TrackedFinding): void {
    this.order.set(f, this.found.length);
    this.found.push(f);
    this.sorted.splice(this.lowerBound(f.anchor + 1), 0, f);
  }
}
