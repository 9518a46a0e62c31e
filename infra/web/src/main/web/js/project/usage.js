// The project's ingest limit, this minute's usage and the retention (GET /v3/query/{projectId},
// scope read_api): a meter in the top bar with the details on click, and a banner under the top
// bar while the limit refuses ingest (429). Read again every 15 s while the page is visible, and
// right after each clock minute ends (when the count starts again); the countdown ticks each second.

import { api, ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { formatBytes, formatCount } from '../format.js';

const EVERY_MS = 15000;
/** From this share of the limit on, requests that do not fit in what is left are refused. */
const NEAR = 0.9;

/** The usage as the meter shows it: share of the limit, and how close to refusing. */
export function usageLevel(info) {
  const limit = info.bytes_per_minute_limit;
  const used = info.bytes_used_current_minute;
  const share = limit > 0 ? used / limit : 1;
  return { limit, used, share, level: share >= 1 ? 'full' : share >= NEAR ? 'near' : 'ok' };
}

export function createUsage({ projectId, onInfo }) {
  const fill = h('span', { class: 'usage-fill' });
  const label = h('span', { class: 'usage-label' });
  const panel = h('div', { class: 'usage-panel', id: 'usage-panel', hidden: true, role: 'dialog', 'aria-label': 'Ingest usage' });
  const button = h('button', {
    type: 'button', class: 'usage-meter', id: 'usage-meter', 'aria-expanded': 'false', 'aria-controls': 'usage-panel',
    onClick: () => setOpen(panel.hidden),
  }, h('span', { class: 'usage-track', 'aria-hidden': 'true' }, fill), label);
  const meter = h('div', { class: 'usage', hidden: true }, button, panel);
  const banner = h('div', { class: 'usage-banner', id: 'usage-banner', hidden: true });
  let timer = 0;
  let controller = null;
  let stopped = false;
  let minuteEndsAt = 0;
  let ticker = 0;
  const secondsLeft = () => Math.max(1, Math.round((minuteEndsAt - Date.now()) / 1000));
  /** A countdown to the minute's end that the ticker keeps current. */
  const countdown = () => h('span', { class: 'usage-reset' }, String(secondsLeft()));

  function setOpen(open) {
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  }

  function onDocumentClick(e) {
    if (!panel.hidden && !meter.contains(e.target)) setOpen(false);
  }

  function onDocumentKey(e) {
    if (e.key === 'Escape' && !panel.hidden) {
      setOpen(false);
      button.focus();
    }
  }

  async function refresh() {
    if (stopped) return;
    clearTimeout(timer);
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const info = await api.project(projectId, { signal: controller.signal });
      show(info);
      if (onInfo) onInfo(info);
    } catch (e) {
      if (e.name === 'AbortError') return;
      // Without read_api the numbers are not readable: the meter stays away rather than guessing.
      if (e instanceof ApiError && e.status === 403) {
        meter.hidden = true;
        banner.hidden = true;
        return;
      }
    }
    // the next read: in 15 s, or just after the minute ends, when this minute's count is gone
    if (!stopped) timer = setTimeout(tick, Math.max(1000, Math.min(EVERY_MS, minuteEndsAt - Date.now() + 500)));
  }

  function tick() {
    if (document.visibilityState === 'visible') refresh();
    else timer = setTimeout(tick, EVERY_MS);
  }

  function updateCountdowns() {
    for (const el of [...panel.querySelectorAll('.usage-reset'), ...banner.querySelectorAll('.usage-reset')]) {
      el.textContent = String(secondsLeft());
    }
  }

  function show(info) {
    const { limit, used, share, level } = usageLevel(info);
    const now = Date.now();
    minuteEndsAt = (Math.floor(now / 60000) + 1) * 60000;
    const percent = Math.min(100, Math.round(share * 100));
    meter.hidden = false;
    meter.dataset.level = level;
    fill.style.width = `${Math.min(100, share * 100)}%`;
    if (level === 'full') {
      replace(label, h('span', { class: 'usage-long' }, 'Ingest limit reached'), h('span', { class: 'usage-short' }, 'Limit reached'));
    } else {
      replace(label, h('span', { class: 'usage-long' }, `Ingest ${percent}%`), h('span', { class: 'usage-short' }, `${percent}%`));
    }
    button.title = `${formatBytes(used)} of ${formatBytes(limit)} ingested this minute`;
    button.setAttribute('aria-label', `Ingest this minute: ${percent}% of the limit. Show details`);
    replace(panel,
      h('h2', { class: 'usage-title' }, 'Ingest this minute'),
      h('div', { class: 'usage-big-track', 'aria-hidden': 'true' },
        h('span', { class: 'usage-fill', style: { width: `${Math.min(100, share * 100)}%` } })),
      h('dl', { class: 'meta usage-facts' },
        h('dt', {}, 'Used'), h('dd', { id: 'usage-used' }, `${formatBytes(used)} (${percent}%)`),
        h('dt', {}, 'Limit'), h('dd', { id: 'usage-limit' }, `${formatBytes(limit)} per minute (${formatCount(limit)} bytes)`),
        h('dt', {}, 'Resets'), h('dd', {}, 'in ', countdown(), ' s, at the next clock minute'),
        h('dt', {}, 'Retention'), h('dd', { id: 'usage-retention' }, `${formatCount(info.retention_days)} days`)),
      h('p', { class: 'help' }, 'Bytes are counted as the decoded OTLP request (its protobuf size). Over the limit, '
        + 'ingest answers 429 Too Many Requests until the minute ends; an operator raises it with ',
      h('code', {}, 'admin project set-limit'), '.'));
    if (level === 'ok') {
      banner.hidden = true;
      replace(banner);
      return;
    }
    banner.hidden = false;
    banner.className = `usage-banner notice ${level === 'full' ? 'notice-error' : 'notice-warning'}`;
    banner.setAttribute('role', level === 'full' ? 'alert' : 'status');
    banner.dataset.level = level;
    replace(banner, level === 'full'
      ? [h('strong', {}, 'Ingest limit reached. '),
        `This project has sent ${formatBytes(used)} this minute, its limit of ${formatBytes(limit)} per minute: `
        + 'new spans are refused with 429 Too Many Requests until the minute ends (in ', countdown(), ' s).']
      : [h('strong', {}, 'Close to the ingest limit. '),
        `${formatBytes(used)} of ${formatBytes(limit)} used this minute: a request larger than the `
        + `${formatBytes(Math.max(0, limit - used))} left is refused with 429 Too Many Requests until the minute ends (in `,
        countdown(), ' s).']);
  }

  document.addEventListener('click', onDocumentClick);
  document.addEventListener('keydown', onDocumentKey);
  ticker = setInterval(updateCountdowns, 1000);
  refresh();

  return {
    meter,
    banner,
    refresh,
    destroy() {
      stopped = true;
      clearTimeout(timer);
      clearInterval(ticker);
      if (controller) controller.abort();
      document.removeEventListener('click', onDocumentClick);
      document.removeEventListener('keydown', onDocumentKey);
    },
  };
}
