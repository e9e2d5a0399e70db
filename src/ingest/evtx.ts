// Windows XML Event Log (.evtx) files read in pure TypeScript, from the format as libevtx documents it:
// file header, 64 KiB chunks with their string and template tables, event records and the binary XML
// (BinXml) inside them, with templates, substitutions and nested BinXml values. Only what diagnosis needs
// comes out of each record (System fields plus EventData/UserData values). Damage is data: a bad
// checksum, a zeroed or truncated chunk, or a record that does not decode becomes a problem string and
// the rest of the file is still read. Every chunk slot up to the end of the file is walked, because the
// header's chunk count and next record id are stale whenever the log was not closed cleanly.

import { crc32 } from './on-demand.js';

/** One event record, reduced to the fields the rules use. */
export interface EvtxRecord {
  /** `<EventRecordID>` when the record carries one, else the record-header number. */
  recordId: number;
  /** `<TimeCreated SystemTime>` (or the record-header time) as ISO 8601 UTC with milliseconds. */
  time: string;
  /** `<EventID>` without its Qualifiers. */
  eventId: number;
  level: number | null;
  /** `<Provider Name>` (or `EventSourceName` when it has no name). */
  provider: string | null;
  channel: string | null;
  computer: string | null;
  /**
   * EventData `<Data Name="x">` values by name, unnamed ones as `Data1`, `Data2`… in order, other
   * EventData children (`<Binary>`) by element name, and the leaf elements of UserData by name.
   * Integers in hex form keep their zero padding (`0x80248007`, `0x0000000000000000`).
   */
  data: Record<string, string>;
  /** Zero-based chunk slot the record was read from. */
  chunk: number;
}

/** What {@link readEvtx} found besides the records it handed over. */
export interface EvtxRead {
  /** Records passed to the callback. */
  records: number;
  /** Nodes rendered: the work the file cost, counted against {@link EvtxLimits}. */
  work: number;
  /** Damage and oddities, one line each (`chunk 3: …`); empty for a clean file. */
  problems: string[];
  /** The file header as written; `chunkCount` and `nextRecordId` are stale when `dirty`. */
  header: { chunkCount: number; nextRecordId: number; dirty: boolean };
}

const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');
const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const RECORD_MAGIC = Buffer.from([0x2a, 0x2a, 0, 0]);
const FILE_HEADER_SIZE = 4096;
const CHUNK_SIZE = 0x10000;
const CHUNK_HEADER_SIZE = 512;
const RECORD_HEADER_SIZE = 24;
/** Smallest possible record: header, one EOF token, padding and the trailing size copy. */
const MIN_RECORD_SIZE = 28;
const MAX_PROBLEMS = 100;
/** Deepest element / template / nested-BinXml nesting followed; real events stay well under 20. */
const MAX_DEPTH = 48;
const MAX_VALUES = 4096;
/**
 * Nodes one record may render. Damaged nested BinXml values can point back at themselves many times
 * over, which would otherwise grow without bound; real records render a few hundred.
 */
const MAX_WORK = 100_000;

/**
 * Work budgets beyond one record: nodes rendered per chunk and per file. Templates whose substitutions are
 * arrays repeat elements once per item, nested, so one small record can render ~95k nodes and a chunk of
 * them tens of millions; the chunks of real logs render at most a few ten thousand nodes.
 */
export interface EvtxLimits {
  /** Nodes the records of one chunk may render; the rest of the chunk is skipped. */
  chunkWork: number;
  /** Nodes the whole file may render (plus `fileWorkPerByte` per byte of it); the chunks after are not read. */
  fileWork: number;
  fileWorkPerByte: number;
}

/**
 * Real logs render under 10,000 nodes per chunk and under 0.07 per byte of file (a 256 MB log: ~17 million);
 * the budgets leave ample room, and bound what a hostile file costs to what a real one of its size does.
 */
export const DEFAULT_EVTX_LIMITS: EvtxLimits = {
  chunkWork: 200_000,
  fileWork: 2_000_000,
  fileWorkPerByte: 0.25,
};
/** FILETIME epoch (1601-01-01) to Unix epoch, in milliseconds. */
const FILETIME_UNIX_MS = 11644473600000;

/**
 * Whether `head` (the first bytes of a file) starts with the EVTX file signature `ElfFile\0`.
 * @param head at least the first 8 bytes of the file
 */
export function looksLikeEvtx(head: Buffer): boolean {
  return head.length >= 8 && head.compare(FILE_MAGIC, 0, 8, 0, 8) === 0;
}

/** A record or template that cannot be decoded; caught per record and turned into a problem. */
class EvtxFormatError extends Error {}

/** The chunk's or the file's work budget is spent: the rest of the chunk is skipped. */
class WorkLimit extends Error {}

