// The facts of a case thread, worked out from its (already redacted) messages with the project's own
// knowledge: error codes in any written form (parse/error-codes), KBs and what the update table knows of
// them (kind, OS build), component/file/package families (parse/identity), builds; the steps the engineer
// proposed, classified into the remediation plans' step ids, with what the customer reported back; the
// outcome (fixed by which step, reinstalled, reset, no response), dates, rounds and days to closure.

import { extractCodes, isFailureCode } from '../../parse/error-codes.js';
import {
  componentFamily,
  componentKeys,
  fileFamily,
  kbOfUpdateName,
  packageFamily,
  packageIdentities,
} from '../../parse/identity.js';
import { updateByKb } from '../../knowledge/builds.js';

/** Who wrote a message. */
export type Role = 'engineer' | 'customer';

/** How a past case ended. */
export type Outcome = 'fixed' | 'reinstalled' | 'reset' | 'no-response' | 'closed' | 'open';

/** A message of a thread, ready to be stored (redacted). */
export interface ThreadMessage {
  seq: number;
  role: Role;
  /** `engineer 1`, `customer 2`: who, without the name. */
  sender: string;
  at: string | null;
  body: string;
}

/** A step of a plan as tried in a past case. */
export interface StepTried {
  /** A plan step id (`replace-manifest`, `clear-wu-cache`, `reset-or-reinstall` …). */
  step: string;
  /** `fixed` it, `failed` (the customer reported the problem persisting), or only `proposed`. */
  result: 'fixed' | 'failed' | 'proposed';
  /** Message (1-based) that proposed it. */
  seq: number;
}

/** Everything a thread says about its case. */
export interface ThreadFacts {
  caseNumber: string | null;
  org: string | null;
  priority: string | null;
  title: string | null;
  /** Product names and releases the thread names (`1809`, `V2020-L`, `LTSC 2019`). */
  products: string[];
  /** Full builds (`17763.1879`) named in the text or carried by component versions. */
  builds: string[];
  /** OS builds, from builds and from the KBs the update table knows. */
  osBuilds: number[];
  /** Failure codes in any form (`0x80073712`, `HRESULT_FROM_WIN32(14098)`, `ERROR_FILE_CORRUPT`), canonical. */
  codes: string[];
  /** The codes the people wrote themselves (not only inside quoted log lines). */
  primaryCodes: string[];
  kbs: string[];
  /** `CU:17763`, `SSU:17763`: what kind of update for which OS build, for the KBs the table knows. */
  kbFamilies: string[];
  components: string[];
  files: string[];
  packages: string[];
  /** Finding rules and signatures of the log lines quoted in the thread (filled by the importer). */
  rules: string[];
  signatures: string[];
  steps: StepTried[];
  outcome: Outcome;
  /** The plan step that fixed it, when the outcome is `fixed`. */
  fixedBy: string | null;
  openedAt: string | null;
  closedAt: string | null;
  /** Engineer messages with content: how many times the engineer wrote to the customer. */
  rounds: number;
  messages: number;
  /** Calendar days from the first to the last message. */
  days: number | null;
  /** The problem as defined (问题定义 / 问题描述), and the analysis and summary, redacted. */
  problem: string;
  analysis: string;
}

// Engineer's structure (the team's templates, zh and en): a sender who writes any of these is the engineer.
const ENGINEER_MARKERS =
  /问题定义|问题范围|下一步动作|下一步操作|日志分析|案例总结|问题总结|案例号|Case No|来信是想咨询|请您知悉|根据您上传的日志|已查看您上传的|Problem definition|Scope of the problem|Next steps?:|Log analysis|Case summary/i;

