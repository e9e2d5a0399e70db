// Customer e-mail drafts in the structure the support team uses (seeds 000–004): the initial response
// (问题定义 / 问题范围 / 下一步动作), the analysis (日志分析 with the decisive excerpt, 下一步操作), the
// follow-up, and the closure summary (问题描述 / 问题分析 / 问题总结). Chinese by default, English too.
// Drafts never carry passwords or upload credentials: the engineer adds the upload channel by hand.

import type { Diagnosis, Finding, Lang } from '../model/types.js';
import { safeLine, safeText } from './safe-text.js';

export type DraftKind = 'initial' | 'analysis' | 'followup' | 'closure';

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
  /** What finally resolved it (closure). */
  resolution?: string;
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

function problemTitle(d: Diagnosis | null, p: DraftParams, lang: Lang): string {
  if (p.problem) return scrub(p.problem);
  const failed = d?.attempts.find((a) => a.outcome === 'failed');
  if (failed) {
    const what = failed.kb ?? failed.package ?? '';
    return lang === 'zh'
      ? `Windows 更新 ${what} 安装失败（${failed.result ?? ''}）`
      : `Windows update ${what} fails to install (${failed.result ?? ''})`;
  }
  return lang === 'zh' ? 'Windows 更新安装失败' : 'Windows update fails to install';
}

const COLLECT = {
  zh: [
    '请在出现问题的电脑上收集日志，步骤如下：',
    '1. 以管理员身份打开 PowerShell。',
    '2. 运行我们提供的日志收集脚本 collect.ps1（只读取日志，不更改系统设置）：powershell -ExecutionPolicy Bypass -File .\\collect.ps1',
    '3. 脚本完成后会在桌面生成一个 zip 压缩包，请通过贵方约定的上传渠道发给我们。',
    '4. 如问题可以复现，请在复现之后再收集，并告知复现的时间点。',
  ],
  en: [
    'Please collect the logs on the affected computer:',
    '1. Open PowerShell as Administrator.',
    '2. Run the collection script collect.ps1 we sent (it only reads logs and changes nothing): powershell -ExecutionPolicy Bypass -File .\\collect.ps1',
    '3. It writes a zip file to the desktop; please send it to us through the agreed upload channel.',
    '4. If the problem can be reproduced, collect after reproducing it and tell us the time.',
  ],
};

function rootFindings(d: Diagnosis): Finding[] {
  return d.findings.filter((f) => f.root && f.severity === 'error');
}

function excerpt(d: Diagnosis): string[] {
  const out: string[] = [];
  for (const f of rootFindings(d).slice(0, 3)) {
    for (const e of f.evidence.slice(0, 8)) out.push(e.text);
    for (const l of f.chain.slice(-2)) for (const e of l.evidence.slice(0, 1)) out.push(e.text);
    out.push('');
  }
  return out;
}