// Templates are parsed once per chunk into this tree; a record instantiates it with its values.
interface Sub {
  kind: 's';
  index: number;
  optional: boolean;
}
type Piece = string | Sub;
interface TElement {
  kind: 'e';
  name: string;
  attrs: { name: string; value: Piece[] }[];
  content: TNode[];
  /** Substitutions directly in the content: an array value there repeats the element. */
  subs: number[];
}
interface TInstance {
  kind: 'i';
  nodes: TNode[];
  values: Value[];
}
type TNode = Piece | TElement | TInstance;

/** A substitution value: its type and where its bytes are in the chunk. */
interface Value {
  type: number;
  off: number;
  size: number;
}

/** A rendered element: what the extraction of System, EventData and UserData walks. */
interface XElement {
  name: string;
  attrs: Record<string, string>;
  kids: XNode[];
}
type XNode = XElement | string;

/** The children of `<System>` that are rendered; the others (Security, Keywords…) are skipped. */
const SYSTEM_FIELDS = new Set([
  'Provider',
  'EventID',
  'Level',
  'TimeCreated',
  'EventRecordID',
  'Channel',
  'Computer',
]);

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decoder of the BinXml of one chunk; names and templates are cached by chunk offset. */
class ChunkDecoder {
  private p = 0;
  private work = 0;
  /** Nodes rendered by the records of this chunk so far (the record being rendered not included). */
  done = 0;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TNode[] | null>();
  /** Items of the array values rendered so far, by offset: nested repeats render the same values again. */
  private readonly arrays = new Map<number, { v: Value; items: string[] }>();

  /** @param budget nodes the records of this chunk may render in all */
  constructor(
    private readonly c: Buffer,
    private readonly budget: number,
  ) {}

  /** Renders the BinXml of a record (chunk offsets `start`..`end`); the nodes count even if it fails. */
  record(start: number, end: number): XNode[] {
    this.p = start;
    this.work = 0;
    try {
      const nodes = this.nodes(end, 0);
      const out: XNode[] = [];
      this.instantiate(nodes, [], out, 0);
      return out;
    } finally {
      this.done += this.work;
    }
  }

  private nodes(end: number, depth: number): TNode[] {
    if (depth > MAX_DEPTH) throw new EvtxFormatError('BinXml nested too deeply');
    const c = this.c;
    const out: TNode[] = [];
    while (this.p < end) {
      const token = c.readUInt8(this.p);
      switch (token & 0xbf) {
        case 0x00:
          this.p++;
          return out;
        case 0x0f:
          this.p += 4;
          break;
        case 0x01:
          out.push(this.element(depth + 1));
          break;
        case 0x0c:
          out.push(this.instance(end, depth + 1));
          break;
        case 0x0a:
        case 0x0b:
          this.skipPi(token);
          break;
        default:
          throw new EvtxFormatError(`unexpected BinXml token 0x${hex(token, 2)} at 0x${hex(this.p, 4)}`);
      }
    }
    return out;
  }

  private element(depth: number): TElement {
    if (depth > MAX_DEPTH) throw new EvtxFormatError('BinXml nested too deeply');
    const c = this.c;
    const start = this.p;
    const token = c.readUInt8(start);
    // The 2-byte dependency id is left out when the element starts a nested BinXml value; the name
    // offset tells which layout this is: it points at the bytes right after it or back into the chunk.
    this.p = this.nameFits(start + 7) ? start + 7 : this.nameFits(start + 5) ? start + 5 : -1;
    if (this.p < 0) throw new EvtxFormatError(`element at 0x${hex(start, 4)} has no valid name offset`);
    const name = this.nameRef();
    const attrs: TElement['attrs'] = [];
    if (token & 0x40) {
      this.p += 4; // attribute list size
      while ((c.readUInt8(this.p) & 0xbf) === 0x06) {
        this.p++;
        const attrName = this.nameRef();
        attrs.push({ name: attrName, value: this.pieces() });
      }
    }
    const close = c.readUInt8(this.p++);
    if (close === 0x03) return { kind: 'e', name, attrs, content: [], subs: [] };
    if (close !== 0x02) throw new EvtxFormatError(`element <${name}> not closed (token 0x${hex(close, 2)})`);
    const content: TNode[] = [];
    for (;;) {
      const t = c.readUInt8(this.p);
      switch (t & 0xbf) {
        case 0x04:
          this.p++;
          return {
            kind: 'e',
            name,
            attrs,
            content,
            subs: content.flatMap((k) => (typeof k !== 'string' && k.kind === 's' ? [k.index] : [])),
          };
        case 0x01:
          content.push(this.element(depth + 1));
          break;
        case 0x0c:
          content.push(this.instance(c.length, depth + 1));
          break;
        case 0x0a:
        case 0x0b:
          this.skipPi(t);
          break;
        case 0x05:
        case 0x07:
        case 0x08:
        case 0x09:
        case 0x0d:
        case 0x0e:
          content.push(this.piece());
          break;
        default:
          throw new EvtxFormatError(`unexpected token 0x${hex(t, 2)} in <${name}> at 0x${hex(this.p, 4)}`);
      }
    }
  }