/** Roles of the senders: the engineer writes the team's structure; everyone else is the customer's side. */
export function senderRoles(messages: { from: string; body: string }[]): Map<string, Role> {
  const roles = new Map<string, Role>();
  for (const m of messages) if (!roles.has(m.from)) roles.set(m.from, 'customer');
  for (const m of messages) if (ENGINEER_MARKERS.test(m.body)) roles.set(m.from, 'engineer');
  // With no marker anywhere, the thread's first writer is taken as the engineer (the desk opens threads).
  if (![...roles.values()].includes('engineer') && messages[0]) roles.set(messages[0].from, 'engineer');
  return roles;
}

/** One kind of remediation step as people write it, mapped to the plan step id. */
interface StepPattern {
  step: string;
  re: RegExp;
}

const WINSXS_DIR =
  /winsxs\\(?:amd64|x86|wow64|msil|arm64)_|winsxs文件夹|组件文件夹|两个文件夹|同名文件夹|component folder/i;
const COPY = /替换|拷贝|复制|覆盖|replace|copy/i;

// Most specific first; a sentence may name several steps.
const STEP_PATTERNS: StepPattern[] = [
  {
    step: 'reset-or-reinstall',
    re: /重置(?:此|该)?电脑|重装|重新安装系统|全新安装|reset (?:this|the) pc|reinstall(?:ed)? (?:the )?(?:os|system|windows)/i,
  },
  { step: 'in-place-upgrade', re: /就地升级|原地升级|in-place upgrade|repair install/i },
  { step: 'install-ssu-then-update', re: /\bSSU\b|服务堆栈|前置补丁|[Ss]ervicing [Ss]tack [Uu]pdate/ },
  {
    step: 'install-version-carrier',
    re: /逐月安装|(?:更新|新)版本的补丁|\d+月(?:补丁|累积更新)(?:更新)?时可以|newer (?:cumulative )?update/i,
  },
  {
    step: 'install-kb-offline',
    re: /离线安装|手动安装|手动离线|本地安装|install (?:it )?(?:offline|manually)|add-package/i,
  },
  {
    step: 'clear-wu-cache',
    re: /SoftwareDistribution|UpdateReset|重置(?:windows ?)?更新组件|reset windows update/i,
  },
  { step: 'check-wsus', re: /UseWUServer|WSUS/i },
  { step: 'restore-health', re: /RestoreHealth/i },
  { step: 'scan-health', re: /CheckHealth|ScanHealth/i },
  { step: 'sfc', re: /sfc\s*\/scannow/i },
  { step: 'chkdsk-fix', re: /chkdsk/i },
];

/** Plan step ids named by one piece of text (a sentence or a message). */
export function stepsIn(text: string): string[] {
  const out: string[] = [];
  for (const p of STEP_PATTERNS) if (p.re.test(text)) out.push(p.step);
  if (COPY.test(text)) {
    if (/\.manifest\b|manifest文件|manifest file/i.test(text)) out.push('replace-manifest');
    else if (/\.mum\b/i.test(text)) out.push('replace-mum');
    else if (WINSXS_DIR.test(text) || /文件夹|folder/i.test(text)) out.push('replace-folder');
    else if (/\.(?:dll|exe|sys|bin|cat)\b|BCD-Template|文件|\bfile\b/i.test(text)) out.push('replace-file');
  }
  return [...new Set(out)];
}

const FAILED_REPORT =
  /问题依旧|仍然|依然|依旧|报错一样|还是(?:失败|报错)|未能安装成功|无法正常安装|失败|still fail|same error|did not (?:help|work)|no change/i;
const FIXED_REPORT =
  /问题已解决|已解决|安装成功|成功安装|可以正常安装|已正常|resolved|fixed|installed successfully|succeeded/i;
const CLOSURE = /案例总结|关闭处理|归档|Case No|case (?:will be )?closed|closing the case/i;
const REINSTALLED = /重装|重新安装系统|全新安装系统|reinstalled (?:the )?(?:os|system|windows)/i;
const RESET = /重置(?:该|此)?电脑(?:解决|处理)|同意重置|已重置|reset the (?:pc|machine)/i;
const NO_RESPONSE =
  /未回复|无回复|无响应|未收到(?:您的|客户)?(?:回复|反馈)|联系不上|no response|did not respond|unresponsive/i;

