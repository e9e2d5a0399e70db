// Windows Setup runs (feature upgrade, media/web upgrade, clean install from WinPE) reconstructed from Panther
// records: one attempt per run, its outcome and result, and the findings — a failed upgrade with its phase,
// extended code and the decisive lines (image-apply corruption first), or a run the user cancelled.

import { newAttempt } from './attempt.js';
import { codeMeaning as meaning } from './update-failure.js';
import type { Attempt, Evidence, Finding, I18nText } from '../model/types.js';
import { both, phraseIf, report } from '../rules/define-story-rule.js';
import setupSysprepAppxBlocked from '../rules/setup-sysprep-appx-blocked.js';
import setupUpgradeFailed from '../rules/setup-upgrade-failed.js';
import setupUserCancelled from '../rules/setup-user-cancelled.js';
import { isFailureCode } from '../parse/error-codes.js';
import type { SetupRecord } from '../parse/setupact.js';

/** Attempts and findings of the setup logs. */
export interface SetupStory {
  attempts: Attempt[];
  findings: Finding[];
}

const PACKAGE = 'Windows feature upgrade / setup';
const CANCEL_CODES = new Set(['0x800704c7', '0x800704d3']);
const MAX_EVIDENCE = 24;
const SYSPREP_APPX = '0x80073cf2';
/**
 * A setup step that says it failed, with its code: `Sysprep specialize offline failed 0x80070005`,
 * `SYSPRP …: Failed to run sysprep generalize …; hr = 0x…`. Only the steps that run the new OS's
 * specialization, generalization, OOBE, migration or drivers name a cause a rollback can come from.
 */
const STEP_FAILED =
  /\b((?:[\w-]+ ){0,3}?(?:sysprep|speciali[sz]\w*|generali[sz]\w*|oobe|migration|migrate|driver)\b[\w .-]{0,60}?) failed\b/i;
/** `Package <full name> was installed for a user, but not provisioned for all users.` */
const NOT_PROVISIONED = /Package (\S+?) was installed for a user, but not provisioned for all users/;

/** What one setup run recorded, gathered while walking its records. */
interface Run {
  attempt: Attempt;
  version: string | null;
  phase: string | null;
  failedPhase: string | null;
  operation: string | null;
  failedOperation: string | null;
  extendedCode: string | null;
  phaseCode: string | null;
  hostResult: string | null;
  cancelled: boolean;
  completed: boolean;
  reboot: boolean;
  rolledBack: boolean;
  diagError: boolean;
  /** Records that explain a failure, in file order. */
  decisive: SetupRecord[];
  /** Code of the failed image apply / operation (the cause behind the phase code). */
  causeCode: string | null;
  /** Corrupt files named by the failed applies: path -> number of failed applies that named it. */
  corruptFiles: Map<string, number>;
  /** Corrupt files named since the last failed apply. */
  pendingFiles: Set<string>;
  applyFailures: number;
  cancelLines: SetupRecord[];
  /** The first setup step that said it failed before the rollback began (the likely cause of a rollback). */
  failedStep: { record: SetupRecord; step: string; code: string } | null;
  /** Sysprep: per-user app packages not provisioned for all users, and the line that stops on them. */
  sysprepPackages: SetupRecord[];
  sysprepFailed: SetupRecord | null;
}

function evidence(file: string, r: SetupRecord): Evidence {
  return { file: r.file ?? file, line: r.line, text: r.text };
}

function newRun(file: string, r: SetupRecord, nextAttempt: () => string): Run {
  return {
    attempt: newAttempt(nextAttempt(), r.time, {
      package: PACKAGE,
      client:
        r.component === 'IBS' || r.message.includes('WinPE') ? 'Windows Setup (WinPE)' : 'Windows Setup',
      evidence: [evidence(file, r)],
    }),
    version: null,
    phase: null,
    failedPhase: null,
    operation: null,
    failedOperation: null,
    extendedCode: null,
    phaseCode: null,
    hostResult: null,
    cancelled: false,
    completed: false,
    reboot: false,
    rolledBack: false,
    diagError: false,
    decisive: [],
    causeCode: null,
    corruptFiles: new Map(),
    pendingFiles: new Set(),
    applyFailures: 0,
    cancelLines: [],
    failedStep: null,
    sysprepPackages: [],
    sysprepFailed: null,
  };
}