  /** Whether the 4 bytes at `at` are a name offset: inline (right after them) or earlier in the chunk. */
  private nameFits(at: number): boolean {
    if (at + 4 > this.c.length) return false;
    const off = this.c.readUInt32LE(at);
    return off === at + 4 || (off >= CHUNK_HEADER_SIZE + RECORD_HEADER_SIZE && off < at);
  }

  /** Reads a name offset at the cursor; an inline name (the offset points right after it) is skipped. */
  private nameRef(): string {
    const off = this.c.readUInt32LE(this.p);
    this.p += 4;
    const name = this.nameAt(off);
    if (off === this.p) this.p += 10 + name.length * 2;
    return name;
  }

  private nameAt(off: number): string {
    let name = this.names.get(off);
    if (name === undefined) {
      const chars = this.c.readUInt16LE(off + 6);
      if (off + 8 + chars * 2 > this.c.length) throw new EvtxFormatError(`name at 0x${hex(off, 4)} overruns`);
      name = this.c.toString('utf16le', off + 8, off + 8 + chars * 2);
      this.names.set(off, name);
    }
    return name;
  }

  /** Value text, substitutions and references up to the next token that is none of them. */
  private pieces(): Piece[] {
    const out: Piece[] = [];
    for (;;) {
      const t = this.c.readUInt8(this.p) & 0xbf;
      if (t !== 0x05 && t !== 0x07 && t !== 0x08 && t !== 0x09 && t !== 0x0d && t !== 0x0e) return out;
      out.push(this.piece());
    }
  }

  private piece(): Piece {
    const c = this.c;
    const at = this.p;
    const token = c.readUInt8(at) & 0xbf;
    switch (token) {
      case 0x05: {
        const type = c.readUInt8(at + 1);
        if (type !== 0x01)
          throw new EvtxFormatError(`value text of type 0x${hex(type, 2)} at 0x${hex(at, 4)}`);
        const chars = c.readUInt16LE(at + 2);
        this.p = at + 4 + chars * 2;
        return utf16(c, at + 4, this.p);
      }
      case 0x07: {
        const chars = c.readUInt16LE(at + 1);
        this.p = at + 3 + chars * 2;
        return utf16(c, at + 3, this.p);
      }
      case 0x08:
        this.p = at + 3;
        return String.fromCharCode(c.readUInt16LE(at + 1));
      case 0x09: {
        this.p = at + 1;
        const name = this.nameRef();
        return ENTITIES[name] ?? `&${name};`;
      }
      default:
        this.p = at + 4;
        return { kind: 's', index: c.readUInt16LE(at + 1), optional: token === 0x0e };
    }
  }

  private skipPi(token: number): void {
    if (token === 0x0a) {
      this.p++;
      this.nameRef();
    } else {
      this.p += 3 + this.c.readUInt16LE(this.p + 1) * 2;
    }
  }

  /** A template instance: the definition (inline or by offset) and the values that fill it. */
  private instance(end: number, depth: number): TInstance {
    const c = this.c;
    const defOff = c.readUInt32LE(this.p + 6);
    this.p += 10;
    const nodes = this.template(defOff, depth);
    // An inline definition sits right here and is skipped: 24-byte header plus its data size.
    if (defOff === this.p) this.p = defOff + 24 + c.readUInt32LE(defOff + 20);
    const count = c.readUInt32LE(this.p);
    this.p += 4;
    if (count > MAX_VALUES || this.p + count * 4 > Math.min(end, c.length))
      throw new EvtxFormatError(`template instance at 0x${hex(this.p - 4, 4)} claims ${count} values`);
    const values: Value[] = new Array<Value>(count);
    let off = this.p + count * 4;
    for (let i = 0; i < count; i++) {
      const size = c.readUInt16LE(this.p + i * 4);
      values[i] = { type: c.readUInt8(this.p + i * 4 + 2), off, size };
      off += size;
    }
    if (off > c.length) throw new EvtxFormatError(`template values at 0x${hex(this.p, 4)} overrun the chunk`);
    this.p = off;
    return { kind: 'i', nodes, values };
  }

  private template(defOff: number, depth: number): TNode[] {
    const cached = this.templates.get(defOff);
    if (cached) return cached;
    if (cached === null) throw new EvtxFormatError(`template at 0x${hex(defOff, 4)} is unreadable`);
    this.templates.set(defOff, null); // also stops a template that refers to itself
    const size = this.c.readUInt32LE(defOff + 20);
    const end = defOff + 24 + size;
    if (end > this.c.length) throw new EvtxFormatError(`template at 0x${hex(defOff, 4)} overruns the chunk`);
    const saved = this.p;
    this.p = defOff + 24;
    const nodes = this.nodes(end, depth);
    this.p = saved;
    this.templates.set(defOff, nodes);
    return nodes;
  }

  private items(v: Value): string[] {
    const cached = this.arrays.get(v.off);
    if (cached && cached.v.type === v.type && cached.v.size === v.size) return cached.items;
    const items = arrayItems(this.c, v);
    this.arrays.set(v.off, { v, items });
    return items;
  }

