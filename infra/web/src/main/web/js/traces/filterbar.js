// The filtered-search bar: tokens such as "Service = frontend" or "Duration > 250 ms", built
// type → operator → value with suggestions at each step (an ARIA combobox), or typed whole
// ("status=error", "duration>1.5s", a pasted trace id).

import { h, replace } from '../dom.js';
import { parseDurationToNanos, nanosToMillisText } from '../format.js';
import { TOKEN_TYPES, describeToken, displayValue, tokenType } from './query.js';

const OP_LABELS = { '=': 'is', '!=': 'is not', '>': 'longer than', '<': 'shorter than' };
const TYPE_HINTS = {
  service: 'a span of this service',
  operation: 'a span with this name',
  trace_id: 'one trace by its id',
  duration: 'the whole trace, in ms',
  attribute: 'span or resource attribute key=value',
  status: 'ok or error',
};
const TRACE_ID = /^[0-9a-f]{32}$/i;

let nextId = 0;

/**
 * @param {object} o
 * @param {Array} o.tokens the applied tokens
 * @param {(tokens: Array) => void} o.onChange called with the new tokens after each change
 * @param {{services: () => Promise<string[]>, operations: (services: string[]) => Promise<string[]>}} o.source
 */
export function createFilterBar({ tokens, onChange, source }) {
  const id = `fb${++nextId}`;
  let applied = tokens.slice();
  let pending = null; // {type, op?}
  let items = [];
  let active = -1;
  let stage = 0; // bumps whenever the suggestions are for something else, to drop late answers

  const list = h('ul', { class: 'fb-suggestions', id: `${id}-list`, role: 'listbox', 'aria-label': 'Suggestions', hidden: true });
  const input = h('input', {
    type: 'text', class: 'fb-input', role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
    'aria-controls': `${id}-list`, 'aria-label': 'Filter traces', autocomplete: 'off', spellcheck: false,
    placeholder: 'Filter by service, operation, trace ID, duration, attribute or status…',
  });
  const chips = h('ul', { class: 'fb-tokens', 'aria-label': 'Applied filters' });
  const error = h('p', { class: 'fb-error', role: 'alert', hidden: true });
  const clearButton = h('button', {
    type: 'button', class: 'btn btn-quiet btn-small fb-clear', 'aria-label': 'Clear all filters',
    onClick: () => commit([]),
  }, 'Clear');
  const root = h('div', { class: 'filter-bar' },
    h('div', { class: 'fb-box', onClick: (e) => { if (e.target === e.currentTarget || e.target === chips) input.focus(); } },
      h('span', { class: 'fb-icon', 'aria-hidden': 'true' }, '⌕'), chips, clearButton),
    list, error);

  function renderChips() {
    const children = applied.map((t, i) => h('li', { class: `fb-token fb-token-${t.type}` },
      h('span', { class: 'fb-t-type' }, tokenType(t.type).label),
      h('span', { class: 'fb-t-op' }, t.op),
      h('span', { class: 'fb-t-value', title: displayValue(t) }, displayValue(t)),
      h('button', {
        type: 'button', class: 'fb-t-remove', 'aria-label': `Remove filter ${describeToken(t)}`,
        onClick: (e) => {
          e.stopPropagation();
          commit(applied.filter((_, j) => j !== i));
          input.focus();
        },
      }, '×')));
    if (pending) {
      children.push(h('li', { class: 'fb-pending', 'aria-live': 'polite' },
        h('span', { class: 'fb-t-type' }, tokenType(pending.type).label),
        pending.op ? h('span', { class: 'fb-t-op' }, pending.op) : null));
    }
    children.push(h('li', { class: 'fb-input-item' }, input));
    replace(chips, children);
    clearButton.hidden = applied.length === 0 && !pending;
    input.placeholder = applied.length || pending ? '' : 'Filter by service, operation, trace ID, duration, attribute or status…';
  }

  function commit(next) {
    applied = next;
    pending = null;
    input.value = '';
    renderChips();
    closeList();
    onChange(applied.slice());
  }

  function addToken(token) {
    const same = (a, b) => a.type === b.type && a.op === b.op && JSON.stringify(a.value) === JSON.stringify(b.value);
    if (applied.some((t) => same(t, token))) {
      pending = null;
      input.value = '';
      renderChips();
      closeList();
      return;
    }
    commit([...applied, token]);
  }

  /** A value typed for a type and operator, checked; returns the token or throws a message. */
  function tokenFor(type, op, text) {
    const v = text.trim();
    if (!v) throw new Error('Type a value first.');
    switch (type) {
      case 'trace_id':
        if (!TRACE_ID.test(v)) throw new Error('A trace ID is 32 hexadecimal characters.');
        return { type, op, value: v.toLowerCase() };
      case 'duration': {
        const ns = parseDurationToNanos(v);
        if (ns === null) throw new Error('Type a duration in milliseconds, such as 250, or with a unit: 1.5s, 800us.');
        return { type, op, value: String(ns) };
      }
      case 'attribute': {
        const eq = v.indexOf('=');
        if (eq <= 0) throw new Error('Type the attribute as key=value, such as http.route=/cart.');
        return { type, op: '=', value: { key: v.slice(0, eq).trim(), value: v.slice(eq + 1).trim() } };
      }
      case 'status':
        if (!['ok', 'error'].includes(v.toLowerCase())) throw new Error('Status is ok or error.');
        return { type, op, value: v.toLowerCase() };
      default:
        return { type, op, value: v };
    }
  }

  /** "service=frontend", "duration>250", "status!=error", or a bare trace id. */
  function parseWhole(text) {
    const v = text.trim();
    if (TRACE_ID.test(v)) return { type: 'trace_id', op: '=', value: v.toLowerCase() };
    const m = /^([a-z_ ]+?)\s*(!=|=|>|<)\s*(.+)$/i.exec(v);
    if (!m) return null;
    const name = m[1].trim().toLowerCase().replace(/\s+/g, '_');
    const t = TOKEN_TYPES.find((x) => x.type === name || x.label.toLowerCase().replace(/\s+/g, '_') === name
      || (name === 'attr' && x.type === 'attribute') || (name === 'trace' && x.type === 'trace_id'));
    if (!t || !t.ops[m[2]]) return null;
    try {
      return tokenFor(t.type, m[2], m[3]);
    } catch {
      return null;
    }
  }

  function setError(message) {
    error.hidden = !message;
    error.textContent = message || '';
    input.setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  /** Drops what was typed and not applied: the text, the half-built token, the error about it. */
  function discardTyped() {
    pending = null;
    input.value = '';
    setError('');
    renderChips();
  }

  function closeList() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function showItems(next) {
    items = next;
    active = items.findIndex((i) => !i.disabled);
    replace(list, items.map((item, i) => h('li', {
      id: `${id}-opt-${i}`, role: 'option', class: `fb-option${item.disabled ? ' disabled' : ''}`,
      'aria-selected': String(i === active), 'aria-disabled': item.disabled ? 'true' : null,
      onMousedown: (e) => {
        e.preventDefault();
        if (!item.disabled) item.run();
      },
    }, h('span', { class: 'fb-o-label' }, item.label), item.hint ? h('span', { class: 'fb-o-hint' }, item.hint) : null)));
    list.hidden = items.length === 0 || document.activeElement !== input;
    input.setAttribute('aria-expanded', String(!list.hidden));
    highlight(active);
  }

  function highlight(i) {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0 && list.children[i]) {
      input.setAttribute('aria-activedescendant', list.children[i].id);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function choose(type, op) {
    pending = { type, op };
    input.value = '';
    setError('');
    renderChips();
    input.focus();
    suggest();
  }

  function valueItem(label, run, hint) {
    return { label, run, hint };
  }

  async function suggest() {
    const my = ++stage;
    const text = input.value.trim();
    const lower = text.toLowerCase();
    if (!pending) {
      const whole = text ? parseWhole(text) : null;
      const types = TOKEN_TYPES.filter((t) => !lower || t.label.toLowerCase().includes(lower) || t.type.includes(lower));
      showItems([
        ...(whole ? [valueItem(`Apply ${describeToken(whole)}`, () => addToken(whole), 'Enter')] : []),
        ...types.map((t) => ({
          label: t.label, hint: TYPE_HINTS[t.type],
          run: () => choose(t.type, Object.keys(t.ops).length === 1 ? Object.keys(t.ops)[0] : undefined),
        })),
      ]);
      return;
    }
    const t = tokenType(pending.type);
    if (!pending.op) {
      showItems(Object.keys(t.ops).filter((op) => !text || op.startsWith(text) || OP_LABELS[op].includes(lower))
        .map((op) => ({ label: op, hint: OP_LABELS[op], run: () => choose(pending.type, op) })));
      return;
    }
    const { type, op } = pending;
    const fixed = (values) => values.filter((v) => !lower || v.toLowerCase().includes(lower)).slice(0, 50)
      .map((v) => valueItem(v, () => addToken({ type, op, value: v })));
    if (type === 'status') {
      showItems(fixed(['error', 'ok']).map((i) => ({ ...i, hint: i.label === 'error' ? 'some span failed' : 'no span failed' })));
    } else if (type === 'service' || type === 'operation') {
      showItems([{ label: 'Loading suggestions…', disabled: true, run() {} }]);
      let values = [];
      try {
        values = type === 'service' ? await source.services()
          : await source.operations(applied.filter((x) => x.type === 'service' && x.op === '=').map((x) => x.value));
      } catch {
        values = [];
      }
      if (my !== stage) return;
      const found = fixed(values);
      if (text && !values.includes(text)) found.push(valueItem(`Use “${text}”`, () => addToken({ type, op, value: text })));
      showItems(found.length ? found : [{ label: `No ${type === 'service' ? 'services' : 'operations'} seen yet: type a name`, disabled: true, run() {} }]);
    } else {
      let item;
      try {
        const token = tokenFor(type, op, text);
        item = valueItem(`${t.label} ${op} ${displayValue(token)}`, () => addToken(token), 'Enter');
      } catch (e) {
        item = { label: text ? e.message : {
          duration: 'Type milliseconds, such as 250 (or 1.5s, 800us)',
          trace_id: 'Paste a 32-character trace ID',
          attribute: 'Type key=value, such as http.route=/cart',
        }[type], disabled: true, run() {} };
      }
      showItems([item]);
    }
  }

  function onEnter() {
    const item = items[active];
    if (!list.hidden && item && !item.disabled) {
      item.run();
      return;
    }
    const text = input.value.trim();
    if (!pending) {
      if (!text) return;
      const whole = parseWhole(text);
      if (whole) addToken(whole);
      else setError('Choose what to filter on first: Service, Operation, Trace ID, Duration, Attribute or Status.');
      return;
    }
    if (!pending.op) return;
    try {
      addToken(tokenFor(pending.type, pending.op, text));
      setError('');
    } catch (e) {
      setError(e.message);
    }
  }

  function onBackspace(e) {
    if (input.value !== '') return;
    e.preventDefault();
    if (pending && pending.op && Object.keys(tokenType(pending.type).ops).length > 1) {
      pending = { type: pending.type };
    } else if (pending) {
      pending = null;
    } else if (applied.length) {
      const last = applied[applied.length - 1];
      commit(applied.slice(0, -1));
      pending = { type: last.type, op: last.op };
      input.value = last.type === 'duration' ? nanosToMillisText(Number(last.value)) : displayValue(last);
    }
    renderChips();
    input.focus();
    suggest();
  }

  input.addEventListener('keydown', (e) => {
    const enabled = items.map((item, i) => (item.disabled ? -1 : i)).filter((i) => i >= 0);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (list.hidden) {
        suggest();
        return;
      }
      if (!enabled.length) return;
      const pos = enabled.indexOf(active);
      const next = e.key === 'ArrowDown' ? enabled[(pos + 1) % enabled.length]
        : enabled[(pos - 1 + enabled.length) % enabled.length];
      highlight(next);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      onEnter();
    } else if (e.key === 'Escape') {
      if (!error.hidden) {
        // The refused text and its message go together: Escape drops both.
        discardTyped();
        closeList();
      } else if (!list.hidden) closeList();
      else if (pending) {
        pending = null;
        input.value = '';
        renderChips();
      } else input.blur();
      e.stopPropagation();
    } else if (e.key === 'Backspace') {
      onBackspace(e);
    }
  });
  input.addEventListener('input', () => {
    setError('');
    suggest();
  });
  input.addEventListener('focus', () => suggest());
  input.addEventListener('blur', () => closeList());

  renderChips();
  return {
    el: root,
    focus: () => input.focus(),
    /** Forgets what was typed and not applied (the list changed under it: sort, range, history). */
    reset() {
      stage++;
      discardTyped();
      closeList();
    },
    /** Shows other tokens (the URL changed, e.g. back/forward). */
    setTokens(next) {
      if (JSON.stringify(next) === JSON.stringify(applied)) return;
      applied = next.slice();
      discardTyped();
      closeList();
    },
  };
}
