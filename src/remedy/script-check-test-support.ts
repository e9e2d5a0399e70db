// Test support: checks of the generated scripts by a real PowerShell grammar (tree-sitter-powershell) and a
// small checker of the cmd fallback. Not in the package.
//
// The grammar (tree-sitter-powershell 0.26) lacks two forms PowerShell accepts: a bare comma list as a
// command argument (`Format-Table A, B`) and numeric multiplier suffixes (`1GB`). The generated scripts avoid
// both (`-Property @('A', 'B')`, `1073741824`) so that every ERROR or MISSING node the grammar reports is a
// real fault of a script.

import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell/bindings/node/index.js';

/** A node of the syntax tree the grammar could not fit (ERROR) or had to invent (MISSING). */
export interface SyntaxProblem {
  kind: 'ERROR' | 'MISSING';
  /** 1-based line and column. */
  line: number;
  column: number;
  /** The text of the node (its first 80 characters). */
  text: string;
}

let parser: Parser | undefined;

/** The syntax tree of a PowerShell script. */
export function parsePowerShell(script: string): Parser.Tree {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(PowerShell as unknown as Parser.Language);
  }
  // The binding copies the text through a buffer that must hold it whole.
  return parser.parse(script, null, { bufferSize: Math.max(64 * 1024, script.length * 4) });
}

/** Every ERROR and MISSING node of a PowerShell script, in document order; [] when the grammar accepts it. */
export function powerShellProblems(script: string): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const visit = (n: Parser.SyntaxNode): void => {
    if (n.isError || n.isMissing) {
      out.push({
        kind: n.isMissing ? 'MISSING' : 'ERROR',
        line: n.startPosition.row + 1,
        column: n.startPosition.column + 1,
        text: n.isMissing ? n.type : n.text.slice(0, 80),
      });
    }
    // Only subtrees that hold a problem are walked.
    if (n.hasError) for (const c of n.children) visit(c);
  };
  visit(parsePowerShell(script).rootNode);
  return out;
}

/** The names of the commands a script runs (`Get-Item`, `dism.exe`, `& $x` is not named), as the grammar sees them. */
export function commandNames(script: string): string[] {
  return parsePowerShell(script)
    .rootNode.descendantsOfType('command_name')
    .map((n) => n.text);
}

/** What a cmd line makes of its characters: these do something unless escaped. */
const CMD_META = new Set(['&', '|', '<', '>', '^', '%', '!', '"']);

/** One character of fact text that cmd would act on. */
export interface CmdProblem {
  line: number;
  /** The character (`&`, `%`, `newline`…) and the fact text around it. */
  what: string;
  near: string;
}

/**
 * Where fact text in a generated .cmd could act as cmd syntax. Fact values are marked in the test's input by
 * `open` … `close` (letters cmd leaves alone, kept by every sanitiser); between them on a line, each of
 * & | < > ^ % ! " must be escaped (`^&`, `^|`, `^<`, `^>`, `^^`, `%%`, `^^!`; a double quote cannot be) and the
 * fact must end on its own line: a line holding a `close` without its `open` carries fact text that a
 * newline broke out of its line.
 */
export function cmdFactProblems(script: string, open = 'PDXFACT', close = 'TCAFXDP'): CmdProblem[] {
  const out: CmdProblem[] = [];
  script.split(/\r\n|\n|\r/).forEach((text, i) => {
    const line = i + 1;
    let from = 0;
    for (;;) {
      const a = text.indexOf(open, from);
      const b = text.indexOf(close, from);
      if (b >= 0 && (a < 0 || b < a)) {
        out.push({ line, what: 'newline', near: text.slice(Math.max(0, b - 20), b + close.length) });
      }
      if (a < 0) break;
      const end = text.indexOf(close, a + open.length);
      const span = text.slice(a + open.length, end < 0 ? text.length : end);
      for (let j = 0; j < span.length; j++) {
        const c = span[j]!;
        if (!CMD_META.has(c)) continue;
        const next = span[j + 1];
        if (c === '^' && next !== undefined && CMD_META.has(next)) {
          // ^& ^| ^< ^> ^^; ^^! escapes ! under delayed expansion.
          j += next === '^' && span[j + 2] === '!' ? 2 : 1;
          continue;
        }
        if (c === '%' && next === '%') {
          j++;
          continue;
        }
        out.push({ line, what: c, near: span.slice(Math.max(0, j - 12), j + 12) });
      }
      if (end < 0) {
        // The fact's close marker is not on this line: cut short (fine) or broken by a newline (the next
        // line then holds the close alone, reported there).
        break;
      }
      from = end + close.length;
    }
  });
  return out;
}
