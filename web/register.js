// The public registration page of an event (/e/<slug>): the next date preselected, the
// others in a drop-down, every time in the visitor's own zone, and the form.
import { api } from './api.js';
import { formatTime, formatTimeIn, initPage, t, viewerZone } from './i18n.js';

const slug = decodeURIComponent(location.pathname.split('/')[2] || '');
const VISITOR_KEY = 'convene.visitor';
let event = null;

/// A random id kept by this browser, so the organizer counts visitors, not page loads.
function visitorId() {
  let id = localStorage.getItem(VISITOR_KEY);
  if (!id) {
    // getRandomValues, not randomUUID: the latter exists only on https or localhost.
    id = Array.from(crypto.getRandomValues(new Uint8Array(16)),
      (byte) => byte.toString(16).padStart(2, '0')).join('');
    localStorage.setItem(VISITOR_KEY, id);
  }
  return id;
}

function optionText(session) {
  return `${formatTime(session.starts_at)} · ${session.name}`;
}

/// The event's own wall time, when the visitor's zone differs from it.
function zoneNote() {
  const session = event.sessions.find((s) => s.id === document.getElementById('session').value);
  const note = document.getElementById('zone-note');
  note.textContent = session && session.timezone !== viewerZone()
    ? t('register.zone', { time: formatTimeIn(session.starts_at, session.timezone), zone: session.timezone })
    : '';
}

function render() {
  document.getElementById('event-title').textContent = event.title;
  document.title = `${event.title} · Convene`;
  document.getElementById('event-description').textContent = event.description;
  const select = document.getElementById('session');
  const chosen = select.value;
  select.replaceChildren(...event.sessions.map((session) => {
    const option = document.createElement('option');
    option.value = session.id;
    option.textContent = optionText(session);
    return option;
  }));
  if (chosen) select.value = chosen;
  zoneNote();
  const none = event.sessions.length === 0;
  document.getElementById('none').hidden = !none;
  document.getElementById('form-section').hidden = none || !document.getElementById('done').hidden;
}

async function load() {
  try {
    event = await api('GET', `/api/public/events/${encodeURIComponent(slug)}?visitor=${visitorId()}`);
  } catch (error) {
    const failed = document.getElementById('failed');
    failed.textContent = error.code === 'network' ? t('common.network') : error.message;
    failed.hidden = false;
    return;
  }
  render();
}

async function submit(submitEvent) {
  submitEvent.preventDefault();
  const form = submitEvent.target;
  const message = form.querySelector('.message');
  message.textContent = '';
  const email = form.email.value.trim();
  try {
    const registered = await api('POST', `/api/public/events/${encodeURIComponent(slug)}/registrations`, {
      session_id: form.session.value,
      name: form.name.value,
      email,
      timezone: viewerZone(),
    });
    document.getElementById('done-text').textContent = t('register.done.text', {
      email, time: optionText(registered.session),
    });
    document.getElementById('personal-link').href = registered.link;
    document.getElementById('done').hidden = false;
    document.getElementById('form-section').hidden = true;
  } catch (error) {
    message.textContent = error.code === 'already_registered' ? t('register.already')
      : error.code === 'rate_limited' ? t('join.error.tries', { seconds: error.retryAfter || 60 })
      : error.code === 'network' ? t('common.network') : error.message;
  }
}

document.getElementById('register-form').addEventListener('submit', submit);
document.getElementById('session').addEventListener('change', zoneNote);
document.getElementById('another').addEventListener('click', () => {
  document.getElementById('done').hidden = true;
  render();
});
initPage(() => { if (event) render(); });
load();
