// Microsoft Cabinet (MS-CAB) archives read in place: Windows rotates CBS.log into CbsPersist_*.cab, and
// patchdx reads them without any external program. Folders may be stored, MSZIP (deflate blocks that share a
// 32 KiB dictionary; fflate does the inflating) or LZX (./lzx.ts); Quantum and cabinet sets spanning several
// files are reported, not read. Headers are untrusted: counts, offsets and names are bounds-checked, and
// every kind of damage becomes a `problem` string, never an exception.

import { fflate } from './on-demand.js';
import { LZX_FRAME_SIZE, LzxDecoder } from './lzx.js';

/** One file of a cabinet; `folder` indexes `CabListing.folders`, `offsetInFolder` its uncompressed data. */
export interface CabFile {
  name: string;
  size: number;
  folder: number;
  offsetInFolder: number;
}

/** What a cabinet holds, and what is wrong with it. */
export interface CabListing {
  files: CabFile[];
  folders: {
    compression: 'none' | 'mszip' | 'quantum' | 'lzx' | 'unknown';
    /** LZX window, log2 bytes (15–21). */
    window?: number;
    /** CFDATA blocks the folder header declares. */
    dataBlocks: number;
  }[];
  /** Damage, unsupported features and suspicious entries, one sentence each. */
  problems: string[];
}

type Compression = CabListing['folders'][number]['compression'];

/** Everything the extractor needs about a folder, beyond what the listing shows. */
interface FolderInfo {
  index: number;
  compression: Compression;
  typeCompress: number;
  window?: number;
  dataBlocks: number;
  /** Offset of the first CFDATA block. */
  dataOffset: number;
  /** Uncompressed bytes of the CFDATA blocks present in this file. */
  uncompressed: number;
  /** Set when a file of the folder is continued from or to another cabinet of a set. */
  spansCabinets: boolean;
  /** Whether all its CFDATA headers were walked when listing (hostile cabinets may stop that early). */
  walked: boolean;
}

interface Parsed {
  listing: CabListing;
  folders: FolderInfo[];
  /** Reserved bytes in each CFDATA header. */
  dataReserve: number;
}

const HEADER_SIZE = 36;
const FLAG_PREV_CABINET = 0x1;
const FLAG_NEXT_CABINET = 0x2;
const FLAG_RESERVE_PRESENT = 0x4;
const ATTR_NAME_IS_UTF = 0x80;
const CONTINUED_FROM_PREV = 0xfffd;
const CONTINUED_TO_NEXT = 0xfffe;
const CONTINUED_PREV_AND_NEXT = 0xffff;
/** Longest name the format allows, terminator included. */
const MAX_NAME = 256;
/** The most a CFDATA block may hold uncompressed. */
const MAX_BLOCK = 32768;
/** A hostile cabinet can have a problem per entry: the listing keeps the first ones. */
const MAX_PROBLEMS = 50;

/** True when the bytes start like a cabinet (`MSCF`). */
export function looksLikeCab(head: Buffer): boolean {
  return head.length >= 4 && head[0] === 0x4d && head[1] === 0x53 && head[2] === 0x43 && head[3] === 0x46;
}

/** Lists files and folders. Never throws: a damaged, truncated or hostile cabinet yields `problems`. */
export function listCab(data: Buffer): CabListing {
  return parse(data).listing;
}

function compressionOf(typeCompress: number): Compression {
  switch (typeCompress & 0x0f) {
    case 0:
      return 'none';
    case 1:
      return 'mszip';
    case 2:
      return 'quantum';
    case 3:
      return 'lzx';
    default:
      return 'unknown';
  }
}

/** A NUL-terminated string at `at`, or null when it is not terminated within the limit or the data. */
function cString(data: Buffer, at: number, utf8: boolean): { text: string; next: number } | null {
  const end = at < data.length ? data.subarray(at, at + MAX_NAME).indexOf(0) + at : -1;
  if (end < at) return null;
  return { text: data.toString(utf8 ? 'utf8' : 'latin1', at, end), next: end + 1 };
}

/** Whether a name would escape an extraction folder (`../x`, `/x`, `C:\x`). Nothing is ever written. */
function unsafeName(name: string): boolean {
  return /(^|[\\/])\.\.([\\/]|$)/.test(name) || /^[\\/]/.test(name) || /^[A-Za-z]:/.test(name);
}

