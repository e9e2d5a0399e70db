// Inputs for the fuzz harness (scripts/fuzz.ts), all from one seed: mutations of the corpus's real logs,
// damaged formats (zip, cab, evtx), hostile archives and folders, and hostile names and text carrying
// terminal sequences (OSC, CSI, C1), HTML and bidi controls. Each generator writes one input under a folder
// and says what it is; the same seed gives the same inputs.

import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

/** A small seeded generator (mulberry32): the same seed, the same inputs. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** Text an attacker controls in a log or a name: terminal sequences, HTML, bidi, C1, NUL. */
export const HOSTILE_TEXT = [
  '\x1b]0;PWNED\x07',
  '\x1b[2J\x1b[H',
  '\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07',
  '\x9b31m',
  '\u202eexe.txt',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  '\x00\x01\x7f',
  '\r\x1b[1A',
  '${7*7}{{7*7}}',
  '\u2028\u2029',
];

/** Which kind of input a generator makes. */
export type FuzzClass =
  | 'mutated-log'
  | 'damaged-zip'
  | 'damaged-cab'
  | 'damaged-evtx'
  | 'hostile-archive'
  | 'hostile-folder'
  | 'hostile-text';

export const CLASSES: readonly FuzzClass[] = [
  'mutated-log',
  'damaged-zip',
  'damaged-cab',
  'damaged-evtx',
  'hostile-archive',
  'hostile-folder',
  'hostile-text',
];

/** The corpus files by kind, at most `maxBytes` each (read once). */
export interface Corpus {
  text: Buffer[];
  cab: Buffer[];
  evtx: Buffer[];
}

function walk(dir: string, out: string[]): void {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    const s = statSync(p);
    if (s.isDirectory()) walk(p, out);
    else if (s.isFile()) out.push(p);
  }
}

/** Loads the corpus folders given (files over 2 MB are cut to their first 2 MB). */
export function loadCorpus(dirs: string[]): Corpus {
  const files: string[] = [];
  for (const d of dirs) {
    try {
      walk(d, files);
    } catch {
      // A corpus folder that is not there gives no seeds.
    }
  }
  const c: Corpus = { text: [], cab: [], evtx: [] };
  for (const f of files) {
    if (/\.md$/i.test(f)) continue;
    const b = readFileSync(f).subarray(0, 2 * 1024 * 1024);
    if (/\.cab$/i.test(f)) c.cab.push(b);
    else if (/\.evtx$/i.test(f)) c.evtx.push(b);
    else if (/\.(log|txt|csv|xml|reg)$/i.test(f)) c.text.push(b);
  }
  return c;
}

/** A piece of a seed: its head, or a slice from a line start, at most `max` bytes. */
function slice(rng: Rng, b: Buffer, max: number): Buffer {
  if (b.length <= max) return Buffer.from(b);
  if (rng.int(2) === 0) return Buffer.from(b.subarray(0, max));
  let at = rng.int(b.length - max);
  const nl = b.indexOf(10, at);
  if (nl >= 0 && nl < at + max / 2) at = nl + 1;
  return Buffer.from(b.subarray(at, at + max));
}

/** Byte-level damage: flips, inserts, deletes, repeats, hostile text, a very long line, a cut. */
export function mutate(rng: Rng, input: Buffer, rounds = 1 + rng.int(8)): Buffer {
  let b = input;
  for (let r = 0; r < rounds; r++) {
    const at = b.length === 0 ? 0 : rng.int(b.length);
    switch (rng.int(9)) {
      case 0:
        if (b.length) b[at] = b[at]! ^ (1 << rng.int(8));
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([rng.int(256)]), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rng.int(64))]);
        break;
      case 3: {
        const len = 1 + rng.int(512);
        const piece = b.subarray(at, at + len);
        const times = 1 + rng.int(20);
        b = Buffer.concat([b.subarray(0, at), ...Array(times).fill(piece), b.subarray(at)]);
        break;
      }
      case 4:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(HOSTILE_TEXT)), b.subarray(at)]);
        break;
      case 5: {
        const ch = rng.pick(['\t', ' ', 'A', '0x8007000D ', '[', ',', '\\']);
        const line = ch.repeat(1000 + rng.int(40_000));
        b = Buffer.concat([b.subarray(0, at), Buffer.from(line), b.subarray(at)]);
        break;
      }
      case 6:
        b = b.subarray(0, at);
        break;
      case 7:
        // A BOM or an encoding switch at the start.
        b = Buffer.concat([Buffer.from(rng.pick([[0xff, 0xfe], [0xfe, 0xff], [0xef, 0xbb, 0xbf], [0]])), b]);
        break;
      default:
        if (b.length > 4)
          b.writeUInt32LE(rng.pick([0, 0xffffffff, 0x7fffffff, rng.int(2 ** 32)]), rng.int(b.length - 3));
    }
  }
  return b;
}

