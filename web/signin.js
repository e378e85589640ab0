// Sign in or create an account, then go on to where the visitor was heading (My sessions).
import { api } from './api.js';
import { initPage } from './i18n.js';

function destination() {
  const next = new URLSearchParams(location.search).get('next') || '';
  // Only a path on this site: never an open redirect.
  return /^\/[^/\\]/.test(next) ? next : '/sessions';
}

function wire(formId, path, fields) {
  const form = document.getElementById(formId);
  const message = form.querySelector('.message');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.textContent = '';
    const body = {};
    for (const field of fields) body[field] = form.elements[field].value;
    try {
      await api('POST', path, body);
      location.assign(destination());
    } catch (error) {
      message.textContent = error.message;
    }
  });
}

// The server's sign-up mode (--signup): open, invite (invited addresses only) or closed.
async function showSignupMode() {
  let mode = 'open';
  try {
    ({ signup: mode } = await api('GET', '/api/auth/options'));
  } catch {
    return;  // the form stays; the server answers a refused sign-up with its own message
  }
  document.getElementById('signup-form').hidden = mode === 'closed';
  document.getElementById('signup-closed').hidden = mode !== 'closed';
  document.getElementById('signup-invite').hidden = mode !== 'invite';
}

wire('login-form', '/api/auth/login', ['email', 'password']);
wire('signup-form', '/api/auth/signup', ['name', 'email', 'password']);
initPage();
showSignupMode();
if (location.hash === '#signup') document.getElementById('signup-name').focus();
