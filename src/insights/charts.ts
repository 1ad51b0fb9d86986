/**
 * Charts as plain geometry: each builder lays out rectangles, lines and labels in an SVG
 * coordinate space, and one template macro (`views/_chart.njk`) draws them, escaped like every
 * other value. No chart library, no client-side script: the page is complete as the server sends
 * it, prints the same, and goes into the PDF unchanged. Every chart carries a title and a
 * description for assistive technology, and every page shows the same figures in a table beside
 * it, so the chart is never the only way to read them.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
}

export interface Label {
  x: number;
  y: number;
  text: string;
  anchor: 'start' | 'middle' | 'end';
  /** Smaller text for axis ticks. */
  small?: boolean;
}

export interface Line {
  points: string;
  stroke: string;
  /** Gridlines are thin and grey; data lines thick. */
  grid?: boolean;
}

export interface Dot {
  x: number;
  y: number;
  fill: string;
}

export interface Chart {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  rects: Rect[];
  lines: Line[];
  dots: Dot[];
  labels: Label[];
}

export interface Series {
  label: string;
  colour: string;
}

/**
 * Colours for up to eight series, each at least 4.5:1 against white (so thin marks and their
 * legend swatches stay visible); neighbouring segments are separated by a white gap as well.
 */
export const PALETTE = ['#1d70b8', '#00703c', '#c25400', '#4c2c92', '#d4351c', '#505a5f', '#912b88', '#0b5e63'];

/** Grade colours by rank on a four-point scale, best first. */
export const GRADE_COLOURS = ['#00703c', '#1d70b8', '#c25400', '#d4351c'];

export function gradeColour(rank: number, scaleSize: number): string {
  if (scaleSize === GRADE_COLOURS.length) return GRADE_COLOURS[rank - 1] ?? '#505a5f';
  return PALETTE[(rank - 1) % PALETTE.length]!;
}

const WIDTH = 680;
const LEFT = 56;
const RIGHT = 16;
const TOP = 16;

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** A "nice" top for an axis: 1, 2 or 5 times a power of ten, at least the largest value. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

function legend(series: readonly Series[], y: number): { rects: Rect[]; labels: Label[]; height: number } {
  const rects: Rect[] = [];
  const labels: Label[] = [];
  let x = LEFT;
  let row = 0;
  for (const s of series) {
    const width = 22 + s.label.length * 7;
    if (x + width > WIDTH - RIGHT && x > LEFT) {
      x = LEFT;
      row++;
    }
    rects.push({ x, y: y + row * 20, width: 12, height: 12, fill: s.colour });
    labels.push({ x: x + 16, y: y + row * 20 + 11, text: s.label, anchor: 'start', small: true });
    x += width + 12;
  }
  return { rects, labels, height: (row + 1) * 20 };
}

/** Gridlines at whole numbers where the axis counts things: 10 splits in fives, 2 in twos. */
function tickCount(max: number, whole: boolean): number {
  if (!whole) return 4;
  if (max <= 1) return 1;
  return [5, 4, 2].find((n) => Number.isInteger(max / n)) ?? 1;
}

function valueAxis(max: number, top: number, bottom: number, format: (v: number) => string, whole: boolean): { lines: Line[]; labels: Label[] } {
  const lines: Line[] = [];
  const labels: Label[] = [];
  const ticks = tickCount(max, whole);
  for (let i = 0; i <= ticks; i++) {
    const value = (max * i) / ticks;
    const y = round(bottom - ((bottom - top) * i) / ticks);
    lines.push({ points: `${LEFT},${y} ${WIDTH - RIGHT},${y}`, stroke: '#b1b4b6', grid: true });
    labels.push({ x: LEFT - 6, y: y + 4, text: format(value), anchor: 'end', small: true });
  }
  return { lines, labels };
}

const count = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
export const percent = (v: number) => `${Math.round(v * 100)}%`;

/** Category labels under columns: every one when they fit, otherwise every second or third. */
function categoryLabels(categories: readonly string[], xOf: (i: number) => number, y: number): Label[] {
  const every = Math.max(1, Math.ceil((categories.length * 64) / (WIDTH - LEFT - RIGHT)));
  return categories.flatMap((text, i) => (i % every === 0 ? [{ x: xOf(i), y, text, anchor: 'middle' as const, small: true }] : []));
}

