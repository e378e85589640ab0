// One event for its organizer: the registration link, then tabs for its dated sessions, email
// invitations, participants and team. Times show in the viewer's zone, and a session's own wall
// time beside them where it differs. A team member sees the sessions and enters their rooms;
// managing the event stays with its owner and admins.
import { api } from './api.js';
import { formatTime, formatTimeIn, initPage, lang, t, viewerZone } from './i18n.js';
import { el, requireUser, toast, wireSignOut } from './facilitator.js';

const id = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = `/api/events/${encodeURIComponent(id)}`;
const zones = Intl.supportedValuesOf('timeZone');
let event = null;
let sessions = [];
let participants = null;  // the last answer for the Participants tab
let inline = null;        // {id, kind: 'edit' | 'register' | 'team'}: the session showing a form
let team = null;          // the event's team members; null for a team member, who cannot manage
let sessionTeam = null;   // {members, speakers} of the session whose team panel is open

const manager = () => team !== null;

const $ = (selector) => document.getElementById(selector);

function message(form, text) {
  form.querySelector('.message').textContent = text;
}

function errorText(error) {
  if (error.code === 'network') return t('common.network');
  if (error.code === 'has_registrants') return t('event.session.has_registrants');
  return error.message;
}

/// Runs an API call for a button or form; shows its error, never throws. Resolves to the
/// answer (true for an empty one), or undefined after an error.
async function attempt(run, form) {
  try {
    if (form) message(form, '');
    return (await run()) ?? true;
  } catch (error) {
    if (form) message(form, errorText(error));
    else toast(errorText(error));
    return undefined;
  }
}

/// "{count} registrant(s)": the key's `.one` or `.other` text.
function counted(key, count) {
  return t(`${key}.${new Intl.PluralRules(lang).select(count) === 'one' ? 'one' : 'other'}`,
           { count });
}

/// The start in the viewer's zone, then in the session's own zone when that reads otherwise.
function when(session) {
  const here = formatTime(session.starts_at);
  const there = formatTimeIn(session.starts_at, session.timezone);
  return there === here ? here
    : `${here} · ${t('event.session.wall', { time: there, zone: session.timezone })}`;
}

/// Fills `select` with every IANA zone (and `value`, should this browser not list it).
function fillZones(select, value) {
  const names = zones.includes(value) ? zones : [value, ...zones];
  select.replaceChildren(...names.map((zone) => el('option', { value: zone }, zone)));
  select.value = value;
  return select;
}

async function copy(text, done, input) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    if (!input) {
      toast(text);
      return;
    }
    input.select();
    document.execCommand('copy');
  }
  toast(done);
}

/// Sends `request(form.elements)` on submit; on success runs `done(answer)`.
function onSubmit(form, request, done) {
  form.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    const answer = await attempt(() => request(form.elements), form);
    if (answer !== undefined) await attempt(() => done(answer), form);
  });
}

function renderEvent() {
  if (!event) return;
  $('title').textContent = event.title;
  document.title = `${event.title} · Convene`;
  $('description').textContent = event.description;
  $('description').hidden = !event.description;
  $('registration-url').value = event.registration_url;
}

// Sessions tab

/// A labelled field of the inline form `prefix` (one such form at a time on the page).
function field(prefix, key, input) {
  input.id = `${prefix}-${input.name}`;
  return el('div', {}, el('label', { for: input.id }, t(key)), input);
}

const zoneField = (prefix, zone) =>
  field(prefix, 'event.session.zone', fillZones(el('select', { name: 'timezone' }), zone));

function closeInline() {
  inline = null;
  renderSessions();
}

function inlineButtons(submit) {
  return el('div', { class: 'row' },
    el('button', { type: 'submit' }, submit),
    el('button', { type: 'button', class: 'secondary', onclick: closeInline }, t('common.cancel')));
}

