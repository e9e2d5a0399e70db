// LZX decompression as used in Microsoft Cabinet folders (CbsPersist_*.cab may use it): a window of 2^15 to
// 2^21 bytes, verbatim / aligned-offset / uncompressed blocks, Huffman trees sent as deltas of the previous
// block's code lengths, three repeated offsets, and the E8 (x86 CALL) translation undone per 32 KiB frame.
// Written from the format description in [MS-PATCH] (LZX DELTA) and the Cabinet SDK notes. The caller hands
// over one folder's compressed bytes as a single stream and asks for it frame by frame; everything is
// decoded into preallocated buffers, and damaged input throws `LzxError`, never reads or writes out of range.

/** Damaged or truncated LZX data. */
export class LzxError extends Error {
  override name = 'LzxError';
}

/** Output frame size: the E8 translation and bit-stream realignment happen at these boundaries. */
export const LZX_FRAME_SIZE = 32768;

const MIN_MATCH = 2;
const NUM_CHARS = 256;
const PRETREE_SYMBOLS = 20;
const LENGTH_SYMBOLS = 249;
const ALIGNED_SYMBOLS = 8;
const BLOCK_VERBATIM = 1;
const BLOCK_ALIGNED = 2;
const BLOCK_UNCOMPRESSED = 3;
/** E8 translation stops after the first 32768 frames (1 GiB), as the encoder does. */
const E8_MAX_FRAMES = 32768;

const MAIN_BITS = 12;
const LENGTH_BITS = 12;
const ALIGNED_BITS = 7;
const PRETREE_BITS = 6;

// Decode-table entries: symbol << 8 | code length, or (subtable start << 8) | SUBTABLE for codes longer
// than the primary table; a zero entry is a code the tree does not use.
const SUBTABLE = 0x80;
const LEN_MASK = 0x1f;

/** Extra offset bits and base offset of each position slot (51 is enough for the 2 MiB window). */
const EXTRA_BITS = new Uint8Array(51);
const POSITION_BASE = new Uint32Array(51);
{
  let base = 0;
  for (let slot = 0; slot < 51; slot++) {
    const extra = slot < 4 ? 0 : Math.min((slot >> 1) - 1, 17);
    EXTRA_BITS[slot] = extra;
    POSITION_BASE[slot] = base;
    base += 1 << extra;
  }
}

/** Position slots per window size: the first slot whose base reaches the window (42 for 1 MiB, 50 for 2 MiB). */
function positionSlots(windowBits: number): number {
  if (windowBits === 21) return 50;
  if (windowBits === 20) return 42;
  return windowBits * 2;
}

/** A canonical Huffman decode table: a primary table indexed by the next `bits` bits, plus 16-bit subtables. */
class HuffTable {
  readonly table: Uint32Array;
  readonly lens: Uint8Array;
  private readonly count = new Uint16Array(17);
  private readonly next = new Uint32Array(17);

  /** @param maxLength the longest code the tree can have (16 for main and length trees, 7 for aligned). */
  constructor(
    readonly symbols: number,
    readonly bits: number,
    maxLength: number,
  ) {
    this.lens = new Uint8Array(symbols);
    // Worst case: every primary entry leads to a full subtable.
    this.table = new Uint32Array((1 << bits) + (maxLength > bits ? 1 << 16 : 0));
  }

  /** Rebuilds the table from `lens`. Incomplete codes are accepted (their unused codes fail when read). */
  build(): void {
    const { lens, symbols, bits, table, count, next } = this;
    count.fill(0);
    for (let s = 0; s < symbols; s++) count[lens[s]!]!++;
    count[0] = 0;
    let left = 1;
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      left = (left << 1) - count[len]!;
      if (left < 0) throw new LzxError('Huffman code lengths are over-subscribed');
      code = (code + count[len - 1]!) << 1;
      next[len] = code;
    }
    const primary = 1 << bits;
    table.fill(0, 0, primary);
    const subBits = 16 - bits;
    let nextSub = primary;
    for (let s = 0; s < symbols; s++) {
      const len = lens[s]!;
      if (len === 0) continue;
      const c = next[len]!;
      next[len] = c + 1;
      const entry = (s << 8) | len;
      if (len <= bits) {
        const start = c << (bits - len);
        table.fill(entry, start, start + (1 << (bits - len)));
      } else {
        const prefix = c >>> (len - bits);
        let link = table[prefix]!;
        if ((link & SUBTABLE) === 0) {
          link = (nextSub << 8) | SUBTABLE;
          table[prefix] = link;
          table.fill(0, nextSub, nextSub + (1 << subBits));
          nextSub += 1 << subBits;
        }
        const rest = c & ((1 << (len - bits)) - 1);
        const start = (link >>> 8) + (rest << (16 - len));
        table.fill(entry, start, start + (1 << (16 - len)));
      }
    }
  }
}

