// My events: each with its number of sessions and the next one, and a form to create one.
import { api } from './api.js';
import { formatTime, initPage, lang, t } from './i18n.js';
import { el, requireUser, toast, wireSignOut } from './facilitator.js';

let events = [];

/// "5 sessions · next: 10 Dec 2026, 19:00" for an event JSON.
function summary(event) {
  const count = t(`events.count.${new Intl.PluralRules(lang).select(event.session_count)}`,
                  { count: event.session_count });
  const next = event.next_session_at
    ? t('events.next', { time: formatTime(event.next_session_at) }) : t('events.no_next');
  return `${count} · ${next}`;
}

function render() {
  document.getElementById('events').replaceChildren(...events.map((event) => el(
    'li', { class: 'card event-card' },
    el('a', { href: `/events/${event.id}`, class: 'card-title' }, event.title),
    el('p', { class: 'hint status' }, summary(event)))));
  document.getElementById('empty').hidden = events.length > 0;
}

async function load() {
  try {
    events = (await api('GET', '/api/events')).events;
  } catch (error) {
    toast(error.code === 'network' ? t('common.network') : error.message);
    return;
  }
  render();
}

const form = document.getElementById('create-form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = form.querySelector('.message');
  message.textContent = '';
  try {
    const created = await api('POST', '/api/events', {
      title: form.elements.title.value, description: form.elements.description.value,
    });
    location.assign(`/events/${created.id}`);
  } catch (error) {
    message.textContent = error.message;
  }
});

initPage(render);
wireSignOut();
requireUser().then(load, () => {});
