// Every pattern a reader applies to a line is linear in the line (issue 17): a lazy group before trailing
// spaces (`(.*?)\s*$`) or between two runs of spaces (`\s*(.+?)\s*literal`) backtracks over a long run of
// spaces — fuzz seed 1 input 3946 spent minutes in one such winver pattern. Each reader here gets lines
// built to hit those shapes (long runs of ASCII and ideographic spaces, one-byte and two-byte text) after
// the prefixes its patterns start with. Synchronous code cannot be stopped by a test timeout, so the readers
// run on a thread that is ended after 30 s; all of them together take well under a second.

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

const CASES: { module: string; fn: string; text: string }[] = [
  {
    module: './dism-console.js',
    fn: 'parseDismConsole',
    text: hostile([
      'The DISM log file can be found at ',
      '可以在 ',
      'DISM 日志文件位于 ',
      'Error: 0x800f081f ',
    ]),
  },
  {
    module: './package-list.js',
    fn: 'parsePackageList',
    text: hostile(['Package Identity : ', '程序包标识 : ', 'State : ', 'HotFixID   ']),
  },
  {
    module: './file-hash.js',
    fn: 'parseFileHashes',
    text: hostile(['Algorithm : ', 'Hash      : ', 'Path      : ', 'SHA256 hash of ']),
  },
  {
    module: './os-version.js',
    fn: 'parseOsVersions',
    text: hostile([
      'Version 1809 (OS Build 17763.1879)\r\n',
      '    CurrentBuild    REG_SZ    ',
      'UBR : ',
      'The ',
    ]),
  },
];

test('readers of captured outputs are linear in the line: long runs of spaces cost milliseconds', async () => {
  const modules = CASES.map((c) => ({ ...c, module: new URL(c.module, import.meta.url).href }));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const out = [];
      for (const c of workerData) {
        const m = await import(c.module);
        const t0 = performance.now();
        m[c.fn](c.text);
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
  assert.notEqual(result, null, 'a reader took more than 30 s over lines of 100,000 spaces');
  assert.deepEqual(
    result!.map((r) => r.fn),
    CASES.map((c) => c.fn),
  );
});
