// Small DOM helpers: every element is built with these, and text goes in as text (never as HTML).

/**
 * Creates an element. attrs: "class", "text", "style" (object or string), "dataset" (object),
 * "on<Event>" handlers, boolean and string attributes; null/undefined/false values are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') {
      for (const [p, v] of Object.entries(value)) el.style.setProperty(p, v);
    } else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key in el && typeof value !== 'string' && key !== 'list') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}]/g;

/** Text with every http(s) URL in it turned into a link that opens in a new tab. */
export function linkify(text) {
  const s = String(text);
  const out = document.createDocumentFragment();
  let last = 0;
  for (const m of s.matchAll(URL_PATTERN)) {
    if (m.index > last) out.append(s.slice(last, m.index));
    out.append(h('a', { href: m[0], target: '_blank', rel: 'noopener noreferrer', class: 'ext' }, m[0]));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.append(s.slice(last));
  return out;
}

let toastTimer = 0;

/** A short message at the bottom of the screen, read out by screen readers. */
export function toast(message) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = message;
  el.classList.add('visible');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('visible'), 2600);
}

/** Copies text; false when the browser refused (no permission, insecure origin). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { style: 'position:fixed;top:-1000px', readonly: true }, text);
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

/** A loading / empty / error placeholder. */
export function stateBox(kind, title, ...body) {
  return h('div', { class: `state state-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('p', { class: 'state-title' }, title), ...body);
}
