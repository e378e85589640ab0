// The facilitator's profile: name and the default duration of new sessions.
import { api } from './api.js';
import { initPage, t } from './i18n.js';
import { requireUser, wireSignOut } from './facilitator.js';

const form = document.getElementById('profile-form');
const message = form.querySelector('.message');

function fill(user) {
  document.getElementById('email').textContent = user.email;
  document.querySelector('#password-form [name=username]').value = user.email;
  form.elements.name.value = user.name;
  form.elements.days.value = user.default_session_days;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  message.textContent = '';
  try {
    fill(await api('PATCH', '/api/me', {
      name: form.elements.name.value,
      default_session_days: Number(form.elements.days.value),
    }));
    message.textContent = t('common.saved');
  } catch (error) {
    message.textContent = error.message;
  }
});

const passwordForm = document.getElementById('password-form');
passwordForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const note = passwordForm.querySelector('.message');
  note.textContent = '';
  try {
    await api('POST', '/api/me/password', {
      current_password: passwordForm.elements.current.value,
      new_password: passwordForm.elements.fresh.value,
    });
    passwordForm.reset();
    note.textContent = t('common.saved');
  } catch (error) {
    note.textContent = error.message;
  }
});

initPage();
wireSignOut();
requireUser().then(fill, () => {});
