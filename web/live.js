// The participant's live view: join (by link, or as the same participant after a refresh),
// then follow the active slide until the session closes.
import { api } from './api.js';
import { initPage, t } from './i18n.js';
import { openLive } from './live-socket.js';
import { saveParticipant, savedParticipant } from './participant.js';

function show(id) {
  for (const section of document.querySelectorAll('main > section')) {
    section.hidden = section.id !== id;
  }
}

function fail(error) {
  if (error.code === 'session_closed') {
    show('closed');
    return;
  }
  document.getElementById('failed-message').textContent =
    error.code === 'network' ? t('common.network') : error.message;
  show('failed');
}

function render(message) {
  if (message.type === 'closed' || message.session?.status === 'closed') {
    show('closed');
    return;
  }
  if (message.session) {
    document.getElementById('session-title').textContent = message.session.title;
    document.title = `${message.session.title} · Convene`;
  }
  if ('active_slide' in message) {
    const slide = message.active_slide;
    document.getElementById('slide').hidden = !slide;
    document.getElementById('waiting').hidden = !!slide;
    if (slide) {
      document.getElementById('slide-title').textContent =
        slide.kind === 'join' && !slide.title ? t('session.slide.join') : slide.title;
      document.getElementById('slide-body').textContent = slide.body || '';
    }
  }
}

/// POST /api/join with the link of this page, or the token this browser already has.
async function join() {
  const saved = savedParticipant();
  const match = location.pathname.match(/^\/j\/([^/]+)$/);
  const body = match ? { link: decodeURIComponent(match[1]) } : {};
  if (saved) body.participant_token = saved.token;
  if (!match && !saved) {
    location.replace('/');
    return null;
  }
  const joined = await api('POST', '/api/join', body);
  saveParticipant(joined);
  return joined;
}

async function start() {
  let joined;
  try {
    joined = await join();
  } catch (error) {
    fail(error);
    return;
  }
  if (!joined) return;
  render({ session: joined.session, active_slide: null });
  show('joined');
  const connection = document.getElementById('connection');
  openLive({
    sessionId: joined.session.id,
    participantToken: joined.participant_token,
    onState: render,
    onConnection: (up) => { connection.hidden = up; },
    onEnd: () => show('closed'),
    // Still in? The session may have closed, or the token expired, while we were away.
    beforeReconnect: async () => {
      try {
        await join();
        return true;
      } catch (error) {
        if (error.code === 'network') return true;
        connection.hidden = true;
        fail(error);
        return false;
      }
    },
  });
}

initPage();
start();
