// An input holding several machines' logs is read once more per machine, except the machine whose CBS and
// dism logs the pass read first: its analysis goes on from the pass's state after them. Whichever way a
// machine is analysed, its diagnosis is the same: checked against reading every machine again, on mixes of
// real logs (a rotated copy read through the overlap filter, a split read, a machine told by an event log
// alone, a first machine whose logs are not the first read), and for the engine's marks on their own.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { analyzePath, type AnalyzeOptions } from './analyze.js';
import { corpusPath, examplePath } from '../testing/paths.js';
import { assemble } from './assemble.js';
import { CbsLineParser } from '../parse/cbs.js';
import { Engine, type EngineState } from '../rules/engine.js';
import type { Diagnosis, LogEntry } from '../model/types.js';

/** The diagnosis without its timings (the only field two readings of one input may differ in). */
function untimed(d: Diagnosis): unknown {
  return JSON.parse(JSON.stringify(d, (k, v: unknown) => (k === 'ms' ? undefined : v)));
}

/** A corpus log's text with every stamp moved back a century: an older, rotated log of the same machine. */
function aged(path: string): Buffer {
  // Read as Latin-1, a UTF-8 byte-order mark is these three characters.
  return Buffer.from(readFileSync(path, 'latin1').replace(/^(\xef\xbb\xbf)?20(\d\d-)/gm, '$119$2'), 'latin1');
}

/** A folder of the given files (corpus paths, or names with contents) under a fresh temporary folder. */
function folder(files: Record<string, string | Buffer>): { dir: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'patchdx-machines-'));
  const dir = join(root, 'bundle');
  for (const [name, from] of Object.entries(files)) {
    const to = join(dir, name);
    mkdirSync(join(to, '..'), { recursive: true });
    if (typeof from === 'string') copyFileSync(from, to);
    else writeFileSync(to, from);
  }
  return { dir, done: () => rmSync(root, { recursive: true, force: true }) };
}

/** The input's diagnosis as made, the machines that went on from the pass, and as made reading each again. */
function both(
  dir: string,
  opts: AnalyzeOptions = {},
): { made: Diagnosis; reused: number[]; reread: Diagnosis } {
  const reused: number[] = [];
  const made = analyzePath(dir, { ...opts, onMachineReused: (i) => reused.push(i) });
  const reread = analyzePath(dir, { ...opts, machinesReread: true });
  return { made, reused, reread };
}

const W11_CBS = corpusPath('cbs16-jessestew-w11-22h2-healthy', 'CBS.log');
const W10_CBS = corpusPath('cbs02-appostarsi-w10-pendingrepair', 'CBS_5_23.log');
const W1903_CBS = corpusPath('cbs08-jose-1903-healthy', 'CBS.log');
const W1809_CBS = corpusPath('cbs19-michampr-upgrade-isserviceable', 'cbs.log');
const W11_DISM = corpusPath('dism02-appostarsi-w11-wim-source', 'dism.log');
const W10_DISM_MULTI = corpusPath('dism03-appostarsi-w10-multi', 'dism_5_23.log');
const EVTX_1703 = corpusPath('evtx01-omerbenamram-w10-1703-kb4025342-80248007', 'system.evtx');

