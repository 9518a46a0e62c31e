// The Services page: per service (or per operation of one service) span rate, error rate and
// duration percentiles over the time range, and the service map on a second tab. Rows, nodes and
// calls lead to the traces list, filtered the same way and over the same time range.

import { api, ApiError } from '../api.js';
import { h, replace, stateBox } from '../dom.js';
import { plural } from '../format.js';
import { navigate, servicesHash, tracesHash } from '../routes.js';
import { describeRange } from '../traces/query.js';
import { createTimeRange } from '../traces/timerange.js';
import { createServiceMap } from './map.js';
import { fromParams, metricsParams, rangeParams, toParams, tracesListParams, windowSeconds } from './query.js';
import { servicesTable } from './table.js';

export function mountServicesPage(container, route, session) {
  const projectId = route.projectId;
  let state = fromParams(route.params);
  let controller = null;
  /** The last answers, by the parameters that produced them: switching tabs or sorting reuses them. */
  let metrics = null;
  let map = null;

  const go = (next) => navigate(servicesHash(projectId, toParams(next)));
  const tracesOf = (service, operation) => tracesHash(projectId, tracesListParams(state, service, operation));

  const timeRange = createTimeRange({
    state, onChange: (range) => go({ ...state, period: range.period || null, start: range.start || null, end: range.end || null }),
  });
  const refresh = h('button', { type: 'button', class: 'btn', onClick: () => load({ force: true }), title: 'Load again (r)' }, '↻ Refresh');
  const tab = (view, label) => h('button', {
    type: 'button', role: 'tab', class: 'tab', id: `tab-${view}`, 'aria-controls': `panel-${view}`,
    onClick: () => go({ ...state, view }),
    onKeydown: (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        e.preventDefault();
        go({ ...state, view: state.view === 'map' ? 'table' : 'map' });
      }
    },
  }, label);
  const tabs = { table: tab('table', 'Table'), map: tab('map', 'Map') };
  const tabList = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Services as a table or a map' }, tabs.table, tabs.map);

  const title = h('h1', { id: 'services-title' });
  const crumbs = h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' });
  const summary = h('p', { class: 'list-summary', id: 'services-summary', 'aria-live': 'polite' });
  const tablePanel = h('div', { class: 'tab-panel', role: 'tabpanel', id: 'panel-table', 'aria-labelledby': 'tab-table' });
  const serviceMap = createServiceMap({
    onOpenService: (name) => navigate(tracesOf(name)),
    onOpenEdge: (edge) => navigate(tracesOf(edge.child)),
    serviceHref: (name) => tracesOf(name),
    edgeHref: (edge) => tracesOf(edge.child),
  });
  const mapMessage = h('div', { class: 'map-message' });
  const mapPanel = h('div', { class: 'tab-panel', role: 'tabpanel', id: 'panel-map', 'aria-labelledby': 'tab-map' }, mapMessage, serviceMap.el);

  const screen = h('section', { class: 'screen services-screen', 'aria-labelledby': 'services-title' },
    crumbs,
    h('div', { class: 'screen-head' }, title, summary),
    h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Time range and view' }, timeRange.el, tabList, refresh),
    tablePanel, mapPanel);
  container.append(screen);

  function syncControls() {
    timeRange.set(state);
    for (const [view, button] of Object.entries(tabs)) {
      const selected = state.view === view;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
    }
    tablePanel.hidden = state.view !== 'table';
    mapPanel.hidden = state.view !== 'map';
    const projectName = session.project?.name || `Project ${projectId}`;
    if (state.service && state.view === 'table') {
      replace(title, state.service, h('span', { class: 'title-kind' }, 'operations'));
      replace(crumbs, h('a', { href: servicesHash(projectId, toParams({ ...state, service: null })), id: 'all-services' }, 'All services'),
        ' / ', state.service, ' · ', h('a', { href: tracesOf(state.service), id: 'service-traces' }, `Traces of ${state.service}`));
      document.title = `${state.service} · Services · ${projectName}`;
    } else {
      replace(title, 'Services');
      replace(crumbs);
      document.title = `Services · ${projectName}`;
    }
  }

  async function load({ force = false } = {}) {
    if (controller) controller.abort();
    controller = new AbortController();
    const { signal } = controller;
    screen.dataset.state = 'loading';
    try {
      if (state.view === 'table') await loadTable(signal, force);
      else await loadMap(signal, force);
      if (!signal.aborted) screen.dataset.state = 'ready';
    } catch (e) {
      if (e.name === 'AbortError') return;
      screen.dataset.state = 'ready';
      if (e instanceof ApiError && e.status === 401) return;
      showError(state.view === 'table' ? tablePanel : mapMessage, e);
    }
  }

  async function loadTable(signal, force) {
    const key = metricsParams(state).toString();
    if (force || !metrics || metrics.key !== key) {
      summary.textContent = `Loading (${describeRange(state).toLowerCase()})…`;
      tablePanel.setAttribute('aria-busy', 'true');
      replace(tablePanel, skeleton());
      const to = state.start && state.end ? Date.parse(state.end) / 1000 : Date.now() / 1000;
      const from = state.start ? Date.parse(state.start) / 1000 : to - (windowSeconds(state) || 3600);
      const answer = await api.serviceMetrics(projectId, metricsParams(state), { signal });
      metrics = { key, answer, from, to };
      tablePanel.removeAttribute('aria-busy');
    }
    renderTable();
  }

  function renderTable() {
    const { answer, from, to } = metrics;
    const rows = (state.service ? answer.operations : answer.services) || [];
    const spans = rows.reduce((n, r) => n + r.span_count, 0);
    const what = state.service ? 'operation' : 'service';
    summary.textContent = spans === 0 ? `No spans · ${describeRange(state)}`
      : `${plural(rows.length, what)} · ${plural(spans, 'span')} · ${describeRange(state)}`;
    if (spans === 0) {
      replace(tablePanel, emptyState());
      return;
    }
    replace(tablePanel, servicesTable({
      rows, state, projectId, step: answer.interval, from, to, onSort: (sort) => go({ ...state, sort }),
    }));
  }

  async function loadMap(signal, force) {
    const key = rangeParams(state).toString();
    if (force || !map || map.key !== key) {
      summary.textContent = `Loading the map (${describeRange(state).toLowerCase()})…`;
      serviceMap.el.hidden = true;
      replace(mapMessage, stateBox('loading', 'Loading the service map…'));
      const answer = await api.serviceMap(projectId, rangeParams(state), { signal });
      map = { key, answer };
    }
    const { answer } = map;
    const services = answer.services || [];
    const empty = services.every((s) => !s.span_count) && (answer.edges || []).length === 0;
    summary.textContent = empty ? `No spans · ${describeRange(state)}`
      : `${plural(services.length, 'service')} · ${plural((answer.edges || []).length, 'call path')} · ${describeRange(state)}`;
    if (empty) {
      serviceMap.el.hidden = true;
      replace(mapMessage, emptyState());
      return;
    }
    replace(mapMessage);
    await serviceMap.show(answer, state.service);
  }

  function emptyState() {
    return h('div', { class: 'state state-empty', role: 'status', id: 'services-empty' },
      h('p', { class: 'state-title' }, state.service
        ? `No spans of ${state.service} in this time range (${describeRange(state).toLowerCase()}).`
        : `No spans in this time range (${describeRange(state).toLowerCase()}).`),
      h('p', { class: 'muted' }, 'Look at a longer time range, or open the traces list to see how to send traces to this project.'),
      h('div', { class: 'button-row' },
        state.period !== '7d' ? h('button', {
          type: 'button', class: 'btn', onClick: () => go({ ...state, period: '7d', start: null, end: null }),
        }, 'Show the last 7 days') : null,
        h('a', { class: 'btn', href: tracesHash(projectId, tracesListParams(state)) }, 'Open the traces list')));
  }

  function showError(target, e) {
    const hint = e.status === 403 ? 'This token cannot read this project’s traces: it needs the scope read_observability.'
      : e.status === 400 ? 'The address holds a parameter the API refuses: change the time range, or start over.'
        : e.status >= 500 || e.status === 0 ? 'This may pass: try again.' : '';
    summary.textContent = '';
    serviceMap.el.hidden = true;
    replace(target, stateBox('error', state.view === 'map' ? 'Could not load the service map' : 'Could not load the services',
      h('p', {}, e.message), hint ? h('p', { class: 'muted' }, hint) : null,
      h('div', { class: 'button-row' }, h('button', { type: 'button', class: 'btn', onClick: () => load({ force: true }) }, 'Try again'),
        e.status === 400 ? h('a', { class: 'btn', href: servicesHash(projectId) }, 'Start over') : null)));
  }

  function onKey(e) {
    if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'r') load({ force: true });
  }

  document.addEventListener('keydown', onKey);
  syncControls();
  load();

  return {
    update(next) {
      const before = state;
      state = fromParams(next.params);
      if (toParams(state).toString() === toParams(before).toString()) return;
      syncControls();
      load(); // a new sort, or back to a tab already loaded: the answer is reused
    },
    destroy() {
      if (controller) controller.abort();
      serviceMap.destroy();
      document.removeEventListener('keydown', onKey);
    },
  };
}

function skeleton() {
  return h('div', { class: 'skeleton', role: 'status', 'aria-label': 'Loading services' },
    Array.from({ length: 5 }, () => h('div', { class: 'skeleton-row' })));
}
