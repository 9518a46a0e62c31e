// The query API (docs/api.md): every call sends the token in PRIVATE-TOKEN.

import { currentSession } from './session.js';

/** Where the API answers: config.js may point elsewhere; by default this page's origin. */
export function apiBase() {
  const configured = (window.TRACING_CONFIG && window.TRACING_CONFIG.apiBaseUrl) || '';
  return (configured || window.location.origin).replace(/\/+$/, '');
}

/** An API failure with the status and the {"error", "message"} the API answered. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Whether trying again may help: the network or the API failed (5xx), not the request itself. */
export function retryable(e) {
  return e instanceof ApiError && (e.status === 0 || e.status >= 500);
}

/** Called on every 401: the token stopped working (revoked, expired, unknown). */
let onUnauthorized = () => {};

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

function query(params) {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) qs.append(key, v);
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/**
 * GET a JSON answer. params: an object, or URLSearchParams (repeated keys kept in order).
 * options.token overrides the session's token (signing in); options.raw keeps the body text.
 */
async function get(path, params, options = {}) {
  const token = options.token || currentSession()?.token;
  const url = apiBase() + path + (params instanceof URLSearchParams
    ? (params.toString() ? `?${params}` : '') : query(params));
  let response;
  try {
    response = await fetch(url, {
      headers: { 'PRIVATE-TOKEN': token || '', Accept: 'application/json' },
      signal: options.signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', `Could not reach the API at ${apiBase()}: check your connection`
      + ' and, for an API on another origin, its CORS settings.');
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    // Every JSON error is {"error": code, "message": text}: the message is written for people.
    const message = body && typeof body.message === 'string' && body.message ? body.message
      : body && typeof body.error === 'string' && body.error ? `The API answered ${response.status}: ${body.error}`
        : `The API answered ${response.status} ${response.statusText}`.trim();
    const error = new ApiError(response.status, body && body.error ? body.error : 'http_error', message);
    if (response.status === 401 && !options.token) onUnauthorized(error);
    throw error;
  }
  if (body === null) throw new ApiError(response.status, 'bad_response', 'The API answered something that is not JSON');
  return options.raw ? { json: body, text } : body;
}

const p = (projectId) => `/v3/query/${encodeURIComponent(projectId)}`;

export const api = {
  project: (projectId, options) => get(p(projectId), null, options),
  services: (projectId, options) => get(`${p(projectId)}/services`, null, options),
  operations: (projectId, service, options) =>
    get(`${p(projectId)}/services/${encodeURIComponent(service)}/operations`, null, options),
  serviceMetrics: (projectId, params, options) => get(`${p(projectId)}/services/metrics`, params, options),
  serviceMap: (projectId, params, options) => get(`${p(projectId)}/services/map`, params, options),
  traces: (projectId, params, options) => get(`${p(projectId)}/traces`, params, options),
  analytics: (projectId, params, options) => get(`${p(projectId)}/traces/analytics`, params, options),
  /** The trace with its body text too: the download keeps int64 values exactly as sent. */
  trace: (projectId, traceId, options) =>
    get(`${p(projectId)}/traces/${encodeURIComponent(traceId)}`, null, { ...options, raw: true }),
};

/** The OTEL_ variables that send this project's traces here. */
export function otelVariables(project, projectId, token) {
  const ns = project && project.namespace_id ? project.namespace_id : '<namespace-id>';
  return [
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', `${apiBase()}/v3/${ns}/${projectId}/ingest/traces`],
    ['OTEL_EXPORTER_OTLP_TRACES_HEADERS', `PRIVATE-TOKEN=${token}`],
    ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/protobuf'],
    ['OTEL_TRACES_EXPORTER', 'otlp'],
    ['OTEL_SERVICE_NAME', 'my-service'],
  ];
}
