// The organizer's pages for recurring events (/events and /events/<id>) in Debian's headless
// Chromium, each test with its own server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accessibilityProblems, eventually, newPerson, screenshot, startConvene, startSmtpSink,
  useBrowser,
} from './harness.js';

useBrowser();

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
  const page = await newPerson({ timezoneId });
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

/// Someone else signs up in their own browser (landing on My sessions).
async function signUp(server, name, email, options = {}) {
  const page = await newPerson(options);
  await page.goto(`${server.url}/signin#signup`);
  await page.fill('#signup-name', name);
  await page.fill('#signup-email', email);
  await page.fill('#signup-password', 'long enough');
  await page.click('#signup-form button[type=submit]');
  await page.waitForURL(`${server.url}/sessions`);
  return page;
}

test('an organizer builds a team and invites a speaker, who all run the rooms', async () => {
  const sink = await startSmtpSink();
  const server = await startConvene(['--smtp-url', sink.url, '--mail-from', 'convene@example.org']);
  try {
    const ann = await organizer(server, 'Europe/Paris');
    const bob = await signUp(server, 'Bob Helper', 'bob@example.org');
    await createEvent(ann, 'Talks');
    await addFirstSession(ann, dateIn(3), '18:00', 'Europe/Paris');
    await ann.click('#add-one');
    await eventually(() => ann.locator('#upcoming > li').count(), 2);
    const card = (index) => ann.locator('#upcoming > li').nth(index);

    // The Team tab: only people with an account, and each once; the server says why not.
    await ann.click('#tab-team');
    assert.equal(await ann.isVisible('#no-team'), true);
    const addToTeam = async (email) => {
      await ann.fill('#team-email', email);
      await ann.click('#team-form button[type=submit]');
    };
    await addToTeam('nobody@example.org');
    await eventually(() => text(ann, '#team-form .message'),
                     'No account has this address: ask them to create one first.');
    await addToTeam('bob@example.org');
    await eventually(() => ann.locator('#team li span').allTextContents(),
                     ['Bob Helper · bob@example.org']);
    assert.equal(await text(ann, '#team-form .message'), '');
    await addToTeam('bob@example.org');
    await eventually(() => text(ann, '#team-form .message'), 'They are in the team already.');
    await screenshot(ann, 'event-team');
    await assertAccessible(ann, 'event team');

    // Bob is left out of the second session, from its card.
    await ann.click('#tab-sessions');
    await card(1).getByRole('button', { name: 'Team & speakers' }).click();
    await card(1).getByRole('button', { name: 'Leave out Bob Helper (bob@example.org)' }).click();
    await eventually(() => card(1).locator('.inline-panel li span').allTextContents(),
                     ['Bob Helper · left out of this session']);
    await assertAccessible(ann, 'a session\'s team');
    await card(1).getByRole('button', { name: 'Close' }).click();

    // Bob finds the event on his dashboard; he runs rooms but does not manage the event.
    await bob.getByRole('link', { name: 'Events' }).click();
    await bob.locator('.event-card').getByRole('link', { name: 'Talks' }).click();
    await bob.waitForSelector('#page:not([hidden])');
    const bobCard = (index) => bob.locator('#upcoming > li').nth(index);
    assert.equal(await bob.locator('#upcoming > li').count(), 2);
    for (const managing of ['#tabs', '#edit-event', '#more-form']) {
      assert.equal(await bob.isVisible(managing), false, managing);
    }
    assert.deepEqual(await bobCard(0).locator('.actions button').allTextContents(), ['Enter room']);
    await assertAccessible(bob, 'the event for a team member');
    await screenshot(bob, 'event-team-member');
    await bobCard(1).getByRole('button', { name: 'Enter room' }).click();
    await eventually(() => text(bob, '#toast span'), 'You are not on this session\'s team.');
    await bobCard(0).getByRole('button', { name: 'Enter room' }).click();
    await bob.waitForURL(/\/sessions\/[a-z0-9]+$/);
    await bob.waitForSelector('#page:not([hidden])');
    assert.equal(await bob.isVisible('#state-readonly'), true);  // a co-facilitator
    const room = bob.url();

    // A speaker for the first session: the link goes by email, never to the page.
    await card(0).getByRole('button', { name: 'Team & speakers' }).click();
    await card(0).getByLabel('Speaker\'s name').fill('Sue Speaker');
    await card(0).getByLabel('Speaker\'s email').fill('sue@example.org');
    await card(0).getByRole('button', { name: 'Invite speaker' }).click();
    const speakers = card(0).locator('.inline-panel section').nth(1).locator('li span');
    await eventually(() => speakers.allTextContents(), ['Sue Speaker · sue@example.org · invited']);
    assert.doesNotMatch(await ann.content(), /stk_/);
    await assertAccessible(ann, 'a session\'s speakers');
    await screenshot(ann, 'event-session-team');
    const [mail] = (await sink.waitForMessages(1)).filter((m) => m.rcpt_tos[0] === 'sue@example.org');
    assert.ok(mail, 'the speaker\'s email');
    const link = mail.text.match(/https?:\/\/\S+\/s\/stk_[A-Za-z0-9_-]+/)?.[0];
    assert.ok(link, mail.text);

    // Sue follows it in a browser of her own: the same room, as a facilitator.
    const sue = await newPerson();
    await sue.goto(link);
    await sue.waitForURL(room);
    await sue.waitForSelector('#page:not([hidden])');
    assert.equal(await sue.isVisible('#slide-form'), true);
    await ann.reload();
    await ann.waitForSelector('#page:not([hidden])');
    await card(0).getByRole('button', { name: 'Team & speakers' }).click();
    await eventually(() => speakers.allTextContents(), ['Sue Speaker · sue@example.org · joined']);
  } finally {
    await server.stop();
    await sink.stop();
  }
});

