// Tests of the update knowledge: the support threads' facts (seeds 003 and 004), every lookup, the SSU rule,
// build parsing in each form a log gives, and unknown input.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  latestSsuBefore,
  missingSince,
  parseBuild,
  updateByKb,
  updateForBuild,
  updateShippingVersion,
  updatesForBuild,
  updateTableProblems,
  type UpdateInfo,
} from './builds.js';

function kbs(list: UpdateInfo[]): string[] {
  return list.map((u) => u.kb);
}

describe('table', () => {
  it('loads without problems', () => {
    assert.deepEqual(updateTableProblems(), []);
  });

  it('holds every OS build it claims, with evidence on every row', () => {
    const counts: Record<number, number> = {};
    for (const os of [17763, 19045, 20348, 22631, 26100]) {
      const rows = updatesForBuild(os);
      counts[os] = rows.length;
      for (const u of rows) {
        assert.match(u.kb, /^KB\d{6,7}$/);
        assert.ok(u.evidence.length > 10, `${u.kb} needs evidence`);
        assert.ok(u.title && u.release, `${u.kb} needs a title and a release`);
        if (u.kind === 'CU' || u.kind === 'preview' || u.kind === 'OOB') {
          assert.ok(u.build !== null && u.date !== null, `${u.kb} needs a build and a date`);
        }
      }
    }
    // kb-17763.tsv has 154 rows; all are kept, plus later 1809 releases.
    assert.ok((counts[17763] ?? 0) >= 154, `17763: ${counts[17763]}`);
    for (const os of [19045, 20348, 22631, 26100]) assert.ok((counts[os] ?? 0) >= 5, `${os}: ${counts[os]}`);
  });

  it('sorts each family by date', () => {
    for (const os of [17763, 19045, 20348, 22631, 26100]) {
      const dates = updatesForBuild(os)
        .map((u) => u.date)
        .filter((d): d is string => d !== null);
      assert.deepEqual(dates, [...dates].sort(), `${os} not sorted`);
    }
  });

  it('uses all three confidence levels', () => {
    const levels = new Set(updatesForBuild(17763).map((u) => u.confidence));
    assert.deepEqual([...levels].sort(), ['high', 'low', 'medium']);
  });

  it('returns copies: changing a result does not change the table', () => {
    const u = updateByKb('KB5001342');
    assert.ok(u);
    u.prerequisites.push('KB0000000');
    u.build = 'changed';
    assert.equal(updateByKb('KB5001342')?.build, '17763.1879');
    assert.deepEqual(updateByKb('KB5001342')?.prerequisites, []);
  });
});

describe('updateByKb', () => {
  it('knows the April 2021 CU of seed 004 in every spelling', () => {
    for (const q of ['KB5001342', '5001342', 'kb5001342', ' KB 5001342 ']) {
      const u = updateByKb(q);
      assert.equal(u?.kb, 'KB5001342', q);
      assert.equal(u?.osBuild, 17763);
      assert.equal(u?.kind, 'CU');
      assert.equal(u?.date, '2021-04-13');
      assert.equal(u?.build, '17763.1879');
      assert.equal(u?.confidence, 'high');
    }
  });

  it('knows the November 2023 CU of seed 004 and what it needs first', () => {
    const u = updateByKb('KB5032196');
    assert.equal(u?.date, '2023-11-14');
    assert.equal(u?.build, '17763.5122');
    assert.equal(u?.kind, 'CU');
    assert.deepEqual(u?.prerequisites, ['KB5005112', 'KB5032306']);
  });

  it('classifies SSUs, previews and out-of-band releases', () => {
    assert.equal(updateByKb('KB5005112')?.kind, 'SSU');
    assert.equal(updateByKb('KB5005112')?.date, '2021-08-10');
    assert.equal(updateByKb('KB4516077')?.kind, 'preview');
    assert.equal(updateByKb('KB5004947')?.kind, 'OOB');
    assert.equal(updateByKb('KB4486153')?.kind, 'NET');
    assert.equal(updateByKb('KB5015684')?.kind, 'other');
  });

  it('returns null for unknown or malformed KBs', () => {
    assert.equal(updateByKb('KB0000001'), null);
    assert.equal(updateByKb('KB'), null);
    assert.equal(updateByKb('5001342x'), null);
    assert.equal(updateByKb(''), null);
    assert.equal(updateByKb(undefined as unknown as string), null);
  });
});

