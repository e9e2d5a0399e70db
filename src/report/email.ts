// Customer e-mail drafts in the structure the support team uses (seeds 000–004): the initial response
// (问题定义 / 问题范围 / 下一步动作, triaged from an error code when one is given), the analysis (each root
// cause listed and answered, histories summarised, the decisive log lines, the plan's steps), the follow-up
// (scheduled check-in, could not reach you, handover), and the closure summary (问题描述 / 问题分析 /
// 问题总结, from the case parameters alone or from the logs). Chinese by default, English too.
// A customer receives these: no tool name, no confidence jargon, plain sentences in one language.
// Drafts never carry passwords or upload credentials: the engineer adds the upload channel by hand.

import { isStoreSide } from '../knowledge/code-classes.js';
import { codeInfo } from '../knowledge/codes.js';
import { planFor } from '../remedy/advise.js';
import type { Diagnosis, Finding, Lang, RemediationPlan, UpdateHistory } from '../model/types.js';
import { safeLine, safeText } from './safe-text.js';

export type DraftKind = 'initial' | 'analysis' | 'followup' | 'closure';

/** Follow-up e-mails: the scheduled check-in, after an unanswered call, or from a new engineer. */
export type FollowupVariant = 'checkin' | 'no-answer' | 'handover';

export const FOLLOWUP_VARIANTS: readonly FollowupVariant[] = ['checkin', 'no-answer', 'handover'];

export interface DraftParams {
  caseNo?: string;
  /** How to address the customer (`许先生`, `Mr. Xu`). */
  customer?: string;
  /** Customer organisation for the subject line. */
  org?: string;
  priority?: string;
  /** The engineer's name and contact for the signature. */
  engineer?: string;
  contact?: string;
  /** The problem as the customer reported it (initial, closure). */
  problem?: string;
  /** The cause as the engineer found it (closure): preferred to what the logs say. */
  cause?: string;
  /** What finally resolved it (closure). */
  resolution?: string;
  /** The error code the customer reported (initial): the first triage is chosen from it. */
  code?: string;
  /** Which follow-up (default: the scheduled check-in); `no-answer` also for an initial response. */
  variant?: FollowupVariant;
  /** For a handover: the engineer who had the case before (`李工`). */
  previousEngineer?: string;
}

export interface Draft {
  subject: string;
  body: string;
}

const SECRET = /(password|passwd|pwd|密码|用户名|username|token)\s*[:：=]\s*\S+/gi;

/** Removes anything that looks like a credential from free text a user passed in. */
function scrub(s: string): string {
  return s.replace(SECRET, (_m, k: string) => `${k}: ***`);
}

/** Free text as one sentence of the e-mail: scrubbed, trimmed, ending with the language's full stop. */
function sentence(s: string, lang: Lang): string {
  const x = scrub(s).trim();
  if (x === '') return x;
  return /[。.!！?？)）]$/.test(x) ? x : `${x}${lang === 'zh' ? '。' : '.'}`;
}

/** Plan prose for a customer: sentences and asides about knowledge-table confidence left out. */
function plain(s: string): string {
  return s
    .replace(/（[^（）]*(?:可信度|confidence)[^（）]*）/gi, '')
    .replace(/ ?\([^()]*(?:confidence|可信度)[^()]*\)/gi, '')
    .replace(/[^。\n]*(?:可信度|置信度)[^。\n]*。/g, '')
    .replace(/[^.\n]*\bconfidence\b[^.\n]*\.\s?/gi, '')
    .replace(/[ \t]+$/gm, '');
}

