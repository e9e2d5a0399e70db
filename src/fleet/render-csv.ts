// The fleet report as CSV, one row per machine (failed with its cluster, healthy, unreadable, pending), for
// Excel: UTF-8 with a byte-order mark (so Chinese shows), CRLF rows, every cell quoted, and a cell that a
// spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR at the start) prefixed with `'`.

import type { Lang } from '../model/types.js';
import { safeText } from '../report/safe-text.js';
import type { FleetReport } from './cluster.js';

/** One CSV cell: formula starts neutralised, quotes doubled, always quoted. */
export function csvCell(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? '' : String(v);
  s = safeText(s);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

const HEADER = [
  'status',
  'cluster',
  'machines_in_cluster',
  'signature',
  'problem',
  'machine',
  'computer',
  'build',
  'kbs',
  'first',
  'last',
  'reason',
  'path',
];

/** The report as CSV text (with BOM). */
export function renderFleetCsv(r: FleetReport, opts: { lang: Lang }): string {
  const rows: (string | number | null)[][] = [HEADER];
  for (const c of r.clusters) {
    const title = opts.lang === 'zh' ? c.title.zh : c.title.en;
    for (const m of c.machineList)
      rows.push([
        'failed',
        c.rank,
        c.machines,
        c.signature,
        title,
        m.machine,
        m.computer,
        m.build,
        m.kbs.join(' '),
        m.first,
        m.last,
        null,
        m.path,
      ]);
  }
  for (const m of r.healthy)
    rows.push([
      m.verdict,
      null,
      null,
      null,
      null,
      m.machine,
      m.computer,
      m.build,
      m.kbs.join(' '),
      m.first,
      m.last,
      null,
      m.path,
    ]);
  for (const u of r.unreadable)
    rows.push([
      'unreadable',
      null,
      null,
      null,
      null,
      u.machine,
      null,
      null,
      null,
      null,
      null,
      u.reason,
      u.path,
    ]);
  for (const p of r.pending)
    rows.push(['pending', null, null, null, null, p.machine, null, null, null, null, null, null, p.path]);
  return '\uFEFF' + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
