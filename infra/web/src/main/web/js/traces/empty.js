// The empty traces list: the filters match nothing; or the window is empty but the project has
// traces outside it (widen the range); or nothing was sent in 30 days, in which case it says
// exactly how to send traces to this project.

import { otelVariables } from '../api.js';
import { copyText, h, toast } from '../dom.js';
import { formatTimestamp } from '../format.js';

/** @param elsewhere the newest trace of the last 30 days when the window (without filters) is empty, else null */
export function emptyState({ state, session, rangeText, onClearFilters, onWiden, onWiden30, elsewhere = null }) {
  if (state.tokens.length > 0) {
    return h('div', { class: 'state state-empty', role: 'status', id: 'traces-empty' },
      h('p', { class: 'state-title' }, `No traces match these filters (${rangeText.toLowerCase()}).`),
      h('p', { class: 'muted' }, 'Remove a filter or look at a longer time range.'),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'btn', onClick: onClearFilters }, 'Clear filters'),
        !['7d', '30d'].includes(state.period) ? h('button', { type: 'button', class: 'btn', onClick: onWiden }, 'Show the last 7 days') : null));
  }
  if (elsewhere) {
    return h('div', { class: 'state state-empty', role: 'status', id: 'traces-empty' },
      h('p', { class: 'state-title' }, `No traces in this window (${rangeText.toLowerCase()}).`),
      h('p', { class: 'muted' }, `The newest trace of the last 30 days started ${formatTimestamp(elsewhere.timestamp)}: `
        + 'look at a longer time range.'),
      h('div', { class: 'button-row' },
        !['7d', '30d'].includes(state.period) ? h('button', { type: 'button', class: 'btn', onClick: onWiden }, 'Show the last 7 days') : null,
        state.period !== '30d' ? h('button', { type: 'button', class: 'btn', onClick: onWiden30 }, 'Show the last 30 days') : null));
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
      !['7d', '30d'].includes(state.period) ? h('button', { type: 'button', class: 'btn btn-small', onClick: onWiden }, 'Show the last 7 days') : null),
    session.project ? null : h('p', { class: 'help' }, 'Your token cannot read the project’s settings (scope read_api), '
      + 'so the namespace ID is a placeholder: the operator who created the project knows it.'),
    h('p', { class: 'help' }, 'The Java SDK needs OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf (its default is gRPC); '
      + 'the token needs the scope write_observability to send.'));
}
