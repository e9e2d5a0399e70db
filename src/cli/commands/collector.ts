// `patchdx collector > collect.ps1`: the read-only PowerShell log collector the analyzer expects.

import { collectorScript, VERSION } from '../../index.js';
import type { Io } from '../io.js';

export async function collectorCommand(args: string[], io: Io): Promise<number> {
  if (args.length > 0) {
    io.err(
      'patchdx collector: takes no arguments; redirect its output to a file: patchdx collector > collect.ps1\n',
    );
    return 2;
  }
  io.out(collectorScript({ version: VERSION }));
  return 0;
}