  /**
   * Fills template nodes with their values, appending the rendered nodes to `out`. `item` stands in for
   * one substitution: an element whose content is an array value is repeated once per array item.
   */
  private instantiate(
    nodes: TNode[],
    values: Value[],
    out: XNode[],
    depth: number,
    item?: { index: number; text: string },
    inSystem = false,
  ): void {
    if (depth > MAX_DEPTH) throw new EvtxFormatError('BinXml nested too deeply');
    this.work += nodes.length;
    if (this.work > MAX_WORK) throw new EvtxFormatError('record renders too many nodes (looping BinXml?)');
    if (this.done + this.work > this.budget) throw new WorkLimit();
    for (const n of nodes) {
      if (typeof n === 'string') {
        out.push(n);
      } else if (n.kind === 'i') {
        this.instantiate(n.nodes, n.values, out, depth + 1);
      } else if (n.kind === 's') {
        if (item?.index === n.index) {
          out.push(item.text);
          continue;
        }
        const v = values[n.index];
        if (v === undefined || v.type === 0 || v.size === 0) continue;
        if (v.type === 0x21) {
          const saved = this.p;
          this.p = v.off;
          const nested = this.nodes(v.off + v.size, depth + 1);
          this.p = saved;
          this.instantiate(nested, [], out, depth + 1);
        } else {
          out.push(renderValue(this.c, v));
        }
      } else if (!inSystem || SYSTEM_FIELDS.has(n.name)) {
        const attrs: Record<string, string> = {};
        for (const a of n.attrs) {
          let text = '';
          let omit = false;
          for (const piece of a.value) {
            if (typeof piece === 'string') {
              text += piece;
              continue;
            }
            const v = values[piece.index];
            if (v === undefined || v.type === 0 || v.size === 0) omit ||= piece.optional;
            else if (v.type !== 0x21) text += renderValue(this.c, v);
          }
          if (!omit) attrs[a.name] = text;
        }
        let array: Value | undefined;
        let index = 0;
        for (const i of n.subs) {
          const v = values[i];
          if (v !== undefined && v.type & 0x80) {
            array = v;
            index = i;
            break;
          }
        }
        const system = n.name === 'System';
        if (array) {
          const items = this.items(array);
          this.work += items.length;
          for (const text of items) {
            const kids: XNode[] = [];
            this.instantiate(n.content, values, kids, depth + 1, { index, text }, system);
            out.push({ name: n.name, attrs, kids });
          }
        } else {
          const kids: XNode[] = [];
          this.instantiate(n.content, values, kids, depth + 1, undefined, system);
          out.push({ name: n.name, attrs, kids });
        }
      }
    }
  }
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * UTF-16LE text without its trailing NULs (or, with `one`, without just the last NUL, which ends the last
 * item of a string array); unpaired surrogates (broken strings) become U+FFFD.
 */
function utf16(c: Buffer, start: number, end: number, one = false): string {
  if (end > c.length) throw new EvtxFormatError(`string at 0x${hex(start, 4)} overruns the chunk`);
  let s = c.toString('utf16le', start, end);
  let n = s.length;
  while (n > 0 && s.charCodeAt(n - 1) === 0 && (!one || n === s.length)) n--;
  if (n < s.length) s = s.slice(0, n);
  return /[\uD800-\uDFFF]/.test(s) ? s.replace(LONE_SURROGATE, '\uFFFD') : s;
}

/** Single-byte text: bytes are taken as Latin-1 so nothing is lost or rejected. */
function ansi(c: Buffer, start: number, end: number, one = false): string {
  let n = end;
  while (n > start && c.readUInt8(n - 1) === 0 && (!one || n === end)) n--;
  return c.toString('latin1', start, n);
}

/** Byte size of one item of a fixed-size value type (0 for variable-size types). */
function itemSize(type: number, size: number): number {
  switch (type) {
    case 0x03:
    case 0x04:
      return 1;
    case 0x05:
    case 0x06:
      return 2;
    case 0x07:
    case 0x08:
    case 0x0b:
    case 0x0d:
    case 0x14:
      return 4;
    case 0x09:
    case 0x0a:
    case 0x0c:
    case 0x11:
    case 0x15:
      return 8;
    case 0x0f:
    case 0x12:
      return 16;
    case 0x10:
      return size === 4 ? 4 : 8;
    default:
      return 0;
  }
}

/** The text of a substitution value, as Event Viewer's XML view shows it (arrays joined by ", "). */
function renderValue(c: Buffer, v: Value): string {
  const { type, off, size } = v;
  const end = off + size;
  if (end > c.length) throw new EvtxFormatError(`value at 0x${hex(off, 4)} overruns the chunk`);
  switch (type) {
    case 0x01:
      return utf16(c, off, end);
    case 0x02:
      return ansi(c, off, end);
    case 0x0e:
      return c.toString('hex', off, end).toUpperCase();
    case 0x13:
      return sid(c, off, end);
  }
  if (type & 0x80) return arrayItems(c, v).join(', ');
  const item = itemSize(type, size);
  if (item === 0) return c.toString('hex', off, end).toUpperCase();
  return size < item ? '' : scalar(c, type, off, item);
}

/** The items of an array value (type 0x8n), each rendered like a single value of type 0x0n. */
function arrayItems(c: Buffer, v: Value): string[] {
  const { type, off, size } = v;
  const end = off + size;
  if (end > c.length) throw new EvtxFormatError(`value at 0x${hex(off, 4)} overruns the chunk`);
  if (type === 0x81) return utf16(c, off, end, true).split('\0');
  if (type === 0x82) return ansi(c, off, end, true).split('\0');
  const base = type & 0x7f;
  const item = itemSize(base, size);
  if (item === 0) return [c.toString('hex', off, end).toUpperCase()];
  const items: string[] = [];
  for (let at = off; at + item <= end; at += item) items.push(scalar(c, base, at, item));
  return items;
}

function scalar(c: Buffer, type: number, at: number, item: number): string {
  switch (type) {
    case 0x03:
      return String(c.readInt8(at));
    case 0x04:
      return String(c.readUInt8(at));
    case 0x05:
      return String(c.readInt16LE(at));
    case 0x06:
      return String(c.readUInt16LE(at));
    case 0x07:
      return String(c.readInt32LE(at));
    case 0x08:
      return String(c.readUInt32LE(at));
    case 0x09:
      return c.readBigInt64LE(at).toString();
    case 0x0a:
      return c.readBigUInt64LE(at).toString();
    case 0x0b:
      return String(c.readFloatLE(at));
    case 0x0c:
      return String(c.readDoubleLE(at));
    case 0x0d:
      return c.readUInt32LE(at) !== 0 ? 'true' : 'false';
    case 0x0f:
      return guid(c, at);
    case 0x11:
      return filetimeIso(c.readUInt32LE(at), c.readUInt32LE(at + 4), 7);
    case 0x12:
      return systemtimeIso(c, at);
    case 0x10:
      return item === 4
        ? '0x' + hex(c.readUInt32LE(at), 8)
        : '0x' + c.readBigUInt64LE(at).toString(16).padStart(16, '0');
    case 0x14:
      return '0x' + hex(c.readUInt32LE(at), 8);
    default: // 0x15 hex64
      return '0x' + c.readBigUInt64LE(at).toString(16).padStart(16, '0');
  }
}

function guid(c: Buffer, at: number): string {
  const tail = c.toString('hex', at + 8, at + 16);
  return `{${hex(c.readUInt32LE(at), 8)}-${hex(c.readUInt16LE(at + 4), 4)}-${hex(c.readUInt16LE(at + 6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}}`.toUpperCase();
}

function sid(c: Buffer, off: number, end: number): string {
  if (end - off < 8) return '';
  const count = c.readUInt8(off + 1);
  if (off + 8 + count * 4 > end) return '';
  let s = `S-${c.readUInt8(off)}-${c.readUIntBE(off + 2, 6)}`;
  for (let i = 0; i < count; i++) s += `-${c.readUInt32LE(off + 8 + i * 4)}`;
  return s;
}

/**
 * A FILETIME (100 ns ticks since 1601, as its low and high 32 bits) as ISO UTC with `digits` fraction
 * digits; '' when not between 1970 and 9999.
 */
function filetimeIso(lo: number, hi: number, digits: number): string {
  // ticks = hi·2^32 + lo = hi·429·10^7 + (hi·4967296 + lo): exact in doubles while hi < 2^26 (year 2514).
  if (hi >= 0x4000000) return '';
  const rest = hi * 4967296 + lo;
  const seconds = hi * 429 + Math.floor(rest / 1e7) - FILETIME_UNIX_MS / 1000;
  if (seconds < 0) return '';
  const day = Math.floor(seconds / 86400);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = new Date(day * 86400000).toISOString().slice(0, 11);
  }
  const s = seconds - day * 86400;
  const hms = `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  return `${lastDayText}${hms}.${String(rest % 1e7)
    .padStart(7, '0')
    .slice(0, digits)}Z`;
}

// Records come in time order, so the date part of the last FILETIME is nearly always the next one's.
let lastDay = -1;
let lastDayText = '';

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function systemtimeIso(c: Buffer, at: number): string {
  const f = (i: number, w: number): string => String(c.readUInt16LE(at + i * 2)).padStart(w, '0');
  return `${f(0, 4)}-${f(1, 2)}-${f(3, 2)}T${f(4, 2)}:${f(5, 2)}:${f(6, 2)}.${f(7, 3)}Z`;
}

const ISO_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/;

function child(el: XElement, name: string): XElement | undefined {
  for (const k of el.kids) if (typeof k !== 'string' && k.name === name) return k;
  return undefined;
}

function textOf(el: XElement | undefined): string | null {
  if (el === undefined) return null;
  let s = '';
  for (const k of el.kids) if (typeof k === 'string') s += k;
  return s;
}

/**
 * Adds an event value under its name: a repeated name becomes `name2`, `name3`… (XML exports of event logs
 * name their values the same way, so both readers give the story the same keys).
 */
export function putEventValue(data: Record<string, string>, key: string, value: string): void {
  const base = key === '__proto__' ? '_proto_' : key;
  let name = base;
  for (let n = 2; Object.hasOwn(data, name); n++) name = `${base}${n}`;
  data[name] = value;
}

/** Leaf elements of `el` by name, at any depth. */
function flatten(el: XElement, data: Record<string, string>): void {
  for (const k of el.kids) {
    if (typeof k === 'string') continue;
    if (k.kids.some((x) => typeof x !== 'string')) flatten(k, data);
    else putEventValue(data, k.name, textOf(k) ?? '');
  }
}

/** The record's fields; `headerId`, `lo` and `hi` (its FILETIME) come from the record header. */
function toRecord(nodes: XNode[], headerId: number, lo: number, hi: number, chunk: number): EvtxRecord {
  const event = nodes.find((n): n is XElement => typeof n !== 'string');
  const system = event && child(event, 'System');
  if (!event || !system) throw new EvtxFormatError('no <Event><System> element');
  const eventIdText = textOf(child(system, 'EventID'))?.trim() ?? '';
  if (!/^\d+$/.test(eventIdText)) throw new EvtxFormatError(`EventID "${eventIdText}" is not a number`);
  const levelText = textOf(child(system, 'Level'))?.trim() ?? '';
  const idText = textOf(child(system, 'EventRecordID'))?.trim() ?? '';
  const provider = child(system, 'Provider');
  const m = ISO_TIME.exec(child(system, 'TimeCreated')?.attrs['SystemTime'] ?? '');
  const time = m
    ? `${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}Z`
    : filetimeIso(lo, hi, 3) || '1970-01-01T00:00:00.000Z';

  const data: Record<string, string> = {};
  const eventData = child(event, 'EventData');
  if (eventData) {
    let unnamed = 0;
    for (const k of eventData.kids) {
      if (typeof k === 'string') continue;
      const name = k.name === 'Data' ? k.attrs['Name'] : undefined;
      if (name) putEventValue(data, name, textOf(k) ?? '');
      else if (k.name === 'Data') putEventValue(data, `Data${++unnamed}`, textOf(k) ?? '');
      else if (k.kids.some((x) => typeof x !== 'string')) flatten(k, data);
      else putEventValue(data, k.name, textOf(k) ?? '');
    }
  }
  const userData = child(event, 'UserData');
  if (userData) flatten(userData, data);

  return {
    recordId: /^\d+$/.test(idText) ? Number(idText) : headerId,
    time,
    eventId: Number(eventIdText),
    level: /^\d+$/.test(levelText) ? Number(levelText) : null,
    provider: provider ? (provider.attrs['Name'] ?? provider.attrs['EventSourceName'] ?? null) : null,
    channel: textOf(child(system, 'Channel')),
    computer: textOf(child(system, 'Computer')),
    data,
    chunk,
  };
}

function isZero(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b.readUInt8(i) !== 0) return false;
  return true;
}

function describe(e: unknown): string {
  if (e instanceof EvtxFormatError) return e.message;
  if (e instanceof RangeError) return 'reads past the end of its chunk';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads every event record of an EVTX file, in file order, and hands each to `onRecord`.
 * Never throws on bad input: a missing file signature, bad checksums, zeroed, truncated or foreign chunk
 * slots and records that do not decode are listed in `problems`, and everything else is still read.
 * Errors thrown by `onRecord` itself propagate.
 * Rendering is bounded by `limits`: a chunk or file over its budget is a problem naming the limit.
 * @param data the whole file
 * @param onRecord called once per decoded record
 */
export function readEvtx(
  data: Buffer,
  onRecord: (r: EvtxRecord) => void,
  limits: EvtxLimits = DEFAULT_EVTX_LIMITS,
): EvtxRead {
  const reader = new EvtxReader(onRecord, data.length, limits);
  reader.push(data);
  return reader.end();
}

/**
 * {@link readEvtx} for a file that arrives in pieces of any size: push them in order, then `end()`. It holds
 * the file header and one 64 KiB chunk slot at most (a piece that holds a whole slot is read in place), so
 * memory does not grow with the file; chunks are self-contained, so nothing needs to be read again.
 */
export class EvtxReader {
  private readonly problems: string[] = [];
  private dropped = 0;
  private readonly header = { chunkCount: 0, nextRecordId: 0, dirty: false };
  private records = 0;
  private work = 0;
  private readonly fileLimit: number;
  /** The first bytes of the file, up to the end of the file header. */
  private head = Buffer.alloc(0);
  private headDone = false;
  private evtx = false;
  /** The chunk slot being filled, and how much of it is. */
  private readonly slotBytes = Buffer.allocUnsafe(CHUNK_SIZE);
  private fill = 0;
  private slot = 0;
  private stopped = false;

  /**
   * @param onRecord called once per decoded record
   * @param size the size of the whole file, which sets its work budget
   */
  constructor(
    private readonly onRecord: (r: EvtxRecord) => void,
    size: number,
    private readonly limits: EvtxLimits = DEFAULT_EVTX_LIMITS,
  ) {
    this.fileLimit = Math.floor(limits.fileWork + limits.fileWorkPerByte * size);
  }

  private readonly problem = (msg: string): void => {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(msg);
    else this.dropped++;
  };

  /** Reads the next bytes of the file; false once the rest of the file will not be read (its budget is spent). */
  push(data: Buffer): boolean {
    let at = 0;
    if (!this.headDone) {
      at = Math.min(FILE_HEADER_SIZE - this.head.length, data.length);
      this.head = Buffer.concat([this.head, data.subarray(0, at)]);
      if (this.head.length < FILE_HEADER_SIZE) return true;
      this.readHeader();
    }
    while (at < data.length && !this.stopped) {
      if (this.fill === 0 && data.length - at >= CHUNK_SIZE) {
        this.readSlot(data.subarray(at, at + CHUNK_SIZE));
        at += CHUNK_SIZE;
        continue;
      }
      const n = data.copy(this.slotBytes, this.fill, at, Math.min(data.length, at + CHUNK_SIZE - this.fill));
      this.fill += n;
      at += n;
      if (this.fill === CHUNK_SIZE) {
        this.fill = 0;
        this.readSlot(this.slotBytes);
      }
    }
    return !this.stopped;
  }

  /** Reads what is left (a file cut inside a chunk) and says what was found. */
  end(): EvtxRead {
    if (!this.headDone) this.readHeader();
    if (this.fill > 0 && !this.stopped) this.readSlot(this.slotBytes.subarray(0, this.fill));
    this.fill = 0;
    this.stopped = true;
    const problems = [...this.problems];
    if (this.dropped > 0) problems.push(`… and ${this.dropped} more problems`);
    return { records: this.records, work: this.work, problems, header: this.header };
  }

  private readHeader(): void {
    this.headDone = true;
    const data = this.head;
    const header = this.header;
    // Without the file signature only slots that carry the chunk signature are read, silently skipping
    // the others, so that a file that is no EVTX at all gives one problem, not one per 64 KiB.
    this.evtx = looksLikeEvtx(data);
    if (!this.evtx) {
      this.problem('no ElfFile signature at offset 0: not an EVTX file, or its header is damaged');
    } else if (data.length < 128) {
      this.problem(`file header cut short: ${data.length} bytes`);
    } else {
      header.chunkCount = data.readUInt16LE(42);
      header.nextRecordId = Number(data.readBigUInt64LE(24));
      header.dirty = (data.readUInt32LE(120) & 1) === 1;
      if (crc32(data.subarray(0, 120)) !== data.readUInt32LE(124))
        this.problem('file header checksum mismatch');
    }
    this.head = Buffer.alloc(0);
  }

  /** Reads one chunk slot (shorter than 64 KiB only at the end of the file). */
  private readSlot(c: Buffer): void {
    const problem = this.problem;
    const slot = this.slot++;
    const where = `chunk ${slot} (offset 0x${hex(FILE_HEADER_SIZE + slot * CHUNK_SIZE, 6)})`;
    if (c.length < CHUNK_HEADER_SIZE) {
      if (!isZero(c, 0, c.length)) problem(`${where}: file ends ${c.length} bytes into a chunk header`);
      this.stopped = true;
      return;
    }
    let end: number;
    if (c.compare(CHUNK_MAGIC, 0, 8, 0, 8) !== 0) {
      if (!this.evtx) return;
      if (isZero(c, 0, CHUNK_HEADER_SIZE)) {
        if (c.length > CHUNK_HEADER_SIZE + 4 && c.readUInt32LE(CHUNK_HEADER_SIZE) === 0x2a2a)
          problem(`${where}: header zeroed but records follow; reading them`);
        else return; // an unused slot
      } else if (c.length > CHUNK_HEADER_SIZE + 4 && c.readUInt32LE(CHUNK_HEADER_SIZE) === 0x2a2a) {
        problem(`${where}: no ElfChnk signature but records follow; reading them`);
      } else {
        problem(`${where}: no ElfChnk signature, slot skipped`);
        return;
      }
      end = c.length;
    } else {
      end = checkChunk(c, where, problem);
    }
    if (this.work >= this.fileLimit) {
      problem(
        `${where} and the chunks after it not read: the file's records rendered ${this.fileLimit} nodes, the limit for this file`,
      );
      this.stopped = true;
      return;
    }
    const read = readChunk(c, slot, end, where, problem, this.onRecord, {
      chunk: this.limits.chunkWork,
      file: this.fileLimit,
      fileLeft: this.fileLimit - this.work,
    });
    this.records += read.count;
    this.work += read.work;
    if (read.fileSpent) this.stopped = true;
  }
}