/**
 * A run ended one way or the other: a later `Logging Begin` starts a new run instead of continuing it. A run
 * that is rolling back goes on: the rollback restarts SetupHost (`/RollbackSys`) to report the failure.
 */
function finished(run: Run): boolean {
  if (run.rolledBack && !run.completed) return false;
  return run.cancelled || run.completed || run.failedPhase !== null || run.hostResult !== null;
}

function firstFailure(codes: string[]): string | null {
  return codes.find((c) => isFailureCode(c)) ?? null;
}

/**
 * Reconstructs setup runs from Panther records (setupact.log first; records of setupact_rollback.log and
 * SetupDiagResults.log may follow, marked with their own `file`) and reports failed and cancelled runs.
 */
export function setupStory(
  file: string,
  records: SetupRecord[],
  nextAttempt: () => string,
  nextFinding: () => string,
): SetupStory {
  const runs: Run[] = [];
  let run: Run | null = null;
  for (const r of records) {
    // Sysprep's own log holds no setup-host lines: its first error starts the run.
    if (r.kind === 'error' && (run || r.component === 'SYSPRP')) {
      if (!run) {
        run = newRun(file, r, nextAttempt);
        runs.push(run);
      }
      noteError(run, r);
      continue;
    }
    if (r.kind === 'error' || r.kind === 'result') continue;
    if (!run || (r.kind === 'begin' && finished(run))) {
      run = newRun(file, r, nextAttempt);
      runs.push(run);
    }
    if (r.time) run.attempt.end = r.time;
    switch (r.kind) {
      case 'target':
        run.version ??= r.version ?? null;
        break;
      case 'phase':
        run.phase = r.phase ?? run.phase;
        break;
      case 'operation':
        run.operation = r.operation ?? run.operation;
        break;
      case 'corruptData':
        if (r.path) run.pendingFiles.add(r.path);
        // Retries on one file produce many lines: the one that gives up (`Error in apply of`) is quoted.
        if (!r.path || r.level === 'Error') run.decisive.push(r);
        break;
      case 'applyFailed':
        run.applyFailures++;
        for (const p of run.pendingFiles) run.corruptFiles.set(p, (run.corruptFiles.get(p) ?? 0) + 1);
        run.pendingFiles.clear();
        run.causeCode = firstFailure(r.codes) ?? run.causeCode;
        run.decisive.push(r);
        break;
      case 'operationFailed':
        run.failedOperation = r.operation ?? run.failedOperation;
        run.causeCode ??= firstFailure(r.codes);
        run.decisive.push(r);
        break;
      case 'phaseFailed':
        run.failedPhase = r.phase ?? run.failedPhase ?? run.phase ?? 'unknown';
        if (r.phase) run.phaseCode = firstFailure(r.codes) ?? run.phaseCode;
        run.phaseCode ??= firstFailure(r.codes);
        run.decisive.push(r);
        break;
      case 'hostResult': {
        const code = r.codes[0] ?? null;
        if (r.message.startsWith('CSetupHost::') || run.hostResult === null) run.hostResult = code;
        if (code && CANCEL_CODES.has(code)) run.cancelLines.push(r);
        else if (isFailureCode(code)) run.decisive.push(r);
        break;
      }
      case 'reportedError':
        run.extendedCode ??= r.extendedCode ?? null;
        if (r.codes.some((c) => CANCEL_CODES.has(c))) run.cancelLines.push(r);
        // The rollback reports the same event at each restart: quote it once.
        else if (!run.decisive.some((d) => d.kind === r.kind && d.message === r.message))
          run.decisive.push(r);
        break;
      case 'cancel':
        run.cancelled = true;
        if (run.cancelLines.length === 0 || r.message.includes('User cancel')) run.cancelLines.push(r);
        break;
      case 'reboot':
        run.reboot = true;
        break;
      case 'completed':
        run.completed = true;
        run.attempt.evidence.push(evidence(file, r));
        break;
      case 'rollback':
        if (!run.rolledBack) run.decisive.push(r);
        run.rolledBack = true;
        break;
      case 'diag':
        if (r.extendedCode) {
          run.extendedCode = r.extendedCode;
          run.decisive.push(r);
        }
        if (r.phase) run.failedPhase ??= r.phase;
        if (r.operation) run.failedOperation ??= r.operation;
        if (r.level === 'Error' && !r.extendedCode) run.diagError = true;
        break;
      default:
        break;
    }
  }
  const attempts: Attempt[] = [];
  const findings: Finding[] = [];
  for (const x of runs) {
    resolve(file, x);
    attempts.push(x.attempt);
    const f =
      x.attempt.outcome !== 'failed'
        ? null
        : x.attempt.result === SYSPREP_APPX && x.sysprepFailed
          ? sysprepFinding(file, x, nextFinding)
          : failedFinding(file, x, nextFinding);
    const c = x.cancelled ? cancelFinding(file, x, nextFinding) : null;
    for (const finding of [f, c]) {
      if (!finding) continue;
      findings.push(finding);
      x.attempt.findings.push(finding.id);
    }
  }
  return { attempts, findings };
}

