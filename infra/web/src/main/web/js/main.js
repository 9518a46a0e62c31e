// Starts the app: reads the URL, checks the session, shows the screen for it.

import { setUnauthorizedHandler } from './api.js';
import { h, replace } from './dom.js';
import { navigate, parseRoute, servicesHash, setRenderer, tracesHash } from './routes.js';
import { mountServicesPage } from './services/page.js';
import { clearSession, currentSession, offerSignInNotice, setSignInNotice } from './session.js';
import { mountSignIn } from './signin.js';
import { mountTraceView } from './trace/view.js';
import { mountTracesList } from './traces/list.js';

const app = document.getElementById('app');
/** The screen on show: {key, instance: {update?(route), destroy?()}}. */
let screen = null;

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
  if (route.name === 'services') {
    const key = `services:${route.projectId}`;
    if (screen && screen.key === key && screen.instance.update) screen.instance.update(route);
    else show(key, () => mountServicesPage(app, route, session));
    return;
  }
  const key = route.name === 'trace' ? `trace:${route.projectId}:${route.traceId}` : `traces:${route.projectId}`;
  if (screen && screen.key === key && screen.instance.update) {
    screen.instance.update(route);
    return;
  }
  show(key, () => (route.name === 'trace' ? mountTraceView(app, route, session) : mountTracesList(app, route, session)));
}

function renderTopbar(session, route) {
  const nav = document.getElementById('project-nav');
  const account = document.getElementById('account');
  if (!session) {
    replace(nav);
    replace(account);
    return;
  }
  const name = session.project && session.project.name ? session.project.name : `Project ${session.projectId}`;
  replace(nav,
    h('span', { class: 'crumb-project', title: `Project ${session.projectId}` }, name),
    h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '/'),
    h('a', { href: tracesHash(session.projectId), class: 'crumb-link', 'aria-current': route.name === 'traces' ? 'page' : null }, 'Traces'),
    h('a', { href: servicesHash(session.projectId), class: 'crumb-link', id: 'nav-services', 'aria-current': route.name === 'services' ? 'page' : null }, 'Services'));
  replace(account, h('button', {
    type: 'button',
    class: 'btn btn-quiet',
    onClick: () => {
      clearSession();
      setSignInNotice('You signed out. The token was removed from this browser tab.', 'info');
      render();
    },
  }, 'Sign out'));
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
