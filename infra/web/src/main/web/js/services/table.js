// The services table (or one service's operations): rate, error rate, p50/p95/p99 and a
// sparkline per row, sortable by any column; each row leads to the traces list, filtered.

import { h } from '../dom.js';
import { formatCount, formatDuration, plural } from '../format.js';
import { servicesHash, tracesHash } from '../routes.js';
import { binSeries, formatErrorRate, formatRate, sparkline } from './figures.js';
import { COLUMNS, sortRows, toParams, tracesListParams, windowSeconds } from './query.js';

/**
 * rows: the API's services (or operations); state: the page's; onSort({key, dir}).
 * step: the API's interval in seconds; from/to: the window in unix seconds, for the sparklines.
 */
export function servicesTable({ rows, state, projectId, step, from, to, onSort }) {
  const operations = Boolean(state.service);
  const seconds = windowSeconds(state);
  const sorted = sortRows(rows, state.sort);

  const header = (column) => {
    const current = state.sort.key === column.key ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';
    const label = column.key === 'name' ? (operations ? 'Operation' : 'Service') : column.label;
    const next = current === 'none' ? column.first : state.sort.dir === 'asc' ? 'desc' : 'asc';
    return h('th', { scope: 'col', class: `c-${column.key}`, 'aria-sort': current },
      h('button', {
        type: 'button', class: 'th-sort', dataset: { sort: column.key },
        onClick: () => onSort({ key: column.key, dir: next }),
      }, label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }, current === 'ascending' ? '▲' : current === 'descending' ? '▼' : '↕')));
  };

  const row = (r) => {
    const service = operations ? state.service : r.name;
    const traces = tracesHash(projectId, tracesListParams(state, service, operations ? r.name : null));
    const open = operations ? traces : servicesHash(projectId, toParams({ ...state, service: r.name, view: 'table' }));
    const pct = r.span_count > 0 ? r.error_count / r.span_count : 0;
    return h('tr', { class: `svc-row${r.error_count ? ' has-errors' : ''}`, dataset: { name: r.name } },
      h('th', { scope: 'row', class: 'c-name' },
        h('a', {
          href: open, class: 'row-link svc-name',
          title: operations ? `Traces with ${r.name} in ${service}` : `Operations of ${r.name}`,
        }, r.name),
        h('a', { href: traces, class: 'svc-traces', title: `The traces list, filtered to ${operations ? `${service} ${r.name}` : r.name}` }, 'Traces')),
      h('td', { class: 'c-rate', title: `${plural(r.span_count, 'span')} in the time range` },
        h('span', { class: 'fig mono' }, formatRate(seconds ? r.span_count / seconds : null)),
        h('span', { class: 'sub mono' }, plural(r.span_count, 'span'))),
      h('td', { class: 'c-errors' },
        h('span', { class: `fig mono${pct >= 0.05 ? ' bad' : pct > 0 ? ' some' : ''}` }, formatErrorRate(r)),
        h('span', { class: 'sub mono' }, r.error_count ? plural(r.error_count, 'error') : 'no errors')),
      ['p50', 'p95', 'p99'].map((p) => h('td', { class: `c-${p} mono` }, formatDuration(r[`${p}_duration_nano`] ?? null))),
      h('td', { class: 'c-activity' }, sparkline(binSeries(r.series, step, from, to))));
  };

  return h('div', { class: 'table-scroll' },
    h('table', { class: 'services-table', id: 'services-table' },
      h('caption', { class: 'visually-hidden' }, operations
        ? `Operations of ${state.service}: span rate, error rate and durations; open one for its traces`
        : 'Services: span rate, error rate and durations; open one for its operations'),
      h('thead', {}, h('tr', {}, COLUMNS.map(header), h('th', { scope: 'col', class: 'c-activity' }, 'Activity'))),
      h('tbody', {}, sorted.map(row))),
    h('p', { class: 'help table-note' }, `Rate: spans per second over the time range (${formatCount(rows.reduce((n, r) => n + r.span_count, 0))} spans). `
      + 'p50, p95, p99: span durations, within 2% of the exact values (read from per-minute histograms). '
      + 'Activity: spans per interval, errors in red.'));
}
