#!/usr/bin/env node
// The command-line entry: the only file that touches `process` (argv, env, stdout/stderr, exit code).
// Each command is `(args, io) => exitCode` over library modules.

// Commands are loaded when asked for: `explain` does not pay for the web server, the queue or the databases.
import { setFlagsFromString } from 'node:v8';
import type { Io } from './io.js';
import { safeLine } from '../report/safe-text.js';
import { VERSION } from '../version.js';
import type { Lang } from '../model/types.js';

// The heap grows by 20 % past what is live instead of V8's default factor (up to 4×): the analysis keeps
// a bounded set of records, and this keeps the process near it (a 500 MB WindowsUpdate.log of failures:
// 475 → 290 MB peak RSS, the same time). Set before any thread starts, so the analysis threads share it.
setFlagsFromString('--heap-growing-percent=20');

const USAGE = `patchdx ${VERSION} — diagnose failed Windows updates from their logs

Usage:
  patchdx analyze <CBS.log | any log | folder | bundle.zip> [--json | --format text|json|md|html] [--schema 1|2]
                  [--lang zh|en] [--no-color] [--verbose] [--similar --db FILE|postgres://…]
                  [--max-bytes 16G] [--max-entries 20000] [--timeout 900]
  patchdx explain <code | KB | build | component | package identity> [--lang zh|en] [--json]
  patchdx draft <initial|analysis|followup|closure> [logs] [--case X] [--customer 许先生] [--org ORG]
               [--priority P2] [--engineer NAME] [--contact TEL] [--problem TEXT] [--resolution TEXT] [--lang zh|en]
               [--cause TEXT] [--code 0x…] [--variant checkin|no-answer|handover] [--previous NAME]
  patchdx case new|add|show|list|due|note|draft|close|export|import|secret|import-thread|similar …
                  (the case desk: rounds of logs per machine, what changed, follow-ups on working days;
                  --db FILE | postgres://… or PATCHDX_DB; \`patchdx case help\` for each subcommand)
  patchdx fleet <folder | list-file> [--jobs N] [--format text|json|csv|html] [--out FILE] [--db …] [--progress]
                  [--queue redis://… --db postgres://…]   (one bundle per machine, clustered by root cause)
  patchdx worker --queue redis://… --db postgres://… [--concurrency N]   (takes \`fleet --queue\` jobs)
  patchdx collector > collect.ps1     (read-only PowerShell log collector for the affected machine)
  patchdx serve [--port 8080] [--host 127.0.0.1] [--db …]   (the web app: upload, answer, log viewer, case desk;
                  another address needs --token)
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
    stdout: process.stdout,
  };
  switch (cmd) {
    case 'analyze': {
      // A large input is analysed on a thread: started first, it loads the analysis while this thread loads
      // the command (about 0.1 s sooner to the first line read). These two leaf modules are imported past the
      // public API (src/index.ts) because they must load before it.
      const [{ analysisWantsThread }, { prestartAnalysisThread }] = await Promise.all([
        import('./commands/analyze-options.js'),
        import('../analyze/analysis-thread.js'),
      ]);
      if (analysisWantsThread(rest)) prestartAnalysisThread();
      return (await import('./commands/analyze.js')).analyzeCommand(rest, io);
    }
    case 'explain':
      return (await import('./commands/explain.js')).explainCommand(rest, io);
    case 'draft':
      return (await import('./commands/draft.js')).draftCommand(rest, io);
    case 'collector':
      return (await import('./commands/collector.js')).collectorCommand(rest, io);
    case 'case':
      return (await import('./commands/case.js')).caseCommand(rest, io, {
        env: process.env,
        pid: process.pid,
        isAlive,
      });
    case 'fleet':
    case 'worker': {
      // SIGINT/SIGTERM stop a run (it resumes when run again) or let a worker finish its jobs in hand.
      const stop = new AbortController();
      const onSignal = (): void => stop.abort(new DOMException('stopped by a signal', 'AbortError'));
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        return cmd === 'fleet'
          ? await (
              await import('./commands/fleet.js')
            ).fleetCommand(rest, io, { env: process.env, signal: stop.signal })
          : await (
              await import('./commands/worker.js')
            ).workerCommand(rest, io, { env: process.env, signal: stop.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
    case 'serve':
      return (await import('./commands/serve.js')).serveCommand(rest, io, {
        env: process.env,
        pid: process.pid,
        isAlive,
        stopped: new Promise((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        }),
      });
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