/** A subject needs a short title, not a sentence: the first clause, no full stop, at most 40/80 characters. */
function shortTitle(s: string, lang: Lang): string {
  const first = scrub(s)
    .trim()
    .split(/[。！？!?\n]|\.(?:\s|$)/)[0]!
    .replace(/[，,；;：:\s]+$/, '');
  const max = lang === 'zh' ? 40 : 80;
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

function subject(kind: DraftKind, p: DraftParams, title: string, lang: Lang): string {
  const stage = {
    initial: ['初次响应', 'initial response'],
    analysis: ['日志分析', 'log analysis'],
    followup: ['进展跟进', 'follow-up'],
    closure: ['案例总结', 'closure'],
  }[kind];
  const tag = [p.priority, p.org].filter(Boolean).join('|');
  const head = p.caseNo ? (lang === 'zh' ? `[案例号: ${p.caseNo}] ` : `[Case ${p.caseNo}] `) : '';
  return `${head}${tag ? `%|${tag}|${title}% ` : `${title} `}${lang === 'zh' ? stage[0] : stage[1]}`;
}

function greeting(p: DraftParams, lang: Lang): string {
  return lang === 'zh'
    ? `${p.customer ?? '您好'}${p.customer ? '，您好：' : '：'}`
    : `Dear ${p.customer ?? 'customer'},`;
}

function signature(p: DraftParams, lang: Lang): string[] {
  const lines = [
    lang === 'zh'
      ? '如有任何疑问，欢迎随时与我联系，谢谢。'
      : 'If you have any questions, please contact me at any time.',
    '',
  ];
  if (p.engineer) lines.push(p.engineer);
  if (p.contact) lines.push(p.contact);
  return lines;
}

// ---------------------------------------------------------------------------------------------------------
// Root causes, grouped as a person counts them

/** One root cause as the e-mail lists it: the findings of one signature. */
export interface Cause {
  /** 1-based number in the e-mail (报错1, 报错2 …). */
  n: number;
  findings: Finding[];
  kb: string | null;
  code: string | null;
}

/** The findings a customer must get an answer for: root causes that are not mere information. */
export function rootCauses(d: Diagnosis): Finding[] {
  return d.findings.filter((f) => f.root && f.severity !== 'info');
}

function kbOf(f: Finding, d: Diagnosis): string | null {
  const a = d.attempts.find((x) => f.attempts.includes(x.id) && x.kb);
  // The update that was being installed (seed 000: the .NET rollup KB5020685), else the KB the finding names.
  return a?.kb ?? f.facts.kb?.split(/[\s,;]/)[0] ?? null;
}

/** The root causes grouped by signature (the same problem seen again is one cause), in the findings' order. */
export function causesOf(d: Diagnosis): Cause[] {
  const groups = new Map<string, Finding[]>();
  for (const f of rootCauses(d)) {
    const key =
      f.signature ?? `${f.rule}|${f.code ?? ''}|${f.facts.component ?? f.facts.file ?? f.facts.kb ?? ''}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()].map((findings, i) => ({
    n: i + 1,
    findings,
    kb: kbOf(findings[0]!, d),
    code: findings[0]!.code,
  }));
}

/** The main fact of a finding a customer can look for: component, file, path or package. */
function mainFact(f: Finding): string | null {
  const x = f.facts;
  return x.component ?? x.path ?? x.file ?? x.package ?? x.source ?? null;
}

/** One plain line per cause: where, what, the code, the main fact. */
export function causeLine(c: Cause, lang: Lang): string {
  const f = c.findings[0]!;
  const code = c.code ? `${c.code}${f.codeName ? ` ${f.codeName}` : ''}` : null;
  const fact = mainFact(f);
  const times = c.findings.length > 1 ? c.findings.length : 0;
  if (lang === 'zh')
    return [
      c.kb ? `${c.kb}：` : '',
      f.title.zh,
      code ? `（${code}）` : '',
      fact ? `，涉及 ${fact}` : '',
      times ? `，日志中共出现 ${times} 次` : '',
    ].join('');
  return [
    c.kb ? `${c.kb}: ` : '',
    f.title.en,
    code ? ` (${code})` : '',
    fact ? `, involving ${fact}` : '',
    times ? `, seen ${times} times in the logs` : '',
  ].join('');
}

/** The plan answering a cause: the first plan made for one of its findings. */
function planOf(c: Cause, d: Diagnosis): RemediationPlan | null {
  const ids = new Set(c.findings.map((f) => f.id));
  const made = d.plans?.find((p) => ids.has(p.findingId));
  if (made) return made;
  // advise() gives one plan per distinct cause and stops at a limit; every cause listed still gets its answer.
  return d.plans ? planFor(c.findings[0]!, d) : null;
}

/** Causes answered by the same steps share one answer. */
interface Answer {
  causes: Cause[];
  plan: RemediationPlan | null;
}

export function answersOf(d: Diagnosis, causes: Cause[] = causesOf(d)): Answer[] {
  const out: Answer[] = [];
  const byKey = new Map<string, Answer>();
  for (const c of causes) {
    const plan = planOf(c, d);
    const key = plan
      ? JSON.stringify(plan.steps.map((s) => [s.id, s.commands.map((x) => x.line)]))
      : 'no-plan';
    const a = byKey.get(key);
    if (a) a.causes.push(c);
    else {
      const n = { causes: [c], plan };
      byKey.set(key, n);
      out.push(n);
    }
  }
  return out;
}

function causeRefs(causes: Cause[], lang: Lang): string {
  const ns = causes.map((c) => c.n);
  return lang === 'zh' ? `报错${ns.join('、')}` : `Error${ns.length > 1 ? 's' : ''} ${ns.join(', ')}`;
}

function isLastResortTitle(s: string): boolean {
  return /^(?:Last resort|最后手段)/i.test(s);
}

function planSteps(plan: RemediationPlan, lang: Lang): string[] {
  const out: string[] = [];
  plan.steps.forEach((s, i) => {
    const title = s.title[lang];
    const tag =
      s.lastResort && !isLastResortTitle(title) ? (lang === 'zh' ? '（最后手段）' : ' (last resort)') : '';
    out.push(`${i + 1}. ${title}${tag}${lang === 'zh' ? '：' : ': '}${plain(s.how[lang])}`);
    for (const c of s.commands) out.push(`   ${c.line}`);
  });
  return out;
}

/** The logs to ask for when the logs in hand cannot name the cause. */
function askForLogs(d: Diagnosis, lang: Lang): string[] {
  const missing = d.findings.find((f) => f.rule === 'x-cbs-lines-missing');
  const collect =
    missing?.facts.collect ??
    '%windir%\\Logs\\CBS\\ (CBS.log, CbsPersist_*.log/.cab), %windir%\\Logs\\DISM\\dism.log, System.evtx, Setup.evtx';
  return lang === 'zh'
    ? [
        `1. ${missing ? '日志包中缺少失败时段的 CBS 记录，' : ''}目前无法定位具体的损坏组件。请复现问题（重新安装一次该更新）后立即收集以下日志并发给我们：`,
        `   ${collect}`,
        '2. 收集时请注明复现的时间。',
      ]
    : [
        `1. ${missing ? 'The bundle lacks the CBS lines of the failure, so ' : ''}the damaged component cannot be named yet. Please reproduce the failure (install the update once more) and right after it collect:`,
        `   ${collect}`,
        '2. Please note the time of the retry.',
      ];
}

function when(iso: string | null): string {
  return iso ? iso.replace('T', ' ').slice(0, 16) : '?';
}

/** "KB4025342：4 次安装失败，时间 2017-07-23 07:25 至 2017-07-31 05:14（0x80248007）". */
export function historyLine(u: UpdateHistory, lang: Lang): string {
  const codes = [...new Set(u.occurrences.flatMap((o) => o.codes))].slice(0, 3);
  const ok = u.lastOutcome === 'succeeded';
  if (lang === 'zh')
    return `${u.kb ?? u.update}：${u.failures} 次安装失败，时间 ${when(u.first)} 至 ${when(u.last)}${codes.length ? `（${codes.join('、')}）` : ''}${ok ? '，最后一次已安装成功' : ''}。`;
  return `${u.kb ?? u.update}: ${u.failures} failed installs between ${when(u.first)} and ${when(u.last)}${codes.length ? ` (${codes.join(', ')})` : ''}${ok ? '; the last attempt installed it' : ''}.`;
}

function histories(d: Diagnosis): UpdateHistory[] {
  return (d.updates ?? []).filter((u) => u.failures >= 2);
}

function excerpt(c: Cause): string[] {
  const f = c.findings[0]!;
  const out = f.evidence.slice(0, 8).map((e) => e.text);
  for (const l of f.chain.slice(-2)) for (const e of l.evidence.slice(0, 1)) out.push(e.text);
  return [...new Set(out)];
}

function problemTitle(d: Diagnosis | null, p: DraftParams, lang: Lang): string {
  if (p.problem) return scrub(p.problem);
  const first = d ? causesOf(d)[0] : undefined;
  if (first) {
    const code = first.code ? (lang === 'zh' ? `（${first.code}）` : ` (${first.code})`) : '';
    return lang === 'zh'
      ? `${first.kb ?? 'Windows 更新'} 安装失败${code}`
      : `${first.kb ?? 'Windows update'} fails to install${code}`;
  }
  if (p.code) return lang === 'zh' ? `Windows 更新报错 ${p.code}` : `Windows update error ${p.code}`;
  return lang === 'zh' ? 'Windows 更新安装失败' : 'Windows update fails to install';
}

// ---------------------------------------------------------------------------------------------------------
// The four e-mails

const COLLECT = {
  zh: [
    '请在出现问题的电脑上收集日志，步骤如下：',
    '1. 以管理员身份打开 PowerShell。',
    '2. 运行我们提供的日志收集脚本 collect.ps1（只读取日志，不更改系统设置）：',
    '   powershell -ExecutionPolicy Bypass -File .\\collect.ps1',
    '3. 脚本完成后会在桌面生成一个 zip 压缩包，请通过贵方约定的上传渠道发给我们。',
    '4. 如问题可以复现，请在复现之后再收集，并告知复现的时间点。',
  ],
  en: [
    'Please collect the logs on the affected computer:',
    '1. Open PowerShell as Administrator.',
    '2. Run the collection script collect.ps1 we sent (it only reads logs and changes nothing):',
    '   powershell -ExecutionPolicy Bypass -File .\\collect.ps1',
    '3. It writes a zip file to the desktop; please send it to us through the agreed upload channel.',
    '4. If the problem can be reproduced, collect after reproducing it and tell us the time.',
  ],
};

type Triage = 'download' | 'connectivity' | 'store' | 'other';

function triageOf(code: string): Triage {
  const c = code.toLowerCase();
  if (/^0x80072e|^0x8024401|^0x8024402|^0x80244/.test(c)) return 'connectivity';
  if (/^0x8024800|^0x80246|^0x80d0/.test(c)) return 'download';
  if (isStoreSide(c)) return 'store';
  return 'other';
}

/** `0x80248007`, `80248007`, `0X80248007` → `0x80248007`; anything else as given. */
function normCode(s: string): string {
  const m = /^(?:0x)?([0-9a-f]{8})$/i.exec(s.trim());
  return m ? `0x${m[1]!.toLowerCase()}` : s.trim();
}

/** The first next steps chosen from the code the customer reported (seed 004's first mail). */
function triage(codeText: string, lang: Lang): string[] {
  const code = normCode(codeText);
  const info = /^0x[0-9a-f]{8}$/.test(code) ? codeInfo(code) : null;
  const named = info?.name ? `${code}（${info.name}）` : code;
  const namedEn = info?.name ? `${code} (${info.name})` : code;
  const kind = triageOf(code);
  const zh = lang === 'zh';
  if (kind === 'download')
    return zh
      ? [
          `从报错 ${named} 来看，问题发生在更新下载阶段，可能与更新缓存不完整有关，请先进行如下常规操作并反馈结果：`,
          '1. 以管理员身份打开命令提示符，停止 Windows 更新相关服务，并重命名缓存文件夹：',
          '   net stop wuauserv',
          '   net stop bits',
          '   net stop cryptsvc',
          '   ren C:\\Windows\\SoftwareDistribution SoftwareDistribution.old',
          '   ren C:\\Windows\\System32\\catroot2 catroot2.old',
          '   net start cryptsvc',
          '   net start bits',
          '   net start wuauserv',
          '2. 重新进行在线更新，查看问题是否依旧。',
          '3. 如问题依旧，请按以下方法收集日志：',
          ...COLLECT.zh,
        ]
      : [
          `Error ${namedEn} happens while the update downloads; an incomplete update cache is the usual cause. Please first try the following and tell us the result:`,
          '1. In an administrator command prompt, stop the update services and rename the cache folders:',
          '   net stop wuauserv',
          '   net stop bits',
          '   net stop cryptsvc',
          '   ren C:\\Windows\\SoftwareDistribution SoftwareDistribution.old',
          '   ren C:\\Windows\\System32\\catroot2 catroot2.old',
          '   net start cryptsvc',
          '   net start bits',
          '   net start wuauserv',
          '2. Search for updates again and see whether the problem remains.',
          '3. If it does, please collect the logs:',
          ...COLLECT.en,
        ];
  if (kind === 'connectivity')
    return zh
      ? [
          `从报错 ${named} 来看，电脑未能连接到更新服务（网络、代理或防火墙）。请先在命令提示符中运行以下命令并将结果发给我们：`,
          '   netsh winhttp show proxy',
          '同时请收集日志：',
          ...COLLECT.zh,
        ]
      : [
          `Error ${namedEn} means the computer could not reach the update service (network, proxy or firewall). Please run this command and send us its output:`,
          '   netsh winhttp show proxy',
          'Please also collect the logs:',
          ...COLLECT.en,
        ];
  if (kind === 'store')
    return zh
      ? [
          `从报错 ${named} 来看，该问题可能与系统组件缺失或损坏有关，需要通过日志判断具体损坏的组件。`,
          ...COLLECT.zh,
        ]
      : [
          `Error ${namedEn} points to a missing or damaged system component; the logs name which one.`,
          ...COLLECT.en,
        ];
  return zh
    ? [`需要通过日志进一步分析报错 ${named} 的原因。`, ...COLLECT.zh]
    : [`The logs are needed to find the cause of error ${namedEn}.`, ...COLLECT.en];
}

function initial(p: DraftParams, title: string, lang: Lang): string[] {
  const zh = lang === 'zh';
  const b: string[] = [];
  const unreached = p.variant === 'no-answer';
  b.push(
    zh
      ? `${unreached ? '由于电话未联系到您，' : '感谢您的来信，'}我谨以此封邮件阐述我们双方针对这个问题所涉及范围界定：`
      : `${unreached ? 'As I could not reach you by phone, ' : 'Thank you for contacting us. '}This e-mail confirms the scope of the case:`,
  );
  const definition = p.problem
    ? sentence(p.problem, lang)
    : zh
      ? `用户反馈${p.code ? `Windows 更新报错，报错代码为 ${normCode(p.code)}` : 'Windows 更新补丁安装失败'}，需要协助分析处理。`
      : `The customer reports that ${p.code ? `Windows Update fails with error ${normCode(p.code)}` : 'a Windows update fails to install'} and asks for help.`;
  b.push('', zh ? '问题定义：' : 'Problem definition:', definition, '');
  b.push(zh ? '问题范围：' : 'Scope:');
  b.push(
    zh
      ? '我们将协助您分析处理上述问题，并对定义的问题给予最大的技术支持。如果能及时解决问题，或问题属于产品设计的行为，或问题涉及到第三方，我们将考虑关闭案例；如果存在多个问题，我们将考虑拆分案例分别分析。如果您对以上问题范围界定有任何异议，请尽快告知。'
      : 'We will help you find the cause of the problem above and recommend how to fix it. When it is resolved, found to be by design, or caused by a third party, we will close the case with your agreement; separate problems will be handled in separate cases. Please tell us if you see the scope differently.',
  );
  b.push('', zh ? '下一步动作：' : 'Next steps:', ...(p.code ? triage(p.code, lang) : COLLECT[lang]), '');
  b.push(
    zh
      ? '在您处理期间，我会每两个工作日与您联系一次，确认进展。'
      : 'While you work on it, I will contact you every two working days about progress.',
  );
  return b;
}

function analysis(d: Diagnosis, lang: Lang): string[] {
  const zh = lang === 'zh';
  const causes = causesOf(d);
  const b: string[] = [];
  if (causes.length === 0) {
    b.push(
      zh
        ? '已查看您上传的日志，日志中没有发现更新安装失败的记录。'
        : 'We have read the logs you uploaded; they record no failed update installation.',
    );
    b.push(
      zh
        ? '如问题仍然存在，请在复现问题（重新安装一次该更新）后立即重新收集日志，并告知复现的时间，我们将据此继续分析。'
        : 'If the problem persists, please reproduce it (install the update once more), collect the logs right after it and tell us the time; we will continue from there.',
    );
    return b;
  }
  b.push(
    zh
      ? `已查看您上传的日志，该更新问题包含 ${causes.length} 个报错：`
      : `We have read the logs you uploaded. They show ${causes.length} error${causes.length > 1 ? 's' : ''}:`,
  );
  for (const c of causes) b.push(`${c.n}. ${causeLine(c, lang)}`);
  const hist = histories(d);
  const shown = causes.slice(0, 5).filter((c) => excerpt(c).length > 0);
  if (hist.length > 0 || shown.length > 0) {
    b.push('', zh ? '日志分析：' : 'Log analysis:');
    for (const u of hist) b.push(historyLine(u, lang));
    if (shown.length > 0) {
      b.push(zh ? '以下为日志的部分内容：' : 'The decisive lines of the logs:');
      for (const c of shown) b.push(zh ? `报错${c.n}：` : `Error ${c.n}:`, ...excerpt(c));
    }
  }
  const answers = answersOf(d, causes);
  b.push('', zh ? '下一步操作：' : 'Next steps:');
  for (const a of answers) {
    const head = causeRefs(a.causes, lang);
    if (a.plan) {
      b.push(`${head}${zh ? '：' : ': '}${a.plan.title[lang]}`);
      b.push(...planSteps(a.plan, lang));
    } else {
      b.push(`${head}${zh ? '：' : ': '}`);
      b.push(...askForLogs(d, lang));
    }
    b.push('');
  }
  const withPlan = answers.filter((a) => a.plan);
  if (withPlan.length === 1) b.push(plain(withPlan[0]!.plan!.collectAgain[lang]));
  else if (withPlan.length > 1)
    b.push(
      zh
        ? '如按以上步骤操作后仍然失败，请先停止（不要直接进行最后手段），重新收集日志并告知操作的时间，我们将据此判断是否仍在同一处失败。'
        : 'If it still fails after these steps, stop before any last resort, collect the logs again and tell us when you ran the steps; the new logs show whether the same line still fails.',
    );
  return b;
}

function followup(p: DraftParams, lang: Lang): string[] {
  const zh = lang === 'zh';
  const v = p.variant ?? 'checkin';
  if (v === 'no-answer')
    return zh
      ? [
          '刚才电话未联系到您，来信是想确认当前问题的进展：之前建议的步骤是否已经执行，日志是否已经收集？',
          '如果有任何进展或疑问，可直接回复此邮件，或告知方便电话沟通的时间。',
        ]
      : [
          'I could not reach you by phone just now. I am writing to check on progress: have the suggested steps been carried out, and have the logs been collected?',
          'If there is any news or question, please reply to this e-mail or tell me a convenient time for a call.',
        ];
  if (v === 'handover')
    return zh
      ? [
          `目前此问题由我来跟踪处理。${p.previousEngineer ? `之前${p.previousEngineer}已和您沟通过此问题，` : ''}来信是想咨询当前案件的进展状况。`,
          '如果针对当前案件还有需要我们帮助的地方，欢迎随时联系我们。',
        ]
      : [
          `I am taking over this case${p.previousEngineer ? ` from ${p.previousEngineer}` : ''} and will follow it from now on. I am writing to ask how things stand.`,
          'If there is anything we can help with in this case, please contact us at any time.',
        ];
  return zh
    ? [
        '来信是想咨询当前案件的进展状况：之前建议的步骤是否已经执行，结果如何？',
        '如果针对当前案件还有需要我们帮助的地方，欢迎随时联系我们。',
      ]
    : [
        'I am writing to check on progress: have the suggested steps been carried out, and with what result?',
        'If there is anything we can help with in this case, please contact us at any time.',
      ];
}

/** Plain sentences for 问题分析 from the logs: one clause per cause. */
function analysisSentence(d: Diagnosis, lang: Lang): string | null {
  const causes = causesOf(d);
  if (causes.length === 0) return null;
  const parts = causes.slice(0, 5).map((c) => {
    const f = c.findings[0]!;
    const code = c.code ? (lang === 'zh' ? `（${c.code}）` : ` (${c.code})`) : '';
    return lang === 'zh'
      ? `${c.kb ? `安装 ${c.kb} 时` : ''}${f.title.zh}${code}`
      : `${c.kb ? `${c.kb}: ` : ''}${f.title.en.charAt(0).toLowerCase()}${f.title.en.slice(1)}${code}`;
  });
  const more = causes.length > 5 ? causes.length - 5 : 0;
  return lang === 'zh'
    ? `经日志分析，补丁安装失败的原因为：${parts.join('；')}${more ? `；另有 ${more} 处同类问题` : ''}。`
    : `The logs show the cause of the failure: ${parts.join('; ')}${more ? `; and ${more} more of the same kind` : ''}.`;
}

function closure(d: Diagnosis | null, p: DraftParams, title: string, lang: Lang): string[] {
  const zh = lang === 'zh';
  const b: string[] = [
    zh
      ? '经您的确认，此案例将做关闭处理，以下为案例总结，请您知悉：'
      : 'As agreed with you, we are closing this case. Here is the summary:',
    '',
  ];
  if (p.caseNo) b.push(`Case No: ${p.caseNo}`);
  b.push(zh ? '问题描述：' : 'Problem description:', '=================', sentence(title, lang), '');
  const cause = p.cause ? sentence(p.cause, lang) : d ? analysisSentence(d, lang) : null;
  b.push(zh ? '问题分析：' : 'Problem analysis:', '=================');
  b.push(
    cause ??
      (d
        ? zh
          ? '所收集的日志中未发现更新安装失败的记录。'
          : 'The logs collected record no failed update installation.'
        : zh
          ? '（请填写问题原因）'
          : '(fill in the cause)'),
  );
  b.push('', zh ? '问题总结：' : 'Summary:', '=================');
  const closing = zh ? '经您的确认，此案例将做关闭处理。' : 'With your agreement, this case is now closed.';
  b.push(p.resolution ? `${sentence(p.resolution, lang)}${zh ? '' : ' '}${closing}` : closing);
  b.push(
    '',
    zh
      ? '以上为此问题的案例总结。案例关闭后如问题复现，或有新的问题，欢迎随时与我们联系。'
      : 'If the problem comes back after the case is closed, or a new one appears, please contact us at any time.',
  );
  return b;
}

/**
 * A customer e-mail draft in the team's structure. `d` (null for a draft that needs no logs) is needed for an analysis; a closure is written from the parameters alone
 * (`problem`, `cause`, `resolution`) or from the logs; initial and follow-up go without.
 */
export function renderDraft(kind: DraftKind, d: Diagnosis | null, p: DraftParams, lang: Lang): Draft {
  const title = problemTitle(d, p, lang);
  const b: string[] = [greeting(p, lang), ''];
  if (kind === 'initial') b.push(...initial(p, title, lang));
  else if (kind === 'analysis') {
    if (!d) throw new Error('an analysis draft needs a diagnosis');
    b.push(...analysis(d, lang));
  } else if (kind === 'followup') b.push(...followup(p, lang));
  else b.push(...closure(d, p, title, lang));
  b.push('', ...signature(p, lang));
  // Log text and names from the input are quoted in the draft: no control character reaches it.
  return {
    subject: safeLine(subject(kind, p, shortTitle(title, lang), lang)),
    body: safeText(b.join('\n').replace(/\n{3,}/g, '\n\n') + '\n'),
  };
}
