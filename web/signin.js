import { api } from './api.js';

const forms = document.getElementById('forms');
const signedIn = document.getElementById('signed-in');

function show(user) {
  document.getElementById('me-name').textContent = user.name;
  document.getElementById('me-email').textContent = user.email;
  signedIn.hidden = false;
  forms.hidden = true;
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
      show(await api('POST', path, body));
    } catch (error) {
      message.textContent = error.message;
    }
  });
}

wire('login-form', '/api/auth/login', ['email', 'password']);
wire('signup-form', '/api/auth/signup', ['name', 'email', 'password']);

document.getElementById('logout').addEventListener('click', async () => {
  await api('POST', '/api/auth/logout').catch(() => {});
  signedIn.hidden = true;
  forms.hidden = false;
});

api('GET', '/api/me').then(show, () => {});
