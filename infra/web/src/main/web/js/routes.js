// Every view is a URL, kept in the hash so that plain static hosting (object storage, a CDN)
// serves index.html for all of them:
//   #/projects/42/traces?period=1h&service_name=frontend&sort=duration_desc
//   #/projects/42/traces/<trace id>?span=<span id>&q=<search in trace>
//   #/projects/42/services?period=1h&service_name=checkout&view=map
//
// A new screen is one entry in ROUTES (its path pattern) plus one in main.js's SCREENS (what it
// mounts), and, for the top bar, one in main.js's SECTIONS.

/**
 * The project's screens: name, path segments after /projects/<id>/ (":x" captures segment x).
 * The first one that matches wins.
 */
const ROUTES = [
  { name: 'traces', path: ['traces'] },
  { name: 'trace', path: ['traces', ':traceId'] },
  { name: 'services', path: ['services'] },
];

/** @returns {{name: string, projectId?: string, traceId?: string, params: URLSearchParams}} */
export function parseRoute(hash = window.location.hash) {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  let parts;
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { name: 'not-found', params };
  }
  if (parts.length === 0) return { name: 'home', params };
  if (parts[0] !== 'projects' || !/^\d+$/.test(parts[1] || '')) return { name: 'not-found', params };
  const rest = parts.slice(2);
  for (const route of ROUTES) {
    if (route.path.length !== rest.length) continue;
    const captured = {};
    const matches = route.path.every((segment, i) => {
      if (segment.startsWith(':')) {
        captured[segment.slice(1)] = rest[i];
        return true;
      }
      return segment === rest[i];
    });
    if (matches) {
      if (captured.traceId) captured.traceId = captured.traceId.toLowerCase();
      return { name: route.name, projectId: parts[1], ...captured, params };
    }
  }
  return { name: 'not-found', params };
}

function withParams(path, params) {
  const s = params ? new URLSearchParams(params).toString() : '';
  return s ? `${path}?${s}` : path;
}

export function projectHash(projectId, path, params) {
  return withParams(`#/projects/${projectId}/${path}`, params);
}

export function tracesHash(projectId, params) {
  return projectHash(projectId, 'traces', params);
}

export function servicesHash(projectId, params) {
  return projectHash(projectId, 'services', params);
}

export function traceHash(projectId, traceId, params) {
  return projectHash(projectId, `traces/${traceId}`, params);
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