/**
 * Decoder for one LZX stream (one CAB folder). `reset` starts a stream, `decodeFrame` yields its frames in
 * order (32 KiB each but the last). One instance can be reused for several folders of the same window size.
 */
export class LzxDecoder {
  readonly windowSize: number;
  private readonly window: Uint8Array;
  private readonly slots: number;
  private readonly main: HuffTable;
  private readonly length = new HuffTable(LENGTH_SYMBOLS, LENGTH_BITS, 16);
  private readonly aligned = new HuffTable(ALIGNED_SYMBOLS, ALIGNED_BITS, 7);
  private readonly pretree = new HuffTable(PRETREE_SYMBOLS, PRETREE_BITS, 15);

  private input: Uint8Array = new Uint8Array(0);
  private end = 0;
  /** Next input byte to load into the bit buffer. */
  private pos = 0;
  /** Bit buffer: the low `bc` bits are unread, most significant first. */
  private bb = 0;
  private bc = 0;

  private r0 = 1;
  private r1 = 1;
  private r2 = 1;
  private headerRead = false;
  private e8Size = 0;
  private e8Seen = false;
  private blockType = 0;
  private blockLength = 0;
  private blockRemaining = 0;
  private windowPos = 0;
  private framePos = 0;
  private frames = 0;
  /** Bytes decoded since the reset: matches may not reach before them. */
  private decoded = 0;

  /** @param windowBits log2 of the window size, 15 to 21 (from the CAB folder's compression type). */
  constructor(readonly windowBits: number) {
    if (!Number.isInteger(windowBits) || windowBits < 15 || windowBits > 21)
      throw new RangeError(`LZX window of 2^${windowBits} bytes: only 2^15 to 2^21 exist`);
    this.windowSize = 1 << windowBits;
    this.window = new Uint8Array(this.windowSize);
    this.slots = positionSlots(windowBits);
    this.main = new HuffTable(NUM_CHARS + this.slots * 8, MAIN_BITS, 16);
  }

  /**
   * Starts a new stream over `input[start, end)`: the whole compressed data of one folder, CFDATA payloads
   * concatenated. Reading past `end` yields zero bits for look-ahead only; consuming them is an error.
   */
  reset(input: Uint8Array, start = 0, end = input.length): void {
    this.input = input;
    this.pos = start;
    this.end = end;
    this.bb = 0;
    this.bc = 0;
    this.r0 = this.r1 = this.r2 = 1;
    this.headerRead = false;
    this.e8Size = 0;
    this.e8Seen = false;
    this.blockType = 0;
    this.blockLength = 0;
    this.blockRemaining = 0;
    this.windowPos = 0;
    this.framePos = 0;
    this.frames = 0;
    this.decoded = 0;
    this.main.lens.fill(0);
    this.length.lens.fill(0);
  }

