// The traces list's state, read from and written to the URL. The URL uses the API's own
// parameter names, so a shared link is exactly the query the API runs.

import { nanosToMillisText } from '../format.js';

export const PERIODS = [
  ['5m', 'Last 5 minutes'], ['15m', 'Last 15 minutes'], ['30m', 'Last 30 minutes'], ['1h', 'Last 1 hour'],
  ['4h', 'Last 4 hours'], ['12h', 'Last 12 hours'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
];

export const SORTS = [
  ['timestamp_desc', 'Newest first'], ['timestamp_asc', 'Oldest first'],
  ['duration_desc', 'Slowest first'], ['duration_asc', 'Fastest first'],
];

export const PAGE_SIZES = [20, 50, 100, 200];

/**
 * Filter token types: the operators each takes and the API parameter for each operator.
 * Values are kept as the API wants them (durations in nanoseconds).
 */
export const TOKEN_TYPES = [
  { type: 'service', label: 'Service', ops: { '=': 'service_name', '!=': 'not[service_name]' } },
  { type: 'operation', label: 'Operation', ops: { '=': 'operation', '!=': 'not[operation]' } },
  { type: 'trace_id', label: 'Trace ID', ops: { '=': 'trace_id', '!=': 'not[trace_id]' } },
  { type: 'duration', label: 'Duration', ops: { '>': 'gt[duration_nano]', '<': 'lt[duration_nano]' } },
  { type: 'attribute', label: 'Attribute', ops: { '=': 'attr_name' } },
  { type: 'status', label: 'Status', ops: { '=': 'status', '!=': 'not[status]' } },
];

export const tokenType = (type) => TOKEN_TYPES.find((t) => t.type === type);

/** A token's value as shown: durations in ms, attributes as key=value. */
export function displayValue(token) {
  if (token.type === 'duration') {
    // a value typed into the URL by hand may be no number: show it as given (the API says what is wrong)
    return /^\d+$/.test(String(token.value)) ? `${nanosToMillisText(Number(token.value))} ms` : `${token.value} ns`;
  }
  if (token.type === 'attribute') return `${token.value.key}=${token.value.value}`;
  return token.value;
}

export function describeToken(token) {
  return `${tokenType(token.type).label} ${token.op} ${displayValue(token)}`;
}

/** @returns {{period, start, end, tokens, sort, pageSize}} */
export function fromParams(params) {
  const sort = (params.get('sort') || '').toLowerCase(); // the API takes enum values in any letter case; so does a link
  const state = {
    period: params.get('period') || (params.get('start_time') ? null : '1h'),
    start: params.get('start_time'),
    end: params.get('end_time'),
    sort: SORTS.some(([s]) => s === sort) ? sort : 'timestamp_desc',
    pageSize: Number(params.get('page_size')) || 50,
    tokens: [],
  };
  const names = params.getAll('attr_name');
  const values = params.getAll('attr_value');
  for (const [key, value] of params) {
    if (key === 'attr_name') continue;
    for (const t of TOKEN_TYPES) {
      for (const [op, param] of Object.entries(t.ops)) {
        if (param === key) state.tokens.push({ type: t.type, op, value });
      }
    }
  }
  names.forEach((key, i) => state.tokens.push({ type: 'attribute', op: '=', value: { key, value: values[i] ?? '' } }));
  return state;
}

/** A state's time range as the API spells it: period, or start_time (alone: until now) and end_time. */
export function timeParams(state) {
  const params = new URLSearchParams();
  if (state.start) {
    params.set('start_time', state.start);
    if (state.end) params.set('end_time', state.end);
  } else {
    params.set('period', state.period || '1h');
  }
  return params;
}

/** The URL (and API) parameters of a state. */
export function toParams(state, { forApi = false } = {}) {
  const params = timeParams(state);
  for (const t of state.tokens) {
    if (t.type === 'attribute') {
      params.append('attr_name', t.value.key);
      params.append('attr_value', t.value.value);
    } else {
      params.append(tokenType(t.type).ops[t.op], t.value);
    }
  }
  if (state.sort !== 'timestamp_desc' || forApi) params.set('sort', state.sort);
  if (state.pageSize !== 50 || forApi) params.set('page_size', String(state.pageSize));
  return params;
}

/** The analytics call takes the same time range and filters, without sort and paging. */
export function analyticsParams(state) {
  const params = toParams(state);
  params.delete('sort');
  params.delete('page_size');
  return params;
}

/** Whether any filter narrows which spans match (so matched_span_count means something). */
export function hasSpanFilters(state) {
  return state.tokens.some((t) => ['service', 'operation', 'attribute'].includes(t.type) && t.op === '=');
}

export function describeRange(state) {
  if (state.start) {
    return `${new Date(state.start).toLocaleString()} – ${state.end ? new Date(state.end).toLocaleString() : 'now'}`;
  }
  const p = PERIODS.find(([v]) => v === state.period);
  return p ? p[1] : state.period;
}
