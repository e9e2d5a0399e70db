// Every pattern a reader or a story applies to a line is linear in the line (issue 17): a lazy group before
// trailing spaces (`(.*?)\s*$`), between two runs of spaces (`\s*(.+?)\s*literal`) or an unanchored pattern
// that starts with `\s*` backtracks over a long run of spaces. Fuzz seed 1 found three: input 3946 (minutes
// in a winver pattern), 4674 and 6249 (in the update-title pattern of supersede.ts). Each reader and story
// here gets lines built to hit those shapes (long runs of ASCII and ideographic spaces, one-byte and two-byte
// text) after the prefixes its patterns start with. Synchronous code cannot be stopped by a test timeout, so
// they run on a thread that is ended after 30 s; all of them together take well under a second.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

const RUN = 100_000;

/** Lines with each prefix followed by long runs of spaces, in one-byte and two-byte forms. */
function hostile(prefixes: string[]): string {
  const out: string[] = [];
  for (const p of prefixes) {
    out.push(`${p}${' '.repeat(RUN)}x`, `${p}${' '.repeat(RUN)}`, `${p}${'\u3000 '.repeat(RUN / 2)}中`);
    out.push(`${p}x${' '.repeat(RUN)}y${' '.repeat(RUN)}`);
  }
  return out.join('\r\n');
}

const SPACES = ' '.repeat(RUN);
const WIDE = '\u3000 '.repeat(RUN / 2);
/** A cumulative update's title with a long run of spaces inside (fuzz seed 1, inputs 4674 and 6249). */
const title = (kb: string, run: string): string =>
  `2023-05 Cumulative Update for Windows 10${run}(Definition 1.2.3)${run}x (${kb})`;
const attempt = (
  id: string,
  kb: string,
  run: string,
  outcome: string,
  start: string,
): Record<string, unknown> => ({
  id,
  package: title(kb, run),
  kb,
  kind: 'package',
  outcome,
  start,
  end: start,
  evidence: [],
  findings: [],
});

const CASES: { module: string; fn: string; args: unknown[] }[] = [
  {
    module: './dism-console.js',
    fn: 'parseDismConsole',
    args: [
      hostile(['The DISM log file can be found at ', '可以在 ', 'DISM 日志文件位于 ', 'Error: 0x800f081f ']),
    ],
  },
  {
    module: './package-list.js',
    fn: 'parsePackageList',
    args: [hostile(['Package Identity : ', '程序包标识 : ', 'State : ', 'HotFixID   '])],
  },
  {
    module: './file-hash.js',
    fn: 'parseFileHashes',
    args: [hostile(['Algorithm : ', 'Hash      : ', 'Path      : ', 'SHA256 hash of '])],
  },
  {
    module: './os-version.js',
    fn: 'parseOsVersions',
    args: [
      hostile(['Version 1809 (OS Build 17763.1879)\r\n', '    CurrentBuild    REG_SZ    ', 'UBR : ', 'The ']),
    ],
  },
  {
    module: './event-text.js',
    fn: 'eventData',
    args: [
      'Microsoft-Windows-WindowsUpdateClient',
      20,
      `Installation Failure: Windows failed to install the following update with error 0x80070643: x${SPACES}y${SPACES}`,
    ],
  },
  {
    module: './reporting-events.js',
    fn: 'parseReportingEvents',
    args: [
      `{5B8F0E0B-1111-2222-3333-444455556666}\t2023-05-22 08:22:20:069\t+0200\t1\t182\t101\t0\t80070643\tAutomaticUpdates\tFailure\tContent Install\tInstallation Failure: Windows failed to install the following update with error 0x80070643: x${WIDE}y${SPACES}.`,
    ],
  },
  {
    module: '../timeline/supersede.js',
    fn: 'resolveLaterInstalls',
    args: [
      [
        attempt('a1', 'KB5026361', SPACES, 'failed', '2023-05-22 08:00:00'),
        attempt('a2', 'KB5027215', WIDE, 'succeeded', '2023-06-14 08:00:00'),
      ],
    ],
  },
];

test('readers and stories are linear in the line: long runs of spaces cost milliseconds', async () => {
  const modules = CASES.map((c) => ({ ...c, module: new URL(c.module, import.meta.url).href }));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const out = [];
      for (const c of workerData) {
        const m = await import(c.module);
        const t0 = performance.now();
        m[c.fn](...c.args);
        out.push({ fn: c.fn, ms: performance.now() - t0 });
      }
      parentPort.postMessage(out);
    })();`,
    { eval: true, workerData: modules },
  );
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    once(worker, 'message').then(([r]) => r as { fn: string; ms: number }[]),
    new Promise<null>((done) => (timer = setTimeout(() => done(null), 30_000))),
  ]);
  clearTimeout(timer);
  await worker.terminate();
  assert.notEqual(result, null, 'a reader or story took more than 30 s over lines of 100,000 spaces');
  assert.deepEqual(
    result!.map((r) => r.fn),
    CASES.map((c) => c.fn),
  );
});