/**
 * Columns, one per category, stacked by series: e.g. audits per month split by grade.
 * `values[s][c]` is series s in category c.
 */
export function stackedColumns(options: { id: string; title: string; description: string; categories: readonly string[]; series: readonly Series[]; values: readonly (readonly number[])[] }): Chart {
  const { categories, series, values } = options;
  const plotTop = TOP;
  const plotBottom = 220;
  const totals = categories.map((_, c) => series.reduce((sum, _s, s) => sum + (values[s]?.[c] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const axis = valueAxis(max, plotTop, plotBottom, count, true);
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, categories.length);
  const barWidth = Math.min(48, slot * 0.7);
  const xOf = (c: number) => round(LEFT + slot * c + slot / 2);
  const rects: Rect[] = [];
  categories.forEach((_, c) => {
    let y = plotBottom;
    series.forEach((s, si) => {
      const v = values[si]?.[c] ?? 0;
      if (v <= 0) return;
      const h = ((plotBottom - plotTop) * v) / max;
      y -= h;
      // A one-unit white gap between stacked segments keeps neighbouring colours apart.
      rects.push({ x: round(xOf(c) - barWidth / 2), y: round(y), width: round(barWidth), height: round(Math.max(0.5, h - 1)), fill: s.colour });
    });
  });
  const key = legend(series, plotBottom + 34);
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    width: WIDTH,
    height: plotBottom + 34 + key.height + 4,
    rects: [...rects, ...key.rects],
    lines: [...axis.lines, { points: `${LEFT},${plotBottom} ${WIDTH - RIGHT},${plotBottom}`, stroke: '#0b0c0c' }],
    dots: [],
    labels: [...axis.labels, ...categoryLabels(categories, xOf, plotBottom + 18), ...key.labels],
  };
}

/**
 * Horizontal bars, one per row (a team, an area), stacked by series. With `asShare`, each bar is
 * its row's mix as a share of the row's total, so rows of different sizes compare.
 */
export function stackedBars(options: {
  id: string;
  title: string;
  description: string;
  rows: readonly string[];
  series: readonly Series[];
  values: readonly (readonly number[])[];
  asShare?: boolean;
}): Chart {
  const { rows, series, values } = options;
  const labelWidth = 200;
  const left = labelWidth + 8;
  const barHeight = 18;
  const gap = 10;
  const plotTop = TOP + 4;
  const totals = rows.map((_, r) => series.reduce((sum, _s, s) => sum + (values[s]?.[r] ?? 0), 0));
  const max = options.asShare ? 1 : niceMax(Math.max(0, ...totals));
  const plotWidth = WIDTH - left - RIGHT;
  const rects: Rect[] = [];
  const labels: Label[] = [];
  rows.forEach((row, r) => {
    const y = plotTop + r * (barHeight + gap);
    labels.push({ x: labelWidth, y: y + 13, text: row.length > 30 ? `${row.slice(0, 29)}…` : row, anchor: 'end', small: true });
    let x = left;
    series.forEach((s, si) => {
      const v = values[si]?.[r] ?? 0;
      if (v <= 0) return;
      const w = (plotWidth * (options.asShare ? v / (totals[r] || 1) : v)) / max;
      rects.push({ x: round(x), y, width: round(Math.max(0.5, w - 1)), height: barHeight, fill: s.colour });
      x += w;
    });
  });
  const plotBottom = plotTop + rows.length * (barHeight + gap);
  const lines: Line[] = [];
  const ticks = tickCount(max, !options.asShare);
  for (let i = 0; i <= ticks; i++) {
    const x = round(left + (plotWidth * i) / ticks);
    lines.push({ points: `${x},${plotTop - 4} ${x},${plotBottom}`, stroke: '#b1b4b6', grid: true });
    labels.push({ x, y: plotBottom + 14, text: options.asShare ? percent(i / ticks) : count((max * i) / ticks), anchor: 'middle', small: true });
  }
  const key = series.length > 1 ? legend(series, plotBottom + 26) : { rects: [], labels: [], height: 0 };
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    width: WIDTH,
    height: plotBottom + 26 + key.height + 4,
    rects: [...rects, ...key.rects],
    lines,
    dots: [],
    labels: [...labels, ...key.labels],
  };
}

