// A speaker's personal link (/s/<token>): into the session's room with the facilitator's
// controls. The page asks for it (a POST), so a mail scanner that only fetches the link
// signs nobody in.
import { api } from './api.js';
import { initPage, t } from './i18n.js';

const token = decodeURIComponent(location.pathname.split('/')[2] || '');

async function enter() {
  try {
    const entry = await api('POST', `/api/public/speakers/${encodeURIComponent(token)}/enter`);
    location.replace(entry.url);
  } catch (error) {
    document.getElementById('status').hidden = true;
    const failed = document.getElementById('failed');
    failed.textContent = error.code === 'network' ? t('common.network') : error.message;
    failed.hidden = false;
  }
}

initPage();
enter();
