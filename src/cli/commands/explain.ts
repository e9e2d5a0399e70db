// `patchdx explain <code | KB | build | component | package>`: what the knowledge tables say about it.

import { parseArgs } from 'node:util';
import { explain, renderExplanation as renderExplained } from '../../index.js';
import { langOption, type Io } from '../io.js';
import { safeJson, safeLine } from '../../report/safe-text.js';

export async function explainCommand(args: string[], io: Io): Promise<number> {
  // A negative decimal code (`-2147010798`) is a value, not an option.
  const numbers = args.filter((a) => /^-\d+$/.test(a));
  let parsed;
  try {
    parsed = parseArgs({
      args: args.filter((a) => !numbers.includes(a)),
      allowPositionals: true,
      options: { lang: { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (err) {
    io.err(`patchdx explain: ${safeLine((err as Error).message)}\n`);
    return 2;
  }
  const { values } = parsed;
  const positionals = [...parsed.positionals, ...numbers];
  if (positionals.length === 0) {
    io.err(
      'patchdx explain: give a code (0x80073712, -2147010798, ERROR_SXS_COMPONENT_STORE_CORRUPT), a KB (KB5032196), a build (17763.774), or a component or package identity\n',
    );
    return 2;
  }
  const lang = langOption(values.lang, io);
  if (!lang) return 2;
  const query = positionals.join(' ');
  const result = explain(query);
  if (values.json) io.out(safeJson(result) + '\n');
  else io.out(renderExplained(result, lang));
  return result.kind === 'unknown' ? 1 : 0;
}
