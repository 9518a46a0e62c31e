// How the Services page writes its figures: rates, error rates, and a sparkline per row.

import { formatCount } from '../format.js';
import { errorRate } from './query.js';

/** Spans per second: 12/s, 2.5/s, 0.042/s (two significant digits below 1), < 0.0001/s (never 3.9e-7/s). */
export function formatRate(perSecond) {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '–';
  if (perSecond === 0) return '0/s';
  if (perSecond >= 100) return `${formatCount(Math.round(perSecond))}/s`;
  if (perSecond >= 1) return `${Number(perSecond.toFixed(1))}/s`;
  if (perSecond < 0.0001) return '< 0.0001/s';
  return `${Number(perSecond.toPrecision(2))}/s`;
}

/** 0%, 0.35%, 3.2%, 41%; – without spans. */
export function formatErrorRate(row) {
  const pct = errorRate(row);
  if (pct === null) return '–';
  if (pct === 0) return '0%';
  if (pct < 1) return `${Number(pct.toPrecision(2))}%`;
  return `${Number(pct.toFixed(pct < 10 ? 1 : 0))}%`;
}

const SVG = 'http://www.w3.org/2000/svg';
const MAX_BARS = 60;

function svg(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/**
 * The series on a regular grid from the window's start to its end: intervals the API left out
 * had no spans. More than MAX_BARS intervals are merged so that a bar stays visible.
 */
export function binSeries(series, step, fromSeconds, toSeconds) {
  const points = (series || []).filter((p) => Number.isFinite(p.interval));
  if (!step || step <= 0) step = 60;
  let first = Number.isFinite(fromSeconds) ? Math.floor(fromSeconds / step) * step : null;
  let last = Number.isFinite(toSeconds) ? Math.ceil(toSeconds / step) * step - step : null;
  for (const p of points) {
    if (first === null || p.interval < first) first = p.interval;
    if (last === null || p.interval > last) last = p.interval;
  }
  if (first === null) return [];
  const count = Math.max(1, Math.round((last - first) / step) + 1);
  const merge = Math.ceil(count / MAX_BARS);
  const bins = Array.from({ length: Math.ceil(count / merge) }, (_, i) => ({
    interval: first + i * merge * step, span_count: 0, error_count: 0,
  }));
  for (const p of points) {
    const bin = bins[Math.min(bins.length - 1, Math.max(0, Math.floor((p.interval - first) / step / merge)))];
    bin.span_count += p.span_count || 0;
    bin.error_count += p.error_count || 0;
  }
  return bins;
}

/** Span counts as bars, errors as red bars over them, on one scale: the shape of the traffic. */
export function sparkline(bins, { width = 120, height = 28 } = {}) {
  const peak = Math.max(1, ...bins.map((b) => b.span_count));
  const spans = bins.reduce((n, b) => n + b.span_count, 0);
  const errors = bins.reduce((n, b) => n + b.error_count, 0);
  const el = svg('svg', {
    class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `${formatCount(spans)} spans and ${formatCount(errors)} errors over the time range; busiest interval ${formatCount(peak)} spans`,
  });
  el.append(svg('line', { x1: 0, x2: width, y1: height - 0.5, y2: height - 0.5, class: 'spark-base' }));
  const slot = width / Math.max(1, bins.length);
  const barWidth = Math.max(1, slot - (slot > 3 ? 1 : 0));
  bins.forEach((b, i) => {
    const x = i * slot;
    if (b.span_count > 0) {
      const hgt = Math.max(2, (b.span_count / peak) * (height - 2));
      el.append(svg('rect', { x: x.toFixed(2), y: (height - hgt).toFixed(2), width: barWidth.toFixed(2), height: hgt.toFixed(2), class: 'spark-spans' }));
    }
    if (b.error_count > 0) {
      const hgt = Math.max(2, (b.error_count / peak) * (height - 2));
      el.append(svg('rect', { x: x.toFixed(2), y: (height - hgt).toFixed(2), width: barWidth.toFixed(2), height: hgt.toFixed(2), class: 'spark-errors' }));
    }
  });
  return el;
}
