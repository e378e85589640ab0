// One session for its facilitators: slides, the live participant count and the Share panel.
// Everything on the page follows the live state, so two facilitators see each other's changes.
import { api } from './api.js';
import { initPage, t } from './i18n.js';
import { el, requireUser, showStatus, toast, wireSignOut } from './facilitator.js';
import { openLive } from './live-socket.js';

const id = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = `/api/sessions/${encodeURIComponent(id)}`;
let session = null;
let slides = [];
let activeId = null;
let editing = null;  // the id of the slide being edited

const $ = (selector) => document.getElementById(selector);

function message(form, text) {
  form.querySelector('.message').textContent = text;
}

/// Runs an API call for a button or form; shows its error, never throws.
async function attempt(run, form) {
  try {
    if (form) message(form, '');
    return await run();
  } catch (error) {
    if (form) message(form, error.message);
    else toast(error.message);
    return undefined;
  }
}

function renderSession() {
  if (!session) return;
  const owner = session.role === 'owner';
  $('title').textContent = session.title;
  document.title = `${session.title} · Convene`;
  showStatus($('status'), session);
  $('join-url').value = session.join_url;
  $('code').textContent = session.code;
  $('code').setAttribute('aria-label', session.code.split('').join(' '));
  // The code is part of the address, so a new code is a new image, never a cached old one.
  $('qr').src = `${base}/qr.svg?code=${session.code}`;
  $('qr').alt = t('share.qr');
  $('qr-png').href = `${base}/qr.png?size=1024&code=${session.code}`;
  $('qr-svg').href = `${base}/qr.svg?code=${session.code}`;
  $('present-link').href = `/sessions/${encodeURIComponent(id)}/present`;
  for (const element of document.querySelectorAll('.owner-only')) element.hidden = !owner;
  $('state-readonly').hidden = owner;
  $('toggle-open').textContent =
    t(session.status === 'open' ? 'share.state.close' : 'share.state.open');
  if (session.ends_at && document.activeElement !== $('ends-at')) {
    const local = new Date(session.ends_at);
    local.setMinutes(local.getMinutes() - local.getTimezoneOffset());
    $('ends-at').value = local.toISOString().slice(0, 16);
  }
}

function slideTitle(slide) {
  return slide.kind === 'join' && !slide.title ? t('session.slide.join') : slide.title;
}

function slideItem(slide, index) {
  const active = slide.id === activeId;
  if (editing === slide.id) {
    const form = el('form', { class: 'slide-edit' },
      el('input', { name: 'title', value: slide.title, maxlength: 200,
                    'aria-label': t('session.slide.title') }),
      el('textarea', { name: 'body', rows: 3, 'aria-label': t('session.slide.body') }, slide.body),
      el('div', { class: 'row' },
        el('button', { type: 'submit' }, t('common.save')),
        el('button', { type: 'button', class: 'secondary',
                       onclick: () => { editing = null; renderSlides(); } }, t('common.cancel'))),
      el('p', { class: 'message', role: 'status' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const saved = await attempt(() => api('PATCH', `${base}/slides/${slide.id}`, {
        title: form.elements.title.value, body: form.elements.body.value,
      }), form);
      if (saved) {
        editing = null;
        await loadSlides();
      }
    });
    return el('li', { class: 'slide-item editing' }, form);
  }
  const move = (position) => attempt(async () => {
    await api('PATCH', `${base}/slides/${slide.id}`, { position });
    await loadSlides();
  });
  return el('li', { class: `slide-item${active ? ' active' : ''}` },
    el('div', { class: 'slide-text' },
      el('strong', {}, slideTitle(slide)),
      slide.body ? el('p', { class: 'hint clip' }, slide.body) : null),
    el('div', { class: 'slide-actions' },
      el('button', {
        type: 'button', 'aria-pressed': String(active),
        onclick: () => attempt(async () => {
          await api('POST', `${base}/slides/${slide.id}/activate`);
          await loadSlides();
        }),
      }, t(active ? 'session.slide.active' : 'session.slide.activate')),
      el('button', { type: 'button', class: 'secondary', disabled: index === 0,
                     onclick: () => move(index - 1) }, t('session.slide.up')),
      el('button', { type: 'button', class: 'secondary', disabled: index === slides.length - 1,
                     onclick: () => move(index + 1) }, t('session.slide.down')),
      slide.kind === 'text' ? el('button', {
        type: 'button', class: 'secondary',
        onclick: () => { editing = slide.id; renderSlides(); },
      }, t('session.slide.edit')) : null,
      el('button', {
        type: 'button', class: 'secondary danger',
        onclick: () => attempt(async () => {
          await api('DELETE', `${base}/slides/${slide.id}`);
          await loadSlides();
        }),
      }, t('session.slide.delete'))));
}

function renderSlides() {
  $('slides').replaceChildren(...slides.map(slideItem));
}

async function loadSlides() {
  const deck = await api('GET', `${base}/slides`);
  slides = deck.slides;
  activeId = deck.active_slide_id;
  renderSlides();
}

async function loadCohosts() {
  const owner = session.role === 'owner';
  const list = await api('GET', `${base}/facilitators`);
  $('cohosts').replaceChildren(
    ...list.facilitators.map((f) => el('li', {},
      el('span', {}, `${f.name} (${f.email})`),
      owner ? el('button', {
        type: 'button', class: 'link danger',
        onclick: () => attempt(async () => {
          await api('DELETE', `${base}/facilitators/${f.user_id}`);
          await loadCohosts();
        }),
      }, t('share.cohosts.remove')) : null)),
    ...list.pending.map((p) => el('li', {},
      el('span', {}, `${p.email} · ${t('share.cohosts.pending')}`),
      owner ? el('button', {
        type: 'button', class: 'link danger',
        onclick: () => attempt(async () => {
          await api('DELETE', `${base}/facilitators/invitations/${p.id}`);
          await loadCohosts();
        }),
      }, t('share.cohosts.revoke')) : null)));
}

function applyLive(state) {
  if ('participant_count' in state) $('participants').textContent = state.participant_count;
  if (state.type === 'deleted') {
    location.assign('/sessions');
    return;
  }
  if (state.session) {
    session = { ...state.session, role: session.role };
    renderSession();
  }
  if (state.slides) {
    slides = state.slides;
    activeId = state.active_slide ? state.active_slide.id : null;
    if (editing === null) renderSlides();
  }
}

/// A form that adds something: sends `request(fields)`, then clears itself and reloads.
function wireAddForm(form, request, reload) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (await attempt(() => request(form.elements), form)) {
      form.reset();
      await reload();
    }
  });
}

