// The Services page's state, read from and written to the URL: the time range as the traces
// list and the API spell it (period, or start_time and end_time), service_name for one service's
// operations, view=map for the map tab, sort=<column>_<asc|desc>.

import { timeParams, toParams as tracesParams } from '../traces/query.js';

/** The sortable columns: how each row's value is read (null sorts last, whatever the order). */
export const COLUMNS = [
  { key: 'name', label: 'Name', value: (r) => r.name.toLowerCase(), first: 'asc' },
  { key: 'rate', label: 'Rate', value: (r) => r.span_count, first: 'desc' },
  { key: 'errors', label: 'Errors', value: (r) => errorRate(r), first: 'desc' },
  { key: 'p50', label: 'p50', value: (r) => r.p50_duration_nano ?? null, first: 'desc' },
  { key: 'p95', label: 'p95', value: (r) => r.p95_duration_nano ?? null, first: 'desc' },
  { key: 'p99', label: 'p99', value: (r) => r.p99_duration_nano ?? null, first: 'desc' },
];

export const DEFAULT_SORT = { key: 'rate', dir: 'desc' };

const PERIOD_SECONDS = {
  '5m': 300, '15m': 900, '30m': 1800, '1h': 3600, '4h': 14400, '12h': 43200, '24h': 86400, '7d': 604800, '30d': 2592000,
};

/** @returns {{period, start, end, service, view: 'table'|'map', sort: {key, dir}}} */
export function fromParams(params) {
  const [, key, dir] = /^([a-z0-9]+)_(asc|desc)$/.exec(params.get('sort') || '') || [];
  return {
    period: params.get('period') || (params.get('start_time') ? null : '1h'),
    start: params.get('start_time'),
    end: params.get('end_time'),
    service: params.get('service_name') || null,
    view: params.get('view') === 'map' ? 'map' : 'table',
    sort: COLUMNS.some((c) => c.key === key) ? { key, dir } : DEFAULT_SORT,
  };
}

/** The URL parameters of a state (the page's own: view and sort are not the API's). */
export function toParams(state) {
  const params = rangeParams(state);
  if (state.service) params.set('service_name', state.service);
  if (state.view === 'map') params.set('view', 'map');
  if (state.sort.key !== DEFAULT_SORT.key || state.sort.dir !== DEFAULT_SORT.dir) {
    params.set('sort', `${state.sort.key}_${state.sort.dir}`);
  }
  return params;
}

/** What the metrics call sends: the time range, and service_name for one service's operations. */
export function metricsParams(state) {
  const params = rangeParams(state);
  if (state.service) params.set('service_name', state.service);
  return params;
}

/** What the map call sends: the time range. */
export const rangeParams = timeParams;

/** The traces list's parameters for the same time range, filtered by service and operation. */
export function tracesListParams(state, service, operation) {
  const tokens = [];
  if (service) tokens.push({ type: 'service', op: '=', value: service });
  if (operation) tokens.push({ type: 'operation', op: '=', value: operation });
  return tracesParams({
    period: state.period, start: state.start, end: state.end, tokens, sort: 'timestamp_desc', pageSize: 50,
  });
}

/** The window's length in seconds: the period's, or the custom range's. */
export function windowSeconds(state) {
  if (state.start) {
    const s = ((state.end ? Date.parse(state.end) : Date.now()) - Date.parse(state.start)) / 1000;
    return s > 0 ? s : null;
  }
  return PERIOD_SECONDS[state.period || '1h'] || null;
}

/** Errors as a percentage of spans; null without spans. */
export function errorRate(row) {
  return row.span_count > 0 ? (100 * row.error_count) / row.span_count : null;
}

/** Rows sorted by a column; ties and missing values keep a stable, name-ordered result. */
export function sortRows(rows, sort) {
  const column = COLUMNS.find((c) => c.key === sort.key) || COLUMNS[1];
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows.slice().sort((a, b) => {
    const va = column.value(a);
    const vb = column.value(b);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== vb && va !== null) return (va < vb ? -1 : 1) * sign;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}
