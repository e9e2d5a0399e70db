// A bundle laid out exactly as `patchdx collector` lays it out (COLLECTOR_LAYOUT), unpacked into a folder:
// the CBS and DISM logs, the systeminfo capture and the event log are read, every other file is listed
// with the reason it was skipped, and nothing stops the analysis. (zip.test.ts reads zips.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../knowledge/paths.js';
import { COLLECTOR_LAYOUT } from '../remedy/collector.js';
import { samples as systeminfoSamples } from '../parse/systeminfo.js';
import { analyzePath as analyzeFacts } from './analyze.js';
import { withAdvice } from '../index.js';
const analyzePath = (p: string): ReturnType<typeof analyzeFacts> => withAdvice(analyzeFacts(p));

const root = packageRoot();
const corpus = join(root, '..', 'shared', 'corpus');

test('a collector-layout bundle: CBS, DISM, systeminfo, event and Windows Update logs read, the rest skipped with reasons', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patchdx-bundle-'));
  try {
    const put = (path: string, data: Buffer | string): void => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), data);
    };
    const layout = new Set(COLLECTOR_LAYOUT.map((e) => e.path));
    for (const p of [
      'CBS/',
      'DISM/',
      'Commands/systeminfo.txt',
      'EventLogs/System.evtx',
      'WindowsUpdate/ReportingEvents.log',
    ]) {
      assert.ok(layout.has(p), `collector layout has ${p}`);
    }
    put('manifest.json', JSON.stringify({ files: [], items: {}, errors: [] }));
    mkdirSync(join(dir, 'CBS'), { recursive: true });
    copyFileSync(join(root, 'examples', 'CBS.log'), join(dir, 'CBS', 'CBS.log'));
    put(
      'CBS/CbsPersist_20230104101010.log',
      '2023-01-04 10:10:10, Info                  CBS    Startup: Processing complete. [HRESULT = 0x00000000 - S_OK]\r\n',
    );
    put('DISM/dism.log', readFileSync(join(corpus, 'dism01-appostarsi-w10-esd-source', 'dism win 10.log')));
    put('Commands/systeminfo.txt', systeminfoSamples[0]!.text.replace('KB4516077', 'KB5019966'));
    put(
      'EventLogs/System.evtx',
      readFileSync(join(corpus, 'evtx01-omerbenamram-w10-1703-kb4025342-80248007', 'system.evtx')),
    );
    put(
      'WindowsUpdate/ReportingEvents.log',
      readFileSync(join(corpus, 're01-dcheva-reportingevents-detect-80072ee2', 'ReportingEvents.log')),
    );
    put(
      'Commands/dism-checkhealth.txt',
      'Deployment Image Servicing and Management tool\r\nNo component store corruption detected.\r\n',
    );

    const d = analyzePath(dir);
    assert.equal(d.verdict, 'failed');
    const kinds = Object.fromEntries(d.sources.map((s) => [s.file.replace(/\\/g, '/'), s.kind]));
    assert.equal(kinds['CBS/CBS.log'], 'cbs');
    assert.equal(kinds['CBS/CbsPersist_20230104101010.log'], 'cbs');
    assert.equal(kinds['DISM/dism.log'], 'dism');
    assert.equal(kinds['Commands/systeminfo.txt'], 'systeminfo');
    const skipped = (f: string): string | undefined =>
      d.diagnostics.find((x) => x.file.replace(/\\/g, '/') === f)?.message;
    assert.equal(kinds['EventLogs/System.evtx'], 'evtx');
    assert.ok(d.findings.some((f) => f.rule === 'evt-update-failed' && f.facts.kb === 'KB4025342'));
    assert.equal(kinds['WindowsUpdate/ReportingEvents.log'], 'reportingevents');
    assert.ok(d.findings.some((f) => f.rule === 'wu-detection-failed' && f.code === '0x80072ee2'));
    assert.match(skipped('manifest.json') ?? '', /not a log or capture patchdx reads/);
    // systeminfo's hotfix list gives the build: KB5019966 is 17763.3650.
    assert.equal(d.machine.osBuild, '17763.3650');
    assert.ok(d.findings.some((f) => f.rule === 'cbs-manifest-corrupt'));
    assert.ok((d.plans ?? []).length > 0 && (d.scripts ?? []).length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
