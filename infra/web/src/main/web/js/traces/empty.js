// The empty traces list: the filters match nothing; or the window is empty but the project has
// traces outside it (widen the range); or nothing was sent in 30 days, in which case it says
// exactly how to send traces to this project.

import { otelVariables } from '../api.js';
import { copyText, h, toast } from '../dom.js';
import { formatTimestamp } from '../format.js';

/** A button to the last 7 or 30 days, unless the window is that long already. */
function widen(state, onWiden, period, cls = 'btn') {
  const longer = period === '7d' ? !['7d', '30d'].includes(state.period) : state.period !== '30d';
  return longer ? h('button', { type: 'button', class: cls, onClick: () => onWiden(period) }, `Show the last ${parseInt(period, 10)} days`) : null;
}

/**
 * @param onWiden called with '7d' or '30d'
 * @param elsewhere the newest trace of the last 30 days when the window (without filters) is empty, else null
 */
export function emptyState({ state, session, rangeText, onClearFilters, onWiden, elsewhere = null }) {
  if (state.tokens.length > 0) {
    return h('div', { class: 'state state-empty', role: 'status', id: 'traces-empty' },
      h('p', { class: 'state-title' }, `No traces match these filters (${rangeText.toLowerCase()}).`),
      h('p', { class: 'muted' }, 'Remove a filter or look at a longer time range.'),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'btn', onClick: onClearFilters }, 'Clear filters'), widen(state, onWiden, '7d')));
  }
  if (elsewhere) {
    return h('div', { class: 'state state-empty', role: 'status', id: 'traces-empty' },
      h('p', { class: 'state-title' }, `No traces in this window (${rangeText.toLowerCase()}).`),
      h('p', { class: 'muted' }, `The newest trace of the last 30 days started ${formatTimestamp(elsewhere.timestamp)}: `
        + 'look at a longer time range.'),
      h('div', { class: 'button-row' }, widen(state, onWiden, '7d'), widen(state, onWiden, '30d')));
  }
  const vars = otelVariables(session.project, session.projectId, session.token);
  const text = vars.map(([k, v]) => `export ${k}=${v}`).join('\n');
  const masked = vars.map(([k, v]) => `export ${k}=${k === 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'
    ? `PRIVATE-TOKEN=${'•'.repeat(12)}` : v}`).join('\n');
  const pre = h('pre', { class: 'code', id: 'otel-variables' }, masked);
  const reveal = h('button', {
    type: 'button', class: 'btn btn-small btn-quiet', 'aria-pressed': 'false',
    onClick: () => {
      const shown = reveal.getAttribute('aria-pressed') === 'true';
      pre.textContent = shown ? masked : text;
      reveal.setAttribute('aria-pressed', String(!shown));
      reveal.textContent = shown ? 'Show token' : 'Hide token';
    },
  }, 'Show token');
  return h('div', { class: 'state state-empty state-onboarding', role: 'status', id: 'traces-empty' },
    h('p', { class: 'state-title' }, `No traces in this window (${rangeText.toLowerCase()}): here is how to send some.`),
    h('p', {}, 'Point any OpenTelemetry SDK or agent at this project with these environment variables, then run your '
      + 'application. Traces show up here within seconds.'),
    pre,
    h('div', { class: 'button-row' },
      h('button', {
        type: 'button', class: 'btn btn-primary btn-small',
        onClick: async () => toast(await copyText(text) ? 'Variables copied, with your token' : 'Copy failed: select the text'),
      }, 'Copy variables'),
      reveal,
      widen(state, onWiden, '7d', 'btn btn-small')),
    session.project ? null : h('p', { class: 'help' }, 'Your token cannot read the project’s settings (scope read_api), '
      + 'so the namespace ID is a placeholder: the operator who created the project knows it.'),
    h('p', { class: 'help' }, 'The Java SDK needs OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf (its default is gRPC); '
      + 'the token needs the scope write_observability to send.'));
}
