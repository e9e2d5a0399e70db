#!/usr/bin/env node
// The command-line entry: the only file that touches `process` (argv, env, stdout/stderr, exit code).
// Each command is `(args, io) => exitCode` over library modules.

import { analyzeCommand } from './commands/analyze.js';
import { caseCommand } from './commands/case.js';
import { collectorCommand } from './commands/collector.js';
import { draftCommand } from './commands/draft.js';
import { explainCommand } from './commands/explain.js';
import type { Io } from './io.js';
import { safeLine } from '../report/safe-text.js';
import { VERSION } from '../version.js';
import type { Lang } from '../model/types.js';

const USAGE = `patchdx ${VERSION} — diagnose failed Windows updates from their logs

Usage:
  patchdx analyze <CBS.log | any log | folder | bundle.zip> [--json | --format text|json|md|html] [--schema 1|2]
                  [--lang zh|en] [--no-color] [--max-bytes 16G] [--max-entries 20000] [--timeout 900]
  patchdx explain <code | KB | build | component | package identity> [--lang zh|en] [--json]
  patchdx draft <initial|analysis|followup|closure> [logs] [--case X] [--customer 许先生] [--org ORG]
               [--priority P2] [--engineer NAME] [--contact TEL] [--problem TEXT] [--resolution TEXT] [--lang zh|en]
  patchdx case new|add|show|list|due|note|draft|close|export|import|secret …
                  (the case desk: rounds of logs per machine, what changed, follow-ups on working days;
                  --db FILE | postgres://… or PATCHDX_DB; \`patchdx case help\` for each subcommand)
  patchdx collector > collect.ps1     (read-only PowerShell log collector for the affected machine)
  patchdx --version | --help

Exit codes: 0 no failure found, 1 failure diagnosed, 2 could not run.
`;

function envLang(env: NodeJS.ProcessEnv): Lang {
  const loc = env.PATCHDX_LANG ?? env.LC_ALL ?? env.LC_MESSAGES ?? env.LANG ?? '';
  return /^zh/i.test(loc) ? 'zh' : 'en';
}

// A closed pipe (`patchdx analyze x | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

/** Whether a process of this host runs (a killed `case add` leaves files the next start cleans). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function main(): Promise<number> {
  const [cmd, ...rest] = process.argv.slice(2);
  const io: Io = {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    errIsTty: Boolean(process.stderr.isTTY),
    outIsTty: Boolean(process.stdout.isTTY),
    defaultLang: envLang(process.env),
    noColorEnv: process.env.NO_COLOR !== undefined,
  };
  switch (cmd) {
    case 'analyze':
      return analyzeCommand(rest, io);
    case 'explain':
      return explainCommand(rest, io);
    case 'draft':
      return draftCommand(rest, io);
    case 'collector':
      return collectorCommand(rest, io);
    case 'case':
      return caseCommand(rest, io, { env: process.env, pid: process.pid, isAlive });
    case '--version':
    case '-v':
      io.out(VERSION + '\n');
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      io.err(`patchdx: unknown command "${safeLine(cmd)}"\n\n${USAGE}`);
      return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `patchdx: internal error: ${safeLine(err instanceof Error ? err.message : String(err))}\n`,
    );
    process.exitCode = 2;
  },
);
