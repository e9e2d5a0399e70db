// Where the case database lives by default: the user's data directory (XDG on Linux, Application Support
// on macOS, %LOCALAPPDATA% on Windows), chosen from the environment the program's entry hands in.

import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/** The environment variables the defaults read. */
export type Env = Record<string, string | undefined>;

/** The user's data directory for patchdx. */
export function dataDir(env: Env, os: string = platform(), home: string = homedir()): string {
  if (os === 'win32')
    return join(env.LOCALAPPDATA ?? env.APPDATA ?? join(home, 'AppData', 'Local'), 'patchdx');
  if (os === 'darwin') return join(home, 'Library', 'Application Support', 'patchdx');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'patchdx');
}

/** The database to use: `--db`, else `PATCHDX_DB`, else `cases.db` in the data directory. */
export function defaultDbTarget(env: Env, flag?: string): string {
  return flag ?? env.PATCHDX_DB ?? join(dataDir(env), 'cases.db');
}
