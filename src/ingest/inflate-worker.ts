// The thread that inflates one zip entry (raw deflate) with node:zlib and writes the bytes into the shared
// ring (./inflate-ring.ts), waiting while the ring is full; the reader tells it to stop with ABORT. It reads
// the archive through its own file descriptor and takes the CRC-32 of what it writes.

import { closeSync, openSync, readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { crc32, createInflateRaw } from 'node:zlib';
import {
  ABORT,
  CONSUMED,
  CRC,
  MESSAGE_BYTES,
  READ,
  READ_SEQ,
  RING_BYTES,
  STATE,
  WRITE_SEQ,
  WRITTEN,
  ringOf,
  type InflateJob,
} from './inflate-ring.js';

const job = workerData as InflateJob;
const ring = ringOf(job.ring);
const { i32, i64, data } = ring;
let crc = 0;
let written = 0;
let done = false;

/** Ends the job: 1 finished, 2 failed with `message`. Wakes the reader. */
function finish(state: 1 | 2, message = ''): void {
  if (done) return;
  done = true;
  if (message) {
    const bytes = Buffer.from(message.slice(0, 300));
    ring.message.set(bytes.subarray(0, ring.message.length));
    Atomics.store(i32, MESSAGE_BYTES, Math.min(bytes.length, ring.message.length));
  }
  Atomics.store(i32, CRC, crc | 0);
  Atomics.store(i32, STATE, state);
  Atomics.add(i32, WRITE_SEQ, 1);
  Atomics.notify(i32, WRITE_SEQ);
}

// Whatever goes wrong here is said to the reader, which would otherwise wait for bytes that never come.
process.on('uncaughtException', (err) => finish(2, `the inflating thread failed (${err.message})`));

const aborted = (): boolean => Atomics.load(i32, ABORT) !== 0;

/** Copies `chunk` into the ring, waiting for the reader while it is full. False when told to stop. */
function put(chunk: Buffer): boolean {
  let off = 0;
  while (off < chunk.length) {
    if (aborted()) return false;
    const seq = Atomics.load(i32, READ_SEQ);
    const space = RING_BYTES - (written - Number(Atomics.load(i64, READ)));
    if (space === 0) {
      Atomics.wait(i32, READ_SEQ, seq, 1000);
      continue;
    }
    const at = written % RING_BYTES;
    const n = Math.min(space, chunk.length - off, RING_BYTES - at);
    data.set(chunk.subarray(off, off + n), at);
    written += n;
    off += n;
    Atomics.store(i64, WRITTEN, BigInt(written));
    Atomics.add(i32, WRITE_SEQ, 1);
    Atomics.notify(i32, WRITE_SEQ);
  }
  return true;
}

let fd = -1;
try {
  fd = openSync(job.path, 'r');
} catch (err) {
  finish(2, (err as Error).message);
}

if (fd >= 0) {
  let open = true;
  const close = (): void => {
    if (open) closeSync(fd);
    open = false;
  };
  const inflate = createInflateRaw({ chunkSize: 256 * 1024 });
  const buf = Buffer.allocUnsafe(256 * 1024);
  let pos = job.start;
  const stop = (): void => {
    inflate.destroy();
    close();
    finish(2, 'stopped by the reader');
  };
  inflate.on('data', (chunk: Buffer) => {
    if (done) return;
    crc = crc32(chunk, crc);
    if (!put(chunk)) stop();
  });
  inflate.on('error', (err) => {
    close();
    finish(2, `damaged compressed data (${err.message})`);
  });
  inflate.on('end', () => {
    close();
    finish(1);
  });
  const feed = (): void => {
    while (!done && pos < job.end) {
      if (aborted()) return stop();
      const n = readSync(fd, buf, 0, Math.min(buf.length, job.end - pos), pos);
      if (n <= 0) {
        inflate.destroy();
        close();
        return finish(2, 'the archive ends inside this entry (truncated): the rest of it is missing');
      }
      pos += n;
      Atomics.store(i64, CONSUMED, BigInt(pos - job.start));
      // A copy: zlib keeps the buffer it is written until it has read it.
      if (!inflate.write(Buffer.from(buf.subarray(0, n)))) {
        inflate.once('drain', feed);
        return;
      }
    }
    if (!done) inflate.end();
  };
  feed();
}
