// DISM console output, English or zh-CN, as an engineer copies it from a console window or a collector
// redirects it to a file: `DISM /Online /Cleanup-Image /CheckHealth | /ScanHealth | /RestoreHealth`
// (with `/Source:` and `/LimitAccess`) and any other DISM command that stops with `Error: …`. Each run
// opens with the tool header (`Deployment Image Servicing and Management tool` / `部署映像服务和管理工具`),
// then `Version:` and `Image Version:` (`版本:` / `映像版本:`), a progress bar redrawn with bare CRs
// (`[=====  62.3%  ]`), the verdict (often on the bar's line), `The operation completed successfully.`
// or `Error: 0x800f081f` / `Error: 14098` with its message, and the DISM log path. A file may hold
// several runs; each item keeps its 1-based line so a finding can cite file:line.

import { win32ToHresult } from '../knowledge/codes.js';
import { canonicalize } from './error-codes.js';
import { eachLine } from './text-lines.js';

/** What the run was asked to do: /CheckHealth, /ScanHealth, /RestoreHealth, or another DISM command. */
export type DismOperation = 'check' | 'scan' | 'restore' | 'other';

/** The component store verdict a health operation printed. */
export type DismHealth = 'noCorruption' | 'repairable' | 'notRepairable' | 'repaired';

/** An error a run printed (`Error: 0x800f081f`, `错误: 14098`). */
export interface DismError {
  /** The code as written after `Error:` (`0x800f081f`, `14098`). */
  written: string;
  /** Canonical HRESULT (`0x800f081f`; a decimal Win32 code becomes `0x8007…`: 14098 → `0x80073712`). */
  code: string | null;
  /** The message DISM printed with it (`The source files could not be found.`), null when none. */
  message: string | null;
  line: number;
  messageLine: number | null;
}

/** One DISM invocation in a console capture. */
export interface DismRun {
  /** First line of the run: the echoed command when found just above the header, else the header. */
  line: number;
  /** The tool header line. */
  headerLine: number;
  /** The echoed command line (`C:\>DISM /Online /Cleanup-Image /RestoreHealth`), when captured. */
  command: { text: string; line: number } | null;
  operation: DismOperation | null;
  /** Where the operation was read: the echoed command, or inferred from the messages. */
  operationFrom: 'command' | 'messages' | null;
  /** `/Source:` argument of the echoed command. */
  source: string | null;
  limitAccess: boolean;
  /** DISM's own version (`Version: 10.0.17763.1`). */
  toolVersion: { version: string; line: number } | null;
  /** The serviced image (`Image Version: 10.0.17763.1879` → build 17763, UBR 1879). */
  image: { version: string; build: number; ubr: number; line: number } | null;
  health: { state: DismHealth; text: string; line: number } | null;
  /** `The operation completed successfully.` / `操作成功完成。` */
  completed: { line: number } | null;
  /** The last error of the run (the one DISM exits with). */
  error: DismError | null;
  /** Every error of the run, in order (a package error then the final one). */
  errors: DismError[];
  logPath: { path: string; line: number } | null;
  /** The last progress percentage drawn, with its line. */
  progress: { percent: number; line: number } | null;
  /** The percentage the run stopped at when it printed no verdict, no error and no completion (< 100). */
  stalledAt: number | null;
}