function withoutLogLines(text: string): string {
  const logs = new Set(quotedLogLines(text));
  return text
    .split(/\r?\n/)
    .filter((l) => !logs.has(l))
    .join('\n');
}

function sentences(text: string): string[] {
  return text.split(/[。！？!?\n]+|(?<=\.)\s+/).filter((s) => s.trim() !== '');
}

/** Steps proposed in each engineer message and what the customer (or the engineer's report of a call) said. */
function stepsTried(msgs: ThreadMessage[]): StepTried[] {
  const out: StepTried[] = [];
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    if (m.role !== 'engineer' || CLOSURE.test(m.body)) continue;
    const proposed = stepsIn(withoutLogLines(m.body));
    if (proposed.length === 0) continue;
    // The answer: the next message of the customer, or an engineer's "刚才电话得知 …" report.
    let result: StepTried['result'] = 'proposed';
    for (let j = i + 1; j < msgs.length; j++) {
      const n = msgs[j]!;
      // The closure says how the case ended, not what the last step did.
      if (n.role === 'engineer' && CLOSURE.test(n.body)) break;
      const reported =
        n.role === 'customer' ||
        /电话得知|(?:客户|用户)(?:反馈|表示|确认)|told us|reported that/i.test(n.body);
      if (!reported) {
        if (stepsIn(withoutLogLines(n.body)).length > 0) break;
        continue;
      }
      const head = n.body.slice(0, 400);
      if (FIXED_REPORT.test(head) && !FAILED_REPORT.test(head)) result = 'fixed';
      else if (FAILED_REPORT.test(head)) result = 'failed';
      break;
    }
    for (const step of proposed) out.push({ step, result, seq: m.seq });
  }
  return out;
}

function outcomeOf(
  msgs: ThreadMessage[],
  steps: StepTried[],
): { outcome: Outcome; fixedBy: string | null; closedAt: string | null } {
  const closure = [...msgs].reverse().find((m) => m.role === 'engineer' && CLOSURE.test(m.body));
  if (!closure) {
    const last = msgs[msgs.length - 1];
    const fixed = last && last.role === 'customer' && FIXED_REPORT.test(last.body);
    return fixed
      ? { outcome: 'fixed', fixedBy: lastFix(steps, msgs.length), closedAt: last.at }
      : { outcome: 'open', fixedBy: null, closedAt: null };
  }
  const text = closure.body;
  if (REINSTALLED.test(text)) return { outcome: 'reinstalled', fixedBy: null, closedAt: closure.at };
  if (RESET.test(text)) return { outcome: 'reset', fixedBy: null, closedAt: closure.at };
  const success = sentences(text).filter((s) => FIXED_REPORT.test(s) && !/如(?:果)?|if /i.test(s));
  if (success.length > 0) {
    let named: string | null = null;
    for (const s of success) named ??= stepsIn(s)[0] ?? null;
    // "将该文件替换为正常版本后" names a replacement but not what: the last replacement proposed says.
    if (named?.startsWith('replace-')) {
      const lastReplace = [...steps]
        .reverse()
        .find((x) => x.step.startsWith('replace-') && x.seq < closure.seq);
      if (lastReplace) named = lastReplace.step;
    }
    return { outcome: 'fixed', fixedBy: named ?? lastFix(steps, closure.seq), closedAt: closure.at };
  }
  if (NO_RESPONSE.test(text)) return { outcome: 'no-response', fixedBy: null, closedAt: closure.at };
  // Closed after follow-ups that got no answer.
  const lastCustomer = [...msgs].reverse().find((m) => m.role === 'customer');
  const outcome = !lastCustomer || lastCustomer.seq < closure.seq - 2 ? 'no-response' : 'closed';
  return { outcome, fixedBy: null, closedAt: closure.at };
}

