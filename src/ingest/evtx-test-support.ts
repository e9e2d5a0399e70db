// A minimal EVTX writer for tests: a file header and chunks of records that all instantiate one template,
// built from the format as libevtx documents it (inline names, the template defined by the first record of
// each chunk). Enough to build hostile files of any size in a test.

import { crc32 } from 'node:zlib';

/** Template BinXml with inline names, written at a known chunk offset. */
class Template {
  readonly b: number[] = [];
  constructor(private readonly base: number) {}
  private get at(): number {
    return this.base + this.b.length;
  }
  private u16(n: number): void {
    this.b.push(n & 0xff, (n >> 8) & 0xff);
  }
  private u32(n: number): void {
    this.u16(n & 0xffff);
    this.u16(n >>> 16);
  }
  open(name: string): this {
    const start = this.at;
    this.b.push(0x01);
    this.u16(0xffff);
    this.u32(0);
    this.u32(start + 11);
    // An inline name: next offset, hash, character count, UTF-16 text and its NUL.
    this.u32(0);
    this.u16(0);
    this.u16(name.length);
    for (const ch of name) this.u16(ch.charCodeAt(0));
    this.u16(0);
    this.b.push(0x02);
    return this;
  }
  close(): this {
    this.b.push(0x04);
    return this;
  }
  sub(index: number, type: number): this {
    this.b.push(0x0d);
    this.u16(index);
    this.b.push(type);
    return this;
  }
}

/**
 * An EVTX file of `chunks` full chunks whose records render `items`^`levels` elements each: every record is
 * `<Event><System><EventID>19</EventID></System><A>…<B>…<C>…` where A, B, C… each repeat once per item of
 * their uint8-array substitution, nested.
 */
export function amplifiedEvtx(chunks: number, items: number, levels: number): Buffer {
  const out: Buffer[] = [];
  let rid = 1;
  for (let k = 0; k < chunks; k++) {
    const c = Buffer.alloc(0x10000);
    c.write('ElfChnk\0', 0, 'latin1');
    const first = rid;
    let p = 512;
    let last = p;
    let templateAt = 0;
    for (;;) {
      const bx: number[] = [0x0f, 0x01, 0x01, 0x00, 0x0c, 0x01, 0, 0, 0, 0];
      const defAt = p + 24 + bx.length + 4;
      const body: number[] = [];
      if (templateAt === 0) {
        const t = new Template(defAt + 24);
        t.b.push(0x0f, 0x01, 0x01, 0x00);
        t.open('Event').open('System').open('EventID').sub(levels, 0x06).close().close();
        for (let l = 0; l < levels; l++) t.open(String.fromCharCode(0x41 + l)).sub(l, 0x84);
        for (let l = 0; l < levels; l++) t.close();
        t.close();
        t.b.push(0x00);
        const head = Buffer.alloc(24);
        head.writeUInt32LE(t.b.length, 20);
        body.push(...head, ...t.b);
        templateAt = defAt;
      }
      const def = Buffer.alloc(4);
      def.writeUInt32LE(templateAt);
      const values = Buffer.alloc(4 + (levels + 1) * 4);
      values.writeUInt32LE(levels + 1);
      for (let l = 0; l < levels; l++) {
        values.writeUInt16LE(items, 4 + l * 4);
        values.writeUInt8(0x84, 6 + l * 4);
      }
      values.writeUInt16LE(2, 4 + levels * 4);
      values.writeUInt8(0x06, 6 + levels * 4);
      const data = [...Buffer.alloc(items * levels, 7), 19, 0];
      const xml = Buffer.from([...bx, ...def, ...body, ...values, ...data, 0x00]);
      let size = 24 + xml.length + 4;
      size += (8 - (size % 8)) % 8;
      if (p + size > 0x10000 - 8) break;
      c.writeUInt32LE(0x2a2a, p);
      c.writeUInt32LE(size, p + 4);
      c.writeBigUInt64LE(BigInt(rid), p + 8);
      c.writeBigUInt64LE(132000000000000000n, p + 16);
      xml.copy(c, p + 24);
      c.writeUInt32LE(size, p + size - 4);
      last = p;
      p += size;
      rid++;
    }
    for (const [at, v] of [
      [8, first],
      [16, rid - 1],
      [24, first],
      [32, rid - 1],
    ] as const)
      c.writeBigUInt64LE(BigInt(v), at);
    c.writeUInt32LE(128, 40);
    c.writeUInt32LE(last, 44);
    c.writeUInt32LE(p, 48);
    c.writeUInt32LE(crc32(c.subarray(512, p)), 52);
    c.writeUInt32LE(crc32(c.subarray(128, 512), crc32(c.subarray(0, 120))), 124);
    out.push(c);
  }
  const h = Buffer.alloc(4096);
  h.write('ElfFile\0', 0, 'latin1');
  h.writeBigUInt64LE(BigInt(Math.max(0, chunks - 1)), 16);
  h.writeBigUInt64LE(BigInt(rid), 24);
  h.writeUInt32LE(128, 32);
  h.writeUInt16LE(1, 36);
  h.writeUInt16LE(3, 38);
  h.writeUInt16LE(4096, 40);
  h.writeUInt16LE(chunks, 42);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return Buffer.concat([h, ...out]);
}
