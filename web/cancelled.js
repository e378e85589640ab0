// The "event cancelled" page, shown for every link to a cancelled event session. Behind a
// personal link it also names the session and points to the event's other dates.
import { api } from './api.js';
import { formatTime, initPage } from './i18n.js';

let link = null;

function render() {
  if (!link) return;
  document.getElementById('event-title').textContent = link.event.title;
  document.getElementById('session-line').textContent =
    `${link.session.name} · ${formatTime(link.session.starts_at)}`;
  document.getElementById('event-link').href = `/e/${encodeURIComponent(link.event.slug)}`;
  document.getElementById('other-dates').hidden = false;
}

async function load() {
  const match = location.pathname.match(/^\/r\/([^/]+)$/);
  if (!match) return;
  try {
    link = await api('GET', `/api/public/registrations/${match[1]}`);
  } catch {
    return;  // the page says enough without the details
  }
  render();
}

initPage(render);
load();
