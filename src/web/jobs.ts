// Uploads and their analyses. Each upload is a folder `<uploads dir>/<id>/in/` holding what the browser
// sent (one file, or a folder's files under their relative paths, every name cleaned); its analysis waits
// in the pool's queue and runs on a pool thread, telling its place, stages and percentage to whoever
// listens (the Server-Sent Events route). An upload not attached to a case is deleted when it is
// cancelled, when it fails, and after `ttlMs` without a visit; what a previous run left is deleted at start.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisPool, Diagnosis, Progress } from '../index.js';

export type JobState = 'uploading' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** What the progress page shows. */
export interface JobStatus {
  state: JobState;
  stage: string;
  /** 0–100 while reading, null when unknown. */
  percent: number | null;
  /** Place in the queue (1 = next), 0 when not waiting. */
  position: number;
  error: string | null;
}

export class Job extends EventEmitter {
  status: JobStatus = { state: 'uploading', stage: 'upload', percent: null, position: 0, error: null };
  diagnosis: Diagnosis | null = null;
  /** Cases this upload was added to (it is then kept by the case store; the upload itself may go). */
  attachedTo: string[] = [];
  lastSeen = Date.now();
  readonly abort = new AbortController();
  /** The analysed path: the one file, or the folder of files. */
  analysedPath = '';
  /** Names of the files received. */
  names: string[] = [];
  bytes = 0;

  constructor(
    readonly id: string,
    readonly dir: string,
    readonly createdAt: Date,
  ) {
    super();
    this.setMaxListeners(0);
  }

  get inDir(): string {
    return join(this.dir, 'in');
  }

  /** The display name of the input (the file or folder given). */
  get name(): string {
    return this.names.length === 1 ? this.names[0]! : (this.names[0]?.split('/')[0] ?? 'upload');
  }

  update(s: Partial<JobStatus>): void {
    this.status = { ...this.status, ...s };
    this.emit('status', this.status);
  }
}

/** A path segment safe as one name on disk: no separators, no `..`, no control characters. */
export function cleanSegment(s: string): string {
  const c = s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*\\/]/g, '_')
    .replace(/^\.+$/, '_')
    .trim();
  return c.slice(0, 200) || '_';
}

/** A relative path from the browser, as safe segments (`a/b/c.log`); `..` and absolute parts cannot escape. */
export function cleanRelative(name: string): string {
  const parts = name
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.' && p !== '..')
    .map(cleanSegment);
  return parts.slice(-12).join('/') || 'upload';
}

export interface JobsOptions {
  dir: string;
  pool: AnalysisPool;
  ttlMs?: number;
}

export class Jobs {
  private readonly jobs = new Map<string, Job>();
  private readonly timer: NodeJS.Timeout;
  private readonly ttlMs: number;

  constructor(private readonly opts: JobsOptions) {
    this.ttlMs = opts.ttlMs ?? 24 * 3600_000;
    mkdirSync(opts.dir, { recursive: true });
    // Uploads of a previous run have no job any more: nothing can reach them.
    for (const n of readdirSync(opts.dir)) rmSync(join(opts.dir, n), { recursive: true, force: true });
    this.timer = setInterval(() => void this.sweep(), Math.min(this.ttlMs, 600_000));
    this.timer.unref();
  }

  create(): Job {
    const id = randomBytes(12).toString('base64url');
    const job = new Job(id, join(this.opts.dir, id), new Date());
    mkdirSync(job.inDir, { recursive: true });
    this.jobs.set(id, job);
    return job;
  }

  get(id: string): Job | undefined {
    const j = this.jobs.get(id);
    if (j) j.lastSeen = Date.now();
    return j;
  }

  list(): Job[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /** Starts the analysis of a received upload on the pool. */
  start(job: Job): void {
    job.update({ state: 'queued', stage: 'queued' });
    const onProgress = (p: Progress): void => {
      const percent = p.totalBytes ? Math.min(100, Math.round((p.bytesRead / p.totalBytes) * 100)) : null;
      job.update({ state: 'running', stage: p.stage, percent, position: 0 });
    };
    this.opts.pool
      .analyze(job.analysedPath, {
        signal: job.abort.signal,
        onProgress,
        onQueued: (position) =>
          job.update(
            position > 0
              ? { state: 'queued', position }
              : { state: 'running', stage: 'reading', position: 0 },
          ),
      })
      .then((d) => {
        d.input.name = job.name;
        job.diagnosis = d;
        job.update({ state: 'done', stage: 'done', percent: 100, position: 0 });
      })
      .catch((err: Error) => {
        if (job.abort.signal.aborted) job.update({ state: 'cancelled', stage: 'cancelled', position: 0 });
        else job.update({ state: 'failed', stage: 'failed', error: err.message, position: 0 });
        void this.remove(job);
      });
  }

  cancel(job: Job): void {
    if (job.status.state === 'done' || job.status.state === 'failed' || job.status.state === 'cancelled')
      return;
    job.abort.abort();
    job.update({ state: 'cancelled', stage: 'cancelled', position: 0 });
  }

  /** Deletes an upload's files (its status stays for the page that asks). */
  async remove(job: Job): Promise<void> {
    await rm(job.dir, { recursive: true, force: true });
  }

  async sweep(now = Date.now()): Promise<void> {
    for (const j of [...this.jobs.values()])
      if (now - j.lastSeen > this.ttlMs && j.status.state !== 'running' && j.status.state !== 'queued') {
        this.jobs.delete(j.id);
        await this.remove(j);
      }
  }

  /** Cancels what runs and deletes every upload (server shutdown). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const j of this.jobs.values()) {
      this.cancel(j);
      await this.remove(j);
    }
    this.jobs.clear();
  }
}