/** Sample captures (English and Chinese); the format test parses them to these fields of their one run. */
export const samples: { text: string; fields: Partial<DismRun> }[] = [
  {
    text: [
      'C:\\Windows\\system32>DISM /Online /Cleanup-Image /RestoreHealth /Source:wim:D:\\sources\\install.wim:1 /LimitAccess',
      '',
      'Deployment Image Servicing and Management tool',
      'Version: 10.0.17763.1',
      '',
      'Image Version: 10.0.17763.1879',
      '',
      '[===========================100.0%==========================]',
      'Error: 0x800f081f',
      '',
      'The source files could not be found.',
      'Use the "Source" option to specify the location of the files that are required to restore the feature. For more information on specifying a source location, see https://go.microsoft.com/fwlink/?LinkId=243077.',
      '',
      'The DISM log file can be found at C:\\Windows\\Logs\\DISM\\dism.log',
    ].join('\r\n'),
    fields: {
      line: 1,
      headerLine: 3,
      operation: 'restore',
      operationFrom: 'command',
      source: 'wim:D:\\sources\\install.wim:1',
      limitAccess: true,
      toolVersion: { version: '10.0.17763.1', line: 4 },
      image: { version: '10.0.17763.1879', build: 17763, ubr: 1879, line: 6 },
      health: null,
      completed: null,
      error: {
        written: '0x800f081f',
        code: '0x800f081f',
        message: 'The source files could not be found.',
        line: 9,
        messageLine: 11,
      },
      logPath: { path: 'C:\\Windows\\Logs\\DISM\\dism.log', line: 14 },
      progress: { percent: 100, line: 8 },
      stalledAt: null,
    },
  },
  {
    text: [
      'PS C:\\Users\\Admin> DISM /Online /Cleanup-Image /ScanHealth',
      '',
      'Deployment Image Servicing and Management tool',
      'Version: 10.0.19041.844',
      '',
      'Image Version: 10.0.19045.2965',
      '',
      '[==========================100.0%==========================] The component store is repairable.',
      'The operation completed successfully.',
    ].join('\r\n'),
    fields: {
      operation: 'scan',
      image: { version: '10.0.19045.2965', build: 19045, ubr: 2965, line: 6 },
      health: { state: 'repairable', text: 'The component store is repairable.', line: 8 },
      completed: { line: 9 },
      error: null,
    },
  },
  {
    text: [
      'C:\\Windows\\system32>DISM /Online /Cleanup-Image /CheckHealth',
      '',
      '部署映像服务和管理工具',
      '版本: 10.0.17763.1',
      '',
      '映像版本: 10.0.17763.1879',
      '',
      '未检测到组件存储损坏。',
      '操作成功完成。',
    ].join('\r\n'),
    fields: {
      operation: 'check',
      toolVersion: { version: '10.0.17763.1', line: 4 },
      image: { version: '10.0.17763.1879', build: 17763, ubr: 1879, line: 6 },
      health: { state: 'noCorruption', text: '未检测到组件存储损坏。', line: 8 },
      completed: { line: 9 },
    },
  },
  {
    text: [
      'C:\\Windows\\system32>DISM /Online /Cleanup-Image /RestoreHealth',
      '',
      '部署映像服务和管理工具',
      '版本: 10.0.17763.1',
      '',
      '映像版本: 10.0.17763.1879',
      '',
      '[==========================100.0%==========================]',
      '错误: 0x800f081f',
      '',
      '找不到源文件。',
      // The second line is the sample's own rendering of the English hint (not matched by the parser).
      '使用“源”选项指定还原功能所需文件的位置。有关指定源位置的详细信息，请参阅 https://go.microsoft.com/fwlink/?LinkId=243077。',
      '',
      '可以在 C:\\Windows\\Logs\\DISM\\dism.log 上找到 DISM 日志文件',
    ].join('\r\n'),
    fields: {
      operation: 'restore',
      error: {
        written: '0x800f081f',
        code: '0x800f081f',
        message: '找不到源文件。',
        line: 9,
        messageLine: 11,
      },
      logPath: { path: 'C:\\Windows\\Logs\\DISM\\dism.log', line: 14 },
    },
  },
  {
    text: [
      'C:\\Windows\\system32>DISM /Online /Cleanup-Image /RestoreHealth',
      '',
      '部署映像服务和管理工具',
      '版本: 10.0.19041.1',
      '',
      '映像版本: 10.0.19045.2965',
      '',
      '[==========================100.0%==========================] 还原操作已成功完成。',
      '操作成功完成。',
    ].join('\r\n'),
    fields: {
      operation: 'restore',
      health: { state: 'repaired', text: '还原操作已成功完成。', line: 8 },
      completed: { line: 9 },
    },
  },
];

const HEADER = /^\s*(?:Deployment Image Servicing and Management tool|部署映像服务和管理工具)\s*$/i;
const TOOL_VERSION = /^\s*(?:Version|版本)\s*[:：]\s*(\d+\.\d+\.\d+\.\d+)\s*$/i;
const IMAGE_VERSION = /^\s*(?:Image Version|映像版本)\s*[:：]\s*((\d+)\.(\d+)\.(\d+)\.(\d+))\s*$/i;
// `Error: 0x800f081f`, `Error: 14098`, zh `错误: …`; a package error is indented (` Error: 0x800f081f`).
const ERROR = /^\s*(?:Error|错误)\s*[:：]\s*(0x[0-9a-f]{1,8}|-?\d{1,10})\s*$/i;
const PACKAGE_LISTING = /^\s*(?:Package Identity|程序包标识符?|包标识)\s*[:：|]/i;
const COMPLETED = /^(?:The operation completed successfully\.?|操作成功完成[。.]?)$/i;
// Each path is captured up to its last non-space (`(.*\S)\s*$`), not lazily (`(.+?)\s*$`): linear in the line.
const LOG_PATH_EN = /^The DISM log file can be found at\s+(.*\S)\s*$/i;
const LOG_PATH_ZH = /^可以在\s*(\S(?:.*\S)?)\s*上找到\s*DISM\s*日志文件/;
const LOG_PATH_ZH_ALT = /^DISM\s*日志文件位于\s*(\S(?:.*\S)?)\s*$/; // [K] unconfirmed zh-CN wording
// The progress bar: `[===   62.3%   ]`, redrawn in place (several on one physical line, CR-separated).
const BAR = /\[[= ]*?(\d{1,3}(?:[.,]\d+)?)%[= ]*\]/g;
// The echoed command: a prompt (`C:\…>`, `PS C:\…>`), a `[DISM …]` banner of a script, or the bare command.
const COMMAND =
  /(?:^|[>\s[])(dism(?:\.exe)?\s+[^\]]*?\/(?:online|image[:：]|cleanup-image|add-package|enable-feature|get-packages)\b[^\]]*?)\]?\s*$/i;

