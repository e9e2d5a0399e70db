// The timeline picture: one lane per source on the bundle's one clock, its operations (failed, succeeded,
// other) as marks, one lane per update history with its tries, and the gaps where no source has lines.
// Server-rendered SVG built with the escaping `html` helper; no script, no external reference.

import type { Attempt, Diagnosis, Lang } from '../model/types.js';
import { html, type SafeHtml } from './html.js';
import { t } from './i18n.js';

/** Milliseconds on the one clock of a local `YYYY-MM-DD HH:MM:SS` written with `offset` minutes (UTC when null). */
function toMs(local: string | null | undefined, offset: number | null): number | null {
  if (!local) return null;
  const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(local) ? local : `${local.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  return /[zZ]|[+-]\d{2}:?\d{2}$/.test(local) ? ms : ms - (offset ?? 0) * 60_000;
}

function color(outcome: Attempt['outcome']): string {
  if (outcome === 'failed' || outcome === 'interrupted') return 'tl-fail';
  if (outcome === 'succeeded' || outcome === 'retried' || outcome === 'superseded') return 'tl-ok';
  return 'tl-other';
}

interface Mark {
  lane: number;
  from: number;
  to: number;
  cls: string;
  title: string;
}

const LANE_H = 22;
const LABEL_W = 260;
const WIDTH = 1100;

function fmt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** The timeline of a diagnosis as an SVG element (or a sentence when the logs carry no times). */
export function timelineSvg(d: Diagnosis, lang: Lang): SafeHtml {
  const offsets = new Map(d.sources.map((s) => [s.file, s.utcOffsetMinutes]));
  const lanes: string[] = [];
  const laneOf = new Map<string, number>();
  const spans: { from: number; to: number }[] = [];
  const marks: Mark[] = [];
  for (const s of d.sources) {
    const from = toMs(s.first, s.utcOffsetMinutes);
    const to = toMs(s.last, s.utcOffsetMinutes);
    if (from === null || to === null) continue;
    laneOf.set(s.file, lanes.length);
    marks.push({ lane: lanes.length, from, to, cls: 'tl-span', title: `${s.file}: ${s.first} – ${s.last}` });
    spans.push({ from, to });
    lanes.push(s.file);
  }
  for (const a of d.attempts) {
    const lane = a.file !== undefined ? laneOf.get(a.file) : undefined;
    if (lane === undefined) continue;
    const off = offsets.get(a.file!) ?? null;
    const from = a.startUtc ? toMs(a.startUtc, 0) : toMs(a.start, off);
    const to = (a.endUtc ? toMs(a.endUtc, 0) : toMs(a.end, off)) ?? from;
    if (from === null || to === null) continue;
    const what = a.kb ?? a.package ?? a.kind;
    marks.push({
      lane,
      from,
      to,
      cls: color(a.outcome),
      title: `${what}: ${a.outcome} ${a.result ?? ''} (${a.start ?? ''})`,
    });
  }
  for (const u of d.updates ?? []) {
    const lane = lanes.length;
    let any = false;
    for (const o of u.occurrences) {
      const from = toMs(o.start, 0);
      const to = toMs(o.end, 0) ?? from;
      if (from === null || to === null) continue;
      any = true;
      marks.push({
        lane,
        from,
        to,
        cls: color(o.outcome),
        title: `${u.update}: ${o.outcome} ${o.codes.join(' ')} (${o.start ?? ''})`,
      });
    }
    if (any) lanes.push(`${t(lang, 'update')} ${u.update}`);
  }
  if (marks.length === 0) return html`<p class="muted">${t(lang, 'noTimes')}</p>`;
  let min = Math.min(...marks.map((m) => m.from));
  let max = Math.max(...marks.map((m) => m.to));
  if (max - min < 60_000) {
    min -= 30_000;
    max += 30_000;
  }
  // Gaps: stretches of more than 5 % of the whole where no source has lines.
  const gaps: { from: number; to: number }[] = [];
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  let reach = sorted[0]?.from ?? min;
  for (const s of sorted) {
    if (s.from - reach > (max - min) * 0.05) gaps.push({ from: reach, to: s.from });
    reach = Math.max(reach, s.to);
  }
  const plotW = WIDTH - LABEL_W - 10;
  const x = (ms: number): number => LABEL_W + ((ms - min) / (max - min)) * plotW;
  const height = lanes.length * LANE_H + 40;
  const label = (s: string): string => (s.length > 38 ? `…${s.slice(-37)}` : s);
  return html`<svg
    class="timeline"
    xmlns="http://www.w3.org/2000/svg"
    viewBox="0 0 ${WIDTH} ${height}"
    width="${WIDTH}"
    height="${height}"
    role="img"
    aria-label="${t(lang, 'timeline')}"
  >
    ${gaps.map(
      (g) =>
        html`<rect
          class="tl-gap"
          x="${x(g.from).toFixed(1)}"
          y="0"
          width="${Math.max(1, x(g.to) - x(g.from)).toFixed(1)}"
          height="${lanes.length * LANE_H}"
          ><title>${t(lang, 'gap')}: ${fmt(g.from)} – ${fmt(g.to)} UTC</title></rect
        >`,
    )}
    ${lanes.map(
      (name, i) =>
        html`<text class="tl-label" x="4" y="${i * LANE_H + 15}">${label(name)}<title>${name}</title></text
          ><line
            class="tl-lane"
            x1="${LABEL_W}"
            x2="${WIDTH - 10}"
            y1="${i * LANE_H + 11}"
            y2="${i * LANE_H + 11}"
          />`,
    )}
    ${marks.map((m) => {
      const x1 = x(m.from);
      const w = Math.max(m.cls === 'tl-span' ? 2 : 4, x(m.to) - x1);
      const y = m.lane * LANE_H + (m.cls === 'tl-span' ? 8 : 4);
      const h = m.cls === 'tl-span' ? 6 : 14;
      return html`<rect class="${m.cls}" x="${x1.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${h}"
        ><title>${m.title}</title></rect
      >`;
    })}
    <text class="tl-axis" x="${LABEL_W}" y="${lanes.length * LANE_H + 20}">${fmt(min)} UTC</text>
    <text class="tl-axis" x="${WIDTH - 10}" y="${lanes.length * LANE_H + 20}" text-anchor="end">
      ${fmt(max)} UTC
    </text>
    <g class="tl-legend" transform="translate(${LABEL_W},${lanes.length * LANE_H + 28})">
      <rect class="tl-fail" width="10" height="10" />
      <text x="14" y="9">${t(lang, 'failedOp')}</text>
      <rect class="tl-ok" x="80" width="10" height="10" />
      <text x="94" y="9">${t(lang, 'okOp')}</text>
      <rect class="tl-other" x="170" width="10" height="10" />
      <text x="184" y="9">${t(lang, 'otherOp')}</text>
      <rect class="tl-gap" x="260" width="10" height="10" />
      <text x="274" y="9">${t(lang, 'gap')}</text>
    </g>
  </svg>`;
}
