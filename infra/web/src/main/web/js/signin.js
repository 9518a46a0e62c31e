// Sign-in: a project id and a project access token, checked against the API before use.

import { api, ApiError } from './api.js';
import { h, replace } from './dom.js';
import { saveSession, takeSignInNotice } from './session.js';

export function mountSignIn(container, { projectId, onSignedIn }) {
  document.title = 'Sign in · Tracing';
  const notice = takeSignInNotice();
  const error = h('div', { class: 'form-error', role: 'alert', id: 'signin-error', hidden: true });
  const project = h('input', {
    id: 'signin-project', name: 'project', type: 'text', inputMode: 'numeric', pattern: '[0-9]+', required: true,
    autocomplete: 'off', value: projectId || '', 'aria-describedby': 'signin-project-help',
  });
  const token = h('input', {
    id: 'signin-token', name: 'token', type: 'password', required: true, autocomplete: 'off', spellcheck: false,
    'aria-describedby': 'signin-token-help',
  });
  const reveal = h('button', {
    type: 'button', class: 'btn btn-quiet btn-small', 'aria-pressed': 'false', 'aria-controls': 'signin-token',
    onClick: () => {
      const shown = token.type === 'text';
      token.type = shown ? 'password' : 'text';
      reveal.setAttribute('aria-pressed', String(!shown));
      reveal.textContent = shown ? 'Show' : 'Hide';
    },
  }, 'Show');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Sign in');

  const form = h('form', { class: 'signin-form', novalidate: true, 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Traces'),
    h('p', { class: 'muted' }, 'Paste a project access token. It stays in this browser tab only (session storage) and '
      + 'is sent to the API with every request.'),
    notice ? h('div', { class: `notice notice-${notice.tone}`, role: 'status', id: 'signin-notice' }, notice.message) : null,
    error,
    h('div', { class: 'field' },
      h('label', { for: 'signin-project' }, 'Project ID'),
      project,
      h('p', { class: 'help', id: 'signin-project-help' }, 'The number of the project whose traces you want to see.')),
    h('div', { class: 'field' },
      h('label', { for: 'signin-token' }, 'Project access token'),
      h('div', { class: 'input-with-button' }, token, reveal),
      h('p', { class: 'help', id: 'signin-token-help' }, 'Needs the scope ', h('code', {}, 'read_observability'),
        ' (and ', h('code', {}, 'read_api'), ' to show the project\u2019s name and ingest settings).')),
    submit,
    h('details', { class: 'help-details' },
      h('summary', {}, 'How do I get a token?'),
      h('p', {}, 'A maintainer creates one with the operator command line:'),
      h('pre', { class: 'code' }, 'java -jar tracing-local.jar admin token create --project <id> \\\n'
        + '  --scopes read_api,read_observability,write_observability --name me'),
      h('p', {}, 'The local stack prints a demo project and token when it first starts.')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const pid = project.value.trim();
    const secret = token.value.trim();
    if (!/^\d+$/.test(pid)) return fail('Enter the project ID, a whole number such as 42.', project);
    if (!secret) return fail('Paste the access token.', token);
    submit.disabled = true;
    submit.textContent = 'Checking…';
    try {
      const info = await check(pid, secret);
      saveSession(pid, secret, info);
      onSignedIn(pid);
    } catch (e) {
      fail(e.message, token);
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });

  function fail(message, field) {
    error.hidden = false;
    replace(error, message);
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  }

  container.append(h('section', { class: 'signin' }, form));
  (projectId ? token : project).focus();
  return {};
}

/**
 * The project info, or null when the token reads traces but not project info (no read_api).
 * Reading traces is what the screens need, so a token without read_observability is refused here
 * rather than failing on the first screen.
 */
async function check(projectId, token) {
  let info = null;
  try {
    info = await api.project(projectId, { token });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 401) {
      throw new Error('This token was not accepted: it is unknown, revoked or expired. Check that you copied all of it.');
    }
    if (e.status !== 403) throw new Error(e.message);
  }
  try {
    await api.services(projectId, { token });
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      throw new Error(info
        ? `This token cannot read traces: it lacks the scope read_observability. Create a token for project ${projectId} `
          + `with the scopes read_observability and read_api. (The API said: ${e.message})`
        : `This token cannot read the traces of project ${projectId}: it lacks the scope read_observability, or it `
          + `belongs to another project. (The API said: ${e.message})`);
    }
    if (e instanceof ApiError && e.status === 401) {
      throw new Error('This token was not accepted: it is unknown, revoked or expired. Check that you copied all of it.');
    }
    throw new Error(e.message);
  }
  return info;
}
