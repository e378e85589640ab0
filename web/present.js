// The projection screen: the active slide full-screen, the code and QR always in a corner,
// following the live state.
import { api } from './api.js';
import { initPage, t } from './i18n.js';
import { requireUser } from './facilitator.js';
import { openLive } from './live-socket.js';

const id = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = `/api/sessions/${encodeURIComponent(id)}`;
const $ = (selector) => document.getElementById(selector);
let session = null;
let active = null;

function render() {
  if (session) {
    $('code').textContent = session.code;
    $('qr').src = `${base}/qr.svg?code=${session.code}`;
    $('qr').alt = t('share.qr');
    $('join-at').textContent = t('present.join', { url: new URL(session.join_url).host });
    $('closed').hidden = session.status === 'open';
    document.title = `${session.title} · Convene`;
  }
  const title = active
    ? (active.kind === 'join' && !active.title ? t('session.slide.join') : active.title)
    : (session ? session.title : '');
  $('slide-title').textContent = title;
  $('slide-body').textContent = active ? active.body || '' : '';
}

async function start() {
  await requireUser();
  session = await api('GET', base);
  const deck = await api('GET', `${base}/slides`);
  active = deck.slides.find((slide) => slide.id === deck.active_slide_id) || null;
  render();
  openLive({
    sessionId: id,
    onState: (state) => {
      if (state.session) session = state.session;
      if ('active_slide' in state) active = state.active_slide;
      render();
    },
  });
}

initPage(render);
start().catch((error) => {
  $('slide-title').textContent = error.code === 'network' ? t('common.network') : error.message;
});