  /**
   * Decodes the next frame of `size` bytes (LZX_FRAME_SIZE for all frames but a stream's last) into
   * `out[outOffset, outOffset + size)`, with the E8 translation undone.
   * @throws LzxError on damaged or truncated data.
   */
  decodeFrame(size: number, out: Uint8Array, outOffset: number): void {
    if (size <= 0 || size > LZX_FRAME_SIZE || outOffset < 0 || outOffset + size > out.length)
      throw new RangeError(`bad LZX frame request (${size} bytes at ${outOffset})`);
    if (this.framePos + size > this.windowSize) throw new LzxError('frame crosses the end of the window');
    if (!this.headerRead) {
      // Stream header: one bit, then the 32-bit E8 translation size when the bit is set.
      if (this.readBits(1) === 1) this.e8Size = ((this.readBits(16) << 16) | this.readBits(16)) >>> 0;
      this.headerRead = true;
    }
    const frameEnd = this.framePos + size;
    while (this.windowPos < frameEnd) {
      if (this.blockRemaining === 0) this.startBlock();
      const before = this.windowPos;
      const runEnd = Math.min(frameEnd, before + this.blockRemaining);
      if (this.blockType === BLOCK_UNCOMPRESSED) this.copyStored(runEnd - before);
      else this.decodeCompressed(runEnd, this.blockType === BLOCK_ALIGNED);
      const produced = this.windowPos - before;
      // A match may run past the frame (the next frame then starts short) but never past its block.
      if (produced > this.blockRemaining) throw new LzxError('a match runs past the end of its block');
      this.blockRemaining -= produced;
      this.decoded += produced;
    }
    // Frames end on a 16-bit boundary of the compressed stream.
    this.bc -= this.bc & 15;
    if (this.consumed() > this.end) throw new LzxError('compressed data ends inside the frame (truncated)');

    out.set(this.window.subarray(this.framePos, frameEnd), outOffset);
    if (this.e8Size !== 0 && this.e8Seen && this.frames < E8_MAX_FRAMES && size > 10)
      this.undoE8(out.subarray(outOffset, outOffset + size), this.frames * LZX_FRAME_SIZE);
    this.frames++;
    this.framePos = frameEnd;
    if (this.framePos === this.windowSize) this.framePos = 0;
    if (this.windowPos === this.windowSize) this.windowPos = 0;
  }

  /** Input bytes consumed so far (whole 16-bit words still in the bit buffer are not). */
  private consumed(): number {
    return this.pos - 2 * (this.bc >> 4);
  }

  private fill(): void {
    const input = this.input;
    this.bb = (this.bb << 16) | input[this.pos]! | (input[this.pos + 1]! << 8);
    this.pos += 2;
    this.bc += 16;
  }

  /** Reads up to 17 bits. */
  private readBits(n: number): number {
    while (this.bc < n) this.fill();
    this.bc -= n;
    return (this.bb >>> this.bc) & ((1 << n) - 1);
  }

  private readSymbol(t: HuffTable): number {
    if (this.bc < 16) this.fill();
    const table = t.table;
    let e = table[(this.bb >>> (this.bc - t.bits)) & ((1 << t.bits) - 1)]!;
    if ((e & SUBTABLE) !== 0)
      e = table[(e >>> 8) + ((this.bb >>> (this.bc - 16)) & ((1 << (16 - t.bits)) - 1))]!;
    const len = e & LEN_MASK;
    if (len === 0) throw new LzxError('invalid Huffman code');
    this.bc -= len;
    return e >>> 8;
  }

  private startBlock(): void {
    // An odd-sized uncompressed block is followed by one byte of padding.
    if (this.blockType === BLOCK_UNCOMPRESSED && (this.blockLength & 1) === 1) this.pos++;
    if (this.consumed() >= this.end) throw new LzxError('compressed data ends before the output (truncated)');
    const type = this.readBits(3);
    const high = this.readBits(16);
    const size = high * 256 + this.readBits(8);
    this.blockType = type;
    this.blockLength = size;
    this.blockRemaining = size;
    switch (type) {
      case BLOCK_ALIGNED:
      case BLOCK_VERBATIM:
        // An aligned block's header is a verbatim block's preceded by the aligned-offset tree.
        if (type === BLOCK_ALIGNED) {
          for (let i = 0; i < ALIGNED_SYMBOLS; i++) this.aligned.lens[i] = this.readBits(3);
          this.aligned.build();
        }
        this.readLengths(this.main.lens, 0, NUM_CHARS);
        this.readLengths(this.main.lens, NUM_CHARS, this.main.symbols);
        this.main.build();
        // No 0xE8 literal yet means no E8 byte in the output: the translation can be skipped.
        if (this.main.lens[0xe8] !== 0) this.e8Seen = true;
        this.readLengths(this.length.lens, 0, LENGTH_SYMBOLS);
        this.length.build();
        break;
      case BLOCK_UNCOMPRESSED: {
        this.e8Seen = true;
        // Realign to the next 16-bit word; when already aligned a whole word of padding is skipped.
        let at = this.pos - 2 * (this.bc >> 4);
        if ((this.bc & 15) === 0) at += 2;
        this.bb = 0;
        this.bc = 0;
        if (at + 12 > this.end) throw new LzxError('compressed data ends inside a block header (truncated)');
        const input = this.input;
        const u32 = (p: number): number =>
          (input[p]! | (input[p + 1]! << 8) | (input[p + 2]! << 16) | (input[p + 3]! << 24)) >>> 0;
        this.r0 = u32(at);
        this.r1 = u32(at + 4);
        this.r2 = u32(at + 8);
        this.pos = at + 12;
        break;
      }
      default:
        throw new LzxError(`unknown LZX block type ${type}`);
    }
  }