describe('updateForBuild', () => {
  it('names the update of a UBR: seed 004 stuck at 17763.774, the September 2019 preview', () => {
    const u = updateForBuild('17763.774');
    assert.equal(u?.kb, 'KB4516077');
    assert.equal(u?.kind, 'preview');
    assert.equal(u?.date, '2019-09-24');
  });

  it('accepts the 10.0. form and tells neighbouring builds apart', () => {
    assert.equal(updateForBuild('10.0.17763.1879')?.kb, 'KB5001342');
    assert.equal(updateForBuild('17763.3532')?.kb, 'KB5018419');
    assert.equal(updateForBuild('17763.3534')?.kb, 'KB5020438');
    assert.equal(updateForBuild('17763.3534')?.kind, 'OOB');
  });

  it('resolves family members to the shared update', () => {
    assert.equal(updateForBuild('19044.5247')?.kb, 'KB5048652');
    assert.equal(updateForBuild('22621.2861')?.kb, 'KB5033375');
    assert.equal(updateForBuild('22631.2861')?.kb, 'KB5033375');
    assert.equal(updateForBuild('22621.1105')?.kb, 'KB5022303');
  });

  it('returns null for a UBR no update has, or no build at all', () => {
    assert.equal(updateForBuild('17763.1880'), null);
    assert.equal(updateForBuild('14393.1000'), null);
    assert.equal(updateForBuild('not a build'), null);
  });
});

describe('updateShippingVersion', () => {
  it('seed 003: the corrupt 10.0.17763.1697 manifest belongs to the January 2021 CU', () => {
    const key =
      'amd64_windows-id-connecte..nt-provider-wlidfdp_31bf3856ad364e35_10.0.17763.1697_none_f17c692b894fca9f';
    const r = updateShippingVersion(key);
    assert.equal(r?.update.kb, 'KB4598230');
    assert.equal(r?.update.date, '2021-01-12');
    assert.equal(r?.exact, true);
  });

  it('seed 004: component version 17763.1879 came from the April 2021 CU KB5001342', () => {
    const r = updateShippingVersion(
      'amd64_hyperv-vmsynthnic_31bf3856ad364e35_10.0.17763.1879_none_fc948d4afe9ac7bb',
    );
    assert.equal(r?.update.kb, 'KB5001342');
    assert.equal(r?.exact, true);
    assert.equal(updateShippingVersion('17763.1879')?.update.kb, 'KB5001342');
  });

  it('seed 004: the other component versions it names', () => {
    assert.equal(updateShippingVersion('10.0.17763.2803')?.update.kb, 'KB5012647');
    assert.equal(updateShippingVersion('10.0.17763.4974')?.update.kb, 'KB5031361');
  });

  it('gives the next CU for a preview or out-of-band revision, not exact', () => {
    // 17763.1911 is the April 2021 preview KB5001384; the next CU is May 2021.
    assert.deepEqual(
      [updateShippingVersion('10.0.17763.1911')?.update.kb, updateShippingVersion('10.0.17763.1911')?.exact],
      ['KB5003171', false],
    );
  });

  it('maps 19041 component versions to the Windows 10 22H2 family', () => {
    const r = updateShippingVersion('10.0.19041.3803');
    assert.equal(r?.update.kb, 'KB5033372');
    assert.equal(r?.exact, true);
  });

  it('returns null below the first known update, above the last CU, or for unknown families', () => {
    assert.equal(updateShippingVersion('10.0.17763.1'), null);
    assert.equal(updateShippingVersion('10.0.17763.99999'), null);
    assert.equal(updateShippingVersion('10.0.14393.5000'), null);
    assert.equal(updateShippingVersion('Package_2_for_KB5032196~31bf3856ad364e35~amd64~~10.0.1.11'), null);
    assert.equal(updateShippingVersion(''), null);
  });
});

