// The web app's words in Chinese and English, and how a request's language is chosen: the `pdx_lang`
// cookie set by the toggle, else the browser's Accept-Language, else Chinese (the users are in China).

import type { Lang } from '../model/types.js';

const WORDS = {
  appName: { zh: 'patchdx 更新故障诊断', en: 'patchdx update diagnosis' },
  home: { zh: '诊断', en: 'Diagnose' },
  cases: { zh: '案例', en: 'Cases' },
  explain: { zh: '查询', en: 'Explain' },
  explainHint: {
    zh: '错误码、KB、版本号、组件或包标识，例如 0x80073712、KB5032196、17763.774',
    en: 'Error code, KB, build, component or package identity, e.g. 0x80073712, KB5032196, 17763.774',
  },
  search: { zh: '查询', en: 'Search' },
  uploadTitle: { zh: '上传日志', en: 'Upload logs' },
  uploadHint: {
    zh: '把 zip 包、文件夹或单个日志拖到这里，或选择：',
    en: 'Drop a zip bundle, a folder or a single log here, or pick:',
  },
  pickFiles: { zh: '选择文件（zip 或日志）', en: 'Pick files (zip or logs)' },
  pickFolder: { zh: '选择文件夹', en: 'Pick a folder' },
  uploading: { zh: '正在上传', en: 'Uploading' },
  limits: { zh: '上传上限', en: 'Upload limits' },
  files: { zh: '个文件', en: 'files' },
  analysing: { zh: '正在分析', en: 'Analysing' },
  queued: { zh: '排队中，前面还有', en: 'Queued, position' },
  cancel: { zh: '取消', en: 'Cancel' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  failedToRun: { zh: '分析未能完成', en: 'The analysis could not finish' },
  verdict: { zh: '结论', en: 'Verdict' },
  verdictFailed: { zh: '更新失败', en: 'Update failed' },
  verdictHealthy: { zh: '未发现失败', en: 'No failure found' },
  verdictRepaired: { zh: '失败后已修复', en: 'Failed, then repaired' },
  verdictUnreadable: { zh: '无法读取', en: 'Nothing readable' },
  plans: { zh: '处理方案', en: 'Remediation plans' },
  noPlans: { zh: '没有需要处理的根因。', en: 'No root cause needs a plan.' },
  why: { zh: '原因', en: 'Why' },
  how: { zh: '做法', en: 'How' },
  verify: { zh: '验证', en: 'Check' },
  lastResort: { zh: '最后手段', en: 'last resort' },
  collectAgain: { zh: '何时停下并重新收集日志', en: 'When to stop and collect logs again' },
  copy: { zh: '复制', en: 'Copy' },
  copied: { zh: '已复制', en: 'Copied' },
  findings: { zh: '发现', en: 'Findings' },
  root: { zh: '根因', en: 'root cause' },
  chain: { zh: '因果链', en: 'Causal chain' },
  evidence: { zh: '证据', en: 'Evidence' },
  timeline: { zh: '时间线', en: 'Timeline' },
  updates: { zh: '更新历史', en: 'Update history' },
  update: { zh: '更新', en: 'Update' },
  tries: { zh: '次数', en: 'Tries' },
  failures: { zh: '失败', en: 'Failures' },
  first: { zh: '首次', en: 'First' },
  last: { zh: '最后', en: 'Last' },
  lastOutcome: { zh: '最后结果', en: 'Last outcome' },
  codes: { zh: '错误码', en: 'Codes' },
  downloads: { zh: '下载', en: 'Downloads' },
  reportMd: { zh: 'Markdown 报告', en: 'Markdown report' },
  reportHtml: { zh: 'HTML 报告', en: 'HTML report' },
  reportJson: { zh: 'JSON 诊断', en: 'JSON diagnosis' },
  scripts: { zh: '脚本', en: 'Scripts' },
  errorLines: { zh: '全部错误行', en: 'Every error line' },
  errorLinesHint: {
    zh: '所有来源的错误和警告行，按签名（去掉进程/线程号、数字）归组。',
    en: 'The error and warning lines of every source, grouped by signature (process/thread ids and numbers removed).',
  },
  level: { zh: '级别', en: 'Level' },
  source: { zh: '来源', en: 'Source' },
  all: { zh: '全部', en: 'all' },
  error: { zh: '错误', en: 'error' },
  warning: { zh: '警告', en: 'warning' },
  count: { zh: '次数', en: 'Count' },
  text: { zh: '内容', en: 'Text' },
  filter: { zh: '筛选', en: 'Filter' },
  shown: { zh: '显示', en: 'shown' },
  of: { zh: '/', en: 'of' },
  truncatedGroups: {
    zh: '签名过多，超出部分只计数：',
    en: 'Too many signatures; the rest are only counted:',
  },
  viewer: { zh: '日志查看', en: 'Log viewer' },
  prevEvidence: { zh: '上一条证据', en: 'Previous evidence' },
  nextEvidence: { zh: '下一条证据', en: 'Next evidence' },
  backToDiagnosis: { zh: '返回诊断', en: 'Back to the diagnosis' },
  notFoundFile: { zh: '上传内容中没有这个文件。', en: 'No such file in the uploaded input.' },
  inputGone: {
    zh: '原始日志未保留，无法查看。',
    en: 'The input was not kept, so its lines cannot be shown.',
  },
  similar: { zh: '相似历史案例', en: 'Similar past cases' },
  similarNone: { zh: '没有相似的历史案例。', en: 'No similar past case.' },
  notAvailable: {
    zh: '不可用（未配置相似案例搜索）。',
    en: 'Not available (no similarity search configured).',
  },
  openCases: { zh: '未结案例', en: 'Open cases' },
  dueToday: { zh: '今天到期和逾期的跟进', en: 'Follow-ups due today and overdue' },
  noneDue: { zh: '今天没有到期的跟进。', en: 'Nothing due today.' },
  overdue: { zh: '逾期工作日', en: 'working days overdue' },
  dueTodayWord: { zh: '今天到期', en: 'due today' },
  number: { zh: '案例号', en: 'Case' },
  customer: { zh: '客户', en: 'Customer' },
  org: { zh: '单位', en: 'Organisation' },
  engineer: { zh: '工程师', en: 'Engineer' },
  problem: { zh: '问题', en: 'Problem' },
  priority: { zh: '优先级', en: 'Priority' },
  status: { zh: '状态', en: 'Status' },
  nextContact: { zh: '下次跟进', en: 'Next contact' },
  machines: { zh: '电脑', en: 'Machines' },
  rounds: { zh: '轮次', en: 'Rounds' },
  round: { zh: '第几轮', en: 'Round' },
  newCase: { zh: '新建案例', en: 'New case' },
  createCase: { zh: '用这次上传新建案例', en: 'Create a case from this upload' },
  addToCase: { zh: '加入已有案例（作为新一轮）', en: 'Add to a case as a round' },
  machine: { zh: '电脑名', en: 'Machine' },
  create: { zh: '创建', en: 'Create' },
  add: { zh: '加入', en: 'Add' },
  diff: { zh: '与上一轮相比', en: 'Since the previous round' },
  resolved: { zh: '已解决', en: 'Resolved' },
  added: { zh: '新出现', en: 'New' },
  persisting: { zh: '仍存在', en: 'Persisting' },
  nowInstalled: { zh: '现已安装', en: 'Now installed' },
  stillFailing: { zh: '仍然失败', en: 'Still failing' },
  firstRound: { zh: '首轮日志。', en: 'First round of logs.' },
  contacts: { zh: '联系记录', en: 'Contact log' },
  addNote: { zh: '记录联系', en: 'Log a contact' },
  kind: { zh: '类型', en: 'Kind' },
  waiting: { zh: '之后等待客户', en: 'then wait on the customer' },
  save: { zh: '保存', en: 'Save' },
  drafts: { zh: '邮件草稿', en: 'Drafts' },
  closeCase: { zh: '结案', en: 'Close the case' },
  cause: { zh: '原因', en: 'Cause' },
  resolution: { zh: '解决方法', en: 'Resolution' },
  closedAt: { zh: '结案于', en: 'Closed' },
  addRoundHint: {
    zh: '在首页上传新一轮日志，然后选择“加入已有案例”。',
    en: 'Upload the next round of logs on the home page, then choose “Add to a case”.',
  },
  language: { zh: 'English', en: '中文' },
  notFound: { zh: '未找到', en: 'Not found' },
  sources: { zh: '来源', en: 'Sources' },
  gap: { zh: '空白', en: 'gap' },
  failedOp: { zh: '失败', en: 'failed' },
  okOp: { zh: '成功', en: 'succeeded' },
  otherOp: { zh: '其他', en: 'other' },
  noTimes: { zh: '日志中没有时间，无法画时间线。', en: 'The logs carry no times to draw.' },
  diagnostics: { zh: '读取问题', en: 'Reading problems' },
  recent: { zh: '本次运行的上传', en: 'Uploads of this run' },
  line: { zh: '行', en: 'line' },
  lines: { zh: '行', en: 'lines' },
  attempts: { zh: '操作', en: 'Operations' },
} as const satisfies Record<string, { zh: string; en: string }>;

export type WordKey = keyof typeof WORDS;

/** A word of the UI in `lang`. */
export function t(lang: Lang, key: WordKey): string {
  return WORDS[key][lang];
}

/** The language of a request: the toggle's cookie, else Accept-Language (first of zh/en), else Chinese. */
export function pickLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (cookie === 'zh' || cookie === 'en') return cookie;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((p) => {
      const [tag, ...params] = p.trim().toLowerCase().split(';');
      const q = params.find((x) => x.trim().startsWith('q='));
      return { tag: tag ?? '', q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}