/** An error line of a run: a failed setup step, or Sysprep stopping on per-user app packages. */
function noteError(run: Run, r: SetupRecord): void {
  if (NOT_PROVISIONED.test(r.message)) {
    if (!run.sysprepPackages.some((x) => x.message === r.message)) run.sysprepPackages.push(r);
    return;
  }
  if (r.codes.includes(SYSPREP_APPX)) run.sysprepFailed ??= r;
  const code = firstFailure(r.codes);
  const m = !run.rolledBack && !run.failedStep && code ? STEP_FAILED.exec(r.message) : null;
  if (m && code) run.failedStep = { record: r, step: m[1]!.trim(), code };
}

/** Outcome and result of a run from what it recorded. */
function resolve(file: string, x: Run): void {
  const a = x.attempt;
  a.package = x.version ? `${PACKAGE} (${x.version})` : PACKAGE;
  a.failureSource = x.failedPhase;
  if (x.cancelled || (x.hostResult && CANCEL_CODES.has(x.hostResult))) {
    x.cancelled = true;
    a.outcome = 'interrupted';
    a.result = x.hostResult ?? '0x800704c7';
    a.evidence.push(...x.cancelLines.slice(-1).map((r) => evidence(file, r)));
  } else if (x.sysprepFailed && x.sysprepPackages.length > 0 && !x.completed) {
    a.package = 'Sysprep /generalize';
    a.client = 'Sysprep';
    a.outcome = 'failed';
    a.result = SYSPREP_APPX;
    a.evidence.push(evidence(file, x.sysprepFailed));
  } else if (x.failedPhase !== null || isFailureCode(x.hostResult) || x.diagError || x.rolledBack) {
    a.outcome = 'failed';
    a.result =
      x.phaseCode ??
      (isFailureCode(x.hostResult) ? x.hostResult : null) ??
      x.causeCode ??
      // Only the extended code was reported (a rollback after reboot): its HRESULT is the result.
      (x.extendedCode ? x.extendedCode.split('-')[0]!.toLowerCase() : null);
    const last = x.decisive.findLast((d) => d.kind === 'phaseFailed' || d.kind === 'hostResult');
    if (last) a.evidence.push(evidence(file, last));
  } else if (x.completed) {
    a.outcome = 'succeeded';
    a.result = '0x00000000';
  } else if (x.reboot) {
    a.outcome = 'pending';
    a.rebootPending = true;
  }
}

function shortPath(p: string): string {
  const i = p.lastIndexOf('\\');
  return i >= 0 ? p.slice(i + 1) : p;
}