describe('missingSince', () => {
  it('seed 004: a machine at 17763.774 never installed the CUs from October 2019 on', () => {
    const missing = missingSince('17763.774');
    const names = kbs(missing);
    assert.equal(names[0], 'KB4519338');
    assert.ok(names.includes('KB5001342'));
    assert.ok(names.includes('KB5032196'));
    assert.ok(!names.includes('KB4516077') && !names.includes('KB4512578'));
    assert.ok(missing.every((u) => u.kind === 'CU'));
    const dates = missing.map((u) => u.date ?? '');
    assert.deepEqual(dates, [...dates].sort());
    assert.ok(dates.every((d) => d > '2019-09-24'));
  });

  it('starts after the machine’s own CU', () => {
    const names = kbs(missingSince('10.0.17763.5122'));
    assert.ok(!names.includes('KB5032196'));
    assert.equal(names[0], 'KB5033371');
  });

  it('returns [] for unknown families and unparsable builds', () => {
    assert.deepEqual(missingSince('14393.1000'), []);
    assert.deepEqual(missingSince('garbage'), []);
  });
});

describe('SSUs', () => {
  it('KB5005112 is the prerequisite of every 1809 CU from August 2021 on', () => {
    const later = updatesForBuild(17763).filter((u) => u.kind === 'CU' && (u.date ?? '') >= '2021-08-10');
    assert.ok(later.length > 40);
    for (const u of later) assert.ok(u.prerequisites.includes('KB5005112'), u.kb);
  });

  it('every prerequisite is an SSU of the same OS build released no later than the update', () => {
    for (const u of updatesForBuild(17763)) {
      for (const p of u.prerequisites) {
        const ssu = updateByKb(p);
        assert.equal(ssu?.kind, 'SSU', `${u.kb} needs ${p}`);
        assert.equal(ssu?.osBuild, u.osBuild);
        assert.ok((ssu?.date ?? '9999') <= (u.date ?? ''), `${p} after ${u.kb}`);
      }
    }
  });

  it('latestSsuBefore finds the SSU in force on a date', () => {
    assert.equal(latestSsuBefore('2021-08-10', 17763)?.kb, 'KB5005112');
    assert.equal(latestSsuBefore('2023-09-12', 17763)?.kb, 'KB5005112');
    assert.equal(latestSsuBefore('2019-04-09', 17763)?.kb, 'KB4493510');
    assert.equal(latestSsuBefore('2021-05', 17763)?.kb, 'KB5003243');
    assert.equal(latestSsuBefore('2021-05-11 09:00:00', 17763)?.kb, 'KB5003243');
  });

  it('latestSsuBefore returns null before the first SSU, without standalone SSUs, or for bad input', () => {
    assert.equal(latestSsuBefore('2018-01-01', 17763), null);
    assert.equal(latestSsuBefore('2024-01-01', 19045), null);
    assert.equal(latestSsuBefore('yesterday', 17763), null);
    assert.equal(latestSsuBefore('2021-08-10', 12345), null);
  });
});

describe('parseBuild', () => {
  it('reads every form a log gives', () => {
    const cases: [string, number, number][] = [
      ['10.0.17763.774', 17763, 774],
      ['17763.774', 17763, 774],
      ['Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10', 17763, 3165],
      ['amd64_hyperv-vmsynthnic_31bf3856ad364e35_10.0.17763.1879_none_fc948d4afe9ac7bb', 17763, 1879],
      ['Loaded Servicing Stack v10.0.17763.2803 with Core: C:\\Windows\\winsxs\\…', 17763, 2803],
      ['Windows 10 Enterprise 22H2 (OS Build 19045.5247)', 19045, 5247],
      ['10.0.26100.1', 26100, 1],
    ];
    for (const [text, osBuild, ubr] of cases) assert.deepEqual(parseBuild(text), { osBuild, ubr }, text);
  });

  it('prefers the 10.0. form over an earlier bare number', () => {
    assert.deepEqual(parseBuild('session 12345.6, version 10.0.17763.107'), { osBuild: 17763, ubr: 107 });
  });

  it('returns null when there is no build', () => {
    for (const text of [
      '',
      'hello',
      '10.0.17763',
      '2019-07-10 03:12:44, Info                  CBS    Exec: Processing started.',
      'Package_2_for_KB5032196~31bf3856ad364e35~amd64~~10.0.1.11',
      '6.3.9600.16384',
      '1.2.3.4',
    ]) {
      assert.equal(parseBuild(text), null, text);
    }
    assert.equal(parseBuild(null as unknown as string), null);
  });
});
