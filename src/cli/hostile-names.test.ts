// The CLI in-process through `Io`: file names, zip entry names, argument values and case-desk fields that
// carry terminal escape sequences (set the window title, clear the screen, C1 CSI, bidi override) never
// reach stdout or stderr raw; they are shown as visible escapes.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { zipSync } from 'fflate';
import { analyzeCommand } from './commands/analyze.js';
import { caseCommand } from './commands/case.js';
import { draftCommand } from './commands/draft.js';
import { explainCommand } from './commands/explain.js';
import type { Io } from './io.js';
import { renderAdded, renderCase, renderList } from '../cases/render.js';
import { binPath } from '../testing/paths.js';

const ESC_NAME = '\x1b]0;PWN\x07\x1b[2J\x9b2J\u202e';

function capture(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    outIsTty: true,
    errIsTty: false,
    defaultLang: 'en',
    noColorEnv: false,
  };
  return { io, out, err };
}

function assertClean(s: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.exec(s);
  assert.equal(
    bad,
    null,
    `${what}: raw U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(s)}`,
  );
}

/** Colour is the report's own: stdout may carry SGR sequences it wrote, nothing else. */
function withoutOwnColour(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

function withTemp<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-hostile-cli-'));
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('analyze: a zip entry named ESC]0;PWN BEL ESC[2J is named escaped on stderr', () =>
  withTemp(async (dir) => {
    const zip = join(dir, 'bundle.zip');
    writeFileSync(zip, zipSync({ [`${ESC_NAME}.log`]: new Uint8Array(0) }));
    for (const format of ['text', 'md', 'html', 'json']) {
      const { io, out, err } = capture();
      assert.equal(await analyzeCommand([zip, '--format', format], io), 2);
      assert.match(err.join(''), /^patchdx: bundle\.zip\/\\x1b\]0;PWN\\x07\\x1b\[2J\\x9b2J\\u202e\.log: /);
      assertClean(err.join(''), `stderr (${format})`);
      assertClean(withoutOwnColour(out.join('')), `stdout (${format})`);
    }
  }));

test('analyze and draft: a file with an escape in its name, in a folder, is named escaped', () =>
  withTemp(async (dir) => {
    const dbDir = mkdtempSync(join(tmpdir(), 'patchdx-hostile-db-'));
    after(() => rmSync(dbDir, { recursive: true, force: true }));
    writeFileSync(join(dir, `CBS${ESC_NAME}.log`), '');
    for (const run of [
      (io: Io) => analyzeCommand([dir], io),
      (io: Io) => draftCommand(['analysis', dir], io),
      (io: Io) => caseCommand(['add', 'CAS-1', dir, '--db', join(dbDir, 'c.db')], io, ctx(dbDir)),
    ]) {
      const { io, out, err } = capture();
      assert.equal(await run(io), 2);
      assert.match(err.join(''), /CBS\\x1b\]0;PWN\\x07/);
      assertClean(err.join(''), 'stderr');
      assertClean(withoutOwnColour(out.join('')), 'stdout');
    }
  }));

test('argument values echoed in usage errors are escaped', async () => {
  const runs: ((io: Io) => Promise<number>)[] = [
    (io) => analyzeCommand(['x.log', '--format', ESC_NAME], io),
    (io) => analyzeCommand(['x.log', '--schema', ESC_NAME], io),
    (io) => analyzeCommand(['x.log', '--lang', ESC_NAME], io),
    (io) => analyzeCommand(['x.log', `--${ESC_NAME}`], io),
    (io) => explainCommand([`--${ESC_NAME}`], io),
    (io) => draftCommand([`--${ESC_NAME}`], io),
    (io) => caseCommand([ESC_NAME], io, ctx(tmpdir())),
    (io) => caseCommand(['list', `--${ESC_NAME}`], io, ctx(tmpdir())),
  ];
  for (const run of runs) {
    const { io, out, err } = capture();
    assert.equal(await run(io), 2);
    assert.match(err.join(''), /\\x1b\]0;PWN/);
    assertClean(err.join('') + out.join(''), 'output');
  }
});

function ctx(dir: string): Parameters<typeof caseCommand>[2] {
  return { env: { PATCHDX_DATA: dir, HOME: dir }, pid: process.pid, isAlive: () => false };
}

test('case desk: case numbers, names and notes with escapes are printed escaped (text and --json)', () =>
  withTemp(async (dir) => {
    const db = ['--db', join(dir, 'cases.db')];
    const c = ctx(dir);
    const runs: string[][] = [
      ['new', `CAS-1${ESC_NAME}`, '--customer', `A${ESC_NAME}`, '--org', ESC_NAME, ...db],
      ['note', `CAS-1${ESC_NAME}`, `called ${ESC_NAME}`, ...db],
      ['list', ...db],
      ['list', '--json', ...db],
      ['show', `CAS-1${ESC_NAME}`, ...db],
      ['show', `CAS-1${ESC_NAME}`, '--json', ...db],
      ['draft', `CAS-1${ESC_NAME}`, 'followup', ...db],
      ['export', `CAS-1${ESC_NAME}`, ...db],
      ['show', `CAS-2${ESC_NAME}`, ...db],
    ];
    for (const args of runs) {
      const { io, out, err } = capture();
      await caseCommand(args, io, c);
      const all = out.join('') + err.join('');
      if (args[0] !== 'note') assert.match(all, /\\x1b\]0;PWN|\\u001b\]0;PWN/, `${args[0]} shows the name`);
      assertClean(all, `case ${args.join(' ')}`);
    }
  }));

test('case views (render.ts) escape what came from input', () => {
  const list = renderList(
    [
      {
        number: `CAS-1${ESC_NAME}`,
        status: 'open',
        priority: ESC_NAME,
        engineer: ESC_NAME,
        machines: 1,
        rounds: 1,
        nextContact: '2026-01-05',
        overdueDays: null,
        customer: ESC_NAME,
        org: null,
      } as unknown as Parameters<typeof renderList>[0][number],
    ],
    'en',
  );
  assertClean(list, 'renderList');
  const finding = { message: { en: ESC_NAME, zh: ESC_NAME }, signature: ESC_NAME };
  const added = renderAdded(
    `CAS-1${ESC_NAME}`,
    {
      machine: ESC_NAME,
      seq: 2,
      kept: false,
      notKept: ESC_NAME,
      diff: {
        previous: 1,
        verdictBefore: 'failed',
        verdictAfter: 'failed',
        resolved: [finding],
        added: [finding],
        persisting: [finding],
        nowInstalled: [{ update: ESC_NAME, failedBefore: true }],
        stillFailing: [ESC_NAME],
      },
    } as unknown as Parameters<typeof renderAdded>[1],
    'en',
  );
  assert.ok(added.includes('\\x1b]0;PWN'));
  assertClean(added, 'renderAdded');
  assert.equal(typeof renderCase, 'function');
});

test('main: an unknown command with escapes is named escaped (the built bin)', () => {
  const bin = binPath();
  const r = spawnSync(process.execPath, [bin, ESC_NAME], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command "\\x1b\]0;PWN/);
  assertClean(r.stderr + r.stdout, 'main');
});
