// The ordered list of schema migrations. Forward only: a released migration is never edited, a change
// is a new numbered file. The last number is the newest schema this program knows.

import type { Kysely } from 'kysely';
import * as m001 from './001-initial.js';
import * as m002 from './002-secrets-cadence.js';
import * as m003 from './003-threads.js';
import * as m004 from './004-fleet.js';

/** One numbered migration. */
export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

/** Every migration, oldest first; `version` is the schema version after it ran. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001-initial', up: m001.up },
  { version: 2, name: '002-secrets-cadence', up: m002.up },
  { version: 3, name: '003-threads', up: m003.up },
  { version: 4, name: '004-fleet', up: m004.up },
];

/** The newest schema version this program knows and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
