// The organizer's pages for recurring events (/events and /events/<id>) in Debian's headless
// Chromium, each test with its own server.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import {
  accessibilityProblems, closePeople, eventually, launchBrowser, newPerson, screenshot,
  startConvene, startSmtpSink, takePageErrors,
} from './harness.js';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser.close(); });
// No page may throw an error that nobody handles.
afterEach(async () => {
  const errors = takePageErrors();
  await closePeople();
  assert.deepEqual(errors, []);
});

const text = (page, selector) => page.locator(selector).textContent();

/// A date `days` after today, as the date field takes it (2026-12-24).
function dateIn(days, from = new Date().toISOString().slice(0, 10)) {
  const date = new Date(`${from}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/// An instant as the pages show it: English, medium date, short time, in `timeZone`.
function shown(instant, timeZone) {
  return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone })
    .format(new Date(instant));
}

/// An organizer in `timezoneId` signs up (landing on My sessions) and goes to Events.
async function organizer(server, timezoneId) {
  const page = await newPerson(browser, { timezoneId });
  await page.goto(`${server.url}/signin#signup`);
  await page.fill('#signup-name', 'Ann Organizer');
  await page.fill('#signup-email', 'ann@example.org');
  await page.fill('#signup-password', 'long enough');
  await page.click('#signup-form button[type=submit]');
  await page.waitForURL(`${server.url}/sessions`);
  await page.getByRole('link', { name: 'Events' }).click();
  await page.waitForURL(`${server.url}/events`);
  return page;
}

/// Creates an event on the dashboard, which leads to its page.
async function createEvent(page, title, description = '') {
  await page.fill('#new-title', title);
  await page.fill('#new-description', description);
  await page.click('#create-form button[type=submit]');
  await page.waitForURL(/\/events\/[a-z0-9]+$/);
  await page.waitForSelector('#page:not([hidden])');
}

async function addFirstSession(page, date, time, zone, duration = '60') {
  await page.fill('#first-date', date);
  await page.fill('#first-time', time);
  await page.selectOption('#first-zone', zone);
  await page.fill('#first-duration', duration);
  await page.click('#first-form button[type=submit]');
  await page.locator('#upcoming > li').first().waitFor();
}

/// The event's sessions as the API has them, in start order.
function sessionsOf(page) {
  return page.evaluate(async () => {
    const id = location.pathname.split('/')[2];
    return (await (await fetch(`/api/events/${id}/sessions`)).json()).sessions;
  });
}

async function inMenu(card, item) {
  await card.locator('summary').click();
  await card.getByRole('button', { name: item }).click();
}

async function assertAccessible(page, what) {
  assert.deepEqual(await accessibilityProblems(page), [], what);
}

test('an organizer schedules an event week after week, edits, cancels and deletes', async () => {
  const server = await startConvene();
  try {
    // Ann lives in New York and runs a book club in Paris.
    const ann = await organizer(server, 'America/New_York');
    const dialogs = [];
    ann.on('dialog', (dialog) => dialogs.push(dialog.message()));  // the harness accepts them
    await assertAccessible(ann, '/events');
    await createEvent(ann, 'Book club', 'One book a month.\nBring a friend.');
    assert.equal(await text(ann, '#title'), 'Book club');
    assert.equal(await text(ann, '#description'), 'One book a month.\nBring a friend.');
    assert.equal(await ann.inputValue('#registration-url'), `${server.url}/e/book-club`);
    assert.equal(await ann.inputValue('#first-zone'), 'America/New_York');  // the browser's zone
    await assertAccessible(ann, 'a new event');

    // The first session, a few weeks ahead, at 19:00 in Paris; then one more, then three.
    const first = dateIn(24);
    await addFirstSession(ann, first, '19:00', 'Europe/Paris', '90');
    const [one] = await sessionsOf(ann);
    assert.equal(one.start, `${first}T19:00`);
    assert.equal(one.duration_minutes, 90);
    assert.equal(await text(ann, '#upcoming > li .when'),
                 `${shown(one.starts_at, 'America/New_York')} · `
                 + `${shown(one.starts_at, 'Europe/Paris')} in Europe/Paris`);
    await ann.click('#add-one');
    await eventually(() => ann.locator('#upcoming > li').count(), 2);
    assert.equal(await text(ann, '#more-form .message'), '1 session added.');
    await ann.fill('#more-count', '3');
    await ann.getByRole('button', { name: 'Add several' }).click();
    await eventually(() => ann.locator('#upcoming > li').count(), 5);
    assert.equal(await text(ann, '#more-form .message'), '3 sessions added.');
    const weekly = [0, 7, 14, 21, 28].map((days) => `${dateIn(days, first)}T19:00`);
    assert.deepEqual((await sessionsOf(ann)).map((s) => s.start), weekly);

    // The second one moves to 20:30, Paris time.
    const card = (index) => ann.locator('#upcoming > li').nth(index);
    await card(1).getByRole('button', { name: 'Edit' }).click();
    await card(1).locator('input[name=time]').fill('20:30');
    await card(1).getByRole('button', { name: 'Save' }).click();
    await eventually(async () => (await sessionsOf(ann))[1].start, `${dateIn(7, first)}T20:30`);
    const moved = (await sessionsOf(ann))[1];
    await eventually(() => card(1).locator('.when').textContent(),
                     `${shown(moved.starts_at, 'America/New_York')} · `
                     + `${shown(moved.starts_at, 'Europe/Paris')} in Europe/Paris`);

    // The dashboard counts them and names the next one, in English and in French.
    await ann.getByRole('link', { name: 'Events' }).click();
    const eventCard = ann.locator('.event-card', { hasText: 'Book club' });
    await eventually(() => eventCard.locator('.status').textContent(),
                     `5 sessions · next: ${shown(one.starts_at, 'America/New_York')}`);
    await screenshot(ann, 'events');
    await ann.click('#lang');
    assert.equal(await text(ann, 'h1'), 'Mes événements');
    assert.match(await eventCard.locator('.status').textContent(), /^5 sessions · prochaine : /);
    await ann.click('#lang');
    await eventCard.getByRole('link', { name: 'Book club' }).click();
    await ann.waitForSelector('#page:not([hidden])');

    // Cancelling and deleting each ask first.
    await inMenu(card(2), 'Cancel session');
    await eventually(() => card(2).locator('.badge').textContent(), 'Cancelled');
    assert.match(dialogs.at(-1), /^Cancel “Book club, .+”\? This cannot be undone\.$/);
    assert.equal(await card(2).getByRole('button', { name: 'Enter room' }).isDisabled(), true);
    assert.equal((await sessionsOf(ann))[2].status, 'cancelled');
    await inMenu(card(3), 'Delete');
    await eventually(() => ann.locator('#upcoming > li').count(), 4);
    assert.match(dialogs.at(-1), /^Delete “Book club, .+”\? This cannot be undone\.$/);
    assert.deepEqual((await sessionsOf(ann)).map((s) => s.start),
                     [weekly[0], `${dateIn(7, first)}T20:30`, weekly[2], weekly[4]]);
    await screenshot(ann, 'event-sessions');
    await assertAccessible(ann, 'event sessions');

    // The Invitations tab, reached with the keyboard.
    await ann.focus('#tab-sessions');
    await ann.keyboard.press('ArrowRight');
    assert.equal(await ann.isVisible('#invite-emails'), true);
    await assertAccessible(ann, 'event invitations');
  } finally {
    await server.stop();
  }
});

test('an organizer registers people, invites by email, reads the participants, enters the room',
     async () => {
  const sink = await startSmtpSink();
  const server = await startConvene(['--smtp-url', sink.url, '--mail-from', 'convene@example.org']);
  try {
    const ann = await organizer(server, 'Europe/Paris');
    await createEvent(ann, 'Yoga');
    const eventPath = new URL(ann.url()).pathname;
    const registrationUrl = await ann.inputValue('#registration-url');
    await addFirstSession(ann, dateIn(10), '18:00', 'Europe/Paris');
    await ann.click('#add-one');
    await eventually(() => ann.locator('#upcoming > li').count(), 2);
    const card = (index) => ann.locator('#upcoming > li').nth(index);
    // In the browser's own zone a session shows its time once.
    assert.doesNotMatch(await card(0).locator('.when').textContent(), / in Europe\/Paris/);

    // Ann registers Zoe by hand; twice is refused with the server's reason.
    const register = async (name, email) => {
      await inMenu(card(0), 'Register manually');
      await card(0).getByLabel('Name', { exact: true }).fill(name);
      await card(0).getByLabel('Email', { exact: true }).fill(email);
      await card(0).getByLabel('Time zone', { exact: true }).selectOption('America/New_York');
      await card(0).getByRole('button', { name: 'Register', exact: true }).click();
    };
    await register('Zoe', 'zoe@example.org');
    await eventually(() => card(0).locator('.hint.status').textContent(),
                     'Scheduled · 1 registrant');
    assert.equal(await text(ann, '#toast span'), 'Zoe is registered.');
    await register('Zoe again', 'zoe@example.org');
    await eventually(async () => /already registered/.test(
      await card(0).locator('form .message').textContent()), true);
    await card(0).getByRole('button', { name: 'Cancel', exact: true }).click();
    // A session with registrants cannot be deleted: the page says why.
    await inMenu(card(0), 'Delete');
    await eventually(() => text(ann, '#toast span'), 'People have registered for this session, '
                     + 'so it cannot be deleted. Cancel it instead.');
    assert.equal(await ann.locator('#upcoming > li').count(), 2);
    await ann.evaluate(() => document.getElementById('toast').remove());  // for the screenshots

    // Invitations carry the registration link; what is refused is listed with its reason.
    await ann.click('#tab-invitations');
    await ann.fill('#invite-emails', 'bob@example.org, not-an-address');
    await ann.click('#invite-form button[type=submit]');
    await eventually(() => text(ann, '#invite-result ul.sent'), 'bob@example.org');
    assert.match(await text(ann, '#invite-result ul.refused'), /^not-an-address: .+/);
    await screenshot(ann, 'event-invitations');
    // Zoe's confirmation and Bob's invitation.
    const messages = await sink.waitForMessages(2);
    assert.deepEqual(messages.map((m) => m.rcpt_tos).sort(),
                     [['bob@example.org'], ['zoe@example.org']]);
    const invitation = messages.find((m) => m.rcpt_tos[0] === 'bob@example.org');
    assert.ok(invitation.text.includes(registrationUrl), invitation.text);

    // Participants: numbers, the table, a filter per session and the CSV of the same.
    await ann.click('#tab-participants');
    await eventually(() => text(ann, '#registrations'), '1');
    const rows = ann.locator('#registrants-body tr');
    await eventually(() => rows.count(), 1);
    assert.match(await rows.first().textContent(), /^Zoezoe@example\.orgYoga, .+Registered/);
    const csv = () => ann.evaluate(async () => {
      const answer = await fetch(document.getElementById('csv').href);
      return [answer.headers.get('content-type'), await answer.text()];
    });
    const [type, body] = await csv();
    assert.match(type, /^text\/csv/);
    assert.match(body, /zoe@example\.org/);
    const [, second] = await sessionsOf(ann);
    await ann.selectOption('#participants-session', second.id);
    await eventually(() => rows.count(), 0);
    assert.equal(await ann.isVisible('#no-registrants'), true);
    assert.equal(await ann.getAttribute('#csv', 'href'),
                 `/api${eventPath}/participants`
                 + `?session=${second.id}&format=csv`);
    assert.doesNotMatch((await csv())[1], /zoe@example\.org/);
    await ann.selectOption('#participants-session', '');
    await eventually(() => rows.count(), 1);
    await screenshot(ann, 'event-participants');
    await assertAccessible(ann, 'event participants');
    await rows.first().getByRole('button', { name: 'Remove' }).click();  // confirmed
    await eventually(() => rows.count(), 0);
    await ann.click('#tab-sessions');
    await eventually(() => card(0).locator('.hint.status').textContent(),
                     'Scheduled · 0 registrants');

    // Entering the room opens the session page; the same room every time.
    await card(0).getByRole('button', { name: 'Enter room' }).click();
    await ann.waitForURL(/\/sessions\/[a-z0-9]+$/);
    await ann.waitForSelector('#page:not([hidden])');
    const room = ann.url();
    await ann.goto(`${server.url}${eventPath}`);
    await card(0).getByRole('button', { name: 'Enter room' }).click();
    await ann.waitForURL(/\/sessions\/[a-z0-9]+$/);
    assert.equal(ann.url(), room);
  } finally {
    await server.stop();
    await sink.stop();
  }
});