function parse(data: Buffer): Parsed {
  const problems: string[] = [];
  const parsed: Parsed = { listing: { files: [], folders: [], problems }, folders: [], dataReserve: 0 };
  try {
    parseInto(data, parsed);
  } catch (err) {
    // Not expected (every read is bounds-checked), but a listing must never throw.
    problems.push(`unreadable cabinet (${err instanceof Error ? err.message : String(err)})`);
  }
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    problems.length = MAX_PROBLEMS;
    problems.push(`… and ${more} more problems`);
  }
  return parsed;
}

function parseInto(data: Buffer, parsed: Parsed): void {
  const { problems, files } = parsed.listing;
  if (!looksLikeCab(data)) {
    problems.push('not a cabinet: the MSCF signature is missing');
    return;
  }
  if (data.length < HEADER_SIZE) {
    problems.push(`the cabinet header is truncated (${data.length} of ${HEADER_SIZE} bytes)`);
    return;
  }
  const declared = data.readUInt32LE(8);
  if (declared > data.length)
    problems.push(`the cabinet declares ${declared} bytes but only ${data.length} are present (truncated)`);
  const coffFiles = data.readUInt32LE(16);
  const minor = data[24]!;
  const major = data[25]!;
  if (major !== 1) problems.push(`cabinet format version ${major}.${minor} (only 1.x is known)`);
  const cFolders = data.readUInt16LE(26);
  const cFiles = data.readUInt16LE(28);
  const flags = data.readUInt16LE(30);
  let p = HEADER_SIZE;
  let folderReserve = 0;
  if (flags & FLAG_RESERVE_PRESENT) {
    if (p + 4 > data.length) {
      problems.push('the cabinet header is truncated (reserved-area sizes missing)');
      return;
    }
    const headerReserve = data.readUInt16LE(p);
    folderReserve = data[p + 2]!;
    parsed.dataReserve = data[p + 3]!;
    p += 4 + headerReserve;
    if (p > data.length) {
      problems.push(
        `the cabinet header's reserved area (${headerReserve} bytes) runs past the end of the file`,
      );
      return;
    }
  }
  const setNames: string[] = [];
  for (const [flag, which] of [
    [FLAG_PREV_CABINET, 'previous'],
    [FLAG_NEXT_CABINET, 'next'],
  ] as const) {
    if ((flags & flag) === 0) continue;
    const cabinet = cString(data, p, false);
    const disk = cabinet && cString(data, cabinet.next, false);
    if (!cabinet || !disk) {
      problems.push(`the cabinet header is truncated (name of the ${which} cabinet of the set)`);
      return;
    }
    setNames.push(`${which} ${JSON.stringify(cabinet.text)}`);
    p = disk.next;
  }
  if (setNames.length > 0)
    problems.push(
      `part of a multi-cabinet set (${setNames.join(', ')}): sets are not supported, files continued across cabinets cannot be read`,
    );
  if (cFolders === 0) problems.push('the cabinet declares no folders');
  if (cFiles === 0) problems.push('the cabinet declares no files');

  const budget = { blocks: Math.floor(data.length / 8) + 1 };
  for (let i = 0; i < cFolders; i++) {
    if (p + 8 + folderReserve > data.length) {
      problems.push(`the folder table is truncated: ${cFolders - i} of ${cFolders} folders are missing`);
      break;
    }
    const typeCompress = data.readUInt16LE(p + 6);
    const folder: FolderInfo = {
      index: i,
      compression: compressionOf(typeCompress),
      typeCompress,
      dataBlocks: data.readUInt16LE(p + 4),
      dataOffset: data.readUInt32LE(p),
      uncompressed: 0,
      spansCabinets: false,
      walked: false,
    };
    if (folder.compression === 'lzx') folder.window = (typeCompress >> 8) & 0x1f;
    p += 8 + folderReserve;
    const label = `folder ${i + 1}`;
    if (folder.compression === 'unknown')
      problems.push(`${label}: unknown compression type 0x${typeCompress.toString(16)}`);
    if (folder.compression === 'lzx' && (folder.window! < 15 || folder.window! > 21))
      problems.push(`${label}: LZX window of 2^${folder.window} bytes is invalid (15 to 21)`);
    if (budget.blocks >= 0) {
      // Hostile folders may all point at the same bytes: walk no more headers than the file could hold.
      const walk = walkBlocks(data, folder, parsed.dataReserve, () => --budget.blocks >= 0);
      folder.uncompressed = walk.uncompressed;
      folder.walked = budget.blocks >= 0;
      if (walk.problem) problems.push(`${label}: ${walk.problem}`);
      if (budget.blocks < 0)
        problems.push(
          `${label}: the folders declare more data blocks than the cabinet can hold; not all were checked`,
        );
    }
    parsed.folders.push(folder);
    parsed.listing.folders.push({
      compression: folder.compression,
      ...(folder.window !== undefined ? { window: folder.window } : {}),
      dataBlocks: folder.dataBlocks,
    });
  }

  const folders = parsed.folders;
  let q = coffFiles;
  if (cFiles > 0 && q >= data.length) {
    problems.push(`the file table starts at ${q}, past the end of the cabinet (${data.length} bytes)`);
    return;
  }
  // Writers put the file table right after the folders; readers disagree on which to trust otherwise
  // (libmspack reads on from the folders, Windows seeks to coffFiles), a way to hide files from one of them.
  if (cFiles > 0 && cFolders === parsed.folders.length && q !== p)
    problems.push(
      `the file table is at offset ${q}, not right after the folder table (${p}): other readers may list other files`,
    );
  for (let i = 0; i < cFiles; i++) {
    if (q + 16 > data.length) {
      problems.push(`the file table is truncated: ${cFiles - i} of ${cFiles} file entries are missing`);
      break;
    }
    const size = data.readUInt32LE(q);
    const offsetInFolder = data.readUInt32LE(q + 4);
    const rawFolder = data.readUInt16LE(q + 8);
    const attribs = data.readUInt16LE(q + 14);
    const name = cString(data, q + 16, (attribs & ATTR_NAME_IS_UTF) !== 0);
    if (!name) {
      problems.push(`file entry ${i + 1}: the name is not terminated within ${MAX_NAME} bytes or the data`);
      break;
    }
    q = name.next;
    let folder: FolderInfo | undefined;
    if (rawFolder === CONTINUED_FROM_PREV || rawFolder === CONTINUED_PREV_AND_NEXT) {
      // Continued from the previous cabinet: the first folder here holds the rest of it.
      folder = folders[0];
      if (folder) folder.spansCabinets = true;
    } else if (rawFolder === CONTINUED_TO_NEXT) {
      folder = folders[folders.length - 1];
      if (folder) folder.spansCabinets = true;
    } else {
      folder = folders[rawFolder];
    }
    if (!folder) {
      problems.push(
        `${JSON.stringify(name.text)}: folder ${rawFolder + 1} does not exist; the file is skipped`,
      );
      continue;
    }
    if (name.text === '') problems.push(`file entry ${i + 1} has an empty name`);
    else if (unsafeName(name.text))
      problems.push(`${JSON.stringify(name.text)}: the name points outside the extraction folder`);
    files.push({ name: name.text, size, folder: folder.index, offsetInFolder });
  }
  for (const f of files) {
    const folder = folders[f.folder]!;
    if (folder.walked && !folder.spansCabinets && f.offsetInFolder + f.size > folder.uncompressed)
      problems.push(
        `${JSON.stringify(f.name)}: bytes ${f.offsetInFolder}–${f.offsetInFolder + f.size} lie past the end of folder ${folder.index + 1} (${folder.uncompressed} bytes)`,
      );
  }
}

