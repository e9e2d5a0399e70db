// `patchdx explain <code | name>`: what the knowledge tables say about an error code, in any written form.

import { parseArgs } from 'node:util';
import { lookupCode } from '../../knowledge/codes.js';
import { renderCodes } from '../../report/explain.js';
import { langOption, type Io } from '../io.js';

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
    io.err(`patchdx explain: ${(err as Error).message}\n`);
    return 2;
  }
  const { values } = parsed;
  const positionals = [...parsed.positionals, ...numbers];
  if (positionals.length === 0) {
    io.err(
      'patchdx explain: give a code (0x80073712, -2147010798, 14098) or a name (ERROR_SXS_COMPONENT_STORE_CORRUPT)\n',
    );
    return 2;
  }
  const lang = langOption(values.lang, io);
  if (!lang) return 2;
  const query = positionals.join(' ');
  const infos = lookupCode(query);
  if (values.json) io.out(JSON.stringify({ query, results: infos }, null, 2) + '\n');
  else io.out(renderCodes(query, infos, lang));
  return infos.length > 0 ? 0 : 1;
}