function editForm(session) {
  const prefix = `edit-${session.id}`;
  const input = (name, attributes) => el('input', { name, required: true, ...attributes });
  const form = el('form', {},
    el('div', { class: 'fields' },
      field(prefix, 'event.session.date',
            input('date', { type: 'date', value: session.start.slice(0, 10) })),
      field(prefix, 'event.session.time',
            input('time', { type: 'time', value: session.start.slice(11, 16) })),
      zoneField(prefix, session.timezone),
      field(prefix, 'event.session.duration',
            input('duration', { type: 'number', min: 1, max: 1440,
                                value: session.duration_minutes })),
      field(prefix, 'event.session.name',
            input('name', { maxlength: 200, value: session.name }))),
    inlineButtons(t('common.save')),
    el('p', { class: 'message', role: 'status' }));
  onSubmit(form, (f) => api('PATCH', `${base}/sessions/${session.id}`, {
    start: `${f.date.value}T${f.time.value}`, timezone: f.timezone.value,
    duration_minutes: Number(f.duration.value), name: f.name.value,
  }), () => { inline = null; return loadSessions(); });
  return form;
}

function registerForm(session) {
  const prefix = `register-${session.id}`;
  const input = (name, attributes) =>
    el('input', { name, required: true, autocomplete: 'off', ...attributes });
  const form = el('form', {},
    el('h3', {}, t('event.register.title')),
    el('div', { class: 'fields' },
      field(prefix, 'event.register.name', input('name', { maxlength: 200 })),
      field(prefix, 'event.register.email', input('email', { type: 'email' })),
      zoneField(prefix, session.timezone)),
    inlineButtons(t('event.register.submit')),
    el('p', { class: 'message', role: 'status' }));
  onSubmit(form, (f) => api('POST', `${base}/sessions/${session.id}/registrants`, {
    name: f.name.value, email: f.email.value, timezone: f.timezone.value,
  }), (registrant) => {
    toast(t('event.register.done', { name: registrant.name }));
    inline = null;
    return loadSessions();
  });
  return form;
}

// A session's own team (the event's, less whom it leaves out, plus whom it adds) and speakers.

/// Shows `answer` as the open session's team, or a fresh read when the call answered something
/// else (a speaker, nothing); then focuses the element `focus`.
async function showTeam(session, answer, focus) {
  sessionTeam = answer?.members ? answer
    : await api('GET', `${base}/sessions/${session.id}/team`);
  renderSessions();
  if (focus) $(focus).focus();
}

