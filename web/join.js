// The participant's entry: a 6-digit code typed (or pasted) on a phone.
import { api } from './api.js';
import { initPage, t } from './i18n.js';
import { saveParticipant, savedParticipant } from './participant.js';

const form = document.getElementById('join-form');
const input = document.getElementById('code');
const message = document.getElementById('join-message');

// Accept what people paste: "123 456", "123-456", spaces around.
function digitsOf(text) {
  return text.replace(/\D/g, '');
}

input.addEventListener('input', () => {
  const digits = digitsOf(input.value).slice(0, 6);
  if (input.value !== digits) input.value = digits;
  message.textContent = '';
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const code = digitsOf(input.value);
  if (code.length !== 6) {
    message.textContent = t('join.error.digits');
    input.focus();
    return;
  }
  const body = { code };
  const saved = savedParticipant();
  if (saved) body.participant_token = saved.token;
  try {
    saveParticipant(await api('POST', '/api/join', body));
    location.assign('/live');
  } catch (error) {
    if (error.code === 'unknown_code') {
      message.textContent = t('join.error.unknown');
    } else if (error.code === 'session_closed') {
      message.textContent = t('join.error.closed');
    } else if (error.status === 429) {
      message.textContent = t('join.error.tries', { seconds: error.retryAfter || 60 });
    } else if (error.code === 'network') {
      message.textContent = t('common.network');
    } else {
      message.textContent = error.message;
    }
    input.focus();
  }
});

initPage();
