// System File Checker console output (`sfc /scannow`, `sfc /verifyonly`), English or zh-CN. A run prints
// `Beginning system scan.  This process will take some time.` (`开始系统扫描。此过程将需要一些时间。`), then
// `Beginning verification phase of system scan.`, progress `Verification 45% complete.` (`验证 45% 已完成。`)
// redrawn with bare CRs — a redirected capture keeps every redraw on one physical line — and one verdict
// sentence of Windows Resource Protection (`Windows 资源保护…`), wrapped by sfc itself near 80 columns.
// Redirected, sfc writes UTF-16LE (decoded before this module); piped through a tool that took it for
// 8-bit text it leaves NULs between the letters, which are dropped here. Each run keeps its line numbers.

import { eachLine } from './text-lines.js';

/** The verdict of one sfc run. */
export type SfcOutcome =
  /** `did not find any integrity violations` */
  | 'noViolations'
  /** `found corrupt files and successfully repaired them` */
  | 'repaired'
  /** `found corrupt files but was unable to fix some of them` */
  | 'unrepairable'
  /** `/verifyonly`: `found integrity violations` */
  | 'violationsFound'
  /** `could not perform the requested operation` */
  | 'couldNotPerform'
  /** `There is a system repair pending which requires reboot to complete.` */
  | 'repairPending'
  /** `could not start the repair service` */
  | 'serviceNotStarted'
  /** `You must be an administrator running a console session…` */
  | 'notAdmin';

/** One sfc invocation in a capture. */
export interface SfcRun {
  /** First line of the run (the echoed command, else the first sfc sentence). */
  line: number;
  /** `scannow` / `verifyonly` from the echoed command; null without it. */
  mode: 'scannow' | 'verifyonly' | null;
  command: { text: string; line: number } | null;
  outcome: SfcOutcome | null;
  /** The verdict sentence, its wrapped lines joined with single spaces. */
  outcomeText: string | null;
  /** First line of the verdict sentence. */
  outcomeLine: number | null;
  /** The last progress percentage printed, with its line. */
  progress: { percent: number; line: number } | null;
  /** `System file repair changes will take effect after the next reboot.` / `系统文件修复更改在下次重新启动之后生效。` */
  rebootToApply: { line: number } | null;
  /** The percentage a run without verdict stopped at (< 100). */
  stalledAt: number | null;
}

/** Sample captures (English and Chinese); the format test parses each to the fields of its one run. */
export const samples: { text: string; fields: Partial<SfcRun> }[] = [
  {
    text: [
      'C:\\Windows\\system32>sfc /scannow',
      '',
      'Beginning system scan.  This process will take some time.',
      '',
      'Beginning verification phase of system scan.',
      'Verification 100% complete.',
      '',
      'Windows Resource Protection found corrupt files but was unable to fix some',
      'of them. Details are included in the CBS.Log windir\\Logs\\CBS\\CBS.log. For',
      'example C:\\Windows\\Logs\\CBS\\CBS.log. Note that logging is currently not',
      'supported in offline servicing scenarios.',
    ].join('\r\n'),
    fields: {
      line: 1,
      mode: 'scannow',
      outcome: 'unrepairable',
      outcomeLine: 8,
      progress: { percent: 100, line: 6 },
      stalledAt: null,
    },
  },
  {
    text: [
      'Beginning system scan.  This process will take some time.',
      '',
      'Beginning verification phase of system scan.',
      'Verification 1% complete.\rVerification 2% complete.\rVerification 100% complete.',
      'Windows Resource Protection did not find any integrity violations.',
    ].join('\r\n'),
    fields: {
      line: 1,
      mode: null,
      outcome: 'noViolations',
      outcomeText: 'Windows Resource Protection did not find any integrity violations.',
      outcomeLine: 5,
      progress: { percent: 100, line: 4 },
    },
  },
  {
    text: [
      'C:\\Windows\\system32>sfc /scannow',
      '',
      'There is a system repair pending which requires reboot to complete.  Restart',
      'Windows and run sfc again.',
    ].join('\r\n'),
    fields: { mode: 'scannow', outcome: 'repairPending', outcomeLine: 3, progress: null },
  },
  {
    text: [
      'C:\\Windows\\system32>sfc /scannow',
      '',
      '开始系统扫描。此过程将需要一些时间。',
      '',
      '开始系统扫描的验证阶段。',
      '验证 100% 已完成。',
      '',
      'Windows 资源保护找到了损坏文件并成功修复了它们。',
      'CBS.Log windir\\Logs\\CBS\\CBS.log 中有详细信息。例如',
      'C:\\Windows\\Logs\\CBS\\CBS.log。请注意，在脱机服务方案中，',
      '当前不支持日志记录。',
      '',
      '系统文件修复更改在下次重新启动之后生效。',
    ].join('\r\n'),
    fields: {
      mode: 'scannow',
      outcome: 'repaired',
      outcomeLine: 8,
      progress: { percent: 100, line: 6 },
      rebootToApply: { line: 13 },
    },
  },
  {
    text: [
      'PS C:\\> sfc /scannow',
      '',
      '开始系统扫描。此过程将需要一些时间。',
      '',
      '开始系统扫描的验证阶段。',
      '验证 9% 已完成。',
      '',
      'Windows 资源保护无法执行请求的操作。',
    ].join('\r\n'),
    fields: {
      outcome: 'couldNotPerform',
      outcomeLine: 8,
      progress: { percent: 9, line: 6 },
      stalledAt: null,
    },
  },
  {
    text: [
      'C:\\>sfc /verifyonly',
      '',
      '开始系统扫描。此过程将需要一些时间。',
      '验证 100% 已完成。',
      'Windows 资源保护未找到任何完整性冲突。',
    ].join('\r\n'),
    fields: { mode: 'verifyonly', outcome: 'noViolations', outcomeLine: 5 },
  },
];