/**
 * Walks a folder's CFDATA headers, calling `visit` with each block's header offset, payload range and
 * uncompressed size; `visit` returns false to stop. Reports the first block that does not fit.
 */
function walkBlocks(
  data: Buffer,
  folder: FolderInfo,
  reserve: number,
  visit: (header: number, start: number, end: number, uncompressed: number, index: number) => boolean | void,
): { uncompressed: number; problem: string | null } {
  let off = folder.dataOffset;
  let uncompressed = 0;
  for (let j = 0; j < folder.dataBlocks; j++) {
    const where = `data block ${j + 1} of ${folder.dataBlocks}`;
    if (off + 8 + reserve > data.length)
      return { uncompressed, problem: `${where} starts past the end of the cabinet (truncated)` };
    const cbData = data.readUInt16LE(off + 4);
    const cbUncomp = data.readUInt16LE(off + 6);
    const start = off + 8 + reserve;
    if (start + cbData > data.length)
      return { uncompressed, problem: `${where} runs past the end of the cabinet (truncated)` };
    if (cbUncomp > MAX_BLOCK)
      return { uncompressed, problem: `${where} declares ${cbUncomp} bytes (at most ${MAX_BLOCK})` };
    if (visit(off, start, start + cbData, cbUncomp, j) === false) return { uncompressed, problem: null };
    uncompressed += cbUncomp;
    off = start + cbData;
  }
  return { uncompressed, problem: null };
}

