// Trace volume, error rate and duration percentiles over time, for the list's time range and
// filters (the analytics endpoint), drawn with uPlot. Dragging across a chart zooms the list to
// that range.

import uPlot from '../../vendor/uplot/uPlot.esm.js';
import { h, replace } from '../dom.js';
import { formatAxisTime, formatChartTime, formatCount, formatDuration, formatDurationTick } from '../format.js';

const COLORS = { count: '#5b7bd5', error: '#d63b2f', p50: '#5b7bd5', p90: '#e8891c', p99: '#c2185b' };
const HEIGHT = 132;

function bars() {
  return uPlot.paths.bars({ size: [0.75, 28], align: 0 });
}

/** Tick steps for counts: whole numbers only. */
const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000];

const AXIS_FONT = '11px system-ui, sans-serif';
let measureContext = null;

/** The width in CSS pixels of an axis label. */
function labelWidth(text) {
  if (!measureContext) {
    measureContext = document.createElement('canvas').getContext('2d');
    measureContext.font = AXIS_FONT;
  }
  return measureContext.measureText(text).width;
}

/** Time labels in the browser's locale (its 12- or 24-hour clock), as precise as the step. */
function timeValues(u, splits, axisIdx, space, incr) {
  const [min, max] = [u.scales.x.min, u.scales.x.max];
  const spansDays = max - min > 86400;
  return splits.map((s) => formatAxisTime(s, incr, spansDays));
}

/**
 * Room on the right for the last time label: uPlot centres each label on its tick, so a tick at
 * the right edge needs half its label's width (the labels of the last layout, or a typical one).
 */
function rightPadding(u) {
  const values = u.axes[0] && u.axes[0]._values;
  const widest = values && values.length ? Math.max(...values.map((v) => labelWidth(String(v))))
    : labelWidth(formatAxisTime(Date.UTC(2026, 10, 24, 22, 45) / 1000));
  return Math.ceil(widest / 2) + 4;
}

function axes(formatY, whole) {
  const grid = { stroke: '#eceef3', width: 1 };
  return [
    { font: AXIS_FONT, stroke: '#6b7080', grid, ticks: { show: false }, space: 70, values: timeValues },
    {
      font: AXIS_FONT, stroke: '#6b7080', grid, ticks: { show: false }, size: 52, values: (u, vals) => vals.map(formatY),
      ...(whole ? { incrs: WHOLE } : {}),
    },
  ];
}

/** Points while values are few: with sparse traffic most intervals are empty, and a lone value draws no line. */
function dots(color) {
  return { show: (u, i) => u.data[i].filter((v) => v !== null).length <= 40, size: 5, width: 1, stroke: color, fill: color };
}

const sum = (rows, key) => rows.reduce((n, i) => n + (i[key] || 0), 0);

const msLabel = (ms) => (ms === null || ms === undefined ? '–' : formatDuration(ms * 1e6));

/** Shades the part of the range the API did not read (complete_from). */
function incompletePlugin(getFrom) {
  return {
    hooks: {
      drawClear: [(u) => {
        const from = getFrom();
        if (from === null || from === undefined) return;
        const x0 = u.bbox.left;
        const x1 = Math.min(u.bbox.left + u.bbox.width, u.valToPos(from, 'x', true));
        if (x1 <= x0) return;
        u.ctx.save();
        u.ctx.fillStyle = 'rgba(120, 120, 140, 0.12)';
        u.ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
        u.ctx.restore();
      }],
    },
  };
}

