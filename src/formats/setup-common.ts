// What both Panther formats (setupact/setuperr/rollback logs and SetupDiag's results) do: stream the lines
// into setup records, kept per file for the setup story that reads a folder's logs together.

import { sniffEncoding } from '../ingest/encoding.js';
import type { Input } from '../ingest/inputs.js';
import type { SetupRecord } from '../parse/setupact.js';
import {
  addSource,
  recordKeeper,
  sourceOf,
  streamLines,
  TimeSpan,
  type BundleContext,
} from './define-format.js';

/** Streams a setup log through `lineRecord`, keeping the records for the setup story. */
export function readSetupLog(
  input: Input,
  ctx: BundleContext,
  lineRecord: (line: string, lineNo: number) => SetupRecord | null,
): void {
  const records: SetupRecord[] = [];
  const keeper = recordKeeper(ctx, input, 'setup lines');
  // The span is of every record read, kept or not.
  const span = new TimeSpan();
  const stats = streamLines(input, ctx, (l, n) => {
    const r = lineRecord(l, n);
    if (!r) return;
    span.add(r.time);
    if (keeper.take(n)) records.push({ ...r, file: input.name });
  });
  keeper.end();
  ctx.setupLogs.push({ name: input.name, records });
  const encoding = sniffEncoding(input.head()).encoding;
  addSource(ctx, sourceOf(input, 'setup', stats.splitLines, encoding, span), null, 'unknown');
}
