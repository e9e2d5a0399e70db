// The shared ring a zip entry's inflated bytes cross from the thread that inflates them (./inflate-worker.ts,
// node:zlib's native inflater) to the analysis, which reads them synchronously, line by line: both cores
// work on a bundle, and the inflating is native instead of JavaScript (issue 16: fflate took 3 of the 9.4 s
// of the benchmark's 600 MB bundle). Positions only grow (64-bit); each side bumps its sequence word after
// moving its position and waits on the other's, so no wake-up is lost.

/**
 * Bytes of the ring. 4 MB made the 600 MB bundle about 6 % quicker than 1 MB but its peak RSS 13 MiB higher
 * (209 against 196 MiB, over the 200 asked): memory wins (paired runs, 2026-12-02).
 */
export const RING_BYTES = 1 * 1024 * 1024;

// Int32 slots.
export const WRITE_SEQ = 0;
export const READ_SEQ = 1;
/** 0 running, 1 finished (every byte written), 2 failed (message in the text area). */
export const STATE = 2;
/** Set by the reader: stop inflating. */
export const ABORT = 3;
/** The CRC-32 of everything written, valid once STATE is 1. */
export const CRC = 4;
/** Bytes of the message in the text area. */
export const MESSAGE_BYTES = 5;
// BigInt64 slots (after the Int32 ones).
export const WRITTEN = 4;
export const READ = 5;
/** Compressed bytes handed to the inflater so far. */
export const CONSUMED = 6;

const CONTROL_BYTES = 64;
const MESSAGE_AREA = 1024;

/** The views both sides use over one SharedArrayBuffer. */
export interface Ring {
  buffer: SharedArrayBuffer;
  i32: Int32Array;
  i64: BigInt64Array;
  data: Uint8Array;
  message: Uint8Array;
}

/** Views over `buffer`, or a new ring when none is given. */
export function ringOf(buffer = new SharedArrayBuffer(CONTROL_BYTES + MESSAGE_AREA + RING_BYTES)): Ring {
  return {
    buffer,
    i32: new Int32Array(buffer, 0, 8),
    i64: new BigInt64Array(buffer, 0, 8),
    message: new Uint8Array(buffer, CONTROL_BYTES, MESSAGE_AREA),
    data: new Uint8Array(buffer, CONTROL_BYTES + MESSAGE_AREA, RING_BYTES),
  };
}

/** What the inflating thread is given. */
export interface InflateJob {
  path: string;
  /** First compressed byte and the byte after the last. */
  start: number;
  end: number;
  ring: SharedArrayBuffer;
}
