// What happened in one event session, for the event's managers and the session's team: the
// recording, the numbers, the slides shown and who was connected when, in the viewer's zone.
// Any session has one, ended or not.
import { api } from './api.js';
import { formatTime, initPage, lang, t } from './i18n.js';
import { el, requireUser, toast, wireSignOut } from './facilitator.js';

const [, , eventId, , sessionId] = location.pathname.split('/').map(decodeURIComponent);
const base = `/api/events/${encodeURIComponent(eventId)}/sessions/${encodeURIComponent(sessionId)}`;
let replay = null;

const $ = (selector) => document.getElementById(selector);

const errorText = (error) => (error.code === 'network' ? t('common.network') : error.message);

/// A time of day with its seconds, in the viewer's zone: slides change faster than minutes.
const clock = (instant) =>
  new Intl.DateTimeFormat(lang, { timeStyle: 'medium' }).format(new Date(instant));

const timeCell = (iso) => el('td', {}, el('time', { datetime: iso }, clock(iso)));

/// A new SVG element, as el() makes HTML ones; styled by class (the page allows no style=).
function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/// Participants connected over time as a step line (a count holds until the next sample, the
/// last one until now or the room's closing), named and described for screen readers; the
/// table below it has the same numbers.
function chart(samples) {
  const [width, height, left, right, top, bottom] = [640, 200, 36, 12, 12, 28];
  const times = samples.map((sample) => new Date(sample.at).getTime());
  const closed = replay.closed_at ? new Date(replay.closed_at).getTime() : Infinity;
  const end = Math.max(times.at(-1), Math.min(Date.now(), closed));
  times.push(end);
  const span = Math.max(end - times[0], 1);
  const most = Math.max(1, ...samples.map((sample) => sample.participants));
  const x = (time) => left + ((time - times[0]) / span) * (width - left - right);
  const y = (count) => top + (1 - count / most) * (height - top - bottom);
  const points = samples.flatMap((sample, i) =>
    [[x(times[i]), y(sample.participants)], [x(times[i + 1]), y(sample.participants)]]);
  const text = (atX, atY, anchor, content) =>
    svg('text', { x: atX, y: atY, 'text-anchor': anchor }, content);
  const image = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': 'chart-title', 'aria-describedby': 'chart-description',
  });
  image.append(
    svg('title', { id: 'chart-title' }, t('replay.chart.title')),
    svg('desc', { id: 'chart-description' }, t('replay.chart.description', {
      start: clock(times[0]), end: clock(end), count: samples.length, peak: replay.peak,
    })),
    svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(most), y2: y(most) }),
    svg('line', { class: 'axis', x1: left, x2: width - right, y1: y(0), y2: y(0) }),
    text(left - 6, y(most) + 4, 'end', String(most)),
    text(left - 6, y(0) + 4, 'end', '0'),
    text(left, height - 6, 'start', clock(times[0])),
    text(width - right, height - 6, 'end', clock(end)),
    svg('polyline', { class: 'line', points: points.map((point) => point.join(',')).join(' ') }),
    ...samples.map((sample, i) =>
      svg('circle', { class: 'dot', cx: x(times[i]), cy: y(sample.participants), r: 3 })));
  return image;
}

function roomText() {
  if (!replay.room_id) return t('replay.room.never');
  if (!replay.opened_at) return '';
  const opened = formatTime(replay.opened_at);
  return replay.closed_at ? t('replay.room.closed', { opened, closed: formatTime(replay.closed_at) })
    : t('replay.room.open', { opened });
}

function renderRecording() {
  const url = replay.session.recording_url ?? '';
  const link = $('recording-link');
  const shown = /^https?:\/\//i.test(url);  // the server takes nothing else; a page neither
  link.hidden = !shown;
  link.href = shown ? url : '';
  link.textContent = shown ? url : '';
  $('no-recording').hidden = shown;
}

function render() {
  if (!replay) return;
  const { session } = replay;
  $('title').textContent = session.name;
  document.title = `${session.name} · Convene`;
  $('when').textContent = formatTime(session.starts_at);
  $('room').textContent = roomText();
  renderRecording();
  for (const count of ['registrants', 'attended', 'peak']) $(count).textContent = replay[count];

  $('timeline-body').replaceChildren(...replay.slides.map((slide) => el('tr', {},
    timeCell(slide.at),
    slide.slide_id === null ? el('td', { class: 'hint' }, t('replay.slide.none'))
      : el('td', {}, slide.title || t('replay.slide.untitled')))));
  $('timeline').hidden = replay.slides.length === 0;
  $('no-slides').hidden = replay.slides.length > 0;

  const samples = replay.attendance;
  $('chart').replaceChildren(samples.length ? chart(samples) : '');
  $('attendance-body').replaceChildren(...samples.map((sample) => el('tr', {},
    timeCell(sample.at), el('td', {}, String(sample.participants)))));
  $('chart').hidden = samples.length === 0;
  $('attendance-details').hidden = samples.length === 0;
  $('no-attendance').hidden = samples.length > 0;
}

/// Sets or clears (an empty field) the recording's link; a team member gets the server's "no".
function wire() {
  const form = $('recording-form');
  form.addEventListener('submit', async (submitted) => {
    submitted.preventDefault();
    const message = form.querySelector('.message');
    message.textContent = '';
    try {
      replay.session = await api('PATCH', base,
                                 { recording_url: form.elements.recording_url.value.trim() });
      render();
      message.textContent = t('common.saved');
    } catch (error) {
      message.textContent = errorText(error);
    }
  });
}

async function start() {
  await requireUser();
  try {
    replay = await api('GET', `${base}/replay`);
  } catch (error) {
    document.querySelector('main').replaceWith(
      el('main', { class: 'narrow' }, el('h1', {}, errorText(error))));
    return;
  }
  $('back').href = `/events/${encodeURIComponent(eventId)}`;
  $('recording-url').value = replay.session.recording_url ?? '';
  render();
  $('page').hidden = false;
  wire();
}

initPage(render);
wireSignOut();
start().catch((error) => toast(errorText(error)));
