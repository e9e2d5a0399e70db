// The Windows Update client's own story, from WindowsUpdate.log (Win10 decoded ETW or Win7 text) and from
// ReportingEvents.log: which update was installed when and with what result, which installs failed and
// why (the handler's inner code behind the code Windows Update shows), and whether scans for updates fail.
// Rules produced here: `wu-install-failed`, `wu-detection-failed`, `wu-auto-update-disabled` (info).

import { boundKeys, pushTo } from './group.js';
import { DEFAULT_LIST_CAPS } from '../consolidate/caps.js';
import { newAttempt } from './attempt.js';
import {
  codeMeaning as meaning,
  isStoreApp,
  LEFT_EVIDENCE,
  leftUpdatesFinding,
  updateFailureFinding,
} from './update-failure.js';
import type { Attempt, Evidence, Finding } from '../model/types.js';
import { canonicalize, isFailureCode } from '../parse/error-codes.js';
import { kbOf } from '../parse/identity.js';
import { parseReportingFields, type ReRecord } from '../parse/reporting-events.js';
import type { WuRecord } from '../parse/windows-update-log.js';
import { both, phraseIf, report } from '../rules/define-story-rule.js';
import wuAutoUpdateDisabled from '../rules/wu-auto-update-disabled.js';
import wuDetectionFailed from '../rules/wu-detection-failed.js';
import wuDownloadFailed from '../rules/wu-download-failed.js';
import wuInstallFailed from '../rules/wu-install-failed.js';

/** Attempts and findings told by one Windows Update log. */
export interface WuStory {
  attempts: Attempt[];
  findings: Finding[];
  /** Update GUID of each install attempt (internal: lets downloads see later installs of their update). */
  updateIds?: Map<Attempt, string>;
}

/** One install result, whatever log it comes from. */
interface Install {
  updateId: string;
  title: string | null;
  titleLine: Evidence | null;
  client: string | null;
  start: string | null;
  end: string;
  /** Result as Windows Update records it (`resultMapped`), canonical; `0x00000000` for success. */
  code: string;
  /** Code of the installer behind it (`resultUnMapped`, `Return code`, the code `mapping to error` maps). */
  inner: string | null;
  /** Code the update handler exited with (`Exit code = 0x8024200B`). */
  handler: string | null;
  /** Lines that show the failure, the result line last. */
  evidence: Evidence[];
  /** How far an install that never reported a result got (`phase 2, 45%`); absent when it reported one. */
  progress?: string | null;
}

/** One failed or finished download of an update's content. */
interface Download {
  updateId: string;
  title: string | null;
  time: string;
  /** Canonical code; `0x00000000` for a finished download. */
  code: string;
  evidence: Evidence;
}

/** One scan for updates. */
export interface Scan {
  time: string;
  /** Failure code, or null for a successful scan. */
  code: string | null;
  evidence: Evidence;
}

const WU_E_UH_POSTREBOOTSTILLPENDING = '0x80242014';
const WU_E_NOT_APPLICABLE = '0x80240017';
// Another operation was running, or the call was cancelled: the update is simply tried again later.
const TRANSIENT = new Set(['0x80240009', '0x8024000b']);
const OK = '0x00000000';
// A failure event that carries no failure code.
const E_FAIL = '0x80004005';

const RE = {
  logHistory:
    /LogHistory called\. idUpdate=\{([0-9A-Fa-f-]{36})\}\.(\d+), resultMapped=([0-9A-Fa-f]{1,8}), resultUnMapped=([0-9A-Fa-f]{1,8})/,
  deserialized: /Deserialized installable update (.+?), UpdateID = \{([0-9A-Fa-f-]{36})\.\d+\}/,
  title: /^\*?\s*Title = (.+)$/,
  updateId: /^\*?\s*UpdateId = \{?([0-9A-Fa-f-]{36})\}?\.\d+/,
  caller: /(?:caller|CallerId) = ([^,\]]+)/,
  mapping: /\*FAILED\*\s*\[([0-9A-Fa-f]{1,8})\].*mapping to error ([0-9A-Fa-f]{8})/i,
  returnCode: /Return code = (0x[0-9A-Fa-f]{1,8})/,
  exitCode: /Exit code = (0x[0-9A-Fa-f]{1,8})|\* END \*.*Install (0x[0-9A-Fa-f]{8})/,
  guid: /\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?/g,
  win10ScanEnd: /\* END \* Finding updates CallerId = ([^,]+),.*Exit code = (0x[0-9A-Fa-f]{1,8})/,
  win7ScanStart: /START\s+\*\*\s+Agent: Finding updates/,
  win7ScanEnd: /END\s+\*\*\s+Agent: Finding updates/,
  auDisabled: /AU disabled through (.+)$/,
  found: /Found (\d+) updates and \d+ categories in search|Updates found = (\d+)/,
  wsus: /WSUS server: (.+)$/,
  // The download manager's verdict on one update; its other `*FAILED*` lines are retries and lookups.
  // The whole update is downloaded (a `DO job … completed` line is one file of it): a failure before was transient.
  downloadDone:
    /All files for update \{?([0-9A-Fa-f-]{36})\}?\.\d+ were already downloaded|Preparing update for install, updateId = \{?([0-9A-Fa-f-]{36})/,
  downloadFailed:
    /^\*FAILED\*\s*\[([0-9A-Fa-f]{1,8})\] Error occurred while downloading update|^Error (0x[0-9A-Fa-f]{8}) occurred while downloading update/,
  osVersion: /OS Version = ([\d.]+)/,
};