/** Validates a chunk header; returns where its records end (trusting the free-space offset only if sane). */
function checkChunk(c: Buffer, where: string, problem: (msg: string) => void): number {
  const headerOk =
    crc32(c.subarray(128, CHUNK_HEADER_SIZE), crc32(c.subarray(0, 120))) === c.readUInt32LE(124);
  if (!headerOk) problem(`${where}: chunk header checksum mismatch`);
  const free = c.readUInt32LE(48);
  if (c.length < CHUNK_SIZE) {
    problem(
      `${where}: truncated, ${c.length} of ${CHUNK_SIZE} bytes in the file; records read up to the cut`,
    );
    return headerOk && free >= CHUNK_HEADER_SIZE && free < c.length ? free : c.length;
  }
  if (!headerOk || free < CHUNK_HEADER_SIZE || free > CHUNK_SIZE) {
    if (headerOk) problem(`${where}: free-space offset 0x${hex(free, 4)} out of range`);
    return c.length;
  }
  if (crc32(c.subarray(CHUNK_HEADER_SIZE, free)) !== c.readUInt32LE(52))
    problem(`${where}: event records checksum mismatch`);
  return free;
}

/**
 * Reads the records of one chunk between its header and `end`; returns how many were handed over and the
 * nodes they rendered, within the chunk's budget and what is left of the file's.
 */
