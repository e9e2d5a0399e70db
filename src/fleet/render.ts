// The fleet report in any of its formats: one switch over the renderers beside this file.

import type { Lang } from '../model/types.js';
import type { FleetReport } from './cluster.js';
import { renderFleetCsv } from './render-csv.js';
import { renderFleetHtml } from './render-html.js';
import { renderFleetJson } from './render-json.js';
import { renderFleetText } from './render-text.js';

/** Formats of the fleet report. */
export type FleetFormat = 'text' | 'json' | 'csv' | 'html';

/** The fleet report as text, JSON, CSV (UTF-8 with BOM, formula-safe) or self-contained HTML. */
export function renderFleet(r: FleetReport, format: FleetFormat, options: { lang: Lang }): string {
  switch (format) {
    case 'json':
      return renderFleetJson(r);
    case 'csv':
      return renderFleetCsv(r, options);
    case 'html':
      return renderFleetHtml(r, options);
    case 'text':
      return renderFleetText(r, options);
  }
}
