// Property tests (fast-check) of the readers' invariants on generated input: real log lines of each format
// (from the corpus and the formats' samples) mixed with arbitrary text, control characters, terminal
// sequences and cut lines. Whatever the input: no parser throws, the analysis never throws, every line
// number it quotes lies within the input, and every evidence line is really in the input at that line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeBuffer } from '../analyze/analyze.js';
import type { Diagnosis, Evidence } from '../model/types.js';
import { parseWuLine } from './windows-update-log.js';
import { parseSetupLine, setupDiagLine } from './setupact.js';
import { reportingLine } from './reporting-events.js';
import { EventTextReader } from './event-text.js';

// Real lines, one family per format the analysis reads as text (corpus cbs01, wu01, setup01, re01, evt01).
const FAMILIES: Record<string, string[]> = {
  'CBS.log': [
    '2023-01-05 17:16:16, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 31008853_2040470245, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10',
    '2023-01-05 17:16:17, Info                  CSI    00003e98 (F) Unable to load manifest for amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.17763.2980_none_56b389839943c990 [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
    '2023-01-05 17:16:18, Error                 CBS    Failed to resolve package [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
    '2023-01-05 17:16:19, Info                  CBS    Exec: Processing complete.  Session: 31008853_2040470245, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10 [HRESULT = 0x80073712 - ERROR_SXS_COMPONENT_STORE_CORRUPT]',
  ],
  'WindowsUpdate.log': [
    '2023/05/22 08:22:20.0614505 2288  2488  Driver          *FAILED* [800F024B] Error Installing PnP Driver pci\\ven_10de&dev_1b81',
    '2023/05/22 08:22:20.0686513 2288  2488  Handler         *FAILED* [800F024B] Driver Install of {4E95DCBD-E67C-46AF-985B-F29D655C3480} on pci\\ven_10de&dev_1b81 (mapping to error 8024200B)',
    '2023/05/22 08:22:20.0687608 2288  2488  Handler         Exit code = 0x8024200B',
    '2023/05/22 08:22:20.0699170 6868  6776  Agent           LogHistory called. idUpdate={4E95DCBD-E67C-46AF-985B-F29D655C3480}.1, resultMapped=800F024B, resultUnMapped=800F024B',
  ],
  'setupact.log': [
    '2023-05-23 00:21:30, Info                  MOUPG  *************** SetupHost Logging Begin ***************',
    '2023-05-23 00:21:31, Error                 SP     Operation failed: Apply image. Error: 0x8007000D[gle=0x0000000d]',
    '2023-05-23 00:21:32, Error                 MOUPG  SetupHost: Result = 0x8007000D',
  ],
  'events.csv': [
    'Level,Date and Time,Source,Event ID,Task Category',
    'Error,5/22/2023 8:22:20 AM,Microsoft-Windows-WindowsUpdateClient,20,Windows Update Agent,"Installation Failure: Windows failed to install the following update with error 0x80070643: 2024-01 Security Update (KB5034441)."',
    'Information,5/22/2023 8:20:00 AM,Microsoft-Windows-WindowsUpdateClient,43,Windows Update Agent,"Installation Started: Windows has started installing the following update: 2024-01 Security Update (KB5034441)"',
  ],
};

const HOSTILE = ['\x1b]0;x\x07', '\x1b[2J', '\x9b1m', '\u202e', '<script>', '\x00', '\t\t\t', '"', '{', '\r'];

/** A line: a real one, a real one with hostile text spliced in or cut, or arbitrary text. */
const lineOf = (family: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...family),
    fc
      .tuple(fc.constantFrom(...family), fc.nat(), fc.constantFrom(...HOSTILE))
      .map(([l, at, h]) => l.slice(0, at % (l.length + 1)) + h + l.slice(at % (l.length + 1))),
    fc.tuple(fc.constantFrom(...family), fc.nat()).map(([l, at]) => l.slice(0, at % (l.length + 1))),
    fc.string({ maxLength: 80 }),
  );

/** Every evidence line of a diagnosis. */
function evidenceOf(d: Diagnosis): Evidence[] {
  return [...d.findings.flatMap((f) => f.evidence), ...d.attempts.flatMap((a) => a.evidence)];
}

for (const [name, family] of Object.entries(FAMILIES)) {
  test(`${name}: the analysis never throws, quotes lines within the input and really in it`, () => {
    fc.assert(
      fc.property(fc.array(lineOf(family), { minLength: 1, maxLength: 40 }), fc.boolean(), (lines, crlf) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        const d = analyzeBuffer(name, Buffer.from(text, 'utf8'));
        // Lines as the readers count them: physical lines of the UTF-8 text.
        const physical = Buffer.from(text, 'utf8').toString('utf8').split(/\r?\n/);
        for (const e of evidenceOf(d)) {
          if (e.file !== name) continue;
          assert.ok(e.line >= 1 && e.line <= physical.length, `line ${e.line} of ${physical.length}`);
          const at = physical[e.line - 1]!;
          // An event's evidence names the event after its text: `… (event 43, 2023-05-22T08:20:00)`.
          const quoted = e.text.replace(/ \(event \d+, [^)]*\)$/, '').trim();
          assert.ok(
            at.includes(quoted),
            `evidence ${JSON.stringify(e.text)} at line ${e.line}: ${JSON.stringify(at)}`,
          );
        }
        for (const x of d.diagnostics)
          if (x.line !== undefined && x.file === name)
            assert.ok(x.line >= 1 && x.line <= physical.length + 1);
      }),
      { numRuns: 60, seed: 20261202 },
    );
  });
}

test('line parsers never throw and keep the line number they are given', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 1e7 }), (s, n) => {
      for (const r of [
        parseWuLine(s, n, 'win10'),
        parseWuLine(s, n, 'win7'),
        parseSetupLine(s, n),
        setupDiagLine(s, n),
        reportingLine(`{${s}`, n),
      ])
        if (r) assert.equal(r.line, n);
      const events: number[] = [];
      const reader = new EventTextReader((e) => events.push(e.line));
      reader.line(`Event[0]:`, n);
      reader.line(s, n + 1);
      reader.finish();
      for (const l of events) assert.ok(l >= n && l <= n + 1);
    }),
    { numRuns: 2000, seed: 17 },
  );
});