// Anchored at the start only: Windows 8.1 prints `The component store corruption was repaired. The operation
// completed successfully.` as one line.
const HEALTH: { state: DismHealth; re: RegExp }[] = [
  { state: 'noCorruption', re: /^No component store corruption detected\./i },
  { state: 'noCorruption', re: /^未检测到组件存储损坏/ },
  { state: 'repairable', re: /^The component store is repairable\./i },
  { state: 'repairable', re: /^可以修复组件存储/ },
  { state: 'repairable', re: /^组件存储可以修复/ }, // [K] unconfirmed zh-CN wording
  { state: 'notRepairable', re: /^The component store cannot be repaired\./i },
  { state: 'notRepairable', re: /^(?:无法修复组件存储|组件存储无法修复)/ }, // [K] unconfirmed zh-CN wording
  { state: 'repaired', re: /^The restore operation completed successfully\./i },
  { state: 'repaired', re: /^The component store corruption was repaired\./i },
  { state: 'repaired', re: /^还原操作已成功完成/ },
  { state: 'repaired', re: /^组件存储损坏已修复/ }, // [K] unconfirmed zh-CN wording
];

/** The text of a physical line without its progress bars, and the last percentage it drew. */
function splitProgress(raw: string): { text: string; percent: number | null } {
  let percent: number | null = null;
  const parts: string[] = [];
  // A redirected capture keeps every redraw: segments separated by bare CRs.
  for (const seg of raw.replaceAll('\u0000', '').split('\r')) {
    BAR.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = BAR.exec(seg)) !== null) percent = Number(m[1]!.replace(',', '.'));
    const rest = seg.replace(BAR, '').trim();
    if (rest) parts.push(rest);
  }
  return { text: parts.join(' ').trim(), percent };
}

function operationOf(command: string): DismOperation {
  if (/\/checkhealth\b/i.test(command)) return 'check';
  if (/\/scanhealth\b/i.test(command)) return 'scan';
  if (/\/restorehealth\b/i.test(command)) return 'restore';
  return 'other';
}

function errorCode(written: string): string | null {
  if (/^0x/i.test(written)) return canonicalize(written);
  const n = Number(written);
  // DISM prints Win32 errors in decimal (`Error: 14098`, `Error: 87`); HRESULTs it prints in hex.
  return n > 0 && n <= 0xffff ? win32ToHresult(n) : canonicalize(written);
}

/** Whether the first lines of a text look like DISM console output: the tool header, then its version. */
export function detectDismConsole(lines: string[]): boolean {
  // `/Get-Packages` prints the same header: a package listing is package-list.ts's.
  if (lines.some((l) => PACKAGE_LISTING.test(l))) return false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.replace(/^\uFEFF/, '').replaceAll('\u0000', '');
    if (!HEADER.test(l)) continue;
    for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
      const n = lines[j]!.replaceAll('\u0000', '');
      if (TOOL_VERSION.test(n) || IMAGE_VERSION.test(n)) return true;
    }
  }
  return false;
}

interface Line {
  no: number;
  text: string;
  percent: number | null;
}

/** Parses a DISM console capture into its runs (an empty list when there is no tool header). */
export function parseDismConsole(text: string): DismRun[] {
  const lines: Line[] = [];
  eachLine(text, (raw, no) => {
    const { text: t, percent } = splitProgress(raw);
    lines.push({ no, text: t, percent });
  });
  const headers: number[] = [];
  lines.forEach((l, i) => {
    if (HEADER.test(l.text)) headers.push(i);
  });
  const runs: DismRun[] = [];
  let prevEnd = 0;
  headers.forEach((h, k) => {
    const end = k + 1 < headers.length ? headers[k + 1]! : lines.length;
    runs.push(parseRun(lines, prevEnd, h, end));
    prevEnd = h + 1;
  });
  return runs;
}

