// My sessions: owned and co-hosted, with their padlock, filters, create, and a menu each.
import { api } from './api.js';
import { initPage, t } from './i18n.js';
import { el, requireUser, showStatus, toast, wireSignOut } from './facilitator.js';

let filter = '';
let sessions = [];

/// Fetches the list again; a failure (network down) is shown, never thrown.
async function load() {
  const query = filter ? `?status=${filter}` : '';
  try {
    sessions = (await api('GET', `/api/sessions${query}`)).sessions;
  } catch (error) {
    toast(error.code === 'network' ? t('common.network') : error.message);
    return;
  }
  render();
}

async function act(run) {
  try {
    await run();
  } catch (error) {
    toast(error.message);
  }
  await load();
}

function menu(session) {
  const owner = session.role === 'owner';
  const items = [];
  if (owner) {
    const open = session.status === 'open';
    items.push(el('button', {
      type: 'button',
      onclick: () => act(() => api('POST', `/api/sessions/${session.id}/${open ? 'close' : 'open'}`)),
    }, t(open ? 'sessions.close' : 'sessions.open')));
  }
  items.push(el('button', {
    type: 'button',
    onclick: () => act(() => api('POST', `/api/sessions/${session.id}/duplicate`)),
  }, t('sessions.duplicate')));
  if (owner) {
    items.push(el('button', {
      type: 'button', class: 'danger',
      onclick: () => {
        if (!confirm(t('sessions.delete.confirm', { title: session.title }))) return;
        act(async () => {
          await api('DELETE', `/api/sessions/${session.id}`);
          toast(t('sessions.deleted', { title: session.title }), {
            label: t('sessions.undo'),
            run: () => act(() => api('POST', `/api/trash/${session.id}/restore`)),
          });
        });
      },
    }, t('sessions.delete')));
  }
  return el('details', { class: 'menu' },
    el('summary', { 'aria-label': t('sessions.menu', { title: session.title }) }, '⋯'),
    el('div', { class: 'menu-items' }, ...items));
}

function card(session) {
  const status = el('p', { class: 'hint status' });
  showStatus(status, session);
  if (session.role !== 'owner') status.append(` · ${t('sessions.cohost')}`);
  return el('li', { class: 'card session-card' },
    el('div', {},
      el('a', { href: `/sessions/${session.id}`, class: 'card-title' }, session.title),
      status),
    menu(session));
}

function render() {
  const list = document.getElementById('sessions');
  list.replaceChildren(...sessions.map(card));
  document.getElementById('empty').hidden = sessions.length > 0;
  for (const chip of document.querySelectorAll('[data-filter]')) {
    chip.setAttribute('aria-pressed', String(chip.dataset.filter === filter));
  }
}

for (const chip of document.querySelectorAll('[data-filter]')) {
  chip.addEventListener('click', () => {
    filter = chip.dataset.filter;
    load();
  });
}

const form = document.getElementById('create-form');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = form.querySelector('.message');
  message.textContent = '';
  try {
    const session = await api('POST', '/api/sessions', { title: form.elements.title.value });
    location.assign(`/sessions/${session.id}`);
  } catch (error) {
    message.textContent = error.message;
  }
});

initPage(render);
wireSignOut();
requireUser().then(load, () => {});
