// Errors of the case store: one class with a code a caller can act on and a message that says what,
// where and what to do. The underlying driver error is kept as `cause`.

/** What went wrong, for callers that act on it (the CLI maps every code to exit 2). */
export type CaseStoreErrorCode =
  | 'corrupt'
  | 'read-only'
  | 'schema-too-new'
  | 'not-a-case-db'
  | 'unreachable'
  | 'disk-full'
  | 'not-found'
  | 'exists'
  | 'invalid';

/** An error of the case store; nothing was changed when it is thrown. */
export class CaseStoreError extends Error {
  override readonly name = 'CaseStoreError';
  constructor(
    readonly code: CaseStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Maps a driver error (SQLite or PostgreSQL or the file system) to a clear store error, or returns it. */
export function storeError(err: unknown, where: string): unknown {
  if (err instanceof CaseStoreError) return err;
  const e = err as { code?: string; message?: string };
  const code = String(e.code ?? '');
  const msg = String(e.message ?? err);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /file is not a database|malformed/i.test(msg))
    return new CaseStoreError(
      'corrupt',
      `${where} is damaged or is not a database (${msg}); nothing was changed. Restore it from a backup or give another file with --db.`,
      { cause: err },
    );
  if (
    code === 'SQLITE_READONLY' ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'EROFS' ||
    code === 'EACCES'
  )
    return new CaseStoreError(
      'read-only',
      `${where} cannot be written (${msg}); nothing was changed. Check the file's and its folder's permissions, or give another file with --db.`,
      { cause: err },
    );
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN'))
    return new CaseStoreError(
      'read-only',
      `${where} cannot be opened for writing (${msg}); nothing was changed. The database and its folder must be writable (SQLite keeps -wal and -shm files beside it).`,
      { cause: err },
    );
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === '53100')
    return new CaseStoreError(
      'disk-full',
      `${where}: the disk is full (${msg}); nothing was changed. Free some space and try again.`,
      {
        cause: err,
      },
    );
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return new CaseStoreError(
      'exists',
      `${where}: another writer recorded the same thing first (${msg}); nothing was changed. Run the command again.`,
      { cause: err },
    );
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === '3D000' ||
    code === '28P01' ||
    code === '28000'
  )
    return new CaseStoreError(
      'unreachable',
      `cannot reach the PostgreSQL database ${where} (${code}: ${msg}). Check that the server runs and the URL is right.`,
      { cause: err },
    );
  return err;
}
