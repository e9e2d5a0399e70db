// Text encodings of Windows logs: BOM sniffing, binary detection, and per-line decoding that never fails.
// CBS/DISM logs are written through an `…A` (8-bit) API: mostly ASCII, with the ANSI code page for the rest
// (GBK/GB18030 on the users' Chinese machines). Collectors and users also hand us UTF-8 and UTF-16 files.

import { isAscii, isUtf8 } from 'node:buffer';

export type Encoding = 'utf8-bom' | 'utf16le' | 'utf16be' | '8bit';

export interface Sniffed {
  encoding: Encoding;
  /** Bytes of BOM to skip. */
  bomBytes: number;
  /** True when the head of the file looks like binary data, not text. */
  binary: boolean;
}

/** Decide the encoding from the first bytes of a file (BOM, then NUL-byte statistics). */
export function sniffEncoding(head: Buffer): Sniffed {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
    return { encoding: 'utf8-bom', bomBytes: 3, binary: false };
  }
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    return { encoding: 'utf16le', bomBytes: 2, binary: false };
  }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    return { encoding: 'utf16be', bomBytes: 2, binary: false };
  }
  const n = Math.min(head.length, 4096);
  let nulEven = 0;
  let nulOdd = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = head[i]!;
    if (b === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    } else if (b < 9 || (b > 13 && b < 32 && b !== 26 && b !== 27)) {
      control++;
    }
  }
  // UTF-16 without BOM: ASCII text leaves every other byte NUL.
  if (n >= 16 && nulOdd > n * 0.4 && nulEven < n * 0.05)
    return { encoding: 'utf16le', bomBytes: 0, binary: false };
  if (n >= 16 && nulEven > n * 0.4 && nulOdd < n * 0.05)
    return { encoding: 'utf16be', bomBytes: 0, binary: false };
  const binary = nulEven + nulOdd > 0 || control > n * 0.1;
  return { encoding: '8bit', bomBytes: 0, binary };
}

const gbDecoder = new TextDecoder('gb18030', { fatal: true });

/**
 * Decode one line of an 8-bit or UTF-8 log. ASCII is the fast path; otherwise UTF-8 when valid,
 * then GB18030 (the ANSI code page of the Chinese machines), then Latin-1 which cannot fail.
 */
export function decodeLine(buf: Buffer, start: number, end: number, encoding: Encoding): string {
  if (encoding !== '8bit') return buf.toString('utf8', start, end);
  const view = buf.subarray(start, end);
  if (isAscii(view)) return buf.toString('latin1', start, end);
  if (isUtf8(view)) return buf.toString('utf8', start, end);
  try {
    return gbDecoder.decode(view);
  } catch {
    return buf.toString('latin1', start, end);
  }
}

/** Decodes a whole small text file (a captured command output): BOM first, else UTF-8, else GB18030. */
export function decodeText(buf: Buffer): string {
  const sniff = sniffEncoding(buf.subarray(0, 4096));
  const body = buf.subarray(sniff.bomBytes);
  if (sniff.encoding === 'utf16le') return body.toString('utf16le');
  // TextDecoder, not swap16(): a UTF-16BE text cut to an odd byte count must decode, not throw.
  if (sniff.encoding === 'utf16be') return new TextDecoder('utf-16be').decode(body);
  if (sniff.encoding === 'utf8-bom' || isUtf8(body)) return body.toString('utf8');
  return new TextDecoder('gb18030').decode(body);
}