  /** Code lengths sent as deltas of the previous ones, themselves coded with a 20-symbol pretree. */
  private readLengths(lens: Uint8Array, first: number, last: number): void {
    const pre = this.pretree;
    for (let i = 0; i < PRETREE_SYMBOLS; i++) pre.lens[i] = this.readBits(4);
    pre.build();
    let x = first;
    while (x < last) {
      const code = this.readSymbol(pre);
      if (code === 17 || code === 18) {
        let run = code === 17 ? 4 + this.readBits(4) : 20 + this.readBits(5);
        while (run-- > 0 && x < last) lens[x++] = 0;
      } else if (code === 19) {
        let run = 4 + this.readBits(1);
        const delta = this.readSymbol(pre);
        if (delta > 16) throw new LzxError('bad code-length run');
        const value = (lens[x]! + 17 - delta) % 17;
        while (run-- > 0 && x < last) lens[x++] = value;
      } else {
        lens[x] = (lens[x]! + 17 - code) % 17;
        x++;
      }
    }
  }

  private copyStored(n: number): void {
    if (this.pos + n > this.end)
      throw new LzxError('compressed data ends inside an uncompressed block (truncated)');
    this.window.set(this.input.subarray(this.pos, this.pos + n), this.windowPos);
    this.pos += n;
    this.windowPos += n;
  }