function readChunk(
  c: Buffer,
  slot: number,
  end: number,
  where: string,
  problem: (msg: string) => void,
  onRecord: (r: EvtxRecord) => void,
  budget: { chunk: number; file: number; fileLeft: number },
): { count: number; work: number; fileSpent: boolean } {
  const fileSpent = budget.fileLeft < budget.chunk;
  const decoder = new ChunkDecoder(c, Math.min(budget.chunk, budget.fileLeft));
  let count = 0;
  let failed = 0;
  let p = CHUNK_HEADER_SIZE;
  while (p + MIN_RECORD_SIZE <= end) {
    if (c.readUInt32LE(p) !== 0x2a2a) {
      if (c.readUInt32LE(p) === 0) break; // zero fill after the last record
      const next = c.indexOf(RECORD_MAGIC, p + 1);
      problem(
        `${where}: no record signature at 0x${hex(p, 4)}; ${next < 0 || next >= end ? 'rest of chunk skipped' : `resuming at 0x${hex(next, 4)}`}`,
      );
      if (next < 0 || next >= end) break;
      p = next;
      continue;
    }
    const size = c.readUInt32LE(p + 4);
    const headerId = c.readUInt32LE(p + 8) + c.readUInt32LE(p + 12) * 0x100000000;
    if (size < MIN_RECORD_SIZE || p + size > end || c.readUInt32LE(p + size - 4) !== size) {
      const cut = p + size > c.length && c.length < CHUNK_SIZE && size <= CHUNK_SIZE;
      const next = cut ? -1 : c.indexOf(RECORD_MAGIC, p + 4);
      problem(
        `${where}: record ${headerId} at 0x${hex(p, 4)} ${cut ? 'cut by the end of the file' : `has a bad size (${size})`}` +
          (next < 0 || next >= end ? '' : `; resuming at 0x${hex(next, 4)}`),
      );
      if (next < 0 || next >= end) break;
      p = next;
      continue;
    }
    let rec: EvtxRecord | undefined;
    try {
      const nodes = decoder.record(p + RECORD_HEADER_SIZE, p + size - 4);
      rec = toRecord(nodes, headerId, c.readUInt32LE(p + 16), c.readUInt32LE(p + 20), slot);
    } catch (e) {
      if (e instanceof WorkLimit) {
        problem(
          fileSpent
            ? `${where}: record ${headerId} at 0x${hex(p, 4)} and the rest of the file not read: the file's records rendered ${budget.file} nodes, the limit for this file`
            : `${where}: record ${headerId} at 0x${hex(p, 4)} and the rest of the chunk skipped: its records rendered ${budget.chunk} nodes, the limit for one chunk`,
        );
        return { count, work: decoder.done, fileSpent };
      }
      failed++;
      problem(`${where}: record ${headerId} at 0x${hex(p, 4)} unreadable: ${describe(e)}`);
    }
    if (rec) {
      count++;
      onRecord(rec);
    }
    p += size;
  }
  if (c.compare(CHUNK_MAGIC, 0, 8, 0, 8) === 0) {
    const first = Number(c.readBigUInt64LE(24));
    const last = Number(c.readBigUInt64LE(32));
    const announced = last - first + 1;
    if (last >= first && count + failed < announced)
      problem(`${where}: header announces records ${first}..${last}, ${count + failed} found`);
  }
  return { count, work: decoder.done, fileSpent: false };
}
