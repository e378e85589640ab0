// A registrant's personal link (/r/<token>): a countdown in the visitor's zone until the
// room opens, then straight into the room as the same participant each time.
import { api } from './api.js';
import { formatTime, initPage, t } from './i18n.js';
import { saveParticipant, savedParticipant } from './participant.js';

const token = decodeURIComponent(location.pathname.split('/')[2] || '');
let link = null;
let timer = null;

function show(id) {
  for (const section of document.querySelectorAll('main > section')) {
    section.hidden = section.id !== id;
  }
}

function fail(error) {
  const failed = document.getElementById('failed');
  failed.textContent = error.code === 'network' ? t('common.network') : error.message;
  failed.hidden = false;
}

/// "2 d 03:04:05" until `iso`.
function remaining(iso) {
  const seconds = Math.max(0, Math.round((new Date(iso) - Date.now()) / 1000));
  const days = Math.floor(seconds / 86400);
  const clock = [Math.floor(seconds / 3600) % 24, Math.floor(seconds / 60) % 60, seconds % 60]
    .map((n) => String(n).padStart(2, '0')).join(':');
  return days ? `${t('link.days', { days })} ${clock}` : clock;
}

function render() {
  document.getElementById('event-title').textContent = link.event.title;
  document.getElementById('session-name').textContent = link.session.name;
  document.title = `${link.session.name} · Convene`;
  document.getElementById('session-time').textContent = formatTime(link.session.starts_at);
  document.getElementById('opens-at').textContent =
    t('link.opens_at', { time: formatTime(link.opens_at) });
  document.getElementById('remaining').textContent = remaining(link.opens_at);
}

async function enter() {
  show('entering');
  const saved = savedParticipant();
  try {
    const joined = await api('POST', `/api/public/registrations/${encodeURIComponent(token)}/enter`,
      saved ? { participant_token: saved.token } : {});
    saveParticipant(joined);
    location.replace('/live');
  } catch (error) {
    if (error.code === 'session_cancelled') {
      location.reload();  // the server shows the cancelled page
    } else if (error.code === 'session_closed') {
      show('ended');
    } else {
      fail(error);
    }
  }
}

async function load() {
  try {
    link = await api('GET', `/api/public/registrations/${encodeURIComponent(token)}`);
  } catch (error) {
    fail(error);
    return;
  }
  render();
  if (link.state === 'cancelled') {
    location.reload();
  } else if (link.state === 'ended') {
    show('ended');
  } else if (link.state === 'open') {
    enter();
  } else {
    show('countdown');
    clearInterval(timer);
    timer = setInterval(() => {
      document.getElementById('remaining').textContent = remaining(link.opens_at);
      if (new Date(link.opens_at) <= Date.now()) {
        clearInterval(timer);
        load();
      }
    }, 1000);
  }
}

initPage(() => { if (link) render(); });
load();
