// Every view is a URL, kept in the hash so that plain static hosting (object storage, a CDN)
// serves index.html for all of them:
//   #/projects/42/traces?period=1h&service_name=frontend&sort=duration_desc
//   #/projects/42/traces/<trace id>?span=<span id>&q=<search in trace>
//   #/projects/42/services?period=1h&service_name=checkout&view=map

/** @returns {{name: string, projectId?: string, traceId?: string, params: URLSearchParams}} */
export function parseRoute(hash = window.location.hash) {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'projects' && /^\d+$/.test(parts[1] || '') && parts[2] === 'traces') {
    if (parts.length === 3) return { name: 'traces', projectId: parts[1], params };
    if (parts.length === 4) return { name: 'trace', projectId: parts[1], traceId: parts[3].toLowerCase(), params };
  }
  if (parts[0] === 'projects' && /^\d+$/.test(parts[1] || '') && parts[2] === 'services' && parts.length === 3) {
    return { name: 'services', projectId: parts[1], params };
  }
  if (parts.length === 0) return { name: 'home', params };
  return { name: 'not-found', params };
}

function withParams(path, params) {
  const s = params ? new URLSearchParams(params).toString() : '';
  return s ? `${path}?${s}` : path;
}

export function tracesHash(projectId, params) {
  return withParams(`#/projects/${projectId}/traces`, params);
}

export function servicesHash(projectId, params) {
  return withParams(`#/projects/${projectId}/services`, params);
}

export function traceHash(projectId, traceId, params) {
  return withParams(`#/projects/${projectId}/traces/${traceId}`, params);
}

/** The full shareable address of a view. */
export function absoluteUrl(hash) {
  return `${window.location.origin}${window.location.pathname}${hash}`;
}

let render = () => {};

export function setRenderer(fn) {
  render = fn;
}

/** Goes to a view: a new history entry, or (replace) the current one rewritten. */
export function navigate(hash, { replace = false } = {}) {
  if (hash === window.location.hash) return;
  if (replace) {
    history.replaceState(history.state, '', hash);
    render();
  } else {
    window.location.hash = hash;
  }
}
