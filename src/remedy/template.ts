// Fills the script templates of src/remedy/templates/ (real PowerShell and cmd with named placeholders).
// `{{Name}}` takes a slot's value, quoted for the template's shell by that shell's one quoting function;
// `{{> part}}` includes templates/parts/<part> of the same shell, filled with the same slots. Text that is
// already code (another filled template, comment lines made by `comment`) is passed as `code(text)`.
// Templates are read at run time from the package, like the knowledge data files.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { packageRoot } from '../knowledge/paths.js';

/** Text that is already code of the template's shell: inserted as is. */
export interface Code {
  readonly code: string;
}

/** What a placeholder is filled with: a value to quote, a number, a flag, no value, or code. */
export type Slot = string | number | boolean | null | Code;

/** `text` (a filled template or lines made by `comment`) as code to insert unquoted. */
export function code(text: string): Code {
  return { code: text };
}

/**
 * `s` as a PowerShell single-quoted string literal. PowerShell treats ' and the typographic quotes
 * U+2018-U+201B alike inside such a string, so each is doubled; nothing else is special there.
 */
export function psQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** ASCII text safe in a PowerShell line comment or a single-quoted string (no control characters). */
export function plain(s: string, max = 200): string {
  const t = s.replace(/[^\x20-\x7e]/g, '?');
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** Text safe after REM or echo in a batch file: no % ^ & | < > " ( ) ! characters. */
export function cmdText(s: string): string {
  return plain(s).replace(/[%^&|<>"()!]/g, '?');
}

type Shell = 'powershell' | 'cmd';

/** The one quoting function of each shell, for every value a template receives. */
function quote(shell: Shell, v: Exclude<Slot, Code>): string {
  if (typeof v === 'number') return String(v);
  if (shell === 'cmd') {
    if (typeof v !== 'string') throw new Error('patchdx: a cmd template takes text and numbers only');
    return cmdText(v);
  }
  if (v === null) return '$null';
  if (typeof v === 'boolean') return v ? '$true' : '$false';
  return psQuote(v);
}

/** Comment lines of a shell (`# text` / `REM text`), each line made safe for a comment after `indent`. */
export function comment(shell: Shell, lines: string[], indent = ''): Code {
  if (shell === 'cmd') return code(lines.map((l) => `REM ${indent}${cmdText(l)}`.trimEnd()).join('\n'));
  return code(lines.map((l) => (l ? `# ${indent}${plain(l, 400)}` : '#')).join('\n'));
}

const cache = new Map<string, string>();

function load(file: string): string {
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(join(packageRoot(), 'src', 'remedy', 'templates', file), 'utf8');
    cache.set(file, text);
  }
  return text;
}

/**
 * A template of src/remedy/templates/ (`Test-StoreFiles.ps1`, `parts/target-row.ps1`, `reset-wu-cache.cmd`)
 * with its placeholders filled. A placeholder without a slot is an error, so a template and its caller
 * cannot drift apart silently.
 */
export function fill(file: string, slots: Record<string, Slot>): string {
  const shell: Shell = file.endsWith('.cmd') ? 'cmd' : 'powershell';
  const ext = file.slice(file.lastIndexOf('.'));
  // A placeholder alone on its line whose code is empty takes its line with it.
  const text = load(file).replace(/^\{\{([\w-]+)\}\}\n/gm, (line, name: string) => {
    const v = slots[name];
    return typeof v === 'object' && v !== null && v.code === '' ? '' : line;
  });
  return text.replace(/\{\{(>\s*)?([\w-]+)\}\}/g, (_, include: string | undefined, name: string) => {
    if (include) return fill(`parts/${name}${ext}`, slots);
    const v = slots[name];
    if (v === undefined) throw new Error(`patchdx: template ${file} has no value for {{${name}}}`);
    return typeof v === 'object' && v !== null ? v.code : quote(shell, v);
  });
}