  /** The hot loop: literals and matches of a verbatim or aligned block until `runEnd` (or one match past it). */
  private decodeCompressed(runEnd: number, isAligned: boolean): void {
    const input = this.input;
    const window = this.window;
    const windowSize = this.windowSize;
    const windowMask = windowSize - 1;
    const mainTable = this.main.table;
    const lengthTable = this.length.table;
    const alignedTable = this.aligned.table;
    const mainMask = (1 << MAIN_BITS) - 1;
    const mainSubMask = (1 << (16 - MAIN_BITS)) - 1;
    const lengthMask = (1 << LENGTH_BITS) - 1;
    const lengthSubMask = (1 << (16 - LENGTH_BITS)) - 1;
    const alignedMask = (1 << ALIGNED_BITS) - 1;
    const alignedSubMask = (1 << (16 - ALIGNED_BITS)) - 1;
    const startPos = this.windowPos;
    const decodedBefore = this.decoded;
    let pos = this.pos;
    let bb = this.bb;
    let bc = this.bc;
    let r0 = this.r0;
    let r1 = this.r1;
    let r2 = this.r2;
    let wp = this.windowPos;
    let e = 0;

    while (wp < runEnd) {
      if (bc < 16) {
        bb = (bb << 16) | input[pos]! | (input[pos + 1]! << 8);
        pos += 2;
        bc += 16;
      }
      e = mainTable[(bb >>> (bc - MAIN_BITS)) & mainMask]!;
      if ((e & SUBTABLE) !== 0) e = mainTable[(e >>> 8) + ((bb >>> (bc - 16)) & mainSubMask)]!;
      if ((e & LEN_MASK) === 0) break;
      bc -= e & LEN_MASK;
      let sym = e >>> 8;
      if (sym < NUM_CHARS) {
        window[wp++] = sym;
        continue;
      }
      sym -= NUM_CHARS;
      let matchLength = sym & 7;
      if (matchLength === 7) {
        if (bc < 16) {
          bb = (bb << 16) | input[pos]! | (input[pos + 1]! << 8);
          pos += 2;
          bc += 16;
        }
        e = lengthTable[(bb >>> (bc - LENGTH_BITS)) & lengthMask]!;
        if ((e & SUBTABLE) !== 0) e = lengthTable[(e >>> 8) + ((bb >>> (bc - 16)) & lengthSubMask)]!;
        if ((e & LEN_MASK) === 0) break;
        bc -= e & LEN_MASK;
        matchLength += e >>> 8;
      }
      matchLength += MIN_MATCH;

      const slot = sym >>> 3;
      let offset: number;
      if (slot === 0) {
        offset = r0;
      } else if (slot === 1) {
        offset = r1;
        r1 = r0;
        r0 = offset;
      } else if (slot === 2) {
        offset = r2;
        r2 = r0;
        r0 = offset;
      } else {
        let extra = EXTRA_BITS[slot]!;
        offset = POSITION_BASE[slot]! - 2;
        if (isAligned && extra >= 3) {
          // The low three offset bits come from the aligned-offset tree.
          extra -= 3;
          if (extra > 0) {
            while (bc < extra) {
              bb = (bb << 16) | input[pos]! | (input[pos + 1]! << 8);
              pos += 2;
              bc += 16;
            }
            bc -= extra;
            offset += ((bb >>> bc) & ((1 << extra) - 1)) << 3;
          }
          if (bc < 16) {
            bb = (bb << 16) | input[pos]! | (input[pos + 1]! << 8);
            pos += 2;
            bc += 16;
          }
          e = alignedTable[(bb >>> (bc - ALIGNED_BITS)) & alignedMask]!;
          if ((e & SUBTABLE) !== 0) e = alignedTable[(e >>> 8) + ((bb >>> (bc - 16)) & alignedSubMask)]!;
          if ((e & LEN_MASK) === 0) break;
          bc -= e & LEN_MASK;
          offset += e >>> 8;
        } else if (extra > 0) {
          while (bc < extra) {
            bb = (bb << 16) | input[pos]! | (input[pos + 1]! << 8);
            pos += 2;
            bc += 16;
          }
          bc -= extra;
          offset += (bb >>> bc) & ((1 << extra) - 1);
        }
        r2 = r1;
        r1 = r0;
        r0 = offset;
      }

      if (wp + matchLength > windowSize) {
        e = -1;
        break;
      }
      if (offset === 0 || offset > windowSize || offset > decodedBefore + (wp - startPos)) {
        e = -2;
        break;
      }
      let src = wp - offset;
      if (src >= 0) {
        const stop = wp + matchLength;
        if (offset >= matchLength && matchLength > 32) {
          window.copyWithin(wp, src, src + matchLength);
          wp = stop;
        } else {
          while (wp < stop) window[wp++] = window[src++]!;
        }
      } else {
        src &= windowMask;
        for (let i = 0; i < matchLength; i++) {
          window[wp++] = window[src]!;
          src = (src + 1) & windowMask;
        }
      }
    }

    this.pos = pos;
    this.bb = bb;
    this.bc = bc;
    this.r0 = r0;
    this.r1 = r1;
    this.r2 = r2;
    this.windowPos = wp;
    if (wp < runEnd) {
      if (e === -1) throw new LzxError('a match runs past the end of the window');
      if (e === -2) throw new LzxError('a match reaches before the start of the data');
      throw new LzxError('invalid Huffman code');
    }
    if (this.consumed() > this.end + 2) throw new LzxError('compressed data ends inside a block (truncated)');
  }

  /** Undoes the encoder's x86 CALL translation: absolute targets after E8 bytes back to relative ones. */
  private undoE8(out: Uint8Array, streamPos: number): void {
    const fileSize = this.e8Size | 0;
    const limit = out.length - 10;
    let i = out.indexOf(0xe8);
    while (i >= 0 && i < limit) {
      const curpos = streamPos + i;
      const abs = out[i + 1]! | (out[i + 2]! << 8) | (out[i + 3]! << 16) | (out[i + 4]! << 24);
      if (abs >= -curpos && abs < fileSize) {
        const rel = abs >= 0 ? abs - curpos : abs + fileSize;
        out[i + 1] = rel & 0xff;
        out[i + 2] = (rel >>> 8) & 0xff;
        out[i + 3] = (rel >>> 16) & 0xff;
        out[i + 4] = (rel >>> 24) & 0xff;
      }
      i = out.indexOf(0xe8, i + 5);
    }
  }
}
