// A trace as the waterfall needs it: the span tree, offsets on one time axis, self time (the
// part of a span no child covers) and the critical path (what the trace's end waited on).

import { nanosBetween, parseTimestamp } from '../format.js';

export const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#ff9da7',
  '#86bcb6', '#8cd17d', '#d4a6c8', '#a0cbe8', '#f1ce63', '#bab0ac'];

/**
 * @param trace the API's trace answer
 * @returns the model: spans (in API order, start time), roots, byId, services, total (axis
 *   length in ns), root (the span without a parent, if any), errorCount, maxDepth
 */
export function buildModel(trace) {
  const raw = trace.spans || [];
  const times = raw.map((s) => parseTimestamp(s.timestamp));
  let base = times[0] || { seconds: 0, nano: 0 };
  for (const t of times) if (t && nanosBetween(base, t) < 0) base = t;

  const services = new Map();
  const spans = raw.map((s, i) => {
    const start = times[i] ? nanosBetween(base, times[i]) : 0;
    const dur = Math.max(0, s.duration_nano || 0);
    if (!services.has(s.service_name)) {
      services.set(s.service_name, { name: s.service_name, color: PALETTE[services.size % PALETTE.length], spans: 0, self: 0, errors: 0 });
    }
    const service = services.get(s.service_name);
    service.spans += 1;
    const error = s.status_code === 'STATUS_CODE_ERROR';
    if (error) service.errors += 1;
    return {
      raw: s, index: i, id: s.span_id, parentId: s.parent_span_id || '', start, dur, end: start + dur,
      service, op: s.operation, error, children: [], parent: null, depth: 0, self: dur, critical: null,
      orphan: false, outOfRoot: false, descendants: 0, haystack: null, events: null,
    };
  });

  const byId = new Map();
  for (const s of spans) if (!byId.has(s.id)) byId.set(s.id, s);
  let roots = [];
  for (const s of spans) {
    const parent = s.parentId ? byId.get(s.parentId) : null;
    if (parent && parent !== s) {
      parent.children.push(s);
      s.parent = parent;
    } else {
      s.orphan = Boolean(s.parentId);
      roots.push(s);
    }
  }
  // Parent links that form a cycle reach no root: cut them so every span is shown once.
  const visited = new Set();
  let maxDepth = 0;
  const order = [];
  const walk = (rootsToWalk) => {
    const stack = rootsToWalk.slice().reverse();
    while (stack.length) {
      const s = stack.pop();
      if (visited.has(s)) continue;
      visited.add(s);
      order.push(s);
      s.depth = s.parent && visited.has(s.parent) ? s.parent.depth + 1 : 0;
      if (s.depth > maxDepth) maxDepth = s.depth;
      for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]);
    }
  };
  walk(roots);
  for (const s of spans) {
    if (!visited.has(s)) {
      if (s.parent) s.parent.children = s.parent.children.filter((c) => c !== s);
      s.parent = null;
      s.orphan = true;
      roots.push(s);
      walk([s]);
    }
  }
  roots = roots.slice().sort((a, b) => a.start - b.start);

  for (let i = order.length - 1; i >= 0; i--) {
    const s = order[i];
    if (s.parent) s.parent.descendants += s.descendants + 1;
  }

  let total = 1;
  for (const s of spans) if (s.end > total) total = s.end;
  const root = roots.find((s) => !s.parentId) || null;
  if (root) {
    for (const s of spans) s.outOfRoot = s !== root && (s.start < root.start || s.end > root.end);
  }
  for (const s of spans) s.self = selfTime(s);
  for (const s of spans) s.service.self += s.self;
  const pathRoot = root || roots.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a), roots[0]);
  if (pathRoot) markCriticalPath(pathRoot);

  return {
    trace, spans, roots, byId, total, root, maxDepth,
    services: [...services.values()],
    errorCount: spans.filter((s) => s.error).length,
    duration: root ? root.dur : total,
  };
}

/** The part of a span's duration that none of its children covers. */
function selfTime(span) {
  let covered = 0;
  let from = span.start;
  const intervals = span.children
    .map((c) => [Math.max(c.start, span.start), Math.min(c.end, span.end)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  for (const [a, b] of intervals) {
    const lo = Math.max(a, from);
    if (b > lo) {
      covered += b - lo;
      from = b;
    }
  }
  return Math.max(0, span.dur - covered);
}

/**
 * Walks back from the end of the root: at each point, the child that finished last is what the
 * parent waited for. Marks each span's segments on that path (span.critical = [[start, end]...]).
 */
function markCriticalPath(root) {
  const add = (span, a, b) => {
    if (b <= a) return;
    (span.critical ||= []).push([a, b]);
  };
  const walk = (span, end, depth) => {
    let cursor = Math.min(span.end, end);
    if (depth > 4000) {
      add(span, span.start, cursor);
      return;
    }
    const kids = span.children.slice().sort((a, b) => b.end - a.end);
    for (const c of kids) {
      if (cursor <= span.start) break;
      if (c.start >= cursor) continue;
      const childEnd = Math.min(c.end, cursor);
      add(span, childEnd, cursor);
      walk(c, childEnd, depth + 1);
      cursor = Math.max(c.start, span.start);
    }
    add(span, span.start, cursor);
  };
  walk(root, root.end, 0);
}

/** The spans shown, in tree order, skipping the children of collapsed spans. */
export function visibleSpans(model, collapsed) {
  const out = [];
  const stack = model.roots.slice().reverse();
  while (stack.length) {
    const s = stack.pop();
    out.push(s);
    if (!collapsed.has(s.id)) {
      for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]);
    }
  }
  return out;
}

/** Everything a search in the trace looks at, lowercased: names, ids, status, attributes. */
export function haystack(span) {
  if (span.haystack === null) {
    const r = span.raw;
    // the status code too (STATUS_CODE_ERROR), so typing "error" finds the failing spans
    const parts = [span.op, span.service.name, span.id, r.status_code, r.status_message, r.span_kind];
    const attrs = (obj) => {
      for (const [k, v] of Object.entries(obj || {})) parts.push(k, typeof v === 'string' ? v : JSON.stringify(v));
    };
    attrs(r.span_attributes);
    attrs(r.resource_attributes);
    for (const e of r.events || []) {
      parts.push(e.name);
      attrs(e.attributes);
    }
    span.haystack = parts.filter(Boolean).join('\n').toLowerCase();
  }
  return span.haystack;
}

/** The spans matching a search: every word must appear. */
export function searchSpans(model, query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return null;
  const found = [];
  for (const s of model.spans) {
    const text = haystack(s);
    if (words.every((w) => text.includes(w))) found.push(s);
  }
  return found;
}
