// Reports written piece by piece: a report is a sequence of chunks (a JSON value member by member, a
// Markdown or HTML report section by section), and the writer hands them to a stream as it drains. The
// whole report never has to exist as one string (and then once more as one buffer): memory holds one
// section, whatever the report's size. `render` (src/index.ts) joins the same chunks for callers that want
// a string.

import { safeJson } from './safe-text.js';

/** A value whose text is about this long or shorter is written whole; a larger one member by member. */
const JSON_PIECE_CHARS = 16 * 1024;

/**
 * `safeJson(value, indent)` (JSON.stringify with no raw control character) in pieces: a value of at most
 * about `pieceChars` characters whole, a larger object or array member by member, so no piece is much larger
 * than that (a single longer string excepted). Joined, the pieces are exactly `safeJson`'s text.
 */
export function* jsonChunks(value: unknown, indent = 2, pieceChars = JSON_PIECE_CHARS): Generator<string> {
  yield* walk(value, '', ' '.repeat(indent), pieceChars);
}

/**
 * Whether the text of `v` would be longer than `budget` characters, roughly (names, strings and 8 per other
 * value): it stops counting at the budget, so a large value costs no more than a small one to look at.
 */
function larger(v: unknown, budget: number): boolean {
  let left = budget;
  const count = (x: unknown): boolean => {
    if (typeof x === 'string') left -= x.length + 2;
    else if (x === null || typeof x !== 'object') left -= 8;
    else if (Array.isArray(x)) {
      left -= 2;
      for (const el of x) if (count(el)) return true;
    } else {
      left -= 2;
      for (const k in x) {
        left -= k.length + 4;
        if (count((x as Record<string, unknown>)[k])) return true;
      }
    }
    return left < 0;
  };
  return count(v);
}

/** What JSON.stringify writes for a value: its toJSON() when it has one. */
function resolved(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
    return (v as { toJSON: () => unknown }).toJSON();
  return v;
}

/** Values JSON.stringify leaves out of an object (and writes as `null` in an array). */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function* walk(raw: unknown, at: string, step: string, piece: number): Generator<string> {
  const v = resolved(raw);
  if (omitted(v)) {
    yield 'null';
    return;
  }
  if (v === null || typeof v !== 'object' || !larger(v, piece)) {
    const text = safeJson(v, step.length);
    // A nested value's lines are indented from where it stands (a JSON string holds no raw line break).
    yield at && step ? text.replace(/\n/g, '\n' + at) : text;
    return;
  }
  const inner = at + step;
  const nl = step ? '\n' : '';
  const sep = step ? ': ' : ':';
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    for (let i = 0; i < v.length; i++) {
      yield (i === 0 ? '[' : ',') + nl + inner;
      yield* walk(v[i], inner, step, piece);
    }
    yield nl + at + ']';
    return;
  }
  let first = true;
  for (const key of Object.keys(v)) {
    const member = resolved((v as Record<string, unknown>)[key]);
    if (omitted(member)) continue;
    yield (first ? '{' : ',') + nl + inner + safeJson(key) + sep;
    first = false;
    yield* walk(member, inner, step, piece);
  }
  yield first ? '{}' : nl + at + '}';
}

/** Pieces are gathered to about this size before a write: fewer, larger writes. */
const WRITE_BYTES = 64 * 1024;

/** The pieces gathered into strings of about `size` characters: fewer, larger writes. */
export function* gathered(chunks: Iterable<string>, size = WRITE_BYTES): Generator<string> {
  let pending = '';
  for (const c of chunks) {
    pending += c;
    if (pending.length >= size) {
      yield pending;
      pending = '';
    }
  }
  if (pending) yield pending;
}

/**
 * Writes the pieces to `out`, waiting for `drain` whenever the stream says its buffer is full: what waits in
 * memory is the stream's high-water mark plus one gathered write, not the report. Rejects if the stream fails
 * or closes (a closed pipe) before it has taken everything.
 */
export async function writeChunks(chunks: Iterable<string>, out: NodeJS.WritableStream): Promise<void> {
  for (const piece of gathered(chunks)) if (!out.write(piece)) await drained(out);
}

/** Resolves on `drain`; rejects on `error` or on `close` first. */
function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onError = (err: Error): void => done(err);
    const onClose = (): void => done(new Error('the output closed before the report was written'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

/** The pieces as one string (for callers that want the report in memory). */
export function joinChunks(chunks: Iterable<string>): string {
  let s = '';
  for (const c of chunks) s += c;
  return s;
}