function lastFix(steps: StepTried[], beforeSeq: number): string | null {
  const fixed = steps.filter((s) => s.result === 'fixed');
  if (fixed.length > 0) return fixed[fixed.length - 1]!.step;
  const proposed = steps.filter((s) => s.seq < beforeSeq && s.result !== 'failed');
  return proposed.length > 0 ? proposed[proposed.length - 1]!.step : null;
}

/** Marks the step that fixed the case as such (when only the closure said so). */
function settle(steps: StepTried[], fixedBy: string | null): StepTried[] {
  if (!fixedBy) return steps;
  let idx = -1;
  steps.forEach((s, i) => {
    if (s.step === fixedBy) idx = i;
  });
  if (idx < 0) return [...steps, { step: fixedBy, result: 'fixed', seq: Number.MAX_SAFE_INTEGER }];
  return steps.map((s, i) => (i === idx ? { ...s, result: 'fixed' } : s));
}

/** A labelled section of a message (`问题定义:` … up to the next label). */
function section(text: string, labels: RegExp): string | null {
  const m = labels.exec(text);
  if (!m) return null;
  const rest = text.slice(m.index + m[0].length);
  const end = rest.search(
    /\n\s*(?:问题范围|问题分析|问题总结|案例总结|案例进展|案例分析|建议操作|下一步动作|下一步操作|日志收集|以上为|={5,})|\n\s*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,/,
  );
  const s = (end >= 0 ? rest.slice(0, end) : rest).replace(/^[\s=:：]+/, '').trim();
  return s || null;
}

const BUILD_RE = /(?<![\d.])(?:10\.0\.)?(7601|9600|1\d{4}|2\d{4})\.(\d{1,5})(?![\d.])/g;
const KNOWN_OS = new Set([
  7601, 9200, 9600, 10240, 14393, 17763, 19041, 19042, 19043, 19044, 19045, 20348, 22000, 22621, 22631, 26100,
]);
const PRODUCT_RE =
  /\b(?:Windows (?:Server )?(?:10|11|7|8\.1|Server)(?: (?:LTSC|Enterprise|Pro))?(?: 20\d\d)?|LTSC ?20\d\d|1809|1607|2004|2[0-4]H[12]|V20\d\d-[A-Z])\b/gi;