function failedFinding(file: string, x: Run, nextFinding: () => string): Finding {
  const a = x.attempt;
  const result = a.result;
  const cause = x.causeCode && x.causeCode !== result ? x.causeCode : null;
  const r = meaning(result);
  const c = meaning(cause);
  const files = [...x.corruptFiles.keys()];
  const target = x.version ? ` (${x.version})` : '';
  const phase = x.failedPhase ?? 'unknown';
  const shown = x.extendedCode ?? result ?? 'no code';
  const say = (name: string, when: unknown, data: Record<string, string> = {}): I18nText =>
    phraseIf(setupUpgradeFailed, name, when, data);
  const applies = (n: number): I18nText =>
    n === 1 ? say('oneApply', true) : say('allApplies', true, { n: String(n) });
  const notes = [
    say('operation', x.failedOperation, { operation: x.failedOperation ?? '' }),
    say('cause', cause, {
      cause: cause ?? '',
      causeName: c.name,
      causeMeaning: c.en,
      causeMeaningZh: c.zh,
      ...both('apply', say('apply', x.applyFailures > 0, { count: String(x.applyFailures) })),
    }),
    say('movingFiles', files.length > 1, { files: files.map(shortPath).join(', ') }),
    say('sameFile', files.length === 1, {
      file: shortPath(files[0] ?? ''),
      ...both('applies', applies(x.corruptFiles.get(files[0] ?? '') ?? 1)),
    }),
    say('rolledBack', x.rolledBack),
    say('likelyStep', x.rolledBack && x.failedStep, {
      step: x.failedStep?.step ?? '',
      stepCode: x.failedStep?.code ?? '',
      stepCodeName: meaning(x.failedStep?.code ?? null).name,
      where: x.failedStep ? `${x.failedStep.record.file ?? file}:${x.failedStep.record.line}` : '',
    }),
  ];
  const data = {
    target,
    phase,
    shown,
    ...both(
      'resultNote',
      say('result', result, {
        result: result ?? '',
        resultName: r.name,
        resultMeaning: r.en,
        resultMeaningZh: r.zh,
      }),
    ),
    notes: notes.map((n) => n.en).join(''),
    notesZh: notes.map((n) => n.zh).join(''),
  };
  const step = x.rolledBack ? x.failedStep : null;
  // The failed step comes first: it is where the run went wrong; the rest follows in file order.
  const decisive = [...(step ? [step.record] : []), ...x.decisive.slice(0, MAX_EVIDENCE)];
  return report(setupUpgradeFailed, 'failed', data, {
    id: nextFinding(),
    confidence: cause || x.extendedCode ? 'high' : 'medium',
    code: cause ?? result,
    facts: {
      package: a.package ?? undefined,
      version: x.version ?? undefined,
      phase,
      operation: x.failedOperation ?? undefined,
      extendedCode: x.extendedCode ?? undefined,
      result: result ?? undefined,
      cause: cause ?? undefined,
      corruptFiles: files.length ? files.join('; ') : undefined,
      applyFailures: x.applyFailures ? String(x.applyFailures) : undefined,
      rolledBack: x.rolledBack ? 'true' : undefined,
      failedStep: step?.step,
      failedStepCode: step?.code,
    },
    evidence: decisive.map((d) => evidence(file, d)),
    attempts: [a.id],
    time: decisive.find((d) => d.time)?.time ?? a.start,
  });
}

function cancelFinding(file: string, x: Run, nextFinding: () => string): Finding {
  const a = x.attempt;
  const code = a.result ?? '0x800704c7';
  const when = x.cancelLines.find((r) => r.time)?.time ?? a.end;
  return report(
    setupUserCancelled,
    'cancelled',
    both('at', phraseIf(setupUserCancelled, 'at', when, { when: when ?? '' })),
    {
      id: nextFinding(),
      code,
      facts: { package: a.package ?? undefined, result: code },
      evidence: x.cancelLines.slice(0, MAX_EVIDENCE).map((r) => evidence(file, r)),
      attempts: [a.id],
      time: when ?? null,
    },
  );
}

/** Sysprep /generalize stopped on app packages installed for a user but not provisioned for all users. */
function sysprepFinding(file: string, x: Run, nextFinding: () => string): Finding {
  const a = x.attempt;
  const names = [...new Set(x.sysprepPackages.map((r) => NOT_PROVISIONED.exec(r.message)![1]!))];
  const lines = [...x.sysprepPackages.slice(0, MAX_EVIDENCE - 1), x.sysprepFailed!];
  return report(
    setupSysprepAppxBlocked,
    'blocked',
    { packages: names.join(', '), count: String(names.length) },
    {
      id: nextFinding(),
      code: SYSPREP_APPX,
      facts: { packages: names.join('; '), count: String(names.length) },
      evidence: lines.sort((p, q) => p.line - q.line).map((r) => evidence(file, r)),
      attempts: [a.id],
      time: x.sysprepPackages[0]?.time ?? a.start,
    },
  );
}