// Components whose failure lines explain an install result (the update handlers and their helpers).
const HANDLERS = new Set(['Handler', 'Driver', 'CBS', 'Deployment', 'DeploymentHandler', 'MSI']);

/** Milliseconds of a local ISO-like time, for distances only (the zone does not matter). */
function ms(t: string): number {
  return Date.parse(`${t.slice(0, 10)}T${t.slice(11, 19)}Z`);
}

/** `2023-05-22 08:22:20.0699170` → `2023-05-22 08:22:20`. */
function shortTime(t: string): string {
  return t.slice(0, 19);
}

function ev(file: string, r: { line: number; text: string }): Evidence {
  return { file, line: r.line, text: r.text.trim() };
}

function hex(token: string): string | null {
  return canonicalize(/^0x/i.test(token) ? token : '0x' + token);
}

/** Update titles by update GUID (upper case), with the first line that names each. */
function titles(file: string, records: WuRecord[]): Map<string, { title: string; at: Evidence }> {
  const out = new Map<string, { title: string; at: Evidence }>();
  const put = (id: string, title: string, r: WuRecord): void => {
    const key = id.toUpperCase();
    if (!out.has(key)) out.set(key, { title: title.trim(), at: ev(file, r) });
  };
  records.forEach((r, i) => {
    const d = RE.deserialized.exec(r.message);
    if (d) return put(d[2]!, d[1]!, r);
    const t = RE.title.exec(r.message);
    if (!t) return;
    // `Title = …` is followed by `UpdateId = …` from the same thread.
    for (let j = i + 1; j < Math.min(records.length, i + 4); j++) {
      const n = records[j]!;
      if (n.pid !== r.pid || n.tid !== r.tid) continue;
      const u = RE.updateId.exec(n.message);
      if (u) return put(u[1]!, t[1]!, r);
    }
  });
  return out;
}

/** The first number of the ascending `list` that is at least `min`, or null. */
function firstAtOrAfter(list: readonly number[], min: number): number | null {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < min) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo]! : null;
}

/** Win10: one install result per `LogHistory called` line, explained by the handler lines before it. */
function win10Installs(file: string, records: WuRecord[]): Install[] {
  const names = titles(file, records);
  const out: Install[] = [];
  let prevHistory = -1;
  const prevSame = new Map<string, number>();
  // Per update GUID, the records that speak of installing it, in order (one pass, not one per result).
  const installLines = new Map<string, number[]>();
  records.forEach((r, j) => {
    if (!/install/i.test(r.message)) return;
    for (const g of r.message.matchAll(RE.guid)) {
      const list = installLines.get(g[1]!.toUpperCase());
      if (list?.[list.length - 1] === j) continue;
      pushTo(installLines, g[1]!.toUpperCase(), j);
    }
  });
  records.forEach((r, i) => {
    const h = RE.logHistory.exec(r.message);
    if (!h) return;
    const id = h[1]!.toUpperCase();
    const code = hex(h[3]!) ?? OK;
    const unmapped = hex(h[4]!);
    const name = names.get(id);
    let client: string | null = null;
    for (let j = i + 1; j < Math.min(records.length, i + 6); j++) {
      const c = /deloyment history|deployment history/.test(records[j]!.message)
        ? RE.caller.exec(records[j]!.message)
        : null;
      if (c) {
        client = c[1]!.trim();
        break;
      }
    }
    // Start: the first install line for this update since its previous result.
    const from = Math.max((prevSame.get(id) ?? -1) + 1, i - 3000);
    const j = firstAtOrAfter(installLines.get(id) ?? [], from);
    const start = j !== null && j < i ? shortTime(records[j]!.time) : null;
    const end = shortTime(r.time);
    const install: Install = {
      updateId: id,
      title: name?.title ?? null,
      titleLine: name?.at ?? null,
      client,
      start: start ?? end,
      end,
      code,
      inner: null,
      handler: null,
      evidence: [],
    };
    if (isFailureCode(code) && code !== WU_E_UH_POSTREBOOTSTILLPENDING && code !== WU_E_NOT_APPLICABLE) {
      explain(file, records, i, Math.max(prevHistory + 1, i - 400), install);
      if (!install.inner && unmapped && unmapped !== code && isFailureCode(unmapped))
        install.inner = unmapped;
    }
    install.evidence.push(ev(file, r));
    // Deployment lines right after the result that name this update's failure.
    if (isFailureCode(code)) {
      for (let j = i + 1; j < Math.min(records.length, i + 40); j++) {
        const n = records[j]!;
        if (RE.logHistory.test(n.message) || ms(n.time) - ms(r.time) > 5000) break;
        if (/\*FAILED\*/.test(n.message) && n.message.toUpperCase().includes(id))
          install.evidence.push(ev(file, n));
      }
    }
    out.push(install);
    prevHistory = i;
    prevSame.set(id, i);
  });
  return out;
}

