// The span tree with waterfall bars on one time axis. Only the rows in view are in the DOM
// (fixed row height), so a trace of thousands of spans scrolls and collapses at once. Keyboard:
// a tree (arrows, Home/End, PageUp/PageDown, Enter opens the span, * expands all).

import { h, replace } from '../dom.js';
import {
  formatDuration, formatDurationTick, formatOffset, nanosBetween, parseTimestamp,
} from '../format.js';
import { visibleSpans } from './model.js';

/** Row heights: one line per span, or (narrow screens) the name above a full-width bar. */
const WIDE_ROW = 28;
const NARROW_ROW = 44;
const NARROW = window.matchMedia('(max-width: 720px)');
const OVERSCAN = 12;
const INDENT = 14;

/** Round tick steps for an axis of `total` ns, about `count` of them. */
export function ticks(total, count = 6) {
  const raw = total / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  // whole nanoseconds at least: an axis of a trace of zero-length spans is 1 ns long
  const step = Math.max(1, [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) || pow * 10);
  const out = [];
  for (let t = 0; t <= total * 1.0001; t += step) out.push(t);
  return out;
}

/** [offset from the span's start (ns), name] of each event, computed once per span. */
function eventOffsets(span) {
  if (!span.events) {
    const start = parseTimestamp(span.raw.timestamp);
    span.events = (span.raw.events || []).map((e) => {
      const t = parseTimestamp(e.timestamp);
      return [t && start ? nanosBetween(start, t) : 0, e.name];
    });
  }
  return span.events;
}

