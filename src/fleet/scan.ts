// What a fleet run analyses: one bundle per machine, from a folder (each entry is a bundle: a zip, a
// folder or a single log) or from a list file (one path per line; blank lines and `#` comments skipped,
// relative paths taken from the list's folder). Each bundle is identified by the SHA-256 of its content
// (a folder: of its files' relative names, sizes and hashes), which keys its stored diagnosis.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';

/** One machine's bundle as a run sees it. */
export interface BundleRef {
  /** Position in the folder or list (0-based). */
  seq: number;
  /** Absolute path. */
  path: string;
  /** The machine's name: the bundle's name without `.zip`/`.log`/`.txt`. */
  machine: string;
}

/** A bundle with its content hash, or the reason it could not be read. */
export interface HashedBundle extends BundleRef {
  sha256: string | null;
  bytes: number;
  error: string | null;
}

/** How a bundle looked when it was hashed: a re-run with the same size and mtime reuses the hash. */
export interface HashCache {
  get(path: string): Promise<{ bytes: number; mtimeMs: number; sha256: string } | null>;
  put(path: string, entry: { bytes: number; mtimeMs: number; sha256: string }): Promise<void>;
}

/** A fleet input that cannot be listed (missing, unreadable, empty). */
export class FleetInputError extends Error {
  override readonly name = 'FleetInputError';
}

function machineOf(path: string): string {
  return basename(path).replace(/\.(zip|log|txt|evtx|cab)$/i, '') || basename(path);
}

/** The bundles of a folder or a list file, in a stable order. */
export async function listBundles(target: string): Promise<BundleRef[]> {
  const abs = resolve(target);
  let st;
  try {
    st = await stat(abs);
  } catch (err) {
    throw new FleetInputError(`${target}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let paths: string[];
  if (st.isDirectory()) {
    const names = (await readdir(abs)).filter((n) => !n.startsWith('.')).sort();
    paths = names.map((n) => join(abs, n));
  } else {
    const text = await readFile(abs, 'utf8');
    paths = text
      .split(/\r?\n/)
      .map((l) => l.replace(/^\uFEFF/, '').trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => resolve(dirname(abs), l));
  }
  if (paths.length === 0) throw new FleetInputError(`${target}: no bundles in it`);
  return paths.map((path, seq) => ({ seq, path, machine: machineOf(path) }));
}

function hashFile(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on('data', (b) => h.update(b))
      .on('error', rej)
      .on('end', () => res(h.digest('hex')));
  });
}

interface FolderFile {
  rel: string;
  abs: string;
  bytes: number;
  mtimeMs: number;
}

/** Regular files under a folder, symlinks not followed, sorted by relative name. */
async function folderFiles(root: string): Promise<FolderFile[]> {
  const out: FolderFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const abs = join(dir, name);
      const st = await lstat(abs);
      if (st.isDirectory()) await walk(abs);
      else if (st.isFile())
        out.push({
          rel: relative(root, abs).split('\\').join('/'),
          abs,
          bytes: st.size,
          mtimeMs: st.mtimeMs,
        });
    }
  };
  await walk(root);
  return out;
}

/** The content hash of a bundle: of the file, or of a folder's files (name, size, hash each). */
export async function hashBundle(
  path: string,
  cache?: HashCache,
): Promise<{ sha256: string; bytes: number }> {
  const st = await stat(path);
  let bytes: number;
  let mtimeMs: number;
  let files: FolderFile[] | null = null;
  if (st.isDirectory()) {
    files = await folderFiles(path);
    bytes = files.reduce((n, f) => n + f.bytes, 0);
    mtimeMs = Math.max(st.mtimeMs, ...files.map((f) => f.mtimeMs));
  } else if (st.isFile()) {
    bytes = st.size;
    mtimeMs = st.mtimeMs;
  } else {
    throw new Error('not a file or folder');
  }
  mtimeMs = Math.floor(mtimeMs);
  const hit = await cache?.get(path);
  if (hit && hit.bytes === bytes && hit.mtimeMs === mtimeMs) return { sha256: hit.sha256, bytes };
  let sha256: string;
  if (files) {
    const h = createHash('sha256').update('patchdx-folder/1\n');
    for (const f of files) h.update(`${f.rel}\0${f.bytes}\0${await hashFile(f.abs)}\n`);
    sha256 = h.digest('hex');
  } else {
    sha256 = await hashFile(path);
  }
  await cache?.put(path, { bytes, mtimeMs, sha256 });
  return { sha256, bytes };
}

/** Hashes every bundle (a few at a time); one that cannot be read gets its reason instead of a hash. */
export async function hashBundles(
  bundles: readonly BundleRef[],
  opts: { cache?: HashCache; concurrency?: number; onHashed?: (b: HashedBundle) => void } = {},
): Promise<HashedBundle[]> {
  const out: HashedBundle[] = new Array(bundles.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < bundles.length) {
      const i = next++;
      const b = bundles[i]!;
      let h: HashedBundle;
      try {
        const { sha256, bytes } = await hashBundle(b.path, opts.cache);
        h = { ...b, sha256, bytes, error: null };
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        h = { ...b, sha256: null, bytes: 0, error: `cannot read the bundle (${e.code ?? e.message})` };
      }
      out[i] = h;
      opts.onHashed?.(h);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, lane));
  return out;
}
