import { api } from './api.js';
import { saveParticipant, savedParticipant } from './participant.js';

function show(id) {
  for (const section of document.querySelectorAll('main > section')) {
    section.hidden = section.id !== id;
  }
}

async function join() {
  const saved = savedParticipant();
  const match = location.pathname.match(/^\/j\/([^/]+)$/);
  const body = match ? { link: decodeURIComponent(match[1]) } : {};
  if (saved) body.participant_token = saved.token;
  if (!match && !saved) {
    location.replace('/');
    return;
  }
  try {
    const joined = await api('POST', '/api/join', body);
    saveParticipant(joined);
    document.getElementById('session-title').textContent = joined.session.title;
    document.title = `${joined.session.title} · Convene`;
    show('joined');
  } catch (error) {
    if (error.code === 'session_closed') {
      show('closed');
    } else {
      document.getElementById('failed-message').textContent = error.message;
      show('failed');
    }
  }
}

join();