/**
 * Installs that started (a deployment job of the update, `UDP`/`Deployment` lines naming its id) and failed
 * part-way — a failure code in the job's or the handler's lines — with no `LogHistory` result ever written
 * for the update afterwards (a feature update whose setup failed and was never retried). Keyed on the
 * structure (component, update id, codes), not on the English wording, so localised decodes read the same.
 */
function unfinishedInstalls(file: string, records: WuRecord[], results: Install[]): Install[] {
  const names = titles(file, records);
  const lastResult = new Map<string, number>();
  records.forEach((r, i) => {
    const h = RE.logHistory.exec(r.message);
    if (h) lastResult.set(h[1]!.toUpperCase(), i);
  });
  const jobs = new Map<string, { first: number; fail: number | null }>();
  records.forEach((r, i) => {
    if (r.component !== 'UDP' && r.component !== 'Deployment') return;
    if (!/Deployment job|\bjob\b/i.test(r.message) && r.component !== 'Deployment') return;
    for (const g of r.message.matchAll(RE.guid)) {
      const id = g[1]!.toUpperCase();
      // The job's own id is not an update: an update id follows `update`. The first one named is the
      // top-level update; a bundled update's result is its top-level update's.
      if (!new RegExp(`update(?: id)?\\s*[:=]?\\s*\\{?${id}`, 'i').test(r.message)) continue;
      const j = jobs.get(id) ?? { first: i, fail: null };
      const failing =
        r.codes.some((c) => isFailureCode(c) && !TRANSIENT.has(c)) || /failure delegate/i.test(r.message);
      if (failing && j.fail === null) j.fail = i;
      jobs.set(id, j);
      break;
    }
  });
  const out: Install[] = [];
  const reported = new Set(results.map((x) => x.updateId));
  for (const [id, j] of jobs) {
    if (j.fail === null || (lastResult.get(id) ?? -1) >= j.first) continue;
    if (reported.has(id)) continue;
    const window = records.slice(j.first, j.fail + 1);
    const mine = (r: WuRecord): boolean => r.message.toUpperCase().includes(id);
    const failing = window.filter(
      (r) =>
        (mine(r) || HANDLERS.has(r.component)) && r.codes.some((c) => isFailureCode(c) && !TRANSIENT.has(c)),
    );
    const code = failing.flatMap((r) => r.codes).find((c) => isFailureCode(c) && !TRANSIENT.has(c)) ?? E_FAIL;
    // How far it got: the last percentage or phase the job or its handler logged.
    let progress: string | null = null;
    let progressLine: WuRecord | null = null;
    for (const r of window) {
      if (!mine(r) && !HANDLERS.has(r.component)) continue;
      const pct = /(\d{1,3}(?:\.\d+)?)\s*%/.exec(r.message)?.[1];
      const phase = /(?:phase|阶段|단계)\s*[:=]?\s*\[?([\w-]+)/i.exec(r.message)?.[1];
      if (pct || phase) {
        progress = [phase ? `phase ${phase}` : '', pct ? `${pct}%` : ''].filter(Boolean).join(', ');
        progressLine = r;
      }
    }
    const name = names.get(id);
    const first = records[j.first]!;
    const fail = records[j.fail]!;
    const evidence = [first, ...(progressLine ? [progressLine] : []), ...failing.slice(0, 4), fail];
    const seen = new Set<number>();
    out.push({
      updateId: id,
      title: name?.title ?? null,
      titleLine: name?.at ?? null,
      client: null,
      start: shortTime(first.time),
      end: shortTime(fail.time),
      code,
      inner: null,
      handler: null,
      progress,
      evidence: evidence
        .filter((r) => !seen.has(r.line) && seen.add(r.line))
        .sort((a, b) => a.line - b.line)
        .map((r) => ev(file, r)),
    });
  }
  return out;
}

/** Collect the handler's failure lines before a failed result, and the inner and handler codes they carry. */
function explain(file: string, records: WuRecord[], at: number, from: number, install: Install): void {
  const until = records[at]!.time;
  for (let j = from; j < at; j++) {
    const r = records[j]!;
    if (!r.codes.some(isFailureCode)) continue;
    const mine = r.message.toUpperCase().includes(install.updateId);
    // Handler lines, and failure lines of the deployment that name this update.
    if (!HANDLERS.has(r.component) && !(mine && /\*FAILED\*/.test(r.message))) continue;
    // Noise: the out-of-process handler's exit after a successful call.
    if (/unexpected result: 0\b/.test(r.message)) continue;
    // Lines about another update of the same deployment.
    const other = [...r.message.matchAll(RE.guid)].some((g) => g[1]!.toUpperCase() !== install.updateId);
    if (other && !mine) continue;
    // Lines from a much earlier operation are not this failure's (the log can sit idle for hours).
    if (ms(until) - ms(r.time) > 3_600_000) continue;
    install.evidence.push(ev(file, r));
    const m = RE.mapping.exec(r.message);
    if (m) {
      install.inner ??= hex(m[1]!.padStart(8, '0'));
      install.handler ??= hex(m[2]!);
      continue;
    }
    const rc = RE.returnCode.exec(r.message);
    if (rc && isFailureCode(hex(rc[1]!))) install.inner ??= hex(rc[1]!);
    const x = RE.exitCode.exec(r.message);
    const xc = x ? hex((x[1] ?? x[2])!) : null;
    if (xc && isFailureCode(xc)) install.handler ??= xc;
  }
}

/** Install results from reporting events (ReportingEvents.log, or Win7 `REPORT EVENT:` lines). */
function reportedInstalls(file: string, records: ReRecord[]): Install[] {
  const out: Install[] = [];
  const started = new Map<string, ReRecord>();
  for (const r of records) {
    const install = /INSTALL/.test(r.tag) || r.kind === 'Content Install';
    if (!install || !r.updateId) continue;
    if (/STARTED/.test(r.tag)) {
      started.set(r.updateId, r);
      continue;
    }
    const failed = /FAILED/.test(r.tag) || r.result === 'Failure';
    const succeeded = /SUCCEEDED/.test(r.tag) || (r.result === 'Success' && !/PLANNED|STARTED/.test(r.tag));
    if (!failed && !succeeded) continue;
    const s = started.get(r.updateId);
    started.delete(r.updateId);
    const code = failed ? (isFailureCode(r.code) ? r.code : E_FAIL) : OK;
    out.push({
      updateId: r.updateId,
      title: r.title ?? s?.title ?? null,
      titleLine: null,
      client: r.callerId || null,
      start: shortTime((s ?? r).time),
      end: shortTime(r.time),
      code,
      inner: null,
      handler: null,
      evidence: [ev(file, { line: r.line, text: r.raw })],
    });
  }
  return out;
}

/** Scans from reporting events: `Software Synchronization` / detection events. */
function reportedScans(file: string, records: ReRecord[]): Scan[] {
  const out: Scan[] = [];
  for (const r of records) {
    if (!/DETECTION/.test(r.tag) && r.kind !== 'Software Synchronization') continue;
    const failed = /FAILED/.test(r.tag) || r.result === 'Failure';
    out.push({
      time: r.time,
      code: failed ? (isFailureCode(r.code) ? r.code : E_FAIL) : null,
      evidence: ev(file, { line: r.line, text: r.raw }),
    });
  }
  return out;
}

/** Scans told by WindowsUpdate.log itself (Win10 `* END * Finding updates … Exit code`, Win7 Agent blocks). */
function logScans(file: string, records: WuRecord[]): Scan[] {
  const out: Scan[] = [];
  let win7: { code: string | null; exit: WuRecord | null } | null = null;
  for (const r of records) {
    const w10 = RE.win10ScanEnd.exec(r.message);
    if (w10) {
      const code = hex(w10[2]!);
      // A cancelled search is not a failed one.
      if (code && TRANSIENT.has(code)) continue;
      out.push({ time: r.time, code: isFailureCode(code) ? code : null, evidence: ev(file, r) });
      continue;
    }
    if (r.component !== 'Agent') continue;
    if (RE.win7ScanStart.test(r.message)) win7 = { code: null, exit: null };
    else if (win7 && /Exit code = 0x/.test(r.message)) {
      const code = r.codes.find(isFailureCode) ?? null;
      if (code) win7 = { code, exit: r };
    } else if (win7 && RE.win7ScanEnd.test(r.message)) {
      if (!win7.code || !TRANSIENT.has(win7.code))
        out.push({ time: r.time, code: win7.code, evidence: ev(file, win7.exit ?? r) });
      win7 = null;
    }
  }
  return out;
}

/**
 * Win10: the download manager's verdict lines (`*FAILED* [code] Error occurred while downloading update …`,
 * `All files … already downloaded and are valid`, `Preparing update for install`) for updates whose title the
 * log gives.
 */
function logDownloads(file: string, records: WuRecord[]): Download[] {
  const names = titles(file, records);
  const out: Download[] = [];
  for (const r of records) {
    if (r.component !== 'DownloadManager' && r.component !== 'DnldMgr') continue;
    const done = RE.downloadDone.exec(r.message);
    if (done) {
      const id = (done[1] ?? done[2])!.toUpperCase();
      if (names.has(id))
        out.push({
          updateId: id,
          title: names.get(id)!.title,
          time: shortTime(r.time),
          code: OK,
          evidence: ev(file, r),
        });
      continue;
    }
    const f = RE.downloadFailed.exec(r.message);
    if (!f) continue;
    const code = hex((f[1] ?? f[2])!);
    if (!code || !isFailureCode(code) || TRANSIENT.has(code)) continue;
    // A metadata lookup for an update the log never names is background noise, not a download of it.
    const id = [...r.message.matchAll(RE.guid)].map((g) => g[1]!.toUpperCase()).find((g) => names.has(g));
    if (!id) continue;
    out.push({
      updateId: id,
      title: names.get(id)!.title,
      time: shortTime(r.time),
      code,
      evidence: ev(file, r),
    });
  }
  return out;
}

/** Download results from reporting events (`Content Download`, `AGENT_DOWNLOAD_*`). */
function reportedDownloads(file: string, records: ReRecord[]): Download[] {
  const out: Download[] = [];
  for (const r of records) {
    if (!r.updateId || !(/DOWNLOAD/.test(r.tag) || r.kind === 'Content Download')) continue;
    if (/STARTED/.test(r.tag)) continue;
    const failed = /FAILED/.test(r.tag) || r.result === 'Failure';
    out.push({
      updateId: r.updateId,
      title: r.title ?? null,
      time: shortTime(r.time),
      code: failed ? (isFailureCode(r.code) ? r.code : E_FAIL) : OK,
      evidence: ev(file, { line: r.line, text: r.raw }),
    });
  }
  return out;
}

/**
 * Download attempts: the failed ones, each `retried` when the same update later downloaded or installed,
 * and one `wu-download-failed` finding per update and code.
 */
function downloadStory(
  downloads: Download[],
  installs: Attempt[],
  installIds: Map<Attempt, string>,
  nextAttempt: () => string,
  nextFinding: () => string,
): WuStory {
  const attempts: Attempt[] = [];
  const findings: Finding[] = [];
  const groups = new Map<string, { d: Download; a: Attempt }[]>();
  // Per update: the last finished download (by position), the last installed time, a title.
  const lastOk = new Map<string, number>();
  const lastInstalled = new Map<string, string>();
  const titleOf = new Map<string, string>();
  downloads.forEach((d, i) => {
    if (d.code === OK) lastOk.set(d.updateId, i);
    if (d.title && !titleOf.has(d.updateId)) titleOf.set(d.updateId, d.title);
  });
  for (const a of installs) {
    const id = installIds.get(a);
    if (id && a.outcome === 'succeeded' && (a.end ?? '') > (lastInstalled.get(id) ?? ''))
      lastInstalled.set(id, a.end ?? '');
  }
  downloads.forEach((d, i) => {
    if (d.code === OK) return;
    const laterOk = (lastOk.get(d.updateId) ?? -1) > i || (lastInstalled.get(d.updateId) ?? '') >= d.time;
    const title = d.title ?? titleOf.get(d.updateId) ?? null;
    const a = newAttempt(nextAttempt(), d.time, {
      package: title ?? `update {${d.updateId}}`,
      kb: kbOf(title ?? ''),
      kind: isStoreApp(title) ? 'other' : 'download',
      client: 'Windows Update',
      end: d.time,
      result: d.code,
      outcome: laterOk ? 'retried' : 'failed',
      evidence: [d.evidence],
    });
    attempts.push(a);
    const key = `${d.updateId}|${d.code}`;
    pushTo(groups, key, { d, a });
  });
  for (const list of groups.values()) {
    const { d, a } = list[list.length - 1]!;
    const n = list.length;
    const retried = list.every((x) => x.a.outcome === 'retried');
    const first = list[0]!.d.time;
    const id = nextFinding();
    findings.push(
      updateFailureFinding({
        id,
        rule: wuDownloadFailed,
        messageId: retried ? 'retried' : 'failed',
        what: a.package ?? `update {${d.updateId}}`,
        phase: 'download',
        code: d.code,
        count: n,
        first,
        last: d.time,
        retried,
        store: a.kind === 'other',
        facts: {
          kb: a.kb ?? undefined,
          title: a.package ?? undefined,
          updateId: d.updateId,
          attempts: String(n),
          first,
          last: d.time,
        },
        evidence: list.map((x) => x.d.evidence).slice(0, 12),
        attempts: list.map((x) => x.a.id),
      }),
    );
    for (const x of list) x.a.findings.push(id);
  }
  return { attempts, findings };
}

/** Attempts for install results, retries marked, and one `wu-install-failed` finding per update and code. */
function installStory(
  file: string,
  installs: Install[],
  client: string,
  nextAttempt: () => string,
  nextFinding: () => string,
): WuStory {
  const attempts: Attempt[] = [];
  const byAttempt = new Map<Attempt, Install>();
  const updateIds = new Map<Attempt, string>();
  for (const x of installs) {
    const pending = x.code === WU_E_UH_POSTREBOOTSTILLPENDING;
    const outcome: Attempt['outcome'] =
      x.code === OK || x.code === WU_E_NOT_APPLICABLE || !isFailureCode(x.code)
        ? 'succeeded'
        : pending
          ? 'pending'
          : 'failed';
    const a = newAttempt(nextAttempt(), x.start, {
      package: x.title ?? `update {${x.updateId}}`,
      kb: kbOf(x.title ?? ''),
      // Microsoft Store apps are not Windows servicing: their failures never make the verdict.
      kind: isStoreApp(x.title) ? 'other' : 'package',
      client: x.client ?? client,
      end: x.end,
      targetState: 'Installed',
      result: x.code,
      outcome,
      rebootPending: pending,
      evidence: x.evidence.slice(-12),
    });
    attempts.push(a);
    byAttempt.set(a, x);
    updateIds.set(a, x.updateId);
  }
  // A failure followed by a later attempt at the same update that installed it (or, for a collision or a
  // cancel, by any later attempt) was transient.
  // One pass from the end (was a filter of the later attempts for each: quadratic in a log of many results).
  const laterInstalled = new Set<string>();
  const laterTried = new Set<string>();
  for (let i = attempts.length - 1; i >= 0; i--) {
    const a = attempts[i]!;
    const id = byAttempt.get(a)!.updateId;
    if (a.outcome === 'failed') {
      if (laterInstalled.has(id)) a.outcome = 'retried';
      else if (laterTried.has(id) && TRANSIENT.has(a.result ?? '')) a.outcome = 'retried';
    }
    laterTried.add(id);
    if (a.outcome === 'succeeded' || a.outcome === 'pending') laterInstalled.add(id);
  }
  const groups = new Map<string, Attempt[]>();
  for (const a of attempts) {
    if (a.outcome !== 'failed' && a.outcome !== 'retried') continue;
    const key = `${byAttempt.get(a)!.updateId}|${a.result}`;
    pushTo(groups, key, a);
  }
  const findings: Finding[] = [];
  for (const list of groups.values()) {
    const xs = list.map((a) => byAttempt.get(a)!);
    const x = xs[xs.length - 1]!;
    const code = list[0]!.result!;
    const n = list.length;
    const first = list[0]!.end ?? '';
    const last = list[n - 1]!.end ?? '';
    const retried = list.every((a) => a.outcome === 'retried');
    const store = list[0]!.kind === 'other';
    const what = x.title ?? `update {${x.updateId}}`;
    const inner = xs.map((y) => y.inner).find((c) => c) ?? null;
    const handler = xs.map((y) => y.handler).find((c) => c) ?? null;
    const im = inner && inner !== code ? meaning(inner) : null;
    const hm = handler && handler !== code && handler !== inner ? meaning(handler) : null;
    const notes = [
      phraseIf(wuInstallFailed, 'inner', im, {
        inner: inner ?? '',
        innerName: im?.name ?? '',
        innerMeaning: im?.en ?? '',
        innerMeaningZh: im?.zh ?? '',
      }),
      phraseIf(
        wuInstallFailed,
        'unfinished',
        xs.some((y) => y.progress !== undefined),
        {
          ...both('at', phraseIf(wuInstallFailed, 'at', x.progress, { progress: x.progress ?? '' })),
        },
      ),
      phraseIf(wuInstallFailed, 'handler', hm, {
        handler: handler ?? '',
        handlerName: hm?.name ?? '',
        handlerMeaning: hm?.en ?? '',
        handlerMeaningZh: hm?.zh ?? '',
      }),
    ];
    const id = nextFinding();
    const evidence = [...(x.titleLine ? [x.titleLine] : []), ...xs.flatMap((y) => y.evidence)].slice(0, 16);
    findings.push(
      updateFailureFinding({
        id,
        rule: wuInstallFailed,
        messageId: retried ? 'retried' : 'failed',
        what,
        phase: 'install',
        code,
        count: n,
        first,
        last,
        retried,
        store,
        extra: { en: notes.map((x) => x.en).join(''), zh: notes.map((x) => x.zh).join('') },
        facts: {
          kb: kbOf(x.title ?? '') ?? undefined,
          title: x.title ?? undefined,
          updateId: x.updateId,
          client: list[n - 1]!.client ?? undefined,
          attempts: String(n),
          first,
          last,
          innerCode: inner ?? undefined,
          handlerCode: handler ?? undefined,
          progress: xs.map((y) => y.progress).find((p) => p) ?? undefined,
        },
        evidence,
        attempts: list.map((a) => a.id),
      }),
    );
    for (const a of list) a.findings.push(id);
  }
  return { attempts, findings, updateIds };
}

/** One `wu-detection-failed` finding when scans failed: how often, the longest run, and the codes. */
export function detectionFinding(scans: Scan[], nextFinding: () => string): Finding | null {
  const failed = scans.filter((s) => s.code);
  if (failed.length === 0) return null;
  let best: Scan[] = [];
  let cur: Scan[] = [];
  for (const s of scans) {
    if (s.code) {
      cur.push(s);
      // Ties go to the later run: it is the one the user is living with.
      if (cur.length >= best.length) best = [...cur];
    } else cur = [];
  }
  const count = (list: Scan[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const s of list) m.set(s.code!, (m.get(s.code!) ?? 0) + 1);
    return m;
  };
  // The run's most frequent code; on a tie the later one, which is the state the machine was left in.
  const inRun = count(best);
  let code = best[best.length - 1]!.code!;
  for (const [c, k] of inRun) if (k > inRun.get(code)!) code = c;
  const all = [...count(failed)].sort((a, b) => b[1] - a[1]);
  const others = all
    .filter(([c]) => c !== code)
    .map(([c, k]) => `${c} ${meaning(c).name}${k > 1 ? ` ×${k}` : ''}`.trim());
  const stillFailing = scans[scans.length - 1]!.code !== null;
  const run = best.length;
  const severity: Finding['severity'] = run >= 3 ? 'error' : stillFailing ? 'warning' : 'info';
  const t = (s: Scan): string => shortTime(s.time);
  const n = failed.length;
  const longestRun = phraseIf(wuDetectionFailed, 'longestRun', run > 1, {
    run: String(run),
    runFirst: t(best[0]!),
    runLast: t(best[run - 1]!),
  });
  const otherCodes = phraseIf(wuDetectionFailed, 'otherCodes', others.length, {
    codes: others.join(', '),
    codesZh: others.join('、'),
  });
  return report(
    wuDetectionFailed,
    stillFailing ? 'stillFailing' : run >= 3 ? 'run' : 'intermittent',
    {
      times: n === 1 ? 'once' : `${n} times`,
      timesZh: String(n),
      first: t(failed[0]!),
      last: t(failed[n - 1]!),
      ...both('longestRun', longestRun),
      ...both('otherCodes', otherCodes),
    },
    {
      id: nextFinding(),
      severity,
      code,
      root: severity !== 'info',
      facts: {
        failures: String(n),
        scans: String(scans.length),
        longestRun: String(run),
        runFirst: t(best[0]!),
        runLast: t(best[run - 1]!),
        codes: all.map(([c]) => c).join(', '),
        stillFailing: String(stillFailing),
      },
      evidence: failed.slice(-30).map((s) => s.evidence),
      time: t(failed[0]!),
    },
  );
}

/** Automatic Updates turned off (Win7 `# AU disabled through User preference`): informational. */
function autoUpdateFinding(file: string, records: WuRecord[], nextFinding: () => string): Finding | null {
  const disabled = records.filter((r) => RE.auDisabled.test(r.message));
  if (disabled.length === 0) return null;
  const by = RE.auDisabled.exec(disabled[disabled.length - 1]!.message)![1]!.trim();
  // Win7 logs each search twice (Agent `Found N updates`, COMAPI `Updates found = N`): count the Agent's.
  const agent = records.map((r) => RE.found.exec(r.message)?.[1]).filter((n) => n !== undefined);
  const searches = agent.length
    ? agent
    : records.map((r) => RE.found.exec(r.message)?.[2]).filter((n) => n !== undefined);
  const empty = searches.filter((n) => Number(n) === 0).length;
  const wsus = records.map((r) => RE.wsus.exec(r.message)?.[1]?.trim()).filter((w) => w !== undefined);
  const os = records.map((r) => RE.osVersion.exec(r.message)?.[1]).find((v) => v !== undefined);
  const win7 = os !== undefined && /^6\.1\./.test(os);
  const first = disabled[0]!;
  const searchNote = phraseIf(wuAutoUpdateDisabled, 'searches', searches.length, {
    empty: String(empty),
    searches: String(searches.length),
  });
  return report(
    wuAutoUpdateDisabled,
    'disabled',
    {
      by,
      count: String(disabled.length),
      ...both('searchNote', searchNote),
      ...both('win7Note', phraseIf(wuAutoUpdateDisabled, 'win7', win7)),
    },
    {
      id: nextFinding(),
      facts: {
        disabledBy: by,
        disabledCount: String(disabled.length),
        searches: String(searches.length),
        emptySearches: String(empty),
        wsusServer: wsus[wsus.length - 1],
        version: os,
      },
      evidence: [ev(file, first), ...(disabled.length > 1 ? [ev(file, disabled[disabled.length - 1]!)] : [])],
      time: shortTime(first.time),
    },
  );
}

/** A result that is a failure of the install (not success, not applicable, not waiting for a restart). */
function installFailed(x: Install): boolean {
  return isFailureCode(x.code) && x.code !== WU_E_UH_POSTREBOOTSTILLPENDING && x.code !== WU_E_NOT_APPLICABLE;
}

/** Install attempts and download attempts of one log, downloads knowing which updates later installed. */
function transfers(
  file: string,
  installs: Install[],
  downloads: Download[],
  nextAttempt: () => string,
  nextFinding: () => string,
): WuStory {
  // Past the cap of updates told one by one, the rest are counted in one finding per phase.
  const ins = boundKeys(installs, (x) => x.updateId, DEFAULT_LIST_CAPS.updates, installFailed);
  const dls = boundKeys(
    downloads,
    (d) => d.updateId,
    DEFAULT_LIST_CAPS.updates,
    (d) => d.code !== OK,
  );
  const story = installStory(file, ins.kept, 'Windows Update', nextAttempt, nextFinding);
  const dl = downloadStory(dls.kept, story.attempts, story.updateIds!, nextAttempt, nextFinding);
  const left = [
    ins.left.some(installFailed)
      ? leftUpdatesFinding({
          id: nextFinding(),
          rule: wuInstallFailed,
          messageId: 'failed',
          phase: 'install',
          updates: ins.leftKeys,
          failures: ins.left.filter(installFailed).map((x) => ({ code: x.code, time: x.end })),
          evidence: ins.left
            .filter(installFailed)
            .slice(0, LEFT_EVIDENCE)
            .flatMap((x) => x.evidence.slice(-1)),
        })
      : null,
    dls.left.some((d) => d.code !== OK)
      ? leftUpdatesFinding({
          id: nextFinding(),
          rule: wuDownloadFailed,
          messageId: 'failed',
          phase: 'download',
          updates: dls.leftKeys,
          failures: dls.left.filter((d) => d.code !== OK).map((d) => ({ code: d.code, time: d.time })),
          evidence: dls.left
            .filter((d) => d.code !== OK)
            .slice(0, LEFT_EVIDENCE)
            .map((d) => d.evidence),
        })
      : null,
  ].filter((f): f is Finding => f !== null);
  return {
    attempts: [...story.attempts, ...dl.attempts],
    findings: [...story.findings, ...dl.findings, ...left],
  };
}

/**
 * Reconstructs install attempts and failures from a WindowsUpdate.log: Win10 results from `LogHistory`
 * lines explained by the handler lines before them, Win7 results from its `REPORT EVENT:` lines; scan
 * failures; and, informational, Automatic Updates being off.
 */
export function wuStory(
  file: string,
  records: WuRecord[],
  nextAttempt: () => string,
  nextFinding: () => string,
): WuStory {
  const reported: ReRecord[] = [];
  for (const r of records) {
    if (!r.message.startsWith('REPORT EVENT:')) continue;
    const e = parseReportingFields(r.message.slice('REPORT EVENT:'.length).split('\t'), r.line, r.text);
    if (e) reported.push(e);
  }
  const results = [...win10Installs(file, records), ...reportedInstalls(file, reported)];
  const story = transfers(
    file,
    [...results, ...unfinishedInstalls(file, records, results)],
    [...logDownloads(file, records), ...reportedDownloads(file, reported)],
    nextAttempt,
    nextFinding,
  );
  const rScans = reportedScans(file, reported);
  const detection = detectionFinding(rScans.length > 0 ? rScans : logScans(file, records), nextFinding);
  if (detection) story.findings.push(detection);
  const au = autoUpdateFinding(file, records, nextFinding);
  if (au) story.findings.push(au);
  return story;
}

/** Reconstructs install attempts, install failures and scan failures from ReportingEvents.log records. */
export function reportingStory(
  file: string,
  records: ReRecord[],
  nextAttempt: () => string,
  nextFinding: () => string,
): WuStory {
  const story = transfers(
    file,
    reportedInstalls(file, records),
    reportedDownloads(file, records),
    nextAttempt,
    nextFinding,
  );
  const detection = detectionFinding(reportedScans(file, records), nextFinding);
  if (detection) story.findings.push(detection);
  return story;
}
