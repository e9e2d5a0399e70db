// The default database: PATCHDX_DB or --db win; otherwise cases.db in the user's data directory.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { dataDir, defaultDbTarget } from './paths.js';
import { displayTarget, isPostgresUrl } from './db.js';

test('data directory per platform; --db over PATCHDX_DB over the default', () => {
  assert.equal(dataDir({}, 'linux', '/home/li'), join('/home/li', '.local', 'share', 'patchdx'));
  assert.equal(dataDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/li'), join('/data', 'patchdx'));
  assert.equal(
    dataDir({}, 'darwin', '/Users/li'),
    join('/Users/li', 'Library', 'Application Support', 'patchdx'),
  );
  assert.equal(
    dataDir({ LOCALAPPDATA: 'C:\\Users\\li\\AppData\\Local' }, 'win32', 'C:\\Users\\li'),
    join('C:\\Users\\li\\AppData\\Local', 'patchdx'),
  );
  assert.equal(defaultDbTarget({ PATCHDX_DB: '/x/a.db' }, '/y/b.db'), '/y/b.db');
  assert.equal(defaultDbTarget({ PATCHDX_DB: 'postgres://h/db' }), 'postgres://h/db');
  assert.match(defaultDbTarget({ XDG_DATA_HOME: '/data' }), /patchdx[/\\]cases\.db$/);
});

test('a postgres:// URL selects PostgreSQL; its password never shows in messages', () => {
  assert.ok(isPostgresUrl('postgres://u@h/db') && isPostgresUrl('postgresql://u@h/db'));
  assert.ok(!isPostgresUrl('/var/lib/cases.db'));
  assert.equal(
    displayTarget('postgres://li:pw@10.0.0.5:5432/cases'),
    'postgres://li:***@10.0.0.5:5432/cases',
  );
});
