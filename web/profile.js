// The facilitator's profile: name and the default duration of new sessions.
import { api } from './api.js';
import { initPage, t } from './i18n.js';
import { requireUser, wireSignOut } from './facilitator.js';

const form = document.getElementById('profile-form');
const message = form.querySelector('.message');

function fill(user) {
  document.getElementById('email').textContent = user.email;
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

initPage();
wireSignOut();
requireUser().then(fill, () => {});