function nextSteps(d: Diagnosis, lang: Lang): string[] {
  const plan = d.plans?.[0];
  if (plan) {
    const out: string[] = [];
    plan.steps.forEach((s, i) => {
      const tag = s.lastResort ? (lang === 'zh' ? '（最后手段）' : ' (last resort)') : '';
      out.push(`${i + 1}. ${s.title[lang]}${tag}${lang === 'zh' ? '：' : ': '}${s.how[lang]}`);
      for (const c of s.commands) out.push(`   ${c.line}`);
    });
    out.push('', plan.collectAgain[lang]);
    return out;
  }
  // No plan yet: the logs cannot name the cause. Ask for the logs that can, naming what is missing.
  const missing = d.findings.find((f) => f.rule === 'x-cbs-lines-missing');
  const collect =
    missing?.facts.collect ??
    '%windir%\\Logs\\CBS\\ (CBS.log and every CbsPersist_*.log/.cab), %windir%\\Logs\\DISM\\dism.log, System and Setup .evtx';
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

/** Renders one e-mail draft. `d` is needed for analysis and closure; initial and follow-up may go without. */
export function renderDraft(kind: DraftKind, d: Diagnosis | null, p: DraftParams, lang: Lang): Draft {
  const title = problemTitle(d, p, lang);
  const zh = lang === 'zh';
  const b: string[] = [greeting(p, lang), ''];
  if (kind === 'initial') {
    b.push(
      zh
        ? '感谢您的来信。为便于双方配合，我通过此邮件确认本案例的问题范围：'
        : 'Thank you for contacting us. To work on this together, this e-mail confirms the scope of the case:',
    );
    b.push('', zh ? '问题定义：' : 'Problem definition:', title, '');
    b.push(zh ? '问题范围：' : 'Scope:');
    b.push(
      zh
        ? '我们将协助您分析上述问题的原因并给出处理建议。如问题得到解决、确认属于产品设计行为或涉及第三方，我们将与您确认后关闭案例；如发现多个独立问题，将拆分为不同案例分别处理。如您对以上范围有不同意见，请及时告知。'
        : 'We will help you find the cause of the problem above and recommend how to fix it. When it is resolved, found to be by design, or caused by a third party, we will close the case with your agreement; separate problems will be handled in separate cases. Please tell us if you see the scope differently.',
    );
    b.push('', zh ? '下一步动作：' : 'Next steps:', ...COLLECT[lang], '');
    b.push(
      zh
        ? '在您处理期间，我会每两个工作日与您联系一次，确认进展。'
        : 'While you work on it, I will contact you every two working days about progress.',
    );
  } else if (kind === 'analysis') {
    if (!d) throw new Error('an analysis draft needs a diagnosis');
    b.push(
      zh ? '已查看您上传的日志，分析结果如下：' : 'We have read the logs you uploaded. Our analysis:',
      '',
    );
    b.push(zh ? '日志分析：' : 'Log analysis:');
    d.summary.slice(0, 5).forEach((s, i) => b.push(`${i + 1}. ${s[lang]}`));
    const ex = excerpt(d);
    if (ex.length > 0) b.push('', zh ? '以下为日志中的关键内容：' : 'The decisive lines of the log:', ...ex);
    b.push(zh ? '下一步操作：' : 'Next steps:', ...nextSteps(d, lang));
  } else if (kind === 'followup') {
    b.push(
      zh
        ? '来信是想确认当前问题的进展：之前建议的步骤是否已经执行，结果如何？如需协助，或方便电话沟通，请回复此邮件告知合适的时间。'
        : 'I am writing to check on progress: have the suggested steps been carried out, and with what result? If you need help, or would like to talk by phone, please reply with a convenient time.',
    );
  } else {
    if (!d) throw new Error('a closure draft needs a diagnosis');
    b.push(
      zh
        ? '经与您确认，此案例将做关闭处理，以下为案例总结：'
        : 'As agreed with you, we are closing this case. Summary:',
      '',
    );
    if (p.caseNo) b.push(`Case No: ${p.caseNo}`);
    b.push(zh ? '问题描述：' : 'Problem description:', '=================', title, '');
    b.push(zh ? '问题分析：' : 'Problem analysis:', '=================');
    for (const f of rootFindings(d).slice(0, 3)) b.push(f.message[lang]);
    if (rootFindings(d).length === 0) b.push(zh ? '日志中未发现失败。' : 'The logs show no failure.');
    b.push('', zh ? '问题总结：' : 'Summary:', '=================');
    b.push(
      p.resolution ? scrub(p.resolution) : zh ? '（请填写最终的处理结果）' : '(fill in how it was resolved)',
    );
    b.push(
      '',
      zh
        ? '案例关闭后如问题复现，欢迎随时与我们联系。'
        : 'If the problem comes back after the case is closed, please contact us at any time.',
    );
  }
  b.push('', ...signature(p, lang));
  // Log text and names from the input are quoted in the draft: no control character reaches it.
  return {
    subject: safeLine(subject(kind, p, title, lang)),
    body: safeText(b.join('\n').replace(/\n{3,}/g, '\n\n') + '\n'),
  };
}