export function createWaterfall({ model, onOpen, onToggle }) {
  const collapsed = new Set();
  let rows = visibleSpans(model, collapsed);
  let active = 0;
  let selectedId = null;
  let matches = null; // Set of span ids, or null when not searching
  let frame = 0;
  let ROW = NARROW.matches ? NARROW_ROW : WIDE_ROW;
  const total = model.total;
  const pct = (ns) => (100 * ns) / total;
  const slowThreshold = model.total * 0.15;

  const tickList = ticks(total);
  const axis = h('div', { class: 'wf-axis', 'aria-hidden': 'true' },
    // The last label ends at its tick when it is near the end, else half of it would be cut off.
    tickList.map((t, i) => h('span', {
      class: `wf-tick${i > 0 && pct(t) > 90 ? ' end' : ''}`, style: { left: `${pct(t)}%` },
    }, formatDurationTick(t))));
  const grid = h('div', { class: 'wf-grid', 'aria-hidden': 'true' },
    tickList.map((t) => h('span', { class: 'wf-gridline', style: { '--x': pct(t) / 100 } })),
    model.root && (model.root.start > 0 || model.root.end < total)
      ? h('span', {
        class: 'wf-rootrange', title: 'The root span’s time range',
        style: { '--x': pct(model.root.start) / 100, '--w': pct(model.root.dur) / 100 },
      }) : null);
  const rowsLayer = h('div', { class: 'wf-rows', role: 'presentation' });
  const spacer = h('div', { class: 'wf-spacer', role: 'presentation' }, grid, rowsLayer);
  const body = h('div', {
    class: 'wf-body', tabindex: '0', role: 'tree', 'aria-label': 'Spans of this trace', id: 'waterfall',
  }, spacer);
  const el = h('div', { class: 'wf' },
    h('div', { class: 'wf-head' },
      h('div', { class: 'wf-head-name' }, 'Service and operation'),
      h('div', { class: 'wf-head-axis' }, axis)),
    body);

  function layout() {
    spacer.style.height = `${rows.length * ROW}px`;
    schedule();
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  function draw() {
    frame = 0;
    const first = Math.max(0, Math.floor(body.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(rows.length, Math.ceil((body.scrollTop + body.clientHeight) / ROW) + OVERSCAN);
    const fragment = document.createDocumentFragment();
    for (let i = first; i < last; i++) fragment.append(renderRow(rows[i], i));
    replace(rowsLayer, fragment);
    const activeRow = rows[active];
    if (activeRow) body.setAttribute('aria-activedescendant', `wf-${activeRow.id}`);
  }

  function renderRow(span, i) {
    const hasChildren = span.children.length > 0;
    const isCollapsed = collapsed.has(span.id);
    const cls = ['wf-row'];
    if (span.id === selectedId) cls.push('selected');
    if (i === active) cls.push('active');
    if (span.error) cls.push('error');
    if (matches) cls.push(matches.has(span.id) ? 'match' : 'dim');
    const left = pct(span.start);
    const width = pct(span.dur);
    const end = left + width;
    const hot = span.self >= slowThreshold && model.spans.length > 1;
    // The duration goes after the bar, else before it, else (a bar across the axis) inside its end.
    const place = end < 80 ? 'after' : left > 20 ? 'before' : 'inside';
    const bar = h('div', {
      class: `wf-bar${span.error ? ' error' : ''}`,
      style: { left: `${left}%`, width: `${width}%`, '--c': span.service.color },
    }, span.critical ? span.critical.map(([a, b]) => h('span', {
      class: 'wf-cp', style: { left: `${(100 * (a - span.start)) / (span.dur || 1)}%`, width: `${(100 * (b - a)) / (span.dur || 1)}%` },
    })) : null, eventOffsets(span).map(([offset, name]) => h('span', {
      class: `wf-event${/exception|error/i.test(name) ? ' error' : ''}`, title: `${name} at ${formatOffset(offset)}`,
      style: { left: `${Math.min(100, (100 * offset) / (span.dur || 1))}%` },
    })));
    const dur = h('span', {
      class: `wf-dur mono ${place}`,
      style: place === 'after' ? { left: `calc(${end}% + 6px)` }
        : place === 'before' ? { right: `calc(${100 - left}% + 6px)` } : { right: `calc(${100 - end}% + 4px)` },
    }, formatDuration(span.dur), hot ? h('span', { class: 'wf-hot', title: 'Time spent in this span itself, not in its children' },
      `self ${Math.round((100 * span.self) / model.total)}%`) : null);
    return h('div', {
      class: cls.join(' '), id: `wf-${span.id}`, role: 'treeitem', 'aria-level': String(span.depth + 1),
      'aria-expanded': hasChildren ? String(!isCollapsed) : null, 'aria-selected': String(span.id === selectedId),
      'aria-setsize': String(rows.length), 'aria-posinset': String(i + 1),
      style: { top: `${i * ROW}px` }, dataset: { spanId: span.id, index: String(i) },
    },
    h('div', { class: 'wf-name', style: { '--indent': `${span.depth * INDENT}px` }, title: `${span.service.name} · ${span.op}` },
      h('span', { class: 'wf-guides', 'aria-hidden': 'true' }),
      hasChildren
        ? h('button', {
          type: 'button', class: 'wf-toggle', tabindex: '-1', dataset: { toggle: span.id },
          'aria-label': `${isCollapsed ? 'Expand' : 'Collapse'} ${span.op}`,
        }, isCollapsed ? '▸' : '▾')
        : h('span', { class: 'wf-toggle-space', 'aria-hidden': 'true' }),
      h('span', { class: 'wf-dot', style: { background: span.service.color }, 'aria-hidden': 'true' }),
      h('span', { class: 'wf-svc', title: span.service.name }, span.service.name),
      h('span', { class: 'wf-op', title: span.op }, span.op),
      isCollapsed ? h('span', { class: 'wf-hidden-count', title: 'spans hidden under this one' }, `+${span.descendants}`) : null,
      span.error ? h('span', { class: 'wf-err', title: span.raw.status_message || 'Error status' }, '!') : null,
      span.error ? h('span', { class: 'visually-hidden' }, ' (error)') : null,
      span.orphan ? h('span', { class: 'wf-flag', title: 'Its parent span was not received' }, 'no parent') : null,
      span.outOfRoot ? h('span', { class: 'wf-flag', title: 'Starts before or ends after the root span' }, 'outside root') : null),
    h('div', { class: 'wf-track' }, bar, dur));
  }

  function setActive(i, { scroll = true } = {}) {
    if (!rows.length) return;
    active = Math.max(0, Math.min(rows.length - 1, i));
    if (scroll) {
      const top = active * ROW;
      if (top < body.scrollTop) body.scrollTop = top;
      else if (top + ROW > body.scrollTop + body.clientHeight) body.scrollTop = top + ROW - body.clientHeight;
    }
    schedule();
  }

  function toggle(span, open = collapsed.has(span.id)) {
    if (!span.children.length) return;
    if (open) collapsed.delete(span.id);
    else collapsed.add(span.id);
    const activeSpan = rows[active];
    rows = visibleSpans(model, collapsed);
    active = Math.max(0, rows.indexOf(activeSpan));
    layout();
    if (onToggle) onToggle();
  }

  /** Expands the ancestors of a span, brings it into view and makes it active. */
  function reveal(id, { center = true } = {}) {
    const span = model.byId.get(id);
    if (!span) return;
    let changed = false;
    for (let p = span.parent; p; p = p.parent) {
      if (collapsed.delete(p.id)) changed = true;
    }
    if (changed) {
      rows = visibleSpans(model, collapsed);
      layout();
      if (onToggle) onToggle();
    }
    const i = rows.indexOf(span);
    if (center) body.scrollTop = Math.max(0, i * ROW - body.clientHeight / 2 + ROW / 2);
    setActive(i);
  }

  body.addEventListener('scroll', schedule, { passive: true });
  body.addEventListener('click', (e) => {
    const toggleButton = e.target.closest('[data-toggle]');
    const rowEl = e.target.closest('.wf-row');
    if (!rowEl) return;
    const span = rows[Number(rowEl.dataset.index)];
    if (toggleButton) {
      toggle(span);
      return;
    }
    setActive(Number(rowEl.dataset.index), { scroll: false });
    onOpen(span);
  });
  body.addEventListener('keydown', (e) => {
    const span = rows[active];
    const page = Math.max(1, Math.floor(body.clientHeight / ROW) - 1);
    switch (e.key) {
      case 'ArrowDown': setActive(active + 1); break;
      case 'ArrowUp': setActive(active - 1); break;
      case 'PageDown': setActive(active + page); break;
      case 'PageUp': setActive(active - page); break;
      case 'Home': setActive(0); break;
      case 'End': setActive(rows.length - 1); break;
      case 'ArrowRight':
        if (span && span.children.length && collapsed.has(span.id)) toggle(span, true);
        else if (span && span.children.length) setActive(active + 1);
        break;
      case 'ArrowLeft':
        if (span && span.children.length && !collapsed.has(span.id)) toggle(span, false);
        else if (span && span.parent) setActive(rows.indexOf(span.parent));
        break;
      case 'Enter':
      case ' ':
        if (span) onOpen(span);
        break;
      case '*':
        api.expandAll();
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  const resize = new ResizeObserver(schedule);
  resize.observe(body);

  /** Between one and two lines per span: keeps the active span where it was. */
  function onNarrowChange() {
    const first = body.scrollTop / ROW;
    ROW = NARROW.matches ? NARROW_ROW : WIDE_ROW;
    body.style.setProperty('--wf-row', `${ROW}px`);
    layout();
    body.scrollTop = first * ROW;
    if (onToggle) onToggle();
  }
  NARROW.addEventListener('change', onNarrowChange);
  body.style.setProperty('--wf-row', `${ROW}px`);

  const api = {
    el,
    body,
    layout,
    reveal,
    focus: () => body.focus({ preventScroll: true }),
    setSelected(id) {
      selectedId = id;
      schedule();
    },
    /** Marks matching spans (and dims the rest); null ends the search. */
    setMatches(ids) {
      matches = ids;
      schedule();
    },
    expandAll() {
      collapsed.clear();
      rows = visibleSpans(model, collapsed);
      layout();
      if (onToggle) onToggle();
    },
    /** Collapses everything below the given depth (1: only the roots' children show). */
    collapseBelow(depth) {
      collapsed.clear();
      for (const s of model.spans) if (s.depth >= depth && s.children.length) collapsed.add(s.id);
      rows = visibleSpans(model, collapsed);
      active = 0;
      body.scrollTop = 0;
      layout();
      if (onToggle) onToggle();
    },
    visibleCount: () => rows.length,
    rowHeight: () => ROW,
    /** Whether a span is in the rows shown (none of its ancestors collapsed). */
    isVisible: (id) => rows.some((s) => s.id === id),
    destroy() {
      NARROW.removeEventListener('change', onNarrowChange);
      resize.disconnect();
      cancelAnimationFrame(frame);
    },
  };
  layout();
  return api;
}