function parseRun(lines: Line[], from: number, h: number, end: number): DismRun {
  const run: DismRun = {
    line: lines[h]!.no,
    headerLine: lines[h]!.no,
    command: null,
    operation: null,
    operationFrom: null,
    source: null,
    limitAccess: false,
    toolVersion: null,
    image: null,
    health: null,
    completed: null,
    error: null,
    errors: [],
    logPath: null,
    progress: null,
    stalledAt: null,
  };
  // The echoed command sits a line or two above the header (a blank line between them).
  for (let i = h - 1; i >= Math.max(from, h - 4); i--) {
    const c = COMMAND.exec(lines[i]!.text);
    if (!c) continue;
    const cmd = c[1]!.trim();
    run.command = { text: cmd, line: lines[i]!.no };
    run.line = lines[i]!.no;
    run.operation = operationOf(cmd);
    run.operationFrom = 'command';
    const src = /\/source\s*[:：]\s*(?:"([^"]+)"|(\S+))/i.exec(cmd);
    if (src) run.source = src[1] ?? src[2]!;
    run.limitAccess = /\/limitaccess\b/i.test(cmd);
    break;
  }
  let sawBar = false;
  for (let i = h + 1; i < end; i++) {
    const { no, text, percent } = lines[i]!;
    if (percent !== null) {
      run.progress = { percent, line: no };
      sawBar = true;
    }
    if (!text) continue;
    let m: RegExpExecArray | null;
    if (!run.toolVersion && (m = TOOL_VERSION.exec(text))) {
      run.toolVersion = { version: m[1]!, line: no };
    } else if (!run.image && (m = IMAGE_VERSION.exec(text))) {
      run.image = { version: m[1]!, build: Number(m[4]), ubr: Number(m[5]), line: no };
    } else if ((m = ERROR.exec(text))) {
      const err: DismError = {
        written: m[1]!,
        code: errorCode(m[1]!),
        message: null,
        line: no,
        messageLine: null,
      };
      const msg = messageAround(lines, i, h, end);
      if (msg) {
        err.message = msg.text;
        err.messageLine = msg.no;
      }
      run.errors.push(err);
      run.error = err;
    } else if (COMPLETED.test(text)) {
      run.completed = { line: no };
    } else if ((m = LOG_PATH_EN.exec(text) ?? LOG_PATH_ZH.exec(text))) {
      run.logPath = { path: m[1]!.replace(/^"|"$/g, ''), line: no };
    } else if ((m = LOG_PATH_ZH_ALT.exec(text))) {
      // This form may end with its full stop: not part of the path.
      run.logPath = { path: m[1]!.replace(/\s*[。.]$/, '').replace(/^"|"$/g, ''), line: no };
    } else {
      const hit = HEALTH.find((x) => x.re.test(text));
      if (hit) {
        // Keep the first restore verdict line; the Windows 8.1 follow-up line repeats it.
        if (!(run.health?.state === 'repaired' && hit.state === 'repaired'))
          run.health = { state: hit.state, text, line: no };
        if (/(?:The operation completed successfully|操作成功完成)[。.]?$/i.test(text))
          run.completed = { line: no };
      }
    }
  }
  if (!run.operation && run.health) {
    // Without the command: only /RestoreHealth prints the restore verdict; /ScanHealth draws a bar
    // before its verdict, /CheckHealth never does.
    run.operation = run.health.state === 'repaired' ? 'restore' : sawBar ? 'scan' : 'check';
    run.operationFrom = 'messages';
  }
  if (run.progress && run.progress.percent < 100 && !run.health && !run.error && !run.completed) {
    run.stalledAt = run.progress.percent;
  }
  return run;
}

const NOT_A_MESSAGE = (t: string): boolean =>
  ERROR.test(t) ||
  LOG_PATH_EN.test(t) ||
  LOG_PATH_ZH.test(t) ||
  TOOL_VERSION.test(t) ||
  IMAGE_VERSION.test(t);

/** The message of the error on line `i`: the next text line of the run, else the one before it. */
function messageAround(
  lines: Line[],
  i: number,
  h: number,
  end: number,
): { text: string; no: number } | null {
  for (let j = i + 1; j < end; j++) {
    const t = lines[j]!.text;
    if (!t) continue;
    if (NOT_A_MESSAGE(t)) break;
    return { text: t, no: lines[j]!.no };
  }
  // A package error comes after its message (`Package_for_RollupFix: The source files could not be
  // found.` then ` Error: 0x800f081f`): the first line of the paragraph above.
  let j = i - 1;
  while (j > h && !lines[j]!.text) j--;
  if (j <= h || NOT_A_MESSAGE(lines[j]!.text)) return null;
  while (j - 1 > h && lines[j - 1]!.text && !NOT_A_MESSAGE(lines[j - 1]!.text)) j--;
  return { text: lines[j]!.text, no: lines[j]!.no };
}