/** One zip entry to write. */
interface ZipItem {
  name: string;
  data: Buffer;
  deflate?: boolean;
}

/** A plain zip writer (stored or deflate), for archives the fuzzer then damages. */
export function writeZip(items: ZipItem[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const it of items) {
    const name = Buffer.from(it.name, 'utf8');
    const comp = it.deflate ? deflateRawSync(it.data) : it.data;
    const crc = crc32(it.data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(it.deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(it.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    locals.push(lh, name, comp);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(it.deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(it.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += 30 + name.length + comp.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(items.length, 8);
  end.writeUInt16LE(items.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A CBS line carrying `text` where a package or component name goes. */
function cbsLine(text: string, code = '0x80073712'): string {
  return `2023-01-05 17:16:16, Error                 CBS    Failed to resolve package '${text}' [HRESULT = ${code} - ERROR_SXS_COMPONENT_STORE_CORRUPT]`;
}

/** Hostile text in the places the readers quote: CBS, WindowsUpdate.log, setupact and event export lines. */
function hostileText(rng: Rng): Buffer {
  const h = (): string => rng.pick(HOSTILE_TEXT) + rng.pick(HOSTILE_TEXT);
  const forms = [
    () =>
      [
        '2023-01-05 17:16:16, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 31008853_2040470245, Package: Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.3165.1.10',
        cbsLine(`Package_for_KB${h()}~31bf3856ad364e35~amd64~~1.0`),
        `2023-01-05 17:16:17, Info                  CSI    00000001 (F) Unable to load manifest ${h()} [HRESULT = 0x80073712]`,
      ].join('\r\n'),
    () =>
      [
        `2023/05/22 08:22:20.0686513 2288  2488  Handler         *FAILED* [800F024B] Driver Install of {4E95DCBD-E67C-46AF-985B-F29D655C3480} on ${h()} (mapping to error 8024200B)`,
        `2023/05/22 08:22:20.0699170 6868  6776  Agent           Title = ${h()}`,
        '2023/05/22 08:22:20.0699170 6868  6776  Agent           UpdateId = {4E95DCBD-E67C-46AF-985B-F29D655C3480}.1',
        '2023/05/22 08:22:20.0699170 6868  6776  Agent           LogHistory called. idUpdate={4E95DCBD-E67C-46AF-985B-F29D655C3480}.1, resultMapped=800F024B, resultUnMapped=800F024B',
      ].join('\r\n'),
    () =>
      [
        '2023-05-23 00:21:30, Info                  MOUPG  *************** SetupHost Logging Begin ***************',
        `2023-05-23 00:21:31, Error                 SP     Operation failed: ${h()}. Error: 0x8007000D[gle=0x0000000d]`,
        `2023-05-23 00:21:32, Error                 MOUPG  SetupHost: Result = 0x8007000D ${h()}`,
      ].join('\r\n'),
    () =>
      [
        'Level,Date and Time,Source,Event ID,Task Category',
        `Error,5/22/2023 8:22:20 AM,Microsoft-Windows-WindowsUpdateClient,20,Windows Update Agent,"Installation Failure: Windows failed to install the following update with error 0x80070643: ${h().replace(/"/g, '""')}."`,
      ].join('\r\n'),
  ];
  return Buffer.from(rng.pick(forms)() + '\r\n');
}

/** What a generator made: the path to analyse and a word on how it was made. */
export interface Made {
  path: string;
  note: string;
}

/** Writes one input of class `cls` under `dir` (created) and returns it. */
export function generate(rng: Rng, cls: FuzzClass, corpus: Corpus, dir: string): Made {
  mkdirSync(dir, { recursive: true });
  const text = (): Buffer =>
    corpus.text.length ? slice(rng, rng.pick(corpus.text), 64 * 1024) : hostileText(rng);
  switch (cls) {
    case 'mutated-log': {
      const p = join(
        dir,
        rng.pick(['CBS.log', 'WindowsUpdate.log', 'setupact.log', 'dism.log', 'input.txt', 'events.csv']),
      );
      writeFileSync(p, mutate(rng, text()));
      return { path: p, note: 'corpus text, mutated' };
    }
    case 'damaged-zip': {
      const items = Array.from({ length: 1 + rng.int(4) }, (_, i) => ({
        name: rng.pick(['CBS/CBS.log', `Logs/x${i}.log`, 'WindowsUpdate.log', 'setupact.log']),
        data: text(),
        deflate: rng.int(3) > 0,
      }));
      const p = join(dir, 'bundle.zip');
      writeFileSync(p, mutate(rng, writeZip(items), 1 + rng.int(4)));
      return { path: p, note: `zip of ${items.length} corpus pieces, damaged` };
    }
    case 'damaged-cab': {
      const p = join(dir, 'CbsPersist_20230105.cab');
      const seed = corpus.cab.length ? rng.pick(corpus.cab) : Buffer.from('MSCF\0\0\0\0');
      writeFileSync(p, mutate(rng, Buffer.from(seed), 1 + rng.int(6)));
      return { path: p, note: 'corpus cabinet, damaged' };
    }
    case 'damaged-evtx': {
      const p = join(dir, 'System.evtx');
      const seed = corpus.evtx.length ? rng.pick(corpus.evtx) : Buffer.from('ElfFile\0');
      writeFileSync(
        p,
        mutate(rng, Buffer.from(seed.subarray(0, 4096 + 65536 * (1 + rng.int(3)))), 1 + rng.int(6)),
      );
      return { path: p, note: 'corpus evtx (first chunks), damaged' };
    }
    case 'hostile-archive': {
      const form = rng.int(5);
      const p = join(dir, 'bundle.zip');
      if (form === 0) {
        // Entry names that carry terminal sequences or climb out of the folder.
        const names = [
          `${rng.pick(HOSTILE_TEXT)}.log`,
          '../../etc/x.log',
          '/abs/CBS.log',
          'C:\\Windows\\CBS.log',
          '',
        ];
        writeFileSync(p, writeZip(names.map((name) => ({ name, data: hostileText(rng) }))));
      } else if (form === 1) {
        // Nested zips, each a little deeper.
        let z = writeZip([{ name: 'CBS.log', data: text(), deflate: true }]);
        for (let i = 0, n = 1 + rng.int(6); i < n; i++)
          z = writeZip([{ name: `n${i}.zip`, data: z, deflate: rng.int(2) === 0 }]);
        writeFileSync(p, z);
      } else if (form === 2) {
        // Many tiny entries.
        const n = 100 + rng.int(1000);
        writeFileSync(
          p,
          writeZip(
            Array.from({ length: n }, (_, i) => ({
              name: `l/${i}.log`,
              data: Buffer.from(cbsLine(`p${i}`)),
            })),
          ),
        );
      } else if (form === 3) {
        // A small entry that expands a lot (repetitive CBS lines).
        const line = Buffer.from(cbsLine('Package_for_RollupFix') + '\r\n');
        writeFileSync(
          p,
          writeZip([
            { name: 'CBS.log', data: Buffer.concat(Array(2000 + rng.int(20000)).fill(line)), deflate: true },
          ]),
        );
      } else {
        // One entry listed many times (overlapping central directory entries).
        const z = writeZip(
          Array.from({ length: 2 + rng.int(30) }, () => ({ name: 'CBS.log', data: text() })),
        );
        writeFileSync(p, z);
      }
      return { path: p, note: `hostile archive form ${form}` };
    }
    case 'hostile-folder': {
      const d = join(dir, 'folder');
      mkdirSync(d, { recursive: true });
      const form = rng.int(4);
      if (form === 0) {
        for (const t of HOSTILE_TEXT.slice(0, 3 + rng.int(HOSTILE_TEXT.length - 3))) {
          const name = t.replace(/[\0/]/g, '_') || 'x';
          writeFileSync(join(d, `${name}.log`), rng.int(2) ? hostileText(rng) : Buffer.alloc(0));
        }
      } else if (form === 1) {
        writeFileSync(join(d, 'CBS.log'), text());
        for (let i = 0; i < 1 + rng.int(3); i++) symlinkSync('.', join(d, `loop${i}`));
        symlinkSync('/etc', join(d, 'out'));
        symlinkSync('missing-target', join(d, 'dangling'));
      } else if (form === 2) {
        let p = d;
        for (let i = 0, n = 5 + rng.int(12); i < n; i++) {
          p = join(p, `d${i}`);
          mkdirSync(p);
          if (rng.int(3) === 0) writeFileSync(join(p, 'CBS.log'), text());
        }
      } else {
        for (let i = 0, n = 50 + rng.int(500); i < n; i++)
          writeFileSync(join(d, `CBS_${i}.log`), mutate(rng, text(), 1));
      }
      return { path: d, note: `hostile folder form ${form}` };
    }
    default: {
      const p = join(dir, rng.pick(['CBS.log', 'WindowsUpdate.log', 'setupact.log', 'events.csv']));
      writeFileSync(p, hostileText(rng));
      return { path: p, note: 'hostile text in quoted places' };
    }
  }
}
