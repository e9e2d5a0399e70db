// The input store: the bytes of each round's bundle or log kept once, named by their SHA-256, in a folder
// beside the database (or a configured shared folder in team mode). A file is copied to `tmp/…part`,
// hashed on the way and flushed, then renamed to `tmp/…<sha>.ready`; the round is committed; only then is
// the file moved to `ab/abcdef…`. A killed process thus leaves at most one temporary file, which
// `recover` at the next start deletes (a `.part`, or a `.ready` no round refers to) or moves into place (a
// `.ready` whose round was committed). A file is renamed into place whole, never written there.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A copy of an input waiting for its round to be committed. */
export interface StagedInput {
  tmpPath: string;
  sha256: string;
  bytes: number;
}

/** Tells whether a process of this host still runs (given by the program's entry; default: assume it does). */
export type IsAlive = (pid: number) => boolean;

/** Temporary files older than this are removed whoever wrote them (another host's crash in team mode). */
const STALE_MS = 24 * 3600 * 1000;

/** The content-addressed folder of kept inputs. */
export class InputStore {
  constructor(
    readonly dir: string,
    private readonly pid: number,
    private readonly isAlive: IsAlive = () => true,
  ) {}

  private get tmpDir(): string {
    return join(this.dir, 'tmp');
  }

  /** Where the bytes of `sha256` live once kept. */
  pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** Copies `file` to a temporary name, hashing it on the way; then `finish` or `discard` it. */
  async stage(file: string): Promise<StagedInput> {
    mkdirSync(this.tmpDir, { recursive: true });
    const base = join(this.tmpDir, `${hostname()}~${this.pid}~${randomBytes(6).toString('hex')}`);
    const part = `${base}.part`;
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        bytes += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(createReadStream(file), tap, createWriteStream(part));
      await syncPath(part, 'r+');
      const sha256 = hash.digest('hex');
      const ready = `${base}~${sha256}.ready`;
      await rename(part, ready);
      return { tmpPath: ready, sha256, bytes };
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
  }

  /** Moves a staged copy whose round is committed to its content address (once: duplicates are dropped). */
  async finish(s: StagedInput): Promise<void> {
    const dest = this.pathOf(s.sha256);
    if (existsSync(dest)) {
      await rm(s.tmpPath, { force: true });
      return;
    }
    const sub = join(this.dir, s.sha256.slice(0, 2));
    mkdirSync(sub, { recursive: true });
    await rename(s.tmpPath, dest);
    await syncPath(sub, 'r');
  }

  /** Removes a staged copy that will not be recorded. */
  async discard(s: StagedInput): Promise<void> {
    await rm(s.tmpPath, { force: true });
  }

  /**
   * Cleans what killed processes left in `tmp/`: a `.part` is deleted; a `.ready` is moved into place when
   * a round refers to its hash, else deleted. Files of live processes of this host are left alone.
   */
  async recover(
    isReferenced: (sha256: string) => Promise<boolean>,
  ): Promise<{ removed: number; kept: number }> {
    let removed = 0;
    let kept = 0;
    if (!existsSync(this.tmpDir)) return { removed, kept };
    const host = hostname();
    for (const name of readdirSync(this.tmpDir)) {
      const p = join(this.tmpDir, name);
      const [h, pid, , sha] = name.replace(/\.(?:part|ready)$/, '').split('~');
      const pidNo = Number(pid);
      const orphan =
        h === host && Number.isInteger(pidNo) ? pidNo !== this.pid && !this.isAlive(pidNo) : isStale(p);
      if (!orphan) continue;
      if (name.endsWith('.ready') && sha && /^[0-9a-f]{64}$/.test(sha) && (await isReferenced(sha))) {
        await this.finish({ tmpPath: p, sha256: sha, bytes: 0 });
        kept++;
      } else {
        await rm(p, { force: true });
        removed++;
      }
    }
    return { removed, kept };
  }
}

function isStale(p: string): boolean {
  try {
    return Date.now() - statSync(p).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}

async function syncPath(p: string, flags: 'r' | 'r+'): Promise<void> {
  try {
    const fh = await open(p, flags);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    // Not every platform can open a folder to flush it; a file must flush.
    if (flags === 'r+') throw err;
  }
}
