// The time-range picker: the API's presets, or a custom range within the retention (30 days).

import { h } from '../dom.js';
import { toLocalInputValue } from '../format.js';
import { PERIODS } from './query.js';

const MAX_RANGE_MS = 30 * 24 * 3600 * 1000;

/** onChange({period} | {start, end}) with RFC 3339 start and end. */
export function createTimeRange({ state, onChange }) {
  const select = h('select', { id: 'time-range', class: 'select', 'aria-label': 'Time range' },
    PERIODS.map(([value, label]) => h('option', { value }, label)),
    h('option', { value: 'custom' }, 'Custom range…'));
  const from = h('input', { type: 'datetime-local', step: '1', 'aria-label': 'From', id: 'time-from' });
  const to = h('input', { type: 'datetime-local', step: '1', 'aria-label': 'To', id: 'time-to' });
  const error = h('span', { class: 'field-error', role: 'alert' });
  const apply = h('button', { type: 'submit', class: 'btn btn-small' }, 'Apply');
  const custom = h('form', { class: 'custom-range', hidden: true },
    h('label', { class: 'inline-label' }, 'From', from),
    h('label', { class: 'inline-label' }, 'To', to), apply, error);

  select.addEventListener('change', () => {
    if (select.value === 'custom') {
      const end = new Date();
      const start = new Date(end.getTime() - 3600 * 1000);
      if (!from.value) from.value = toLocalInputValue(start);
      if (!to.value) to.value = toLocalInputValue(end);
      custom.hidden = false;
      from.focus();
    } else {
      custom.hidden = true;
      onChange({ period: select.value });
    }
  });
  custom.addEventListener('submit', (e) => {
    e.preventDefault();
    const start = new Date(from.value);
    const end = new Date(to.value);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
      error.textContent = 'Enter both dates.';
      return;
    }
    if (start >= end) {
      error.textContent = '“From” must be before “To”.';
      return;
    }
    if (end - start > MAX_RANGE_MS) {
      error.textContent = 'A range may span at most 30 days, the time traces are kept.';
      return;
    }
    error.textContent = '';
    onChange({ start: start.toISOString(), end: end.toISOString() });
  });

  function set(s) {
    if (s.start) {
      select.value = 'custom';
      from.value = toLocalInputValue(new Date(s.start));
      to.value = toLocalInputValue(s.end ? new Date(s.end) : new Date()); // start_time alone runs until now
      custom.hidden = false;
    } else {
      select.value = s.period || '1h';
      custom.hidden = true;
    }
  }

  set(state);
  return { el: h('div', { class: 'time-range' }, select, custom), set };
}
