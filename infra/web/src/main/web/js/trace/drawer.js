// The span drawer: everything about one span. Values that contain URLs link to them; links to
// traces of this project open them.

import { api } from '../api.js';
import { copyText, h, linkify, replace, toast } from '../dom.js';
import {
  formatDuration, formatFullTimestamp, formatOffset, formatTimestamp, nanosBetween, parseTimestamp,
} from '../format.js';
import { traceHash } from '../routes.js';

const KINDS = {
  SPAN_KIND_SERVER: 'Server', SPAN_KIND_CLIENT: 'Client', SPAN_KIND_PRODUCER: 'Producer',
  SPAN_KIND_CONSUMER: 'Consumer', SPAN_KIND_INTERNAL: 'Internal', SPAN_KIND_UNSPECIFIED: 'Unspecified',
};
const STATUS = { STATUS_CODE_OK: 'OK', STATUS_CODE_ERROR: 'Error', STATUS_CODE_UNSET: 'Unset' };
const LINK_WINDOW_MS = 3.5 * 24 * 3600 * 1000;

/** onClose(): the drawer was closed; onSelect(spanId): another span of this trace was asked for. */
export function createDrawer({ model, projectId, onClose, onSelect }) {
  const content = h('div', { class: 'drawer-content' });
  const el = h('aside', { class: 'drawer', id: 'span-drawer', 'aria-labelledby': 'drawer-title', hidden: true, tabindex: '-1' }, content);
  let current = null;
  let linkCheck = 0;

  el.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  });

  function open(span) {
    const changed = current !== span;
    current = span;
    el.hidden = false;
    if (changed) {
      render(span);
      content.scrollTop = 0;
    }
  }

  function render(span) {
    const r = span.raw;
    const closeButton = h('button', { type: 'button', class: 'btn btn-icon', 'aria-label': 'Close span details', onClick: onClose }, '×');
    replace(content,
      h('header', { class: 'drawer-head' },
        h('div', { class: 'drawer-title-wrap' },
          h('p', { class: 'drawer-service' }, h('span', { class: 'wf-dot', style: { background: span.service.color } }), span.service.name),
          h('h2', { id: 'drawer-title', tabindex: '-1' }, span.op || '(unnamed span)')),
        closeButton),
      h('div', { class: 'drawer-facts' },
        fact('Duration', formatDuration(span.dur)),
        fact('Self time', formatDuration(span.self)),
        fact('Starts at', formatOffset(span.start - (model.root ? model.root.start : 0))),
        fact('Status', h('span', { class: `badge ${span.error ? 'badge-error' : 'badge-neutral'}` }, STATUS[r.status_code] || r.status_code))),
      span.error && r.status_message ? h('div', { class: 'notice notice-error status-message' }, linkify(r.status_message)) : null,
      section('Span', 'drawer-meta', metadata(span)),
      section(`Span attributes`, 'drawer-span-attributes', attributes(r.span_attributes), count(r.span_attributes)),
      section(`Resource attributes`, 'drawer-resource-attributes', attributes(r.resource_attributes), count(r.resource_attributes)),
      section('Events', 'drawer-events', events(span), (r.events || []).length),
      section('Links', 'drawer-links', links(span), (r.links || []).length));
  }

  function metadata(span) {
    const r = span.raw;
    const parent = span.parentId ? model.byId.get(span.parentId) : null;
    const rows = [
      ['Span ID', idValue(r.span_id)],
      ['Parent span ID', r.parent_span_id
        ? (parent ? h('button', { type: 'button', class: 'link-button mono', onClick: () => onSelect(parent.id) }, r.parent_span_id)
          : h('span', {}, h('span', { class: 'mono' }, r.parent_span_id), h('span', { class: 'muted' }, ' (not received)')))
        : h('span', { class: 'muted' }, 'none: this is a root span')],
      ['Trace ID', idValue(r.trace_id)],
      ['Kind', KINDS[r.span_kind] || r.span_kind],
      ['Scope', r.scope_name ? `${r.scope_name}${r.scope_version ? ` ${r.scope_version}` : ''}` : h('span', { class: 'muted' }, 'none')],
      ['Status', `${STATUS[r.status_code] || r.status_code}${r.status_message ? `: ${r.status_message}` : ''}`],
      ['Start', h('span', { title: r.timestamp }, formatFullTimestamp(r.timestamp), h('span', { class: 'muted' }, ` (${r.timestamp})`))],
      ['Duration', `${formatDuration(span.dur)} (${span.dur.toLocaleString()} ns)`],
      ['Self time', `${formatDuration(span.self)}, not spent in child spans`],
      ['Children', String(span.children.length)],
    ];
    if (r.trace_state) rows.push(['Trace state', h('span', { class: 'mono' }, r.trace_state)]);
    if (span.critical) rows.push(['Critical path', `${formatDuration(span.critical.reduce((n, [a, b]) => n + b - a, 0))} of this span is on it`]);
    return h('dl', { class: 'meta' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  }

  function idValue(id) {
    return h('span', { class: 'id-value' }, h('span', { class: 'mono' }, id),
      h('button', {
        type: 'button', class: 'btn btn-tiny btn-quiet', 'aria-label': `Copy ${id}`,
        onClick: async () => toast(await copyText(id) ? 'Copied' : 'Copy failed'),
      }, 'Copy'));
  }

  function events(span) {
    const list = span.raw.events || [];
    if (!list.length) return h('p', { class: 'muted' }, 'No events.');
    const spanStart = parseTimestamp(span.raw.timestamp);
    const offsets = list.map((e) => {
      const t = parseTimestamp(e.timestamp);
      return t && spanStart ? nanosBetween(spanStart, t) : 0;
    });
    const width = Math.max(span.dur, ...offsets, 1);
    const timeline = h('div', { class: 'event-timeline', 'aria-hidden': 'true' },
      h('div', { class: 'event-span', style: { width: `${(100 * span.dur) / width}%`, background: span.service.color } }),
      list.map((e, i) => h('span', {
        class: `event-mark${/exception|error/i.test(e.name) ? ' error' : ''}`,
        style: { left: `${(100 * offsets[i]) / width}%` }, title: `${e.name} at ${formatOffset(offsets[i])}`,
      })));
    return [timeline, h('table', { class: 'kv events-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'At'), h('th', { scope: 'col' }, 'Event'), h('th', { scope: 'col' }, 'Attributes'))),
      h('tbody', {}, list.map((e, i) => h('tr', {},
        h('td', { class: 'mono nowrap', title: formatTimestamp(e.timestamp) }, formatOffset(offsets[i])),
        h('td', {}, e.name),
        h('td', {}, Object.keys(e.attributes || {}).length ? attributes(e.attributes, true) : h('span', { class: 'muted' }, '–'))))))];
  }

  function links(span) {
    const list = span.raw.links || [];
    if (!list.length) return h('p', { class: 'muted' }, 'No links.');
    const cells = list.map((l) => h('span', { class: 'link-trace' }, h('span', { class: 'mono' }, l.trace_id),
      h('span', { class: 'muted link-status' }, ' checking…')));
    const items = h('ul', { class: 'links-list' }, list.map((l, i) => h('li', { class: 'link-item' },
      h('dl', { class: 'meta' },
        h('dt', {}, 'Trace'), h('dd', {}, cells[i]),
        h('dt', {}, 'Span'), h('dd', { class: 'mono' }, l.span_id),
        l.trace_state ? [h('dt', {}, 'Trace state'), h('dd', { class: 'mono' }, l.trace_state)] : null),
      Object.keys(l.attributes || {}).length ? attributes(l.attributes, true) : null)));
    resolveLinks(span, list, cells);
    return items;
  }

  /** Which linked traces are in this project: one list call, around the span's start. */
  async function resolveLinks(span, list, cells) {
    const mine = ++linkCheck;
    const ids = [...new Set(list.map((l) => l.trace_id))];
    const local = new Set(ids.filter((id) => id === model.trace.trace_id));
    const others = ids.filter((id) => !local.has(id)).slice(0, 20);
    let found = new Set(local);
    if (others.length) {
      const t = parseTimestamp(span.raw.timestamp);
      const at = t ? t.seconds * 1000 : Date.now();
      try {
        const page = await api.traces(projectId, {
          trace_id: others, start_time: new Date(at - LINK_WINDOW_MS).toISOString(),
          end_time: new Date(Math.min(at + LINK_WINDOW_MS, Date.now() + 60000)).toISOString(), page_size: 20,
        });
        found = new Set([...found, ...page.traces.map((x) => x.trace_id)]);
      } catch {
        // unknown: leave the ids as text
      }
    }
    if (mine !== linkCheck) return;
    list.forEach((l, i) => {
      if (found.has(l.trace_id)) {
        replace(cells[i], h('a', { href: traceHash(projectId, l.trace_id, { span: l.span_id }), class: 'mono' }, l.trace_id),
          l.trace_id === model.trace.trace_id ? h('span', { class: 'muted' }, ' (this trace)') : null);
      } else {
        replace(cells[i], h('span', { class: 'mono' }, l.trace_id),
          h('span', { class: 'muted link-status', title: 'No trace with this id in this project within 3.5 days of this span' }, ' not in this project'));
      }
    });
  }

  return {
    el,
    open,
    /** Moves focus into the drawer (after opening it from the keyboard or a click). */
    focus: () => {
      const title = el.querySelector('#drawer-title');
      if (title) title.focus({ preventScroll: true });
    },
    close() {
      el.hidden = true;
      current = null;
    },
    get span() {
      return current;
    },
  };
}

function count(obj) {
  return Object.keys(obj || {}).length;
}

function fact(label, value) {
  return h('div', { class: 'fact' }, h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value' }, value));
}

function section(title, id, body, n) {
  return h('section', { class: 'drawer-section', id, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, title, n !== undefined ? h('span', { class: 'count' }, String(n)) : null),
    body);
}

/** An attribute table; values keep their JSON type. */
export function attributes(obj, compact = false) {
  const entries = Object.entries(obj || {}).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return h('p', { class: 'muted' }, 'None.');
  return h('table', { class: `kv attributes${compact ? ' compact' : ''}` },
    h('colgroup', {}, h('col', { class: 'kv-key-col' }), h('col', {})),
    h('tbody', {}, entries.map(([k, v]) => (isBlock(v)
      // A multi-line or long text gets the table's whole width, below its key.
      ? [h('tr', { class: 'kv-block-key', dataset: { key: k } }, h('th', { scope: 'row', colspan: '2', class: 'mono' }, breakable(k))),
        h('tr', { class: 'kv-block-value', dataset: { key: k } },
          h('td', { colspan: '2', class: `value value-${valueType(v)}` }, renderValue(v, k)))]
      : h('tr', { dataset: { key: k } },
        h('th', { scope: 'row', class: 'mono' }, breakable(k)),
        h('td', { class: `value value-${valueType(v)}` }, renderValue(v, k)))))));
}

function isBlock(v) {
  return typeof v === 'string' && (v.includes('\n') || v.length > 160);
}

/** Lines shown of a long value until "Show all" is pressed. */
const COLLAPSED_LINES = 8;
const COLLAPSED_CHARS = 700;

/** A stack trace or other code-like text, shown in monospace: by its key, or by its lines. */
function looksLikeCode(key, text) {
  return /stacktrace|stack_trace|traceback|statement|query/i.test(key)
    || /\n\s+at\s|\n\s+File "|\n\t/.test(text);
}

/**
 * A string value: its line breaks and indentation kept; long ones (a stack trace) folded to a
 * few lines with a toggle to show all.
 */
function textValue(text, key) {
  const lines = text.split('\n');
  const multiLine = lines.length > 1;
  if (!multiLine && text.length <= COLLAPSED_CHARS) return linkify(text);
  const code = looksLikeCode(key, text);
  const body = h('div', { class: `value-text${code ? ' code' : ''}` }, linkify(text));
  const long = lines.length > COLLAPSED_LINES || text.length > COLLAPSED_CHARS;
  if (!long) return body;
  const wrap = h('div', { class: 'long-value collapsed' }, body);
  const toggle = h('button', {
    type: 'button', class: 'link-button long-toggle', 'aria-expanded': 'false',
    onClick: () => {
      const open = wrap.classList.toggle('collapsed') === false;
      toggle.setAttribute('aria-expanded', String(open));
      toggle.textContent = open ? 'Show less' : showAll;
    },
  });
  const showAll = multiLine ? `Show all ${lines.length} lines` : `Show all ${text.length.toLocaleString()} characters`;
  toggle.textContent = showAll;
  wrap.append(toggle);
  return wrap;
}

/** A dotted key that may wrap after its dots and underscores rather than anywhere. */
function breakable(key) {
  return key.split(/(?<=[._/])/).flatMap((part, i) => (i ? [h('wbr'), part] : [part]));
}

function valueType(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function renderValue(v, key = '') {
  if (typeof v === 'string') return v === '' ? h('span', { class: 'muted' }, '(empty)') : textValue(v, key);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return h('span', { class: 'mono' }, String(v));
  return h('pre', { class: 'json' }, linkify(JSON.stringify(v, null, 2)));
}
