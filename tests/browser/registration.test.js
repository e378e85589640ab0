// The public side of events in Debian's headless Chromium: the registration page in the
// visitor's own zone, personal links (countdown, room, cancelled page), in two languages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accessibilityProblems, eventually, newPerson, screenshot, startConvene, useBrowser,
} from './harness.js';

useBrowser();

/// An organizer (signed up through the API in their own browser context) with an event and
/// its sessions; `api` calls the server as them.
async function organizerWithEvent(server, title, sessions) {
  const page = await newPerson();
  const api = async (method, path, data) => {
    const response = await page.request.fetch(`${server.url}${path}`, {
      method, data, headers: { Origin: server.url },
    });
    const body = await response.text();
    assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${body}`);
    return body ? JSON.parse(body) : null;
  };
  await api('POST', '/api/auth/signup',
    { email: 'ann@example.org', password: 'long enough', name: 'Ann Organizer' });
  const event = await api('POST', '/api/events', { title, description: 'Every week, live.' });
  const added = await api('POST', `/api/events/${event.id}/sessions`, sessions);
  return { page, api, event, sessions: added.sessions };
}

/// Next year's second Tuesday of January: winter on both sides of the Atlantic.
const nextJanuary = () => `${new Date().getUTCFullYear() + 1}-01-12`;
/// Intl puts a narrow no-break space before AM/PM; compare with plain spaces.
const plain = (text) => text.replace(/\u202f/g, ' ');

test('a visitor in New York registers in their own time; the cancel reaches their link', async () => {
  const server = await startConvene();
  try {
    const organizer = await organizerWithEvent(server, 'Weekly Demo',
      { start: `${nextJanuary()}T10:00`, timezone: 'Europe/Paris', count: 3 });

    const visitor = await newPerson({ timezoneId: 'America/New_York' });
    await visitor.goto(`${server.url}/e/${organizer.event.slug}`);
    await visitor.waitForSelector('#form-section:not([hidden])');
    assert.equal(await visitor.textContent('#event-title'), 'Weekly Demo');
    // The next session is preselected; 10:00 in Paris is 4:00 AM in New York.
    const options = (await visitor.locator('#session option').allTextContents()).map(plain);
    assert.equal(options.length, 3);
    assert.match(options[0], /^Jan 12, \d{4}, 4:00 AM · Weekly Demo$/);
    assert.match(options[1], /^Jan 19, \d{4}, 4:00 AM/);
    assert.equal(await visitor.inputValue('#session'), organizer.sessions[0].id);
    assert.match(plain(await visitor.textContent('#zone-note')),
      /^That is Jan 12, \d{4}, 10:00 AM in Europe\/Paris, the event's time zone\.$/);
    assert.deepEqual(await accessibilityProblems(visitor), []);
    await screenshot(visitor, 'register');

    await visitor.fill('#name', 'Vi Sitor');
    await visitor.fill('#email', 'vi@example.org');
    await visitor.click('#register-form button[type=submit]');
    await visitor.waitForSelector('#done:not([hidden])');
    assert.match(plain(await visitor.textContent('#done-text')), /vi@example\.org.*4:00 AM/);
    const link = await visitor.getAttribute('#personal-link', 'href');
    assert.match(link, /\/r\/rtk_/);

    // Twice the same date is refused, said plainly.
    await visitor.click('#another');
    await visitor.fill('#name', 'Vi Sitor');
    await visitor.fill('#email', 'vi@example.org');
    await visitor.click('#register-form button[type=submit]');
    await eventually(() => visitor.textContent('#register-form .message'),
      'This address is already registered for this date.');

    // The personal link counts down to the room's opening, in New York time.
    await visitor.goto(link);
    await visitor.waitForSelector('#countdown:not([hidden])');
    assert.equal(await visitor.textContent('#session-name'), 'Weekly Demo');
    assert.match(plain(await visitor.textContent('#session-time')), /^Jan 12, \d{4}, 4:00 AM$/);
    assert.match(plain(await visitor.textContent('#opens-at')), /3:45 AM, 15 minutes before/);
    assert.match(await visitor.textContent('#remaining'), /^\d+ d \d\d:\d\d:\d\d$/);
    assert.deepEqual(await accessibilityProblems(visitor), []);
    await screenshot(visitor, 'countdown');

    const stats = await organizer.api('GET', `/api/events/${organizer.event.id}/participants`);
    assert.equal(stats.visits, 1);
    assert.equal(stats.registrations, 1);

    // The organizer cancels it on the event page, through its confirmation.
    await organizer.page.goto(`${server.url}/events/${organizer.event.id}`);
    const first = organizer.page.locator('#upcoming > li').first();
    await first.locator('summary').click();
    await first.getByRole('button', { name: 'Cancel session' }).click();
    await eventually(() => first.locator('.badge').textContent(), 'Cancelled');
    await visitor.goto(link);
    assert.equal(await visitor.textContent('h1'), 'This session has been cancelled');
    await visitor.waitForSelector('#other-dates:not([hidden])');
    assert.equal(await visitor.getAttribute('#event-link', 'href'), `/e/${organizer.event.slug}`);
    assert.deepEqual(await accessibilityProblems(visitor), []);
    await screenshot(visitor, 'cancelled');
    // The cancelled date is gone from the registration page.
    await visitor.click('#event-link');
    await visitor.waitForSelector('#form-section:not([hidden])');
    assert.equal(await visitor.locator('#session option').count(), 2);
  } finally {
    await server.stop();
  }
});

test('a registrant enters the room by their link as the same participant', async () => {
  const server = await startConvene();
  try {
    // A session starting in 10 minutes: its room is open (it opens 15 minutes before).
    const soon = new Date(Date.now() + 10 * 60000).toISOString().slice(0, 16);
    const organizer = await organizerWithEvent(server, 'Drop-in', { start: soon, timezone: 'UTC' });
    const visitor = await newPerson({ timezoneId: 'Asia/Kolkata', locale: 'fr-FR' });
    await visitor.goto(`${server.url}/e/${organizer.event.slug}`);
    await visitor.waitForSelector('#form-section:not([hidden])');
    assert.equal(await visitor.textContent('label[for=name]'), 'Votre nom');
    await visitor.fill('#name', 'Ravi');
    await visitor.fill('#email', 'ravi@example.org');
    await visitor.click('#register-form button[type=submit]');
    await visitor.waitForSelector('#done:not([hidden])');
    const link = await visitor.getAttribute('#personal-link', 'href');

    await visitor.goto(link);
    await visitor.waitForURL(`${server.url}/live`);
    await visitor.waitForSelector('#joined:not([hidden])');
    assert.equal(await visitor.textContent('#session-title'), 'Drop-in');
    const first = await visitor.evaluate(() => JSON.parse(localStorage.getItem('convene.participant')));

    // Following the link again is the same person, counted once.
    await visitor.goto(link);
    await visitor.waitForURL(`${server.url}/live`);
    await visitor.waitForSelector('#joined:not([hidden])');
    const again = await visitor.evaluate(() => JSON.parse(localStorage.getItem('convene.participant')));
    assert.equal(again.id, first.id);
    const stats = await organizer.api('GET', `/api/events/${organizer.event.id}/participants`);
    assert.equal(stats.attendance, 1);
    assert.equal(stats.registrants[0].status, 'attended');
  } finally {
    await server.stop();
  }
});