const BEGIN = /^(?:Beginning system scan\.|开始系统扫描。)/i;
const VERIFY_PHASE = /^(?:Beginning verification phase of system scan\.?|开始系统扫描的验证阶段。?)$/i;
const PROGRESS = /(?:Verification\s+(\d{1,3})%\s+complete\.?|验证\s*(\d{1,3})%\s*已完成。?)/gi;
const COMMAND = /(?:^|[>\s])(sfc(?:\.exe)?\s+\/(scannow|verifyonly)\b.*)$/i;
const REBOOT_TO_APPLY =
  /^(?:System file repair changes will take effect after the next reboot\.?|系统文件修复更改在下次重新启动之后生效。?)/i;

// Matched against a paragraph (its wrapped lines joined with one space, whitespace collapsed).
const WRP_EN = 'Windows Resource Protection';
const WRP_ZH = 'Windows ?资源保护';
const OUTCOMES: { outcome: SfcOutcome; re: RegExp }[] = [
  { outcome: 'noViolations', re: new RegExp(`^${WRP_EN} did not find any integrity violations`, 'i') },
  { outcome: 'noViolations', re: new RegExp(`^${WRP_ZH}未找到任何完整性冲突`) },
  // Windows 7/8 wording, as Microsoft's zh-CN support article quotes it.
  { outcome: 'noViolations', re: new RegExp(`^${WRP_ZH}找不到任何完整性冲突`) },
  {
    outcome: 'repaired',
    re: new RegExp(`^${WRP_EN} found corrupt files and successfully repaired them`, 'i'),
  },
  { outcome: 'repaired', re: new RegExp(`^${WRP_ZH}找到了损坏文件并成功修复了它们`) },
  { outcome: 'repaired', re: new RegExp(`^${WRP_ZH}找到了损坏的文件并已成功将其修复`) }, // [K] unconfirmed zh-CN wording
  {
    outcome: 'unrepairable',
    re: new RegExp(`^${WRP_EN} found corrupt files but was unable to fix some of them`, 'i'),
  },
  { outcome: 'unrepairable', re: new RegExp(`^${WRP_ZH}找到了损坏的?文件但无法修复其中某些文件`) }, // [K] unconfirmed zh-CN wording
  { outcome: 'violationsFound', re: new RegExp(`^${WRP_EN} found integrity violations`, 'i') },
  { outcome: 'violationsFound', re: new RegExp(`^${WRP_ZH}(?:发现|找到)(?:了)?完整性冲突`) }, // [K] unconfirmed zh-CN wording
  { outcome: 'couldNotPerform', re: new RegExp(`^${WRP_EN} could not perform the requested operation`, 'i') },
  { outcome: 'couldNotPerform', re: new RegExp(`^${WRP_ZH}无法执行请求的操作`) },
  { outcome: 'serviceNotStarted', re: new RegExp(`^${WRP_EN} could not start the repair service`, 'i') },
  { outcome: 'serviceNotStarted', re: new RegExp(`^${WRP_ZH}无法启动修复服务`) }, // [K] unconfirmed zh-CN wording
  {
    outcome: 'repairPending',
    re: /^There is a system repair pending which requires (?:a )?reboot to complete/i,
  },
  { outcome: 'repairPending', re: /^(?:有|存在)(?:一个)?(?:挂起的系统修复|系统修复挂起)/ }, // [K] unconfirmed zh-CN wording
  {
    outcome: 'notAdmin',
    re: /^You must be an administrator running a console session in order to use the sfc utility/i,
  },
  { outcome: 'notAdmin', re: /^你必须是?以?管理员身份?运行控制台会话.{0,12}sfc/ }, // [K] unconfirmed zh-CN wording
];