function wire() {
  $('copy-link').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(session.join_url);
    } catch {
      $('join-url').select();
      document.execCommand('copy');
    }
    toast(t('share.copied'));
  });
  $('new-code').addEventListener('click', () => {
    if (!confirm(t('share.newcode.confirm'))) return;
    attempt(async () => {
      session = { ...(await api('POST', `${base}/code`)) };
      renderSession();
    });
  });
  $('toggle-open').addEventListener('click', () => attempt(async () => {
    session = await api('POST', `${base}/${session.status === 'open' ? 'close' : 'open'}`);
    renderSession();
  }));

  wireAddForm($('slide-form'), (fields) => api('POST', `${base}/slides`, {
    title: fields.title.value, body: fields.body.value,
  }), loadSlides);

  const inviteForm = $('invite-form');
  inviteForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const result = $('invite-result');
    try {
      const answer = await api('POST', `${base}/invitations`,
                               { emails: inviteForm.elements.emails.value });
      const refused = answer.invalid.map((r) => el('li', {}, `${r.address}: ${r.reason}`));
      result.replaceChildren(
        el('p', {}, t('share.invite.sent', { count: answer.sent.length })),
        refused.length ? el('p', { class: 'message' }, t('share.invite.refused')) : '',
        refused.length ? el('ul', { class: 'refused' }, ...refused) : '');
      if (!refused.length) inviteForm.reset();
    } catch (error) {
      result.replaceChildren(el('p', { class: 'message' }, error.message));
    }
  });

  wireAddForm($('cohost-form'), (fields) => api('POST', `${base}/facilitators`, {
    email: fields.email.value,
  }), loadCohosts);

  const endsForm = $('ends-form');
  endsForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const days = endsForm.elements.days.value;
    const local = endsForm.elements.ends_at.value;
    const body = days ? { duration_days: Number(days) }
      : { ends_at: new Date(local).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    const updated = await attempt(() => api('PATCH', base, body), endsForm);
    if (updated) {
      session = updated;
      endsForm.elements.days.value = '';
      renderSession();
      message(endsForm, t('common.saved'));
    }
  });
}

async function start() {
  await requireUser();
  try {
    session = await api('GET', base);
  } catch (error) {
    document.querySelector('main').replaceWith(
      el('main', { class: 'narrow' }, el('h1', {}, error.message)));
    return;
  }
  renderSession();
  await Promise.all([loadSlides(), loadCohosts()]);
  $('page').hidden = false;
  wire();
  openLive({ sessionId: id, onState: applyLive, onEnd: () => location.assign('/sessions') });
}

initPage(() => { renderSession(); renderSlides(); loadCohosts(); });
wireSignOut();
start().catch((error) => {
  toast(error.code === 'network' ? t('common.network') : error.message);
});