test('a session\'s replay: the slides shown, who was there, the recording', async () => {
  const server = await startConvene();
  try {
    const ann = await organizer(server, 'Asia/Kolkata');
    await createEvent(ann, 'Drop-in');
    const eventPath = new URL(ann.url()).pathname;
    // A session in 10 minutes, UTC (its room opens 15 minutes before), and one yesterday.
    const utc = (minutes) => new Date(Date.now() + minutes * 60000).toISOString().slice(0, 16);
    await ann.evaluate(async (starts) => {
      for (const start of starts) {
        const answer = await fetch(`/api${location.pathname}/sessions`, {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ start, timezone: 'UTC' }),
        });
        if (!answer.ok) throw new Error(await answer.text());
      }
    }, [utc(10), utc(-24 * 60)]);
    await ann.reload();
    await ann.waitForSelector('#page:not([hidden])');
    const [yesterday, soon] = await sessionsOf(ann);
    const replayOf = (session) => `${eventPath}/sessions/${session.id}/replay`;

    // A past session links to its replay; nothing happened in it.
    const replayLink = ann.locator('#past > li').getByRole('link', { name: 'Replay' });
    assert.equal(await replayLink.getAttribute('href'), replayOf(yesterday));
    assert.equal(await ann.locator('#upcoming').getByRole('link', { name: 'Replay' }).count(), 0);
    await replayLink.click();
    await ann.waitForSelector('#page:not([hidden])');
    assert.equal(await text(ann, '#room'), 'This session never had a room.');
    assert.equal(await ann.isVisible('#no-slides'), true);
    assert.equal(await ann.isVisible('#no-attendance'), true);
    await assertAccessible(ann, 'an empty replay');

    // A registrant enters the room of the next one by their link; Ann shows a slide there.
    const ravi = await newPerson();
    await ravi.goto(`${server.url}/e/drop-in`);
    await ravi.waitForSelector('#form-section:not([hidden])');
    await ravi.fill('#name', 'Ravi');
    await ravi.fill('#email', 'ravi@example.org');
    await ravi.click('#register-form button[type=submit]');
    await ravi.waitForSelector('#done:not([hidden])');
    await ravi.goto(await ravi.getAttribute('#personal-link', 'href'));
    await ravi.waitForSelector('#joined:not([hidden])');
    await ann.goto(`${server.url}${eventPath}`);
    await ann.locator('#upcoming > li').first().getByRole('button', { name: 'Enter room' }).click();
    await ann.waitForURL(/\/sessions\/[a-z0-9]+$/);
    await ann.waitForSelector('#page:not([hidden])');
    await ann.fill('#slide-title', 'Welcome');
    await ann.click('#slide-form button[type=submit]');
    await ann.locator('#slides > li', { hasText: 'Welcome' }).getByRole('button', { name: 'Show' })
      .click();
    await eventually(() => text(ravi, '#slide-title'), 'Welcome');

    // The replay, in Ann's zone: the slide, the numbers, the chart and its table.
    await ann.goto(`${server.url}${replayOf(soon)}`);
    await ann.waitForSelector('#page:not([hidden])');
    assert.equal(await text(ann, 'h1'), 'Drop-in');
    assert.equal(await text(ann, '#when'), shown(soon.starts_at, 'Asia/Kolkata'));
    const replay = await ann.evaluate((path) => fetch(`/api${path}`).then((r) => r.json()),
                                      replayOf(soon));
    const shownAt = replay.slides.find((slide) => slide.title === 'Welcome').at;
    const row = ann.locator('#timeline-body tr', { hasText: 'Welcome' });
    assert.equal(await row.locator('time').textContent(), new Intl.DateTimeFormat(
      'en', { timeStyle: 'medium', timeZone: 'Asia/Kolkata' }).format(new Date(shownAt)));
    assert.equal(await text(ann, '#registrants'), '1');
    assert.equal(await text(ann, '#attended'), '1');
    assert.ok(Number(await text(ann, '#peak')) >= 1);
    const chart = ann.getByRole('img', { name: 'Participants connected over time' });
    assert.match(await chart.locator('desc').textContent(), /at most [1-9]\d* connected at once/);
    await ann.click('#attendance-details summary');
    assert.ok(await ann.locator('#attendance-body tr').count() >= 1);
    await assertAccessible(ann, 'a replay');

    // The recording's link: the server refuses anything but http(s), says why, then keeps it.
    const save = async (url) => {
      await ann.fill('#recording-url', url);
      await ann.click('#recording-form button[type=submit]');
    };
    await save('ftp://video.example.org/drop-in');
    await eventually(() => text(ann, '#recording-form .message'),
                     'The recording link must be a web address starting with https:// or http://.');
    await save('https://video.example.org/drop-in');
    await eventually(() => text(ann, '#recording-form .message'), 'Saved.');
    const link = ann.getByRole('link', { name: 'https://video.example.org/drop-in' });
    assert.equal(await link.getAttribute('href'), 'https://video.example.org/drop-in');
    await screenshot(ann, 'replay');
    await ann.reload();
    await link.waitFor();
    await save('');
    await eventually(() => ann.isVisible('#no-recording'), true);
    assert.equal(await link.count(), 0);
    // In French too.
    await ann.click('#lang');
    assert.equal(await text(ann, '#slides-heading'), 'Diapositives affichées');
    assert.match(await text(ann, '#chart desc'), /au plus [1-9]\d* connectés/);
    await assertAccessible(ann, 'a replay in French');
  } finally {
    await server.stop();
  }
});