function teamPanel(session) {
  const path = `${base}/sessions/${session.id}/team`;
  const memberEmail = `team-${session.id}-email`;
  const speakerName = `speaker-${session.id}-name`;
  const change = (request, focus) =>
    attempt(async () => showTeam(session, await request(), focus));
  const item = (text, button) => el('li', {}, el('span', {}, text), button);
  const action = (key, person, run, danger) => el('button', {
    type: 'button', class: danger ? 'link danger' : 'link',
    'aria-label': t(`${key}.label`, person), onclick: run,
  }, t(key));
  const here = new Set(sessionTeam.members.map((member) => member.user_id));

  const members = sessionTeam.members.map((member) => item(
    `${member.name} · ${member.email}`,
    action('event.session.team.leave_out', member, () => change(
      () => api('DELETE', `${path}/${member.user_id}`), memberEmail), true)));
  const leftOut = (team ?? []).filter((member) => !here.has(member.user_id)).map((member) => item(
    `${member.name} · ${t('event.session.team.left_out')}`,
    action('event.session.team.add_back', member, () => change(
      () => api('POST', path, { email: member.email }), memberEmail))));
  const memberForm = el('form', {},
    field(`team-${session.id}`, 'event.session.team.add',
          el('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' })),
    el('div', { class: 'row' }, el('button', { type: 'submit' }, t('event.team.add.submit'))),
    el('p', { class: 'message', role: 'status' }));
  onSubmit(memberForm, (f) => api('POST', path, { email: f.email.value }),
           (answer) => showTeam(session, answer, memberEmail));

  const speakers = sessionTeam.speakers.map((speaker) => item(
    `${speaker.name} · ${speaker.email} · `
      + t(`event.session.speaker.${speaker.joined ? 'joined' : 'invited'}`),
    action('event.session.speaker.remove', speaker, () => {
      if (!confirm(t('event.session.speaker.remove.confirm', speaker))) return;
      change(() => api('DELETE', `${base}/sessions/${session.id}/speakers/${speaker.id}`),
             speakerName);
    }, true)));
  const speakerForm = el('form', {},
    el('div', { class: 'fields' },
      field(`speaker-${session.id}`, 'event.session.speaker.name',
            el('input', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' })),
      field(`speaker-${session.id}`, 'event.session.speaker.email',
            el('input', { name: 'email', type: 'email', required: true, autocomplete: 'off' }))),
    el('div', { class: 'row' },
      el('button', { type: 'submit' }, t('event.session.speaker.add'))),
    el('p', { class: 'message', role: 'status' }));
  onSubmit(speakerForm, (f) => api('POST', `${base}/sessions/${session.id}/speakers`, {
    name: f.name.value, email: f.email.value,
  }), (speaker) => {
    toast(t('event.session.speaker.added', speaker));
    return showTeam(session, null, speakerName);
  });

  const list = (items, empty) => (items.length ? el('ul', { class: 'plain' }, ...items)
    : el('p', { class: 'hint' }, t(empty)));
  return el('div', { class: 'inline-panel' },
    el('div', { class: 'panel-columns' },
      el('section', {},
        el('h3', {}, t('event.session.team.title')),
        list([...members, ...leftOut], 'event.session.team.empty'),
        memberForm),
      el('section', {},
        el('h3', {}, t('event.session.speakers')),
        list(speakers, 'event.session.speakers.empty'),
        el('p', { class: 'hint' }, t('event.session.speaker.hint')),
        speakerForm)),
    el('div', { class: 'row' },
      el('button', { type: 'button', class: 'secondary', onclick: closeInline },
         t('common.close'))));
}

const inlineForms = { edit: editForm, register: registerForm, team: teamPanel };

async function toggleInline(session, kind) {
  const same = inline && inline.id === session.id && inline.kind === kind;
  if (!same && kind === 'team') {
    const answer = await attempt(() => api('GET', `${base}/sessions/${session.id}/team`));
    if (answer === undefined) return;
    sessionTeam = answer;
  }
  inline = same ? null : { id: session.id, kind };
  renderSessions();
  if (inline) document.querySelector(`[data-session="${session.id}"] form input`).focus();
}

function enterRoom(session) {
  attempt(async () => {
    const room = await api('POST', `${base}/sessions/${session.id}/room`);
    location.assign(room.url);
  });
}

/// Cancel or delete, after the person confirms: neither can be undone.
function settle(session, label, verb) {
  if (!confirm(t(`event.session.${verb}.confirm`, { session: label }))) return;
  attempt(async () => {
    const path = `${base}/sessions/${session.id}`;
    if (verb === 'delete') await api('DELETE', `${path}?confirm=true`);
    else await api('POST', `${path}/cancel?confirm=true`);
    await loadSessions();
  });
}

function sessionMenu(session, label) {
  const item = (text, run, danger) => el('button', {
    type: 'button', class: danger ? 'danger' : null,
    onclick: (clicked) => {
      clicked.currentTarget.closest('details').open = false;
      run();
    },
  }, text);
  const cancelled = session.status === 'cancelled';
  return el('details', { class: 'menu' },
    el('summary', { 'aria-label': t('event.session.menu', { session: label }) }, '⋯'),
    el('div', { class: 'menu-items' },
      cancelled ? null : item(t('event.session.register'), () => toggleInline(session, 'register')),
      item(t('event.session.copy_id'), () => copy(session.id, t('event.session.id_copied'))),
      session.status === 'scheduled'
        ? item(t('event.session.cancel'), () => settle(session, label, 'cancel'), true) : null,
      item(t('event.session.delete'), () => settle(session, label, 'delete'), true)));
}

function sessionItem(session, past) {
  const cancelled = session.status === 'cancelled';
  const label = `${session.name}, ${formatTime(session.starts_at)}`;
  const form = inline && inline.id === session.id ? inlineForms[inline.kind](session) : null;
  const manage = manager();
  return el('li', { class: 'card event-session', 'data-session': session.id },
    el('div', { class: 'split' },
      el('div', {},
        el('strong', { class: 'session-name' }, session.name),
        el('p', { class: 'status when' }, when(session)),
        el('p', { class: 'hint status' },
          el('span', { class: `badge ${session.status}` },
             t(`event.session.status.${session.status}`)),
          ` · ${counted('event.session.registrants', session.registrant_count)}`)),
      el('div', { class: 'actions' },
        el('button', { type: 'button', disabled: cancelled, onclick: () => enterRoom(session) },
           t('event.session.enter')),
        past && !cancelled ? el('a', {
          href: `/events/${encodeURIComponent(id)}/sessions/${session.id}/replay`,
        }, t('event.session.replay')) : null,
        manage ? el('button', { type: 'button', class: 'secondary', disabled: cancelled,
                                onclick: () => toggleInline(session, 'edit') },
                    t('event.session.edit')) : null,
        manage ? el('button', { type: 'button', class: 'secondary', disabled: cancelled,
                                onclick: () => toggleInline(session, 'team') },
                    t('event.session.team')) : null,
        manage ? sessionMenu(session, label) : null)),
    form);
}

function renderSessions() {
  const now = Date.now();
  const over = (s) => s.status === 'ended'
    || new Date(s.starts_at).getTime() + s.duration_minutes * 60000 < now;
  const upcoming = sessions.filter((s) => !over(s));
  const past = sessions.filter(over).reverse();  // the latest first
  $('upcoming').replaceChildren(...upcoming.map((s) => sessionItem(s, false)));
  $('past').replaceChildren(...past.map((s) => sessionItem(s, true)));
  $('past-section').hidden = past.length === 0;
  $('no-upcoming').hidden = upcoming.length > 0;
  $('no-upcoming').textContent =
    t(sessions.length || !manager() ? 'event.no_upcoming' : 'event.none');
  $('first-form').hidden = sessions.length > 0 || !manager();
  $('more-form').hidden = sessions.length === 0 || !manager();
  renderSessionChoice();
}

async function loadSessions() {
  sessions = (await api('GET', `${base}/sessions`)).sessions;
  renderSessions();
}

// Participants tab

function renderSessionChoice() {
  const select = $('participants-session');
  const chosen = select.value;
  select.replaceChildren(
    el('option', { value: '' }, t('event.participants.all')),
    ...sessions.map((s) => el('option', { value: s.id }, `${s.name}, ${formatTime(s.starts_at)}`)));
  select.value = sessions.some((s) => s.id === chosen) ? chosen : '';
}

function registrantRow(registrant) {
  return el('tr', {},
    el('td', {}, registrant.name),
    el('td', {}, registrant.email),
    el('td', {}, `${registrant.session_name}, ${formatTime(registrant.starts_at)}`),
    el('td', {}, t(`event.participants.status.${registrant.status}`)),
    el('td', {}, formatTime(registrant.registered_at)),
    el('td', {}, el('button', {
      type: 'button', class: 'secondary danger',
      'aria-label': t('event.participants.remove.label', registrant),
      onclick: () => {
        if (!confirm(t('event.participants.remove.confirm', registrant))) return;
        attempt(async () => {
          await api('DELETE', `${base}/registrants/${registrant.id}`);
          await Promise.all([loadParticipants(), loadSessions()]);
        });
      },
    }, t('event.participants.remove'))));
}

function renderParticipants() {
  if (!participants) return;
  for (const count of ['visits', 'registrations', 'attendance']) {
    $(count).textContent = participants[count];
  }
  $('registrants-body').replaceChildren(...participants.registrants.map(registrantRow));
  $('registrants').hidden = participants.registrants.length === 0;
  $('no-registrants').hidden = participants.registrants.length > 0;
}

async function loadParticipants() {
  const session = $('participants-session').value;
  const query = session ? `?session=${encodeURIComponent(session)}` : '';
  $('csv').href = `${base}/participants${query ? `${query}&` : '?'}format=csv`;
  const answer = await attempt(() => api('GET', `${base}/participants${query}`));
  if (answer === undefined) return;
  participants = answer;
  renderParticipants();
}

// Team tab

function renderTeam() {
  if (!team) return;
  $('team').replaceChildren(...team.map((member) => el('li', {},
    el('span', {}, `${member.name} · ${member.email}`),
    el('button', {
      type: 'button', class: 'link danger',
      'aria-label': t('event.team.remove.label', member),
      onclick: () => {
        if (!confirm(t('event.team.remove.confirm', member))) return;
        attempt(async () => {
          await api('DELETE', `${base}/team/${member.user_id}`);
          await loadTeam();
        });
      },
    }, t('event.team.remove')))));
  $('no-team').hidden = team.length > 0;
}

/// The event's team, or null when the server says this is none of ours to manage (a 404: the
/// viewer is on the team, not its owner or an admin).
async function loadTeam() {
  try {
    team = (await api('GET', `${base}/team`)).members;
  } catch (error) {
    if (error.status !== 404) throw error;
    team = null;
  }
  renderTeam();
}

// Tabs: the arrow keys move between them; the address keeps the one shown (#participants).

const tabs = () => [...document.querySelectorAll('[role=tab]')];

function showTab(tab, remember = true) {
  for (const other of tabs()) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }
  if (remember) history.replaceState(null, '', `#${tab.id.slice('tab-'.length)}`);
  if (tab.id === 'tab-participants') loadParticipants();
  if (tab.id === 'tab-team') attempt(loadTeam);
}