/**
 * Horizontal bars side by side for each row, one per series, each a share from 0 to 100%: e.g.
 * a team's deadlines met on time beside its audits good or better. A null draws no bar.
 */
export function groupedBars(options: { id: string; title: string; description: string; rows: readonly string[]; series: readonly Series[]; values: ReadonlyArray<ReadonlyArray<number | null>> }): Chart {
  const { rows, series, values } = options;
  const labelWidth = 200;
  const left = labelWidth + 8;
  const barHeight = 12;
  const groupHeight = series.length * (barHeight + 2) + 10;
  const plotTop = TOP + 4;
  const plotWidth = WIDTH - left - RIGHT;
  const rects: Rect[] = [];
  const labels: Label[] = [];
  rows.forEach((row, r) => {
    const y = plotTop + r * groupHeight;
    labels.push({ x: labelWidth, y: y + (series.length * (barHeight + 2)) / 2 + 4, text: row.length > 30 ? `${row.slice(0, 29)}…` : row, anchor: 'end', small: true });
    series.forEach((s, si) => {
      const v = values[si]?.[r];
      if (v === null || v === undefined || v <= 0) return;
      rects.push({ x: left, y: y + si * (barHeight + 2), width: round(Math.max(0.5, plotWidth * Math.min(1, v))), height: barHeight, fill: s.colour });
    });
  });
  const plotBottom = plotTop + rows.length * groupHeight;
  const lines: Line[] = [];
  for (let i = 0; i <= 4; i++) {
    const x = round(left + (plotWidth * i) / 4);
    lines.push({ points: `${x},${plotTop - 4} ${x},${plotBottom}`, stroke: '#b1b4b6', grid: true });
    labels.push({ x, y: plotBottom + 14, text: percent(i / 4), anchor: 'middle', small: true });
  }
  const key = legend(series, plotBottom + 26);
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    width: WIDTH,
    height: plotBottom + 26 + key.height + 4,
    rects: [...rects, ...key.rects],
    lines,
    dots: [],
    labels: [...labels, ...key.labels],
  };
}

/** Lines over categories (months), for shares from 0 to 100%; a null is a gap in the line. */
export function shareLines(options: { id: string; title: string; description: string; categories: readonly string[]; lines: ReadonlyArray<Series & { values: ReadonlyArray<number | null> }> }): Chart {
  const { categories } = options;
  const plotTop = TOP;
  const plotBottom = 220;
  const axis = valueAxis(1, plotTop, plotBottom, percent, false);
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, categories.length);
  const xOf = (c: number) => round(LEFT + slot * c + slot / 2);
  const yOf = (v: number) => round(plotBottom - (plotBottom - plotTop) * Math.min(1, Math.max(0, v)));
  const lines: Line[] = [...axis.lines, { points: `${LEFT},${plotBottom} ${WIDTH - RIGHT},${plotBottom}`, stroke: '#0b0c0c' }];
  const dots: Dot[] = [];
  for (const line of options.lines) {
    let run: string[] = [];
    const flush = () => {
      if (run.length > 1) lines.push({ points: run.join(' '), stroke: line.colour });
      run = [];
    };
    line.values.forEach((v, c) => {
      if (v === null) return flush();
      run.push(`${xOf(c)},${yOf(v)}`);
      dots.push({ x: xOf(c), y: yOf(v), fill: line.colour });
    });
    flush();
  }
  const key = legend(options.lines, plotBottom + 34);
  return {
    id: options.id,
    title: options.title,
    description: options.description,
    width: WIDTH,
    height: plotBottom + 34 + key.height + 4,
    rects: key.rects,
    lines,
    dots,
    labels: [...axis.labels, ...categoryLabels(categories, xOf, plotBottom + 18), ...key.labels],
  };
}
