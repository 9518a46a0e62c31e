// Starts the app: reads the URL, checks the session, shows the screen for it.

import { setUnauthorizedHandler } from './api.js';
import { h, replace } from './dom.js';
import { createUsage } from './project/usage.js';
import { navigate, parseRoute, servicesHash, setRenderer, tracesHash } from './routes.js';
import { mountServicesPage } from './services/page.js';
import { clearSession, currentSession, offerSignInNotice, saveSession, setSignInNotice } from './session.js';
import { mountSignIn } from './signin.js';
import { mountTraceView } from './trace/view.js';
import { mountTracesList } from './traces/list.js';

/**
 * What each route of routes.js shows. key: screens with the same key are one screen, updated in
 * place when only the parameters change (the list's filters, the open span).
 */
const SCREENS = {
  traces: { key: (r) => `traces:${r.projectId}`, mount: mountTracesList },
  trace: { key: (r) => `trace:${r.projectId}:${r.traceId}`, mount: mountTraceView },
  services: { key: (r) => `services:${r.projectId}`, mount: mountServicesPage },
};

/** The top bar's links within a project: label, address, and the routes that belong to it. */
const SECTIONS = [
  { label: 'Traces', hash: (projectId) => tracesHash(projectId), routes: ['traces', 'trace'] },
  { label: 'Services', hash: (projectId) => servicesHash(projectId), routes: ['services'] },
];

const app = document.getElementById('app');
/** The screen on show: {key, instance: {update?(route), destroy?()}}. */
let screen = null;
/** The usage meter and banner of the signed-in project: {projectId, token, usage}. */
let usage = null;

function show(key, mount) {
  if (screen && screen.instance.destroy) screen.instance.destroy();
  replace(app);
  screen = { key, instance: mount() || {} };
  window.scrollTo(0, 0);
}

function render() {
  const route = parseRoute();
  const session = currentSession();
  renderTopbar(session, route);
  if (route.name === 'not-found') {
    show('not-found', () => {
      document.title = 'Not found · Tracing';
      app.append(h('div', { class: 'state state-empty' },
        h('p', { class: 'state-title' }, 'There is no page at this address.'),
        h('p', {}, h('a', { href: '#/' }, 'Go to the traces list'))));
    });
    return;
  }
  if (!session || (route.projectId && route.projectId !== session.projectId)) {
    if (session && route.projectId) {
      setSignInNotice(`This link is for project ${route.projectId}, and you are signed in to project `
        + `${session.projectId}. Sign in with a token for project ${route.projectId} to open it.`);
    } else if (!session && route.name === 'trace') {
      offerSignInNotice(`Sign in to open the shared trace ${route.traceId.slice(0, 8)}… of project ${route.projectId}.`);
    }
    show('sign-in', () => mountSignIn(app, {
      projectId: route.projectId,
      onSignedIn: (projectId) => {
        if (route.name === 'home' || projectId !== route.projectId) navigate(tracesHash(projectId), { replace: true });
        else render();
      },
    }));
    return;
  }
  if (route.name === 'home') {
    navigate(tracesHash(session.projectId), { replace: true });
    return;
  }
  const spec = SCREENS[route.name];
  const key = spec.key(route);
  if (screen && screen.key === key && screen.instance.update) {
    screen.instance.update(route);
    return;
  }
  show(key, () => spec.mount(app, route, session));
}

function renderTopbar(session, route) {
  const nav = document.getElementById('project-nav');
  const account = document.getElementById('account');
  const banners = document.getElementById('banners');
  if (!session) {
    stopUsage();
    replace(nav);
    replace(account);
    return;
  }
  const name = session.project && session.project.name ? session.project.name : `Project ${session.projectId}`;
  replace(nav,
    h('span', { class: 'crumb-project', title: `Project ${session.projectId}` }, name),
    SECTIONS.map((s) => [
      h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '/'),
      h('a', {
        href: s.hash(session.projectId), class: 'crumb-link',
        'aria-current': s.routes.includes(route.name) ? 'page' : null,
      }, s.label)]));
  if (!usage || usage.projectId !== session.projectId || usage.token !== session.token) {
    stopUsage();
    usage = {
      projectId: session.projectId,
      token: session.token,
      usage: createUsage({
        projectId: session.projectId,
        onInfo: (info) => {
          const s = currentSession();
          if (s && s.projectId === session.projectId && !s.project) saveSession(s.projectId, s.token, info);
        },
      }),
    };
    replace(banners, usage.usage.banner);
  }
  replace(account, usage.usage.meter, h('button', {
    type: 'button',
    id: 'sign-out',
    class: 'btn btn-quiet',
    onClick: () => {
      clearSession();
      setSignInNotice('You signed out. The token was removed from this browser tab.', 'info');
      render();
    },
  }, 'Sign out'));
}

function stopUsage() {
  if (usage) usage.usage.destroy();
  usage = null;
  replace(document.getElementById('banners'));
}

setUnauthorizedHandler(() => {
  if (!currentSession()) return;
  clearSession();
  setSignInNotice('Your access token was not accepted: it was revoked, has expired, or is unknown. '
    + 'Sign in again with a valid token; you will come back to this page.');
  render();
});

setRenderer(render);
window.addEventListener('hashchange', render);
render();
