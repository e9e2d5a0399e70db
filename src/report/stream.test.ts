// Reports written as they are made: the pieces join to exactly the report `render` gives, JSON member by
// member is exactly JSON.stringify's text, and the writer waits for a slow stream instead of buffering.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { analyze, render, reportChunks, withAdvice, writeReport, type Diagnosis } from '../index.js';
import { jsonChunks, joinChunks, writeChunks } from './stream.js';
import { safeJson } from './safe-text.js';
import { examplePath } from '../testing/paths.js';

test('JSON member by member is exactly safeJson of any value, whatever the piece size and indent', () => {
  // Values with what JSON.stringify treats apart: undefined members (left out), undefined in arrays (null),
  // empty containers, control and bidi characters, toJSON (dates).
  const leaf = fc.oneof(
    fc.jsonValue({ maxDepth: 1 }),
    fc.constant(undefined),
    fc.string({ unit: 'binary' }),
    fc.date({ noInvalidDate: true }),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('node'), { maxLength: 5 }),
    object: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('node'), { maxKeys: 5 }),
  })).node;
  fc.assert(
    fc.property(
      value,
      fc.integer({ min: 0, max: 4 }),
      fc.integer({ min: 0, max: 200 }),
      (v, indent, piece) => {
        if (v === undefined) return;
        assert.equal(joinChunks(jsonChunks(v, indent, piece)), safeJson(v, indent));
      },
    ),
    { numRuns: 2000 },
  );
});

async function sampleDiagnosis(): Promise<Diagnosis> {
  return withAdvice(await analyze(examplePath('CBS.log')));
}

test('a report in pieces joins to the whole report, in every format and language', async () => {
  const d = await sampleDiagnosis();
  for (const format of ['json', 'md', 'html', 'text'] as const) {
    for (const lang of ['zh', 'en'] as const) {
      const pieces = [...reportChunks(d, format, { lang, verbose: true })];
      assert.equal(pieces.join(''), render(d, format, { lang, verbose: true }), `${format} ${lang}`);
    }
  }
  assert.equal(render(d, 'json', { lang: 'en' }), safeJson(d) + '\n');
});

test('a large report comes in pieces of about 64 KB, never whole', async () => {
  const d = await sampleDiagnosis();
  // A diagnosis with 2,000 findings (what the caps allow at most per rule, twenty times over).
  const big: Diagnosis = {
    ...d,
    findings: Array.from({ length: 2000 }, (_, i) => ({ ...d.findings[0]!, id: `f${i + 1}` })),
  };
  // And the same twice over as the machines of a mixed input: a machine's diagnosis is not one piece either.
  const mixed: Diagnosis = {
    ...big,
    machines: ['m1', 'm2'].map((id) => ({ id, build: '17763', computer: null, files: [], diagnosis: big })),
  };
  for (const [format, diagnosis] of [
    ['json', big],
    ['md', big],
    ['html', big],
    ['json', mixed],
    ['md', mixed],
    ['html', mixed],
  ] as const) {
    const pieces = [...reportChunks(diagnosis, format, { lang: 'zh', verbose: true })];
    const whole = pieces.join('').length;
    const largest = Math.max(...pieces.map((p) => p.length));
    assert.ok(pieces.length > 10, `${format}: ${pieces.length} pieces`);
    // A piece is at most one gathering (64 KB) plus one section (the consolidated view is the largest).
    assert.ok(whole > 1_000_000 && largest < 128 * 1024, `${format}: largest piece ${largest} of ${whole}`);
  }
});

/** A stream that takes a piece every few milliseconds, with a small buffer. */
function slowSink(): { out: Writable; text: () => string; maxBuffered: () => number } {
  let text = '';
  let maxBuffered = 0;
  const out = new Writable({
    highWaterMark: 16 * 1024,
    decodeStrings: false,
    write(chunk: string, _enc, cb) {
      text += chunk;
      setTimeout(cb, 1);
    },
  });
  const write = out.write.bind(out);
  out.write = ((chunk: string) => {
    const ok = write(chunk);
    maxBuffered = Math.max(maxBuffered, out.writableLength);
    return ok;
  }) as typeof out.write;
  return { out, text: () => text, maxBuffered: () => maxBuffered };
}

test('the writer waits for a slow stream: what waits in memory stays near one piece', async () => {
  let made = 0;
  function* pieces(): Generator<string> {
    for (let i = 0; i < 400; i++) {
      made += 10_000;
      yield String(i % 10).repeat(10_000);
    }
  }
  const sink = slowSink();
  let ahead = 0;
  const watch = setInterval(() => (ahead = Math.max(ahead, made - sink.text().length)), 0);
  await writeChunks(pieces(), sink.out);
  clearInterval(watch);
  assert.equal(sink.text().length, 4_000_000);
  // Without back-pressure the whole 4 MB would be made at once and wait in the stream's buffer.
  assert.ok(sink.maxBuffered() < 100_000, `buffered ${sink.maxBuffered()}`);
  assert.ok(ahead < 200_000, `made ahead of the stream: ${ahead}`);
});

test('writeReport writes the same text as render; a stream that fails or closes early rejects', async () => {
  const d = await sampleDiagnosis();
  const sink = slowSink();
  await writeReport(d, 'md', { lang: 'zh', verbose: true }, sink.out);
  assert.equal(sink.text(), render(d, 'md', { lang: 'zh', verbose: true }));

  const failing = new Writable({
    highWaterMark: 1024,
    write(_chunk, _enc, cb) {
      setTimeout(() => cb(new Error('disk full')), 1);
    },
  });
  failing.on('error', () => {});
  const many = (function* () {
    for (let i = 0; i < 100; i++) yield 'x'.repeat(70_000);
  })();
  await assert.rejects(writeChunks(many, failing), /disk full/);

  const closing = new Writable({
    highWaterMark: 1024,
    write(_chunk, _enc, cb) {
      setTimeout(() => closing.destroy(), 1);
      void cb;
    },
  });
  const more = (function* () {
    for (let i = 0; i < 100; i++) yield 'y'.repeat(70_000);
  })();
  await assert.rejects(writeChunks(more, closing), /closed before the report was written/);
});
