// How numbers, durations and times are shown. Durations arrive in nanoseconds.

const NUMBER = new Intl.NumberFormat();

export function formatCount(n) {
  return NUMBER.format(n);
}

export function plural(n, one, many = `${one}s`) {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function trim(value, digits) {
  return Number(value.toFixed(digits)).toString();
}

/** 850 ns, 12.3 µs, 4.56 ms, 1.23 s, 2m 03s, 1h 02m. */
export function formatDuration(ns) {
  if (ns === null || ns === undefined || Number.isNaN(ns)) return '–';
  if (ns === 0) return '0 ns';
  const abs = Math.abs(ns);
  if (abs < 1e3) return `${Math.round(ns)} ns`;
  if (abs < 1e6) return `${trim(ns / 1e3, abs < 1e4 ? 2 : 1)} µs`;
  if (abs < 1e9) return `${trim(ns / 1e6, abs < 1e7 ? 2 : abs < 1e8 ? 1 : 0)} ms`;
  if (abs < 60e9) return `${trim(ns / 1e9, abs < 1e10 ? 2 : 1)} s`;
  const totalSeconds = Math.round(ns / 1e9);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  }
  return `${Math.floor(totalSeconds / 3600)}h ${String(Math.floor(totalSeconds / 60) % 60).padStart(2, '0')}m`;
}

/** A duration on an axis: its origin a bare 0, the other ticks as formatDuration writes them. */
export function formatDurationTick(ns) {
  return ns === 0 ? '0' : formatDuration(ns);
}

/** An offset from a start, signed: +1.2 ms, -3.8 s (an event stamped before its span began). */
export function formatOffset(ns) {
  return ns < 0 ? `-${formatDuration(-ns)}` : `+${formatDuration(ns)}`;
}

/** Milliseconds as the duration filter shows them: 250, 1.5, 0.25. */
export function nanosToMillisText(ns) {
  return trim(ns / 1e6, 6);
}

/**
 * A duration typed by a person, in milliseconds unless a unit says otherwise (ns, us, µs, ms,
 * s, m); returns nanoseconds, or null when it is not a duration.
 */
export function parseDurationToNanos(text) {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m|min)?\s*$/i.exec(text);
  if (!m) return null;
  const factor = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, min: 60e9 }[(m[2] || 'ms').toLowerCase()];
  const ns = Math.round(Number(m[1]) * factor);
  return Number.isFinite(ns) ? ns : null;
}

// Times follow the browser's locale everywhere (rows, headers, charts, the custom range's
// inputs): its clock (12- or 24-hour), its order of day and month. Only the time zone is the
// browser's too; nothing forces a format of its own.
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3,
});
const FULL = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit',
  timeZoneName: 'short',
});
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3 });
const DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const MINUTES = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const SECONDS = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const DAY_MINUTES = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

/** A Date of a parsed timestamp, to the millisecond. */
function dateOf(t) {
  return new Date(t.seconds * 1000 + Math.floor(t.nano / 1e6));
}

/** Nov 24, 10:00:00.123 AM (or 10:00:00,123 in a 24-hour locale) in the browser's time zone. */
export function formatTimestamp(iso) {
  const t = parseTimestamp(iso);
  return t ? DATE_TIME.format(dateOf(t)) : iso || '–';
}

/** Nov 24, 2026, 10:00:00 AM GMT+1, for titles and headers. */
export function formatFullTimestamp(iso) {
  const t = parseTimestamp(iso);
  return t ? FULL.format(dateOf(t)) : iso;
}

/** 10:00:00.123 AM (the time of day, to the millisecond) and Nov 24 (the day), separately. */
export function formatTimeParts(iso) {
  const t = parseTimestamp(iso);
  if (!t) return { time: iso || '–', day: '' };
  const date = dateOf(t);
  return { time: CLOCK.format(date), day: DAY.format(date) };
}

/**
 * A chart's time label for unix seconds, as precise as the axis step needs: the day for steps of
 * a day or more, the time to the second below a minute, else the time to the minute (with the
 * day when the range spans days).
 */
export function formatAxisTime(seconds, stepSeconds = 60, spansDays = false) {
  const date = new Date(seconds * 1000);
  if (stepSeconds >= 86400) return DAY.format(date);
  if (stepSeconds < 60) return SECONDS.format(date);
  return spansDays && date.getHours() === 0 && date.getMinutes() === 0 ? DAY.format(date) : MINUTES.format(date);
}

/** A chart's hovered time, unix seconds: Nov 24, 10:15 AM. */
export function formatChartTime(seconds) {
  return DAY_MINUTES.format(new Date(seconds * 1000));
}

const BYTE_UNITS = ['bytes', 'KiB', 'MiB', 'GiB'];

/** 900 bytes, 100 KiB, 1 MiB. */
export function formatBytes(n) {
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${NUMBER.format(n)} bytes` : `${trim(value, value < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

/** "5 minutes ago", "2 days ago". */
export function formatAgo(iso, now = Date.now()) {
  const t = parseTimestamp(iso);
  if (!t) return '';
  const s = Math.round((now - t.seconds * 1000) / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 timestamp as whole seconds and nanoseconds, exactly: the API's timestamp_nano
 * numbers are beyond 2^53 and lose precision in JSON.parse, so offsets are computed from the
 * timestamp strings instead.
 */
export function parseTimestamp(iso) {
  const m = RFC3339.exec(iso || '');
  if (!m) return null;
  let seconds = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    seconds -= sign * (+m[8].slice(1, 3) * 3600 + +m[8].slice(4, 6) * 60);
  }
  const nano = m[7] ? +m[7].padEnd(9, '0') : 0;
  return { seconds, nano };
}

/** Nanoseconds from a to b (both parsed timestamps), exact while under ~100 days. */
export function nanosBetween(a, b) {
  return (b.seconds - a.seconds) * 1e9 + (b.nano - a.nano);
}

/** Local date-time for an input type=datetime-local (to the second). */
export function toLocalInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
