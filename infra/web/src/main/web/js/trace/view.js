// One trace: header, where the time went, search within the trace, the waterfall, the span drawer.

import { api, retryable } from '../api.js';
import { copyText, h, replace, stateBox, toast } from '../dom.js';
import { formatDuration, formatFullTimestamp, formatTimestamp, plural } from '../format.js';
import { absoluteUrl, navigate, traceHash, tracesHash } from '../routes.js';
import { createDrawer } from './drawer.js';
import { buildModel, searchSpans } from './model.js';
import { createWaterfall } from './waterfall.js';

const LAST_LIST = 'tracing.lastList';

export function mountTraceView(container, route, session) {
  const { projectId, traceId } = route;
  let params = new URLSearchParams(route.params);
  let model = null;
  let waterfall = null;
  let drawer = null;
  let rawText = '';
  let matches = [];
  let matchAt = -1;
  let searchTimer = 0;
  const controller = new AbortController();

  const screen = h('section', { class: 'screen trace-screen', 'aria-labelledby': 'trace-title' });
  container.append(screen);
  document.title = `Trace ${traceId.slice(0, 8)} · Tracing`;

  const backHref = () => {
    const last = sessionStorage.getItem(LAST_LIST);
    return last && last.startsWith(tracesHash(projectId)) ? last : tracesHash(projectId);
  };
  const backLink = () => h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
    h('a', { href: backHref() }, '← Traces'), h('span', { 'aria-hidden': 'true' }, ' / '),
    h('span', { class: 'mono', 'aria-current': 'page' }, traceId));

  async function load() {
    replace(screen, backLink(), stateBox('loading', 'Loading trace…', h('p', { class: 'muted' }, 'Large traces take a moment.')));
    performance.clearMarks();
    performance.mark('trace:fetch-start');
    let answer;
    try {
      answer = await api.trace(projectId, traceId, { signal: controller.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      if (e.status === 404) {
        replace(screen, backLink(), stateBox('empty', 'This trace is not in this project',
          h('p', {}, `There is no trace ${traceId} in project ${projectId}. Traces are kept 30 days; the link may be `
            + 'older than that, or the trace id may be mistyped.'),
          h('p', {}, h('a', { href: tracesHash(projectId), class: 'btn' }, 'Go to the traces list'))));
      } else {
        // Only an outage passes with time; a refused address (a malformed id) stays refused.
        const retry = retryable(e);
        replace(screen, backLink(), stateBox('error', 'Could not load this trace', h('p', { id: 'trace-error-message' }, e.message),
          h('div', { class: 'button-row' },
            retry ? h('button', { type: 'button', class: 'btn', id: 'trace-retry', onClick: load }, 'Try again') : null,
            h('a', { href: tracesHash(projectId), class: 'btn' }, 'Go to the traces list'))));
      }
      return;
    }
    performance.mark('trace:fetched');
    rawText = answer.text;
    model = buildModel(answer.json);
    performance.mark('trace:modeled');
    render();
    apply();
    performance.mark('trace:rendered');
    performance.measure('trace:fetch', 'trace:fetch-start', 'trace:fetched');
    performance.measure('trace:model', 'trace:fetched', 'trace:modeled');
    performance.measure('trace:render', 'trace:modeled', 'trace:rendered');
  }

  function render() {
    const t = model.trace;
    const root = model.root;
    document.title = `${t.span_name || 'Trace'} · ${t.service_name} · Tracing`;
    waterfall = createWaterfall({
      model,
      onOpen: (span) => select(span.id),
      onToggle: () => fitHeight(),
    });
    drawer = createDrawer({ model, projectId, onClose: () => select(null), onSelect: (id) => select(id) });

    const searchInput = h('input', {
      type: 'search', id: 'trace-search', class: 'input', placeholder: 'Find spans: name, service, attribute, id…',
      'aria-label': 'Search spans in this trace', value: params.get('q') || '', autocomplete: 'off', spellcheck: false,
    });
    const searchCount = h('span', { class: 'search-count', id: 'trace-search-count', 'aria-live': 'polite' });
    const prev = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Previous match', onClick: () => step(-1) }, '↑');
    const next = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Next match', onClick: () => step(1) }, '↓');
    searchInput.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        runSearch(searchInput.value);
        const p = new URLSearchParams(params);
        if (searchInput.value) p.set('q', searchInput.value);
        else p.delete('q');
        params = p;
        navigate(traceHash(projectId, traceId, p), { replace: true });
      }, 150);
    });
    searchInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        step(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape' && searchInput.value) {
        e.stopPropagation();
        searchInput.value = '';
        searchInput.dispatchEvent(new Event('input'));
      }
    });

    function runSearch(q) {
      const found = searchSpans(model, q);
      matches = found || [];
      matchAt = -1;
      waterfall.setMatches(found ? new Set(found.map((s) => s.id)) : null);
      searchCount.textContent = found ? (found.length ? plural(found.length, 'match', 'matches') : 'No match') : '';
      prev.disabled = next.disabled = !matches.length;
    }

    function step(dir) {
      if (!matches.length) return;
      matchAt = (matchAt + dir + matches.length) % matches.length;
      searchCount.textContent = `${matchAt + 1} of ${plural(matches.length, 'match', 'matches')}`;
      waterfall.reveal(matches[matchAt].id);
    }

    replace(screen,
      backLink(),
      h('header', { class: 'trace-head' },
        h('div', { class: 'trace-title-row' },
          h('div', {},
            h('h1', { id: 'trace-title' }, t.span_name || '(unnamed)',
              t.in_progress ? h('span', { class: 'badge badge-progress' }, 'In progress') : null,
              model.errorCount ? h('span', { class: 'badge badge-error' }, plural(model.errorCount, 'error')) : null),
            h('p', { class: 'trace-sub' }, h('span', { class: 'wf-dot', id: 'trace-service-dot', style: { background: headColor() } }),
              t.service_name, h('span', { class: 'muted mono' }, ` · ${t.trace_id}`))),
          h('div', { class: 'button-row' },
            h('button', {
              type: 'button', class: 'btn', id: 'copy-link',
              onClick: async () => toast(await copyText(absoluteUrl(window.location.hash)) ? 'Link to this view copied'
                : 'Copy failed: the address bar holds the same link'),
            }, 'Copy link'),
            h('button', { type: 'button', class: 'btn', id: 'download-json', onClick: download }, 'Download JSON'))),
        h('dl', { class: 'trace-facts' },
          fact('Started', h('span', { title: formatFullTimestamp(t.timestamp) }, formatTimestamp(t.timestamp))),
          fact('Duration', h('span', { class: 'mono strong', id: 'trace-duration' }, formatDuration(t.duration_nano))),
          fact('Spans', h('span', { class: 'mono', id: 'trace-span-count' }, String(model.spans.length))),
          fact('Depth', h('span', { class: 'mono' }, String(model.maxDepth + 1))),
          fact('Services', h('span', { class: 'service-chips' }, model.services.map((s) =>
            h('span', { class: 'service-chip' }, h('span', { class: 'wf-dot', style: { background: s.color } }), s.name)))))),
      insights(),
      h('div', { class: 'trace-toolbar', role: 'group', 'aria-label': 'Find and fold spans' },
        h('div', { class: 'search-box' }, searchInput, searchCount, prev, next),
        h('div', { class: 'button-row' },
          h('button', { type: 'button', class: 'btn btn-small', onClick: () => waterfall.expandAll() }, 'Expand all'),
          h('button', { type: 'button', class: 'btn btn-small', id: 'collapse-all', onClick: collapseAll }, 'Collapse all')),
        h('p', { class: 'legend', 'aria-hidden': 'true' },
          h('span', { class: 'legend-cp' }), 'critical path', h('span', { class: 'legend-event' }), 'event',
          h('span', { class: 'legend-err' }, '!'), 'error')),
      h('div', { class: 'trace-main' }, waterfall.el),
      drawer.el);
    fitHeight();
    runSearch(searchInput.value);
    prev.disabled = next.disabled = !matches.length;
  }

  /** The colour of the trace's head service (the root's, or the earliest span's while in progress). */
  function headColor() {
    const head = model.root || model.spans.find((s) => s.service.name === model.trace.service_name) || model.spans[0];
    return head ? head.service.color : 'var(--muted)';
  }

  /** Folds the tree to the roots' children; a drawer on a span now hidden closes with it. */
  function collapseAll() {
    waterfall.collapseBelow(1);
    const open = params.get('span');
    if (open && !waterfall.isVisible(open)) select(null);
  }

  /** Where the time went: self time per service, and the spans that took it. */
  function insights() {
    const totalSelf = model.services.reduce((n, s) => n + s.self, 0) || 1;
    const services = model.services.slice().sort((a, b) => b.self - a.self);
    const top = model.spans.slice().sort((a, b) => b.self - a.self).slice(0, 4);
    return h('section', { class: 'insights', 'aria-labelledby': 'insights-title' },
      h('h2', { id: 'insights-title', class: 'visually-hidden' }, 'Where the time went'),
      h('div', { class: 'insight' },
        h('h3', {}, 'Time by service'),
        h('div', { class: 'stack-bar', role: 'img', 'aria-label': services.map((s) => `${s.name} ${Math.round((100 * s.self) / totalSelf)}%`).join(', ') },
          services.map((s) => h('span', { style: { width: `${(100 * s.self) / totalSelf}%`, background: s.color }, title: `${s.name}: ${formatDuration(s.self)}` }))),
        h('ul', { class: 'stack-legend' }, services.slice(0, 6).map((s) => h('li', {},
          h('span', { class: 'wf-dot', style: { background: s.color } }), h('span', { class: 'name' }, s.name),
          h('span', { class: 'mono muted' }, `${formatDuration(s.self)} · ${Math.round((100 * s.self) / totalSelf)}%`))))),
      h('div', { class: 'insight' },
        h('h3', {}, 'Slowest spans, by self time'),
        h('ol', { class: 'slow-list', id: 'slowest-spans' }, top.map((s) => h('li', {},
          h('button', { type: 'button', class: 'slow-item', onClick: () => { select(s.id); waterfall.reveal(s.id); } },
            h('span', { class: 'slow-bar', style: { width: `${Math.max(2, (100 * s.self) / (top[0].self || 1))}%`, background: s.service.color } }),
            h('span', { class: 'slow-name' }, h('span', { class: 'slow-op' }, s.op), h('span', { class: 'muted' }, ` · ${s.service.name}`)),
            h('span', { class: 'slow-time mono' }, formatDuration(s.self),
              h('span', { class: 'muted' }, ` ${Math.round((100 * s.self) / model.total)}%`))))))));
  }

  /** The waterfall fills the window below it, or less when its rows need less. */
  function fitHeight() {
    if (!waterfall) return;
    const top = waterfall.body.getBoundingClientRect().top + window.scrollY;
    const room = Math.max(320, window.innerHeight - top - 16);
    const row = waterfall.rowHeight();
    waterfall.body.style.height = `${Math.min(room, Math.max(120, waterfall.visibleCount() * row + 12))}px`;
    waterfall.layout();
  }

  /** Shows the span named in the URL (opens or closes the drawer). */
  function apply() {
    if (!model) return;
    const id = params.get('span');
    const span = id ? model.byId.get(id) : null;
    waterfall.setSelected(span ? span.id : null);
    if (span) {
      const wasOpen = !drawer.el.hidden;
      drawer.open(span);
      if (!screen.classList.contains('drawer-open')) {
        screen.classList.add('drawer-open');
        fitHeight();
      }
      if (!wasOpen) waterfall.reveal(span.id, { center: true });
      else waterfall.reveal(span.id, { center: false });
    } else {
      drawer.close();
      if (screen.classList.contains('drawer-open')) {
        screen.classList.remove('drawer-open');
        fitHeight();
      }
      if (id) toast(`This trace has no span ${id}`);
    }
  }

  function select(id) {
    const p = new URLSearchParams(params);
    if (id) p.set('span', id);
    else p.delete('span');
    if (!id) waterfall.focus();
    navigate(traceHash(projectId, traceId, p));
  }

  function download() {
    const blob = new Blob([rawText], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `trace-${traceId}.json`, style: 'display:none' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    toast(`Downloading trace-${traceId}.json`);
  }

  function onKey(e) {
    if (e.key === 'Escape' && drawer && !drawer.el.hidden) {
      select(null);
      return;
    }
    if (e.target.closest('input, textarea, select') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === '/') {
      e.preventDefault();
      document.getElementById('trace-search')?.focus();
    }
  }

  document.addEventListener('keydown', onKey);
  window.addEventListener('resize', fitHeight);
  load();

  return {
    update(next) {
      params = new URLSearchParams(next.params);
      const input = document.getElementById('trace-search');
      if (input && input.value !== (params.get('q') || '')) {
        input.value = params.get('q') || '';
        input.dispatchEvent(new Event('input'));
      }
      apply();
    },
    destroy() {
      controller.abort();
      document.removeEventListener('keydown', onKey);
      window.removeEventListener('resize', fitHeight);
      if (waterfall) waterfall.destroy();
    },
  };
}

function fact(label, value) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
}