const PATH_RE = /(?:[A-Za-z]:)?\\(?:[^\\\s，。、<>"'|:*?]+\\)*[^\\\s，。、<>"'|:*?（）()]+/g;
const FILE_RE = /(?<![\w.~-])[\w.-]+\.(?:dll|exe|sys|mum|cat|manifest|bin|msu|cab|xml|inf)\b|BCD-Template/gi;

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Lines that are log lines quoted in the text (a CBS/DISM stamp and their continuation lines). */
export function quotedLogLines(text: string): string[] {
  const out: string[] = [];
  let inBlock = false;
  for (const l of text.split(/\r?\n/)) {
    if (/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, /.test(l)) {
      out.push(l);
      inBlock = true;
    } else if (inBlock && /^(?:\s|\[gle=)/.test(l) && l.trim() !== '') out.push(l);
    else inBlock = false;
  }
  return out;
}

/** Facts of a thread from its messages (redacted) and subject. */
export function threadFacts(subject: string, msgs: ThreadMessage[]): ThreadFacts {
  const all = [subject, ...msgs.map((m) => m.body)].join('\n');
  const logLines = new Set(quotedLogLines(all));
  const prose = all
    .split(/\r?\n/)
    .filter((l) => !logLines.has(l))
    .join('\n');
  const caseNumber = /\bCAS-\d{4,6}-[A-Z0-9]{4,8}\b/.exec(all)?.[0] ?? null;
  const tag = /%\s*\|\s*(P\d)\s*\|\s*([^|%]+?)\s*\|\s*([^%]+?)\s*%/.exec(subject);
  const codes = extractCodes(all).filter(isFailureCode);
  const primaryCodes = extractCodes(prose).filter(isFailureCode);
  const kbs = uniq(
    [
      ...[...all.matchAll(/KB\s?(\d{6,7})(?!\d)/gi)].map((m) => `KB${m[1]}`),
      ...packageIdentities(all).map((p) => p.kb),
      kbOfUpdateName(all),
    ].filter((k): k is string => k !== null),
  );
  const builds: string[] = [];
  for (const m of all.matchAll(BUILD_RE)) {
    const os = Number(m[1]);
    if (KNOWN_OS.has(os)) builds.push(`${os}.${m[2]}`);
  }
  const known = kbs.map((k) => updateByKb(k)).filter((u) => u !== null);
  const osBuilds = uniq([
    ...builds.map((b) => Number(b.split('.')[0])),
    ...known.map((u) => u.osBuild),
  ]).sort();
  const files: string[] = [];
  for (const m of all.matchAll(PATH_RE)) {
    const p = m[0].replace(/[.,;]+$/, '');
    if ((/\.[A-Za-z0-9]{2,8}$/.test(p) && !/\.(?:cpp|h|c|com|cn|net)$/i.test(p)) || /BCD-Template$/i.test(p))
      files.push(fileFamily(p));
  }
  for (const m of all.matchAll(FILE_RE)) files.push(fileFamily(m[0]));
  // A manifest named by its component key is the component; a .mum named by its package is the package.
  const plainFiles = files.filter((x) => componentKeys(x).length === 0 && !x.includes('~'));
  const keys = componentKeys(all);
  const engineerMsgs = msgs.filter((m) => m.role === 'engineer' && m.body.replace(/[-\s]/g, '') !== '');
  let steps = stepsTried(msgs);
  const end = outcomeOf(msgs, steps);
  steps = settle(steps, end.fixedBy);
  const dated = msgs
    .map((m) => m.at)
    .filter((x): x is string => x !== null)
    .sort();
  const openedAt = dated[0] ?? null;
  const lastAt = end.closedAt ?? dated[dated.length - 1] ?? null;
  const problem =
    msgs.map((m) => section(m.body, /问题定义\s*[:：]?|Problem definition\s*:?/i)).find((x) => x) ??
    msgs.map((m) => section(m.body, /问题描述\s*[:：]?|案例描述\s*[:：]?/)).find((x) => x) ??
    tag?.[3] ??
    subject;
  const analysis = uniq(
    msgs.flatMap((m) =>
      [
        section(m.body, /问题分析\s*[:：]?/),
        section(m.body, /案例分析\s*[:：]?/),
        section(m.body, /问题总结\s*[:：]?|案例进展\s*[:：]?/),
        section(m.body, /日志分析\s*[:：]?|Log analysis\s*:?/i),
      ].filter((x): x is string => x !== null),
    ),
  ).join('\n');
  return {
    caseNumber,
    org: tag?.[2] ?? null,
    priority: tag?.[1] ?? null,
    title: tag?.[3] ?? (subject || null),
    products: uniq([...all.matchAll(PRODUCT_RE)].map((m) => m[0])),
    builds: uniq(builds),
    osBuilds,
    codes,
    primaryCodes,
    kbs,
    kbFamilies: uniq(known.map((u) => `${u.kind}:${u.osBuild}`)),
    components: uniq(keys.map((k) => componentFamily(k.key))),
    files: uniq(plainFiles),
    packages: uniq(packageIdentities(all).map((p) => packageFamily(p.id))),
    rules: [],
    signatures: [],
    steps,
    outcome: end.outcome,
    fixedBy: end.fixedBy,
    openedAt,
    closedAt: end.closedAt,
    rounds: engineerMsgs.length,
    messages: msgs.length,
    days:
      openedAt && lastAt
        ? Math.round((Date.parse(lastAt.slice(0, 10)) - Date.parse(openedAt.slice(0, 10))) / 86_400_000)
        : null,
    problem,
    analysis,
  };
}
