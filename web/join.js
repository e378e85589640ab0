// The participant's entry: a 6-digit code typed on a phone.
import { api } from './api.js';
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
    message.textContent = 'A code has exactly 6 digits.';
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
      message.textContent = 'No open session has this code. Check the digits.';
    } else if (error.code === 'session_closed') {
      message.textContent = 'This session is closed.';
    } else if (error.status === 429) {
      const wait = error.retryAfter ? ` Try again in ${error.retryAfter} seconds.` : '';
      message.textContent = `Too many tries.${wait}`;
    } else {
      message.textContent = error.message;
    }
  }
});
