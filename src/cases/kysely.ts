// Kysely and the two database drivers are loaded when a store is first opened, not when patchdx starts:
// `explain` or an analysis without a database does not pay for them. `sql` is Kysely's own template tag,
// reached through the loaded module (a store must be open before a query is built, which it always is).

import type * as KyselyModule from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type Pg from 'pg';

export interface Drivers {
  kysely: typeof KyselyModule;
  Database: typeof BetterSqlite3;
  pg: typeof Pg;
}

let loaded: Drivers | undefined;

/** Loads Kysely and the drivers once. */
export async function loadDrivers(): Promise<Drivers> {
  if (!loaded) {
    const [kysely, sqlite, pg] = await Promise.all([
      import('kysely'),
      import('better-sqlite3'),
      import('pg'),
    ]);
    loaded = { kysely, Database: sqlite.default, pg: pg.default };
  }
  return loaded;
}

/** The loaded drivers; throws before any store was opened. */
export function drivers(): Drivers {
  if (!loaded) throw new Error('the case database drivers are not loaded: open a store first');
  return loaded;
}

/** Kysely's `sql` template tag (with `sql.raw`, `sql.ref`, `sql.join`, …), from the loaded module. */
export const sql: typeof KyselyModule.sql = new Proxy(function () {} as unknown as typeof KyselyModule.sql, {
  apply: (_target, thisArg, args) => Reflect.apply(drivers().kysely.sql, thisArg, args),
  get: (_target, key) => Reflect.get(drivers().kysely.sql, key),
});
