// The signed-in project and token, kept in session storage: per browser tab, gone when it closes.

const KEY = 'tracing.session';

/** @returns {{projectId: string, token: string, project: object|null}|null} */
export function currentSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    return s && s.projectId && s.token ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(projectId, token, project) {
  sessionStorage.setItem(KEY, JSON.stringify({ projectId: String(projectId), token, project: project || null }));
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** The reason the sign-in screen shows next (a revoked token, a link for another project). */
let notice = null;

/** tone: "warning" (something went wrong) or "info". */
export function setSignInNotice(message, tone = 'warning') {
  notice = { message, tone };
}

/** Sets a notice unless a more important one (a rejected token) is waiting already. */
export function offerSignInNotice(message, tone = 'info') {
  if (!notice) notice = { message, tone };
}

export function takeSignInNotice() {
  const n = notice;
  notice = null;
  return n;
}