const SPECS = [
  {
    key: 'volume', title: 'Traces', formatY: (v) => formatCount(v),
    series: [
      { label: 'Traces', stroke: COLORS.count, fill: 'rgba(91, 123, 213, 0.55)', paths: bars(), points: { show: false },
        value: (u, v) => (v === null ? '–' : formatCount(v)) },
      { label: 'With errors', stroke: COLORS.error, fill: 'rgba(214, 59, 47, 0.8)', paths: bars(), points: { show: false },
        value: (u, v) => (v === null ? '–' : formatCount(v)) },
    ],
    data: (r) => [r.map((i) => i.count), r.map((i) => i.error_count)],
    describe: (r) => `${formatCount(sum(r, 'count'))} traces, ${formatCount(sum(r, 'error_count'))} with errors.`,
  },
  {
    key: 'errors', title: 'Error rate', formatY: (v) => `${+v.toFixed(1)}%`,
    series: [
      { label: 'Error rate', stroke: COLORS.error, width: 2, fill: 'rgba(214, 59, 47, 0.08)', spanGaps: false,
        points: dots(COLORS.error), value: (u, v) => (v === null ? '–' : `${v.toFixed(1)}%`) },
    ],
    data: (r) => [r.map((i) => (i.count ? (100 * i.error_count) / i.count : null))],
    describe: (r) => (sum(r, 'count') ? `${((100 * sum(r, 'error_count')) / sum(r, 'count')).toFixed(1)}% of traces have errors.` : 'No traces.'),
  },
  {
    key: 'duration', title: 'Duration', formatY: (v) => formatDurationTick(v * 1e6),
    series: ['p50', 'p90', 'p99'].map((p) => ({
      label: p, stroke: COLORS[p], width: p === 'p99' ? 2 : 1.5, spanGaps: false, points: dots(COLORS[p]),
      value: (u, v) => msLabel(v),
    })),
    data: (r) => ['p50', 'p90', 'p99'].map((p) => r.map((i) => {
      const v = i[`${p}_duration_nano`];
      return v === null || v === undefined ? null : v / 1e6;
    })),
    describe: (r) => {
      const p99 = Math.max(0, ...r.map((i) => i.p99_duration_nano || 0));
      return p99 ? `Highest p99: ${formatDuration(p99)}.` : 'No traces.';
    },
  },
];

/** onZoom(startSeconds, endSeconds) when a range is dragged on a chart. */
export function createCharts({ onZoom }) {
  const el = h('section', { class: 'charts', 'aria-label': 'Traces over time' });
  let plots = [];
  let completeFrom = null;
  let observer = null;

  function width(card) {
    return Math.max(220, card.clientWidth - 24);
  }

  function build(result) {
    destroy();
    const rows = result.results || [];
    const step = result.interval_seconds || 60;
    const xs = rows.map((i) => i.interval);
    completeFrom = result.complete_from ?? null;
    const cards = [];
    for (const spec of SPECS) {
      const body = h('div', { class: 'chart-body' });
      const card = h('figure', { class: 'chart-card', dataset: { chart: spec.key } },
        h('figcaption', { class: 'chart-title' }, spec.title,
          h('span', { class: 'visually-hidden' }, `: ${spec.describe(rows)}`)), body);
      el.append(card);
      cards.push([spec, card, body]);
    }
    for (const [spec, card, body] of cards) {
      const floor = spec.key === 'errors' ? 5 : 1; // a flat zero still gets a readable axis
      const scaleY = { range: (u, min, max) => [0, Math.max(max || 0, floor) * 1.1] };
      const opts = {
        width: width(card),
        height: HEIGHT,
        padding: [8, rightPadding, 0, 0],
        cursor: { sync: { key: 'traces-analytics' }, drag: { x: true, y: false, setScale: false }, points: { size: 6 } },
        select: { show: true },
        legend: { show: true, live: true },
        scales: { x: { time: true, range: () => [xs.length ? xs[0] : 0, xs.length ? xs[xs.length - 1] + step : 1] }, y: scaleY },
        axes: axes(spec.formatY, spec.key === 'volume'),
        series: [{ label: 'Time', value: (u, v) => (v === null || v === undefined ? '–' : formatChartTime(v)) }, ...spec.series],
        plugins: [incompletePlugin(() => completeFrom)],
        hooks: {
          setSelect: [(u) => {
            if (u.select.width < 4) return;
            const start = u.posToVal(u.select.left, 'x');
            const end = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
            onZoom(Math.floor(start), Math.ceil(end));
          }],
        },
      };
      plots.push(new uPlot(opts, [xs, ...spec.data(rows)], body));
    }
    observer = new ResizeObserver(() => {
      plots.forEach((p, i) => p.setSize({ width: width(cards[i][1]), height: HEIGHT }));
    });
    cards.forEach(([, card]) => observer.observe(card));
  }

  function destroy() {
    if (observer) observer.disconnect();
    observer = null;
    plots.forEach((p) => p.destroy());
    plots = [];
    replace(el);
  }

  return {
    el,
    /** Shows an analytics answer. */
    show(result) {
      el.removeAttribute('aria-busy');
      build(result);
    },
    loading() {
      destroy();
      el.setAttribute('aria-busy', 'true');
      for (const spec of SPECS) {
        el.append(h('figure', { class: 'chart-card chart-loading' }, h('figcaption', { class: 'chart-title' }, spec.title),
          h('div', { class: 'chart-placeholder' }, 'Loading…')));
      }
    },
    error(message) {
      destroy();
      el.removeAttribute('aria-busy');
      el.append(h('div', { class: 'chart-card chart-error', role: 'alert' }, `Charts unavailable: ${message}`));
    },
    destroy,
  };
}