// Every verdict starts with one of these: a cheap test before the sentence patterns.
const OUTCOME_START = /^(?:Windows|There is|You must|有|存在|你)/i;

/** Text of a physical line without NULs and progress redraws, and the last percentage it printed. */
function splitProgress(raw: string): { text: string; percent: number | null } {
  let percent: number | null = null;
  const parts: string[] = [];
  for (const seg of raw.replaceAll('\u0000', '').split('\r')) {
    PROGRESS.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = PROGRESS.exec(seg)) !== null) percent = Number(m[1] ?? m[2]);
    const rest = seg.replace(PROGRESS, '').trim();
    if (rest) parts.push(rest);
  }
  return { text: parts.join(' ').trim(), percent };
}

/** Whether the first lines of a text look like sfc output: its opening sentence, progress or verdict. */
export function detectSfcConsole(lines: string[]): boolean {
  let hits = 0;
  for (const raw of lines) {
    const { text, percent } = splitProgress(raw.replace(/^\uFEFF/, ''));
    if (BEGIN.test(text) || VERIFY_PHASE.test(text)) return true;
    // A verdict alone (a short capture of only the last lines) is enough; a progress line needs company.
    if (OUTCOME_START.test(text) && OUTCOMES.some((o) => o.re.test(text.replace(/\s+/g, ' ')))) return true;
    if (percent !== null && text === '') hits++;
    if (hits >= 2) return true;
  }
  return false;
}

interface Line {
  no: number;
  text: string;
  percent: number | null;
}

/** Parses an sfc capture into its runs (empty when there is none). */
export function parseSfcConsole(text: string): SfcRun[] {
  const lines: Line[] = [];
  eachLine(text, (raw, no) => {
    const { text: t, percent } = splitProgress(raw);
    lines.push({ no, text: t, percent });
  });
  const runs: SfcRun[] = [];
  let run: SfcRun | null = null;
  // A run opens on the echoed command, or on the opening sentence when it was not echoed.
  const open = (no: number): SfcRun => {
    const r: SfcRun = {
      line: no,
      mode: null,
      command: null,
      outcome: null,
      outcomeText: null,
      outcomeLine: null,
      progress: null,
      rebootToApply: null,
      stalledAt: null,
    };
    runs.push(r);
    return r;
  };
  let begun = false;
  for (let i = 0; i < lines.length; i++) {
    const { no, text: t, percent } = lines[i]!;
    const cmd = COMMAND.exec(t);
    if (cmd) {
      run = open(no);
      begun = false;
      run.command = { text: cmd[1]!.trim(), line: no };
      run.mode = cmd[2]!.toLowerCase() as 'scannow' | 'verifyonly';
      continue;
    }
    if (BEGIN.test(t)) {
      // The opening sentence belongs to the command echoed just before it; otherwise it opens a run.
      if (!run || begun || run.command === null || run.progress || run.outcome) run = open(no);
      begun = true;
    }
    if (percent !== null) {
      run ??= open(no);
      run.progress = { percent, line: no };
    }
    if (!t) continue;
    if (REBOOT_TO_APPLY.test(t)) {
      run ??= open(no);
      run.rebootToApply = { line: no };
      continue;
    }
    if (!OUTCOME_START.test(t)) continue;
    // The verdict: the paragraph starting here (sfc wraps its sentences itself).
    const para = [t];
    const last = Math.min(lines.length, i + 8);
    for (let j = i + 1; j < last && lines[j]!.text && lines[j]!.percent === null; j++) {
      para.push(lines[j]!.text);
    }
    const joined = para.join(' ').replace(/\s+/g, ' ');
    const hit = OUTCOMES.find((o) => o.re.test(joined));
    if (hit) {
      if (!run || run.outcome) run = open(no);
      run.outcome = hit.outcome;
      run.outcomeText = joined;
      run.outcomeLine = no;
      i += para.length - 1;
    }
  }
  for (const r of runs) {
    if (!r.outcome && r.progress && r.progress.percent < 100) r.stalledAt = r.progress.percent;
  }
  return runs;
}