function wire() {
  for (const tab of tabs()) tab.addEventListener('click', () => showTab(tab));
  $('tabs').addEventListener('keydown', (key) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[key.key];
    if (!step) return;
    const all = tabs();
    const next = all[(all.indexOf(document.activeElement) + step + all.length) % all.length];
    next.focus();
    showTab(next);
  });

  $('copy-registration').addEventListener('click', () =>
    copy(event.registration_url, t('share.copied'), $('registration-url')));

  const eventForm = $('event-form');
  $('edit-event').addEventListener('toggle', () => {
    eventForm.elements.title.value = event.title;
    eventForm.elements.description.value = event.description;
  });
  onSubmit(eventForm, (f) => api('PATCH', base, {
    title: f.title.value, description: f.description.value,
  }), (updated) => {
    event = updated;
    renderEvent();
    message(eventForm, t('common.saved'));
  });

  onSubmit($('first-form'), (f) => api('POST', `${base}/sessions`, {
    start: `${f.date.value}T${f.time.value}`, timezone: f.timezone.value,
    duration_minutes: Number(f.duration.value), name: f.name.value || undefined,
  }), loadSessions);

  // One week after the latest session, at the same local time: the server works it out.
  const more = $('more-form');
  const add = async (count) => {
    const answer = await attempt(() => api('POST', `${base}/sessions`, { count }), more);
    if (answer === undefined) return;
    message(more, counted('event.more.added', answer.sessions.length));
    await attempt(loadSessions);
  };
  $('add-one').addEventListener('click', () => add(1));
  more.addEventListener('submit', (submitted) => {
    submitted.preventDefault();
    add(Number(more.elements.count.value));
  });

  const inviteForm = $('invite-form');
  inviteForm.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    const result = $('invite-result');
    try {
      const answer = await api('POST', `${base}/invitations`,
                               { emails: inviteForm.elements.emails.value });
      const refused = answer.invalid.map((r) => el('li', {}, `${r.address}: ${r.reason}`));
      result.replaceChildren(
        el('p', {}, t('share.invite.sent', { count: answer.sent.length })),
        answer.sent.length ? el('ul', { class: 'sent' },
                                ...answer.sent.map((address) => el('li', {}, address))) : '',
        refused.length ? el('p', { class: 'message' }, t('share.invite.refused')) : '',
        refused.length ? el('ul', { class: 'refused' }, ...refused) : '');
      if (!refused.length) inviteForm.reset();
    } catch (error) {
      result.replaceChildren(el('p', { class: 'message' }, errorText(error)));
    }
  });

  $('participants-session').addEventListener('change', loadParticipants);

  const teamForm = $('team-form');
  onSubmit(teamForm, (f) => api('POST', `${base}/team`, { email: f.email.value }), async () => {
    teamForm.reset();
    await loadTeam();
  });
}

async function start() {
  await requireUser();
  try {
    event = await api('GET', base);
  } catch (error) {
    document.querySelector('main').replaceWith(
      el('main', { class: 'narrow' }, el('h1', {}, errorText(error))));
    return;
  }
  renderEvent();
  fillZones($('first-zone'), viewerZone());
  await loadTeam();
  $('edit-event').hidden = !manager();
  $('tabs').hidden = !manager();
  await loadSessions();
  $('page').hidden = false;
  wire();
  const tab = manager() && $(`tab-${location.hash.slice(1)}`);
  showTab(tab || $('tab-sessions'), false);
}

initPage(() => { renderEvent(); renderSessions(); renderParticipants(); renderTeam(); });
wireSignOut();
start().catch((error) => toast(errorText(error)));