/** The CAB checksum: 32-bit little-endian words XORed, the 1–3 trailing bytes taken most significant first. */
function checksum(data: Uint8Array, start: number, end: number, seed: number): number {
  let sum = seed;
  let p = start;
  const words = start + ((end - start) & ~3);
  for (; p < words; p += 4)
    sum ^= data[p]! | (data[p + 1]! << 8) | (data[p + 2]! << 16) | (data[p + 3]! << 24);
  let tail = 0;
  for (; p < end; p++) tail = (tail << 8) | data[p]!;
  return (sum ^ tail) >>> 0;
}

/** Null when the block's stored checksum is absent (0) or matches. */
function checksumProblem(
  data: Buffer,
  header: number,
  start: number,
  end: number,
  index: number,
): string | null {
  const stored = data.readUInt32LE(header);
  if (stored === 0) return null;
  const actual = checksum(data, header + 4, header + 8, checksum(data, start, end, 0));
  return actual === stored ? null : `data block ${index + 1}: checksum mismatch (damaged cabinet)`;
}

/** A decoder of one folder's blocks: given the block, fills `out` with its `uncompressed` bytes. */
type BlockDecoder = (start: number, end: number, uncompressed: number, out: Buffer) => void;

class CabDataError extends Error {}

/** MSZIP: each block is `CK` + a deflate stream whose matches may reach into the previous 32 KiB. */
function mszipDecoder(data: Buffer): BlockDecoder {
  const history = new Uint8Array(32768);
  let historyLength = 0;
  return (start, end, uncompressed, out) => {
    if (end - start < 2 || data[start] !== 0x43 || data[start + 1] !== 0x4b)
      throw new CabDataError('MSZIP block without its CK signature');
    // One spare byte reveals a block that inflates to more than it declares.
    const target = out.length > uncompressed ? out : Buffer.allocUnsafe(uncompressed + 1);
    const got = fflate().inflateSync(data.subarray(start + 2, end), {
      out: target,
      ...(historyLength > 0 ? { dictionary: history.subarray(0, historyLength) } : {}),
    });
    if (got.length !== uncompressed)
      throw new CabDataError(`MSZIP block inflates to ${got.length} bytes, not the ${uncompressed} declared`);
    if (target !== out) out.set(got.subarray(0, uncompressed));
    const block = out.subarray(0, uncompressed);
    if (uncompressed >= history.length) {
      history.set(block.subarray(uncompressed - history.length));
      historyLength = history.length;
    } else {
      const keep = Math.min(historyLength, history.length - uncompressed);
      history.copyWithin(0, historyLength - keep, historyLength);
      history.set(block, keep);
      historyLength = keep + uncompressed;
    }
  };
}

/**
 * Streams one file's bytes in order: its folder is decompressed from the start and the bytes before
 * `offsetInFolder` are skipped. `onChunk` gets each piece (a buffer it may keep) and returns false to stop.
 * Never throws on bad data: damage, truncation, checksum mismatches, Quantum, cabinet sets and
 * `limits.maxBytes` end the read with `problem` set; the bytes delivered before that are correct.
 */
