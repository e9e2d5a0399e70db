// Detection of the captured-output formats, across modules: each module's samples are taken by its own
// detector, and no capture detector takes the head of a real log, a systeminfo sample or another module's
// samples, except for the pairs listed in `mayOverlap`. The event export formats (tables, PowerShell lists,
// XML) are held apart from the wevtutil text export too, both ways.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lines, logHeads } from './capture-test-support.js';
import { detectDismConsole, samples as dismSamples } from './dism-console.js';
import { detectEventCsv, samples as eventCsvSamples } from './event-csv.js';
import { detectEventList, samples as eventListSamples } from './event-list.js';
import { detectEventText, samples as eventTextSamples } from './event-text.js';
import { detectEventXml, samples as eventXmlSamples } from './event-xml.js';
import { detectFileHash, samples as hashSamples } from './file-hash.js';
import { detectOsVersion, samples as osVersionSamples } from './os-version.js';
import { detectPackageList, samples as packageSamples } from './package-list.js';
import { detectRegistryExport, samples as registrySamples } from './registry-export.js';
import { detectSfcConsole, samples as sfcSamples } from './sfc-console.js';
import { samples as systemInfoSamples } from './systeminfo.js';

type Capture =
  | 'dism-console'
  | 'sfc-console'
  | 'file-hash'
  | 'registry-export'
  | 'os-version'
  | 'package-list'
  | 'event-csv'
  | 'event-list'
  | 'event-xml';

const captures: { name: Capture; detect: (lines: string[]) => boolean; samples: { text: string }[] }[] = [
  { name: 'dism-console', detect: detectDismConsole, samples: dismSamples },
  { name: 'sfc-console', detect: detectSfcConsole, samples: sfcSamples },
  { name: 'file-hash', detect: detectFileHash, samples: hashSamples },
  { name: 'registry-export', detect: detectRegistryExport, samples: registrySamples },
  { name: 'os-version', detect: detectOsVersion, samples: osVersionSamples },
  { name: 'package-list', detect: detectPackageList, samples: packageSamples },
  { name: 'event-csv', detect: detectEventCsv, samples: eventCsvSamples },
  { name: 'event-list', detect: detectEventList, samples: eventListSamples },
  { name: 'event-xml', detect: detectEventXml, samples: eventXmlSamples },
];

/**
 * Whose samples each detector is not held to refuse (systeminfo's every detector refuses). The OS version
 * samples are held against their own detector only, and os-version's detector is not held to refuse the
 * registry samples: a `reg query` of the CurrentVersion key is registry output and an OS version capture
 * alike (a caller tests detectOsVersion first).
 */
const mayOverlap: Record<Capture, Capture[]> = {
  'dism-console': [],
  'sfc-console': [],
  'file-hash': [],
  // A `reg query` of CurrentVersion is registry output too: the analysis asks os-version first.
  'registry-export': ['os-version'],
  'os-version': [],
  'package-list': [],
  'event-csv': [],
  'event-list': [],
  'event-xml': [],
};

test('each capture sample is detected by its own detector', () => {
  for (const c of captures)
    for (const s of c.samples) assert.ok(c.detect(lines(s.text)), `${c.name}: ${s.text.slice(0, 80)}`);
});

test('detection matrix: no capture detector takes a log head, systeminfo or another capture’s samples', () => {
  const heads = logHeads();
  for (const c of captures) {
    for (const h of heads) assert.equal(c.detect(h.lines), false, `${c.name} on ${h.name}`);
    const others = [
      { name: 'systeminfo', samples: systemInfoSamples },
      ...captures.filter((o) => o !== c && !mayOverlap[c.name].includes(o.name)),
    ];
    for (const o of others)
      for (const s of o.samples)
        assert.equal(c.detect(lines(s.text)), false, `${c.name} on ${o.name}: ${s.text.slice(0, 80)}`);
  }
});

test('the event export detectors and the wevtutil text one never take each other’s samples', () => {
  const exports = captures.filter((c) => c.name.startsWith('event-'));
  for (const s of eventTextSamples)
    for (const c of exports) assert.equal(c.detect(lines(s.text)), false, `${c.name} on event-text`);
  for (const c of exports)
    for (const s of c.samples)
      assert.equal(detectEventText(lines(s.text)), false, `event-text on ${c.name}: ${s.text.slice(0, 80)}`);
});
