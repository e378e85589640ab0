// What every facilitator page shares: the signed-in user (or a trip to the sign-in page),
// the header's sign-out, and small rendering helpers.
import { api } from './api.js';
import { formatTime, t } from './i18n.js';

/// The signed-in user; sends the browser to /signin (and back here after) when there is none.
export async function requireUser() {
  try {
    return await api('GET', '/api/me');
  } catch (error) {
    if (error.status === 401) {
      location.replace(`/signin?next=${encodeURIComponent(location.pathname)}`);
    }
    throw error;
  }
}

export function wireSignOut() {
  const button = document.getElementById('signout');
  if (!button) return;
  button.addEventListener('click', async () => {
    await api('POST', '/api/auth/logout').catch(() => {});
    location.assign('/signin');
  });
}

/// "Open · until 12 Dec 2026, 10:00", for a session JSON.
export function statusText(session) {
  const open = session.status === 'open';
  const when = open
    ? (session.ends_at ? t('status.until', { time: formatTime(session.ends_at) }) : t('status.no_end'))
    : (session.closed_at ? t('status.closed_at', { time: formatTime(session.closed_at) }) : '');
  return `${t(open ? 'status.open' : 'status.closed')}${when ? ` · ${when}` : ''}`;
}

/// Shows the session's status in `element`, after an open or closed padlock.
export function showStatus(element, session) {
  element.textContent = statusText(session);
  element.classList.add('padlock');
  element.classList.toggle('locked', session.status !== 'open');
}

/// A new element: el('button', {type: 'button', class: 'x'}, 'text' or nodes...).
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined || value === null) continue;
    if (name.startsWith('on')) {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children) {
    if (child !== null && child !== undefined) element.append(child);
  }
  return element;
}

/// Shows a short message at the bottom of the page, with an optional action button.
export function toast(text, action) {
  const old = document.getElementById('toast');
  if (old) old.remove();
  const box = el('div', { id: 'toast', class: 'toast', role: 'status' }, el('span', {}, text));
  if (action) {
    box.append(el('button', {
      type: 'button', class: 'link',
      onclick: async () => { box.remove(); await action.run(); },
    }, action.label));
  }
  document.body.append(box);
  setTimeout(() => box.remove(), 10000);
}