export function extractCabFile(
  data: Buffer,
  file: CabFile,
  onChunk: (chunk: Buffer) => boolean | void,
  limits?: { maxBytes: number },
): { bytes: number; problem: string | null } {
  const parsed = parse(data);
  const folder = parsed.folders[file.folder];
  if (!folder) return { bytes: 0, problem: `folder ${file.folder + 1} is not in this cabinet` };
  if (folder.spansCabinets)
    return { bytes: 0, problem: 'its folder continues in another cabinet of a set: sets are not supported' };
  if (folder.compression === 'quantum') return { bytes: 0, problem: 'Quantum compression is not supported' };
  if (folder.compression === 'unknown')
    return { bytes: 0, problem: `unknown compression type 0x${folder.typeCompress.toString(16)}` };
  if (folder.window !== undefined && (folder.window < 15 || folder.window > 21))
    return { bytes: 0, problem: `LZX window of 2^${folder.window} bytes is invalid` };

  const first = file.offsetInFolder;
  const last = file.offsetInFolder + file.size;
  const maxBytes = limits ? Math.max(0, limits.maxBytes) : Infinity;
  const wanted = Math.min(file.size, maxBytes);
  let bytes = 0;
  let problem: string | null = null;
  let stopped = wanted === 0;
  let consumerStopped = false;
  /** Uncompressed offset in the folder of the block being delivered. */
  let blockStart = 0;

  const deliver = (block: Buffer): void => {
    const a = Math.max(first, blockStart);
    const b = Math.min(last, blockStart + block.length, first + wanted);
    if (a < b) {
      bytes += b - a;
      if (onChunk(block.subarray(a - blockStart, b - blockStart)) === false) stopped = consumerStopped = true;
    }
    blockStart += block.length;
    if (bytes >= wanted) stopped = true;
  };
  const needed = (uncompressed: number): boolean => blockStart + uncompressed > first;
  const fail = (err: unknown, index: number): string =>
    `data block ${index + 1} of folder ${folder.index + 1} is damaged (${err instanceof Error ? err.message : String(err)})`;

  if (!stopped && folder.compression === 'lzx') {
    // LZX is one bit stream across the blocks: gather the payloads (checking their checksums) first.
    // A problem found there only matters if the file's bytes lie beyond it.
    const ranges: number[] = [];
    let compressed = 0;
    let pending: string | null = null;
    const walk = walkBlocks(data, folder, parsed.dataReserve, (header, start, end, uncompressed, j) => {
      pending = checksumProblem(data, header, start, end, j);
      if (pending === null && uncompressed === 0)
        pending = `data block ${j + 1} is empty (split across cabinets?)`;
      if (pending) return false;
      ranges.push(start, end, uncompressed);
      compressed += end - start;
    });
    pending ??= walk.problem;
    const stream = Buffer.alloc(compressed + 4);
    let at = 0;
    for (let k = 0; k < ranges.length; k += 3) at += data.copy(stream, at, ranges[k]!, ranges[k + 1]!);
    const lzx = new LzxDecoder(folder.window!);
    lzx.reset(stream, 0, compressed);
    const scratch = Buffer.allocUnsafe(LZX_FRAME_SIZE);
    for (let k = 0; k < ranges.length && !stopped; k += 3) {
      const uncompressed = ranges[k + 2]!;
      const j = k / 3;
      if (uncompressed !== LZX_FRAME_SIZE && k + 3 < ranges.length) {
        problem = `data block ${j + 1} of folder ${folder.index + 1} holds ${uncompressed} bytes: LZX needs 32 KiB blocks before the last`;
        break;
      }
      const out = needed(uncompressed) ? Buffer.allocUnsafe(uncompressed) : scratch.subarray(0, uncompressed);
      try {
        lzx.decodeFrame(uncompressed, out, 0);
      } catch (err) {
        problem = fail(err, j);
        break;
      }
      deliver(out);
    }
    if (!stopped) problem ??= pending;
  } else if (!stopped) {
    const decode: BlockDecoder | null = folder.compression === 'mszip' ? mszipDecoder(data) : null;
    const scratch = Buffer.allocUnsafe(MAX_BLOCK + 1);
    const walk = walkBlocks(data, folder, parsed.dataReserve, (header, start, end, uncompressed, j) => {
      const bad = checksumProblem(data, header, start, end, j);
      if (bad) {
        problem = bad;
        return false;
      }
      if (!decode) {
        if (end - start !== uncompressed) {
          problem = `data block ${j + 1} of folder ${folder.index + 1} stores ${end - start} bytes but declares ${uncompressed}`;
          return false;
        }
        deliver(data.subarray(start, end));
        return !stopped;
      }
      const out = needed(uncompressed) ? Buffer.allocUnsafe(uncompressed + 1) : scratch;
      try {
        decode(start, end, uncompressed, out);
      } catch (err) {
        problem = fail(err, j);
        return false;
      }
      deliver(out.subarray(0, uncompressed));
      return !stopped;
    });
    problem ??= walk.problem;
  }

  if (problem === null && !consumerStopped && bytes < wanted)
    problem = `the folder's data ends ${file.size - bytes} bytes before the end of the file (truncated or damaged cabinet)`;
  if (problem === null && !consumerStopped && wanted < file.size)
    problem = `stopped at the limit of ${maxBytes} bytes; ${file.size - bytes} more bytes were not read`;
  return { bytes, problem };
}
