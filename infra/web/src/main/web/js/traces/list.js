// The traces list: time range, filters, sort, charts, and the rows (more load on scroll).

import { api, ApiError, retryable } from '../api.js';
import { h, replace, stateBox } from '../dom.js';
import { formatAgo, formatCount, formatDuration, formatFullTimestamp, formatTimeParts, plural } from '../format.js';
import { navigate, traceHash, tracesHash } from '../routes.js';
import { createCharts } from './charts.js';
import { emptyState } from './empty.js';
import { createFilterBar } from './filterbar.js';
import {
  PAGE_SIZES, SORTS, analyticsParams, describeRange, fromParams, hasSpanFilters, toParams,
} from './query.js';
import { createTimeRange } from './timerange.js';

/** The last list shown, so that coming back from a trace shows it again at once. */
let cache = null;
const CACHE_MS = 5 * 60 * 1000;

export function mountTracesList(container, route, session) {
  const projectId = route.projectId;
  let state = fromParams(route.params);
  let rows = [];
  let nextToken = null;
  let loading = false;
  let failed = false; // the last load of the list failed (its error is on screen)
  let elsewhere = null; // an empty window's newest trace of the last 30 days, if any
  let controller = null;
  let analytics = null;
  let warnings = [];
  let typical = null; // the window's median duration (ns), from analytics

  let shownHash = window.location.hash;
  const go = (next) => navigate(tracesHash(projectId, toParams(next)));

  const servicesOnce = memo(() => api.services(projectId).then((r) => r.services.map((s) => s.name)));
  const operationsCache = new Map();
  const source = {
    services: servicesOnce,
    async operations(services) {
      const names = services.length ? services : (await servicesOnce()).slice(0, 20);
      const lists = await Promise.all(names.map((s) => {
        if (!operationsCache.has(s)) {
          operationsCache.set(s, api.operations(projectId, s).then((r) => r.operations.map((o) => o.name)).catch(() => []));
        }
        return operationsCache.get(s);
      }));
      return [...new Set(lists.flat())].sort();
    },
  };

  const filterBar = createFilterBar({ tokens: state.tokens, source, onChange: (tokens) => go({ ...state, tokens }) });
  const timeRange = createTimeRange({
    state, onChange: (range) => go({ ...state, period: range.period || null, start: range.start || null, end: range.end || null }),
  });
  const sortSelect = h('select', { id: 'sort', class: 'select', 'aria-label': 'Sort traces', onChange: () => go({ ...state, sort: sortSelect.value }) },
    SORTS.map(([value, label]) => h('option', { value }, label)));
  const pageSizeSelect = h('select', {
    id: 'page-size', class: 'select select-small', 'aria-label': 'Traces per page',
    onChange: () => go({ ...state, pageSize: Number(pageSizeSelect.value) }),
  }, PAGE_SIZES.map((n) => h('option', { value: String(n) }, `${n} per page`)));
  const refresh = h('button', { type: 'button', class: 'btn', onClick: () => load(), title: 'Load again (r)' }, '↻ Refresh');
  const charts = createCharts({
    onZoom: (start, end) => go({ ...state, period: null, start: new Date(start * 1000).toISOString(), end: new Date(end * 1000).toISOString() }),
  });
  const summary = h('p', { class: 'list-summary', id: 'list-summary', 'aria-live': 'polite' });
  const notices = h('div', { class: 'notices' });
  const results = h('div', { class: 'results' });
  const footer = h('div', { class: 'list-footer' });

  const screen = h('section', { class: 'screen traces-screen', 'aria-labelledby': 'traces-title' },
    h('div', { class: 'screen-head' },
      h('h1', { id: 'traces-title' }, 'Traces'),
      summary),
    h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Time range, filters and sort' },
      timeRange.el, filterBar.el, sortSelect, refresh),
    charts.el, notices, results, footer);
  container.append(screen);

  function syncControls() {
    sessionStorage.setItem('tracing.lastList', window.location.hash);
    sortSelect.value = state.sort;
    if (![...pageSizeSelect.options].some((o) => o.value === String(state.pageSize))) {
      pageSizeSelect.append(h('option', { value: String(state.pageSize) }, `${state.pageSize} per page`));
    }
    pageSizeSelect.value = String(state.pageSize);
    timeRange.set(state);
    filterBar.setTokens(state.tokens);
    document.title = `Traces · ${session.project?.name || `Project ${projectId}`}`;
  }

  async function load() {
    if (controller) controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    rows = [];
    nextToken = null;
    warnings = [];
    analytics = null;
    typical = null;
    loading = true;
    failed = false;
    screen.dataset.state = 'loading';
    results.setAttribute('aria-busy', 'true');
    replace(results, skeleton());
    replace(footer);
    replace(notices);
    summary.textContent = `Loading traces (${describeRange(state).toLowerCase()})…`;
    charts.el.hidden = false;
    charts.loading();
    const analyticsCall = api.analytics(projectId, analyticsParams(state), { signal })
      .then((a) => {
        analytics = a;
        typical = medianOf(a.results || []);
        charts.show(a);
        if (a.warnings) addWarnings(a.warnings);
        // Rows shown already: the summary and the "× median" marks depend on these figures
        // (not after the list failed: its error stands alone, without a "No traces" beside it).
        if (!loading && !failed) {
          renderSummary();
          if (rows.length) renderRows();
        }
      })
      .catch((e) => {
        if (e.name !== 'AbortError' && !(e instanceof ApiError && e.status === 401)) charts.error(e.message);
      });
    try {
      const page = await api.traces(projectId, toParams(state, { forApi: true }), { signal });
      rows = page.traces;
      nextToken = page.next_page_token || null;
      if (page.warnings) addWarnings(page.warnings);
      elsewhere = null;
      if (rows.length === 0 && state.tokens.length === 0 && !nextToken && state.period !== '30d') {
        // an empty window of a project that has traces says so, rather than how to send some
        elsewhere = await api.traces(projectId, new URLSearchParams({ period: '30d', page_size: '1' }), { signal })
          .then((wide) => wide.traces[0] || null, (e) => {
            if (e.name === 'AbortError') throw e;
            return null; // not known: the window's own empty state
          });
      }
      loading = false;
      results.removeAttribute('aria-busy');
      renderRows();
    } catch (e) {
      if (e.name === 'AbortError') return;
      loading = false;
      results.removeAttribute('aria-busy');
      showError(e);
    }
    await analyticsCall;
    if (!signal.aborted) screen.dataset.state = 'ready';
  }

  async function loadMore() {
    if (loading || !nextToken) return;
    loading = true;
    screen.dataset.state = 'loading';
    const { signal } = controller;
    renderFooter();
    try {
      const params = toParams(state, { forApi: true });
      params.set('page_token', nextToken);
      const page = await api.traces(projectId, params, { signal });
      const seen = new Set(rows.map((r) => r.trace_id));
      rows = rows.concat(page.traces.filter((r) => !seen.has(r.trace_id)));
      nextToken = page.next_page_token || null;
      if (page.warnings) addWarnings(page.warnings);
      loading = false;
      renderRows();
      screen.dataset.state = 'ready';
    } catch (e) {
      loading = false;
      if (e.name === 'AbortError') return;
      screen.dataset.state = 'ready';
      replace(footer, h('div', { class: 'inline-error', role: 'alert' }, `Could not load more traces: ${e.message} `,
        retryable(e) ? h('button', { type: 'button', class: 'btn btn-small', onClick: loadMore }, 'Try again') : null));
    }
  }

  function addWarnings(list) {
    for (const w of list) if (!warnings.includes(w)) warnings.push(w);
    replace(notices, warnings.map((w) => h('div', { class: 'notice notice-warning', role: 'status' }, w)));
  }

  function showError(e) {
    failed = true;
    const hint = e.status === 403 ? 'This token cannot read this project’s traces: it needs the scope read_observability.'
      : e.status === 400 ? 'The address holds a parameter the API refuses: remove that filter, or start over.'
        : e.status >= 500 || e.status === 0 ? 'This may pass: try again.' : '';
    charts.el.hidden = true;
    replace(results, stateBox('error', 'Could not load traces', h('p', { id: 'list-error-message' }, e.message),
      hint ? h('p', { class: 'muted' }, hint) : null,
      h('div', { class: 'button-row' },
        retryable(e) ? h('button', { type: 'button', class: 'btn', id: 'list-retry', onClick: () => load() }, 'Try again') : null,
        e.status === 400 ? h('a', { class: 'btn', href: tracesHash(projectId) }, 'Start over') : null)));
    summary.textContent = '';
    replace(footer);
  }

  function renderSummary() {
    const total = analytics && !analytics.incomplete ? analytics.results.reduce((n, i) => n + i.count, 0) : null;
    const sort = SORTS.find(([s]) => s === state.sort)[1].toLowerCase();
    const count = rows.length === 0 ? 'No traces'
      : total !== null && total >= rows.length ? `${formatCount(rows.length)} of ${plural(total, 'trace')}` : plural(rows.length, 'trace');
    summary.textContent = `${count} · ${describeRange(state)} · ${sort}`;
  }

  function renderRows() {
    renderSummary();
    // Charts of an empty window say nothing; the onboarding text takes their place.
    charts.el.hidden = rows.length === 0 && state.tokens.length === 0 && !nextToken;
    if (rows.length === 0) {
      replace(results, emptyState({
        state, session, rangeText: describeRange(state),
        onClearFilters: () => go({ ...state, tokens: [] }),
        onWiden: (period) => go({ ...state, period, start: null, end: null }),
        elsewhere,
      }));
      replace(footer);
      return;
    }
    const slowest = Math.max(...rows.map((r) => r.duration_nano), 1);
    const showMatched = hasSpanFilters(state);
    const sortHeader = (label, asc, desc, cls) => {
      const current = state.sort === asc ? 'ascending' : state.sort === desc ? 'descending' : 'none';
      return h('th', { scope: 'col', class: cls, 'aria-sort': current },
        h('button', {
          type: 'button', class: 'th-sort',
          onClick: () => go({ ...state, sort: state.sort === desc ? asc : desc }),
        }, label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }, current === 'ascending' ? '▲' : current === 'descending' ? '▼' : '↕')));
    };
    const table = h('table', { class: 'traces-table', id: 'traces-table' },
      h('caption', { class: 'visually-hidden' }, 'Traces, one row per trace; open one to see its spans'),
      h('thead', {}, h('tr', {},
        sortHeader('Time', 'timestamp_asc', 'timestamp_desc', 'c-time'),
        h('th', { scope: 'col', class: 'c-service' }, 'Service'),
        h('th', { scope: 'col', class: 'c-operation' }, 'Operation'),
        sortHeader('Duration', 'duration_asc', 'duration_desc', 'c-duration'),
        h('th', { scope: 'col', class: 'c-spans' }, 'Spans'),
        h('th', { scope: 'col', class: 'c-errors' }, 'Errors'))),
      h('tbody', {}, rows.map((r) => row(r, slowest, showMatched))));
    replace(results, table);
    renderFooter();
  }

  function row(r, slowest, showMatched) {
    const href = traceHash(projectId, r.trace_id);
    const ratio = typical ? r.duration_nano / typical : null;
    const heat = ratio === null ? '' : ratio >= 10 ? 'hot' : ratio >= 3 ? 'warm' : '';
    const pct = Math.max(0.5, (100 * r.duration_nano) / slowest);
    const when = formatTimeParts(r.timestamp);
    return h('tr', {
      class: `trace-row${r.error_span_count ? ' has-errors' : ''}`, dataset: { traceId: r.trace_id },
      onClick: (e) => {
        if (e.target.closest('a, button') || window.getSelection().toString()) return;
        navigate(href);
      },
    },
    h('td', { class: 'c-time', title: formatFullTimestamp(r.timestamp) },
      h('span', { class: 'time-main mono' }, when.time), h('span', { class: 'time-ago' }, agoOrDay(r.timestamp, when.day))),
    h('td', { class: 'c-service' }, h('span', { class: 'service-name' }, r.service_name || '–')),
    h('td', { class: 'c-operation' },
      h('a', { href, class: 'row-link', title: r.span_name || null }, r.span_name || '(unnamed)'),
      r.in_progress ? h('span', { class: 'badge badge-progress', title: 'No root span received yet: the trace may still be running' }, 'In progress') : null,
      h('span', { class: 'trace-id mono' }, r.trace_id)),
    h('td', { class: 'c-duration' },
      h('div', { class: 'dur-line' },
        h('span', { class: `dur-value mono ${heat}` }, formatDuration(r.duration_nano)),
        heat ? h('span', {
          class: `dur-ratio ${heat}`,
          title: `${ratio.toFixed(1)} times the median duration (≈ ${formatDuration(typical)}) of the traces in this range`,
        }, `${ratio >= 100 ? Math.round(ratio) : ratio.toFixed(ratio >= 10 ? 0 : 1)}× median`) : null),
      h('div', { class: 'dur-track', 'aria-hidden': 'true' }, h('span', { class: `dur-fill ${heat}`, style: { width: `${pct}%` } }))),
    h('td', { class: 'c-spans mono' }, formatCount(r.total_spans),
      showMatched && r.matched_span_count !== r.total_spans
        ? h('span', { class: 'matched', title: 'spans that match the filters' }, `${formatCount(r.matched_span_count)} matched`) : null),
    h('td', { class: 'c-errors' }, r.error_span_count
      ? h('span', { class: 'badge badge-error' }, plural(r.error_span_count, 'error'))
      : h('span', { class: 'muted' }, '–')));
  }

  function renderFooter() {
    if (loading && rows.length) {
      replace(footer, h('p', { class: 'muted', role: 'status' }, 'Loading more traces…'));
    } else if (nextToken) {
      replace(footer, h('button', { type: 'button', class: 'btn', id: 'load-more', onClick: loadMore }, 'Load more traces'), pageSizeSelect);
    } else if (rows.length) {
      replace(footer, h('p', { class: 'muted', id: 'list-end' }, `All ${plural(rows.length, 'matching trace')} loaded.`), pageSizeSelect);
    }
  }

  function onScroll() {
    if (!nextToken || loading) return;
    if (footer.getBoundingClientRect().top < window.innerHeight + 200 && window.scrollY > 0) loadMore();
  }

  function onKey(e) {
    if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '/') {
      e.preventDefault();
      filterBar.focus();
    } else if (e.key === 'r') {
      load();
    }
  }

  window.addEventListener('scroll', onScroll, { passive: true });
  document.addEventListener('keydown', onKey);
  syncControls();

  if (cache && cache.hash === shownHash && Date.now() - cache.at < CACHE_MS) {
    ({ rows, nextToken, analytics, warnings } = cache);
    typical = analytics ? medianOf(analytics.results || []) : null;
    if (analytics) charts.show(analytics);
    addWarnings([]);
    renderRows();
    screen.dataset.state = 'ready';
    const y = cache.scrollY;
    requestAnimationFrame(() => window.scrollTo(0, y));
  } else {
    load();
  }

  return {
    update(next) {
      const nextState = fromParams(next.params);
      shownHash = window.location.hash;
      if (toParams(nextState).toString() === toParams(state).toString()) return;
      const frame = (x) => JSON.stringify([x.period, x.start, x.end, x.sort, x.pageSize]);
      // Another sort or range: a half-typed, refused filter is left behind (tokens changed by
      // back/forward reset the bar through setTokens).
      if (frame(nextState) !== frame(state)) filterBar.reset();
      state = nextState;
      syncControls();
      load();
    },
    destroy() {
      if (!loading && analytics) {
        cache = { hash: shownHash, rows, nextToken, analytics, warnings, scrollY: window.scrollY, at: Date.now() };
      }
      if (controller) controller.abort();
      charts.destroy();
      window.removeEventListener('scroll', onScroll);
      document.removeEventListener('keydown', onKey);
    },
  };
}

/** The median duration over the window, from per-interval medians weighted by their counts. */
function medianOf(intervals) {
  const withData = intervals.filter((i) => i.count > 0 && i.p50_duration_nano !== null).sort((a, b) => a.p50_duration_nano - b.p50_duration_nano);
  const total = withData.reduce((n, i) => n + i.count, 0);
  if (total < 5) return null;
  let seen = 0;
  for (const i of withData) {
    seen += i.count;
    if (seen * 2 >= total) return i.p50_duration_nano;
  }
  return null;
}

/** "5 min ago" within a day, else the day. */
function agoOrDay(iso, day) {
  const ago = formatAgo(iso);
  return ago.endsWith(' d ago') ? day : ago;
}

function memo(fn) {
  let p = null;
  return () => {
    if (!p) p = fn().catch((e) => { p = null; throw e; });
    return p;
  };
}

function skeleton() {
  return h('div', { class: 'skeleton', role: 'status', 'aria-label': 'Loading traces' },
    Array.from({ length: 8 }, () => h('div', { class: 'skeleton-row' })));
}
