// Libraries loaded at their first use, not when the program starts: fflate builds its Huffman tables as it
// loads and node:zlib pulls in Node's streams, together ~8 ms of a short command's start-up (issue 16),
// spent only when a zip, cabinet or event log is read.

import { createRequire } from 'node:module';

type Fflate = typeof import('fflate');
type Zlib = typeof import('node:zlib');

const load = createRequire(import.meta.url);
let fflateLib: Fflate | undefined;
let zlibLib: Zlib | undefined;

/** The fflate library (raw deflate for zip entries and MSZIP cabinet blocks). */
export function fflate(): Fflate {
  return (fflateLib ??= load('fflate') as Fflate);
}

/** CRC-32 (zip entries, event log headers and chunks), `value` carrying a running CRC on. */
export function crc32(data: Uint8Array, value?: number): number {
  return (zlibLib ??= load('node:zlib') as Zlib).crc32(data, value);
}