/** A `systeminfo` capture naming a computer and a build. */
function systeminfo(build: string): Buffer {
  const lines = [
    '',
    'Host Name:                 PC-0042',
    'OS Name:                   Microsoft Windows 10 Enterprise LTSC 2019',
    `OS Version:                10.0.${build} N/A Build ${build}`,
    'Hotfix(s):                 1 Hotfix(s) Installed.',
    '                           [01]: KB4486153',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

const MIXES: { name: string; files: Record<string, string | Buffer>; reuses: boolean }[] = [
  {
    // The benchmark's shape: a log and its rotated copy read first, another build's log, an event log.
    name: "CBS.log and a rotated log of one machine, another build's CBS.log, an event log",
    files: {
      'CBS/CbsPersist_19230101000000.log': aged(W10_CBS),
      'CBS/CBS.log': W10_CBS,
      'other/CBS.log': W11_CBS,
      'EventLogs/System.evtx': EVTX_1703,
    },
    reuses: true,
  },
  {
    // Every CBS log one machine's; a capture of the machine's commands names another build.
    name: 'all CBS logs of one build, a systeminfo capture naming another',
    files: {
      'CBS/CbsPersist_19230101000000.log': aged(W10_CBS),
      'CBS/CBS.log': W10_CBS,
      'Commands/systeminfo.txt': systeminfo('17763'),
    },
    reuses: true,
  },
  {
    name: 'two machines, a dism and a CBS log read first, then the other',
    files: { 'a/dism.log': W10_DISM_MULTI, 'a/CBS.log': W10_CBS, 'b/CBS.log': W11_CBS },
    reuses: true,
  },
  {
    name: 'three builds, one log each',
    files: { 'x/CBS.log': W1809_CBS, 'y/CBS.log': W10_CBS, 'z/dism.log': W11_DISM },
    reuses: true,
  },
  {
    // Read oldest first: the 1903 log comes between the two Windows 11 logs, so no machine's logs lead.
    name: 'a machine whose logs are not the first read together',
    files: { 'p/old.log': aged(W11_DISM), 'q/CBS.log': W1903_CBS, 'p/CBS.log': W11_CBS },
    reuses: false,
  },
  {
    name: "the same log twice beside another machine's (read once through the overlap filter)",
    files: { 'one/CBS.log': W10_CBS, 'two/CBS (2).log': W10_CBS, 'three/CBS.log': W11_CBS },
    reuses: true,
  },
];

for (const mix of MIXES) {
  test(`machines: ${mix.name} — each machine's diagnosis as if its logs were read again`, () => {
    const { dir, done } = folder(mix.files);
    try {
      const { made, reused, reread } = both(dir);
      assert.ok((made.machines?.length ?? 0) >= 2, `expected several machines, got ${made.machines?.length}`);
      assert.deepEqual(untimed(made), untimed(reread));
      if (mix.reuses) assert.equal(reused.length, 1, 'the first machine read goes on from the pass');
      else assert.deepEqual(reused, []);
      // Every machine's findings cite only its own files.
      for (const m of made.machines!) {
        const own = new Set(m.files);
        for (const f of m.diagnosis.findings)
          for (const e of f.evidence) assert.ok(own.has(e.file), `${m.id} cites ${e.file}`);
      }
    } finally {
      done();
    }
  });
}

test('machines: the same with the large logs read by two threads', () => {
  const { dir, done } = folder(MIXES[2]!.files);
  try {
    const { made, reused, reread } = both(dir, { splitMinBytes: 16 * 1024 });
    assert.deepEqual(untimed(made), untimed(reread));
    assert.equal(reused.length, 1);
  } finally {
    done();
  }
});

test('machines: a pass stopped by its time limit leaves no state to go on from', () => {
  const { dir, done } = folder(MIXES[0]!.files);
  try {
    const reused: number[] = [];
    const d = analyzePath(dir, { timeoutMs: 0, onMachineReused: (i) => reused.push(i) });
    assert.ok(d.diagnostics.some((x) => /time limit/.test(x.message)));
    assert.deepEqual(reused, []);
  } finally {
    done();
  }
});

/** A log's entries as the analysis parses them. */
function entriesOf(path: string, name = basename(path)): LogEntry[] {
  const out: LogEntry[] = [];
  const parser = new CbsLineParser(name, 'utf8-bom', (e) => out.push(e));
  const text = readFileSync(path);
  let start = 0;
  let n = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === 0x0a) {
      const end = i > start && text[i - 1] === 0x0d ? i - 1 : i;
      parser.onLine(text, start, end, ++n);
      start = i + 1;
    }
  }
  parser.finish();
  return out;
}

/** What assembly reads of an engine. */
function state(e: EngineState): unknown {
  return structuredClone({
    findings: e.findings,
    attempts: e.tracker.attempts,
    overflow: e.overflowRuns,
    stack: e.tracker.servicingStack,
    versions: e.tracker.versionByFile,
    rollups: e.tracker.installedRollups,
  });
}

test('engine: the state at a mark is that of an engine that read only the logs before it', () => {
  const first = entriesOf(W10_CBS, 'first.log');
  const second = entriesOf(W11_CBS, 'second.log');
  const feed = (e: Engine, ...logs: LogEntry[][]): void => {
    for (const log of logs) for (const x of log) e.push(structuredClone(x));
    e.finish();
  };
  const whole = new Engine();
  feed(whole, first);
  const mark = whole.mark();
  assert.ok(mark, 'an engine between runs can be marked');
  feed(whole, second);
  const alone = new Engine();
  feed(alone, first);
  assert.deepEqual(state(whole.at(mark)), state(alone));
  assert.ok(alone.findings.length > 0 && alone.tracker.attempts.length > 0, 'the first log has findings');
  assert.ok(whole.findings.length > alone.findings.length, 'the second log added findings');
  // A mark is counts: marking after each of 10,000 logs costs the same as after one (no copy of what grows).
  assert.ok(
    JSON.stringify(mark).length < 200 && !Object.values(mark.tracker).some((v) => typeof v === 'object' && v),
  );
});

test("engine: assembly leaves the engine's findings and attempts as they were (a machine may take them over)", () => {
  const e = new Engine();
  for (const x of [...entriesOf(W10_CBS, 'a.log'), ...entriesOf(examplePath('CBS.log'), 'b.log')]) e.push(x);
  e.finish();
  const before = state(e);
  const d = assemble(
    e,
    [],
    [],
    [],
    { attempts: [], findings: [], hints: [], marks: [], policy: null, fileHashes: [], reportedBuilds: [] },
    { bytes: 0, lines: 0, entries: 0, ms: 0 },
  );
  assert.ok(
    d.findings.some((f) => f.root) && d.attempts.some((a) => a.findings.length > 0),
    'assembly had work',
  );
  assert.deepEqual(state(e), before);
});

test('engine: no mark while a run is open', () => {
  const e = new Engine();
  for (const x of entriesOf(W10_CBS).slice(0, 50)) e.push(x);
  assert.equal(e.mark(), null);
  e.finish();
  assert.notEqual(e.mark(), null);
});
