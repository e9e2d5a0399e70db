// The seeds' version facts, as the engineers worked them out by hand, must come out of the tables:
// seed 001 (servicing stack components of KB5014692/KB5015811), seed 003 (a January 2021 manifest),
// seed 004 (a 17763.1879 component from KB5001342, the wkscli.dll base at 17763.2803, efisys at .4974).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { updateByKb, updateShippingVersion } from './builds.js';
import { explain } from './explain.js';

const shipped = (v: string): string | undefined => updateShippingVersion(v)?.update.kb;

test('seed 001: the two servicing stack folders belong to the June and July 2022 updates', () => {
  assert.equal(shipped('10.0.17763.2980'), 'KB5014692');
  assert.equal(shipped('10.0.17763.3100'), 'KB5015811');
  assert.equal(updateByKb('KB5014692')?.date, '2022-06-14');
  assert.equal(updateByKb('KB5015811')?.date, '2022-07-12');
});

test('seed 003: a 17763.1697 manifest is the January 2021 update; KB5003171 is May 2021', () => {
  const s = updateShippingVersion('10.0.17763.1697');
  assert.equal(s?.update.date, '2021-01-12');
  assert.equal(s?.exact, true);
  assert.equal(updateByKb('KB5003171')?.build, '17763.1935');
  assert.ok(updateByKb('KB5003171')?.prerequisites.includes('KB5003243'));
});

test('seed 004: 17763.1879 is KB5001342; later component versions map to their updates', () => {
  assert.equal(shipped('10.0.17763.1879'), 'KB5001342');
  assert.equal(shipped('10.0.17763.2803'), 'KB5012647');
  assert.equal(shipped('10.0.17763.4974'), 'KB5031361');
  const x = explain('amd64_hyperv-vmsynthnic_31bf3856ad364e35_10.0.17763.1879_none_fc948d4afe9ac7bb');
  assert.equal(x.kind, 'component');
  if (x.kind === 'component') {
    assert.equal(x.parts.name, 'hyperv-vmsynthnic');
    assert.equal(x.shippedBy?.update.kb, 'KB5001342');
  }
  const b = explain('17763.774');
  assert.equal(b.kind, 'build');
  if (b.kind === 'build') assert.ok(b.missing.some((u) => u.kb === 'KB5001342'));
});
