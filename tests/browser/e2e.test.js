// Every flow of the web app in Debian's headless Chromium, each test with its own server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  accessibilityProblems, decodeQr, eventually, freePort, newPerson, screenshot, startConvene,
  startNginx, startSmtpSink, useBrowser,
} from './harness.js';

useBrowser();

/// Signs up through the sign-in page, which leads to My sessions.
async function signUp(page, server, name, email) {
  await page.goto(`${server.url}/signin#signup`);
  await page.fill('#signup-name', name);
  await page.fill('#signup-email', email);
  await page.fill('#signup-password', 'long enough');
  await page.click('#signup-form button[type=submit]');
  await page.waitForURL(`${server.url}/sessions`);
}

/// A facilitator signs up on the site and creates a session; returns its page (`page`, else a
/// new person's).
async function facilitatorWithSession(server, title = 'Weekly sync', page = undefined) {
  page ??= await newPerson();
  await signUp(page, server, 'Ann Organizer', 'ann@example.org');
  await page.fill('#new-title', title);
  await page.click('#create-form button[type=submit]');
  await page.waitForURL(/\/sessions\/[a-z0-9]+$/);
  await page.waitForSelector('#page:not([hidden])');
  return page;
}

async function addSlide(page, title, body) {
  const count = await page.locator('#slides > li').count();
  await page.fill('#slide-title', title);
  await page.fill('#slide-body', body);
  await page.click('#slide-form button[type=submit]');
  await page.locator('#slides > li').nth(count).waitFor();
}

async function showSlide(page, title) {
  await page.locator('#slides > li', { hasText: title }).getByRole('button', { name: 'Show' })
    .click();
}

const text = (page, selector) => page.locator(selector).textContent();

test('a facilitator runs a session that participants follow live', async () => {
  const server = await startConvene();
  try {
    const ann = await facilitatorWithSession(server);
    const code = await text(ann, '#code');
    assert.match(code, /^\d{6}$/);
    const joinUrl = await ann.inputValue('#join-url');
    await addSlide(ann, 'What went well?', 'One line each, please.');
    await showSlide(ann, 'What went well?');
    await screenshot(ann, 'session');

    // A participant on a phone joins by code.
    const bob = await newPerson({ viewport: { width: 390, height: 844 }, isMobile: true });
    await bob.goto(server.url);
    assert.equal(await bob.getAttribute('#code', 'inputmode'), 'numeric');
    await bob.fill('#code', `${code.slice(0, 3)} ${code.slice(3)}`);  // as pasted, with a space
    await bob.click('#join-form button[type=submit]');
    await bob.waitForURL(`${server.url}/live`);
    await eventually(() => text(bob, '#slide-title'), 'What went well?');
    assert.equal(await text(bob, '#slide-body'), 'One line each, please.');
    await screenshot(bob, 'participant');

    // Another joins by the link.
    const cat = await newPerson();
    await cat.goto(joinUrl);
    await eventually(() => text(cat, '#slide-title'), 'What went well?');
    await eventually(() => text(ann, '#participants'), '2');

    // The facilitator moves on: each participant sees it within a second.
    await addSlide(ann, 'What next?', '');
    await showSlide(ann, 'What next?');
    await eventually(() => text(bob, '#slide-title'), 'What next?', 1000);
    await eventually(() => text(cat, '#slide-title'), 'What next?', 1000);

    // A refresh is the same participant, not a new one.
    const before = await bob.evaluate(() => JSON.parse(localStorage.getItem('convene.participant')));
    await bob.reload();
    await eventually(() => text(bob, '#slide-title'), 'What next?');
    const after = await bob.evaluate(() => JSON.parse(localStorage.getItem('convene.participant')));
    assert.equal(after.id, before.id);
    await eventually(() => text(ann, '#participants'), '2');

    // A server restart is a network blip for the phones: they reconnect by themselves, as the
    // same participants, and follow the next change.
    await server.restart();
    await addSlide(ann, 'Any questions?', '');
    await showSlide(ann, 'Any questions?');
    await eventually(() => text(bob, '#slide-title'), 'Any questions?', 15000);
    assert.equal(await bob.isVisible('#connection'), false);
    await eventually(() => text(ann, '#participants'), '2', 15000);
    await showSlide(ann, 'What next?');
    await eventually(() => text(bob, '#slide-title'), 'What next?', 1000);

    // The projection screen shows the slide with the code in its corner.
    const screen = await ann.context().newPage();
    await screen.goto(`${server.url}${new URL(ann.url()).pathname}/present`);
    await eventually(() => text(screen, '#slide-title'), 'What next?');
    assert.equal(await text(screen, '#code'), code);
    await screenshot(screen, 'projection');

    // Closing: the participants' pages turn into the closed screen within a second.
    await ann.click('#toggle-open');
    await eventually(() => bob.isVisible('#closed'), true, 1000);
    await eventually(() => cat.isVisible('#closed'), true, 1000);
    await screenshot(bob, 'participant-closed');
    await eventually(() => screen.isVisible('#closed'), true);

    // And the code no longer lets anyone in.
    const dan = await newPerson();
    await dan.goto(server.url);
    await dan.fill('#code', code);
    await dan.click('#join-form button[type=submit]');
    await eventually(() => text(dan, '#join-message'), 'This session is closed.');
  } finally {
    await server.stop();
  }
});

test('the QR code on the page is the join link, and a new code breaks the old one', async () => {
  const server = await startConvene();
  try {
    const ann = await facilitatorWithSession(server);
    const oldUrl = await ann.inputValue('#join-url');
    const oldCode = await text(ann, '#code');
    await ann.waitForFunction(() => document.getElementById('qr').complete);
    assert.equal(decodeQr(await ann.locator('#qr').screenshot()), oldUrl);
    // The PNG download is the same link, and so is what "Copy link" puts on the clipboard.
    const png = await ann.evaluate(async () => {
      const answer = await fetch(document.getElementById('qr-png').href);
      return [answer.headers.get('content-type'), [...new Uint8Array(await answer.arrayBuffer())]];
    });
    assert.equal(png[0], 'image/png');
    assert.equal(decodeQr(Buffer.from(png[1])), oldUrl);
    await ann.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await ann.click('#copy-link');
    assert.equal(await ann.evaluate(() => navigator.clipboard.readText()), oldUrl);

    await ann.click('#new-code');  // the confirmation is accepted
    await eventually(async () => (await text(ann, '#code')) !== oldCode, true);
    const newUrl = await ann.inputValue('#join-url');
    assert.notEqual(newUrl, oldUrl);
    await ann.waitForFunction(() => document.getElementById('qr').complete);
    await eventually(async () => decodeQr(await ann.locator('#qr').screenshot()), newUrl);

    const bob = await newPerson();
    const old = await bob.goto(oldUrl);
    assert.equal(old.status(), 404);
    await bob.goto(server.url);
    await bob.fill('#code', oldCode);
    await bob.click('#join-form button[type=submit]');
    await eventually(() => text(bob, '#join-message'),
                     'No open session has this code. Check the digits.');
    await bob.goto(newUrl);
    await eventually(() => bob.isVisible('#joined'), true);
  } finally {
    await server.stop();
  }
});

test('an invitation from the Share panel arrives at the SMTP server with the link', async () => {
  const sink = await startSmtpSink();
  const server = await startConvene(['--smtp-url', sink.url, '--mail-from', 'convene@example.org']);
  try {
    const ann = await facilitatorWithSession(server, 'Retro');
    const joinUrl = await ann.inputValue('#join-url');
    await ann.fill('#invite-emails', 'bob@example.org, not-an-address');
    await ann.click('#invite-form button[type=submit]');
    await eventually(() => text(ann, '#invite-result ul.refused'),
                     'not-an-address: not a valid email address');
    assert.match(await text(ann, '#invite-result'), /sent to 1 addresses/);
    await screenshot(ann, 'share-invited');
    const messages = await sink.waitForMessages(1);
    assert.equal(messages.length, 1);
    assert.deepEqual(messages[0].rcpt_tos, ['bob@example.org']);
    assert.ok(messages[0].text.includes(joinUrl), messages[0].text);
  } finally {
    await server.stop();
    await sink.stop();
  }
});

test('sessions list: filters, duplicate, delete with undo', async () => {
  const server = await startConvene();
  try {
    const ann = await facilitatorWithSession(server, 'Board');
    await ann.goto(`${server.url}/sessions`);
    const card = (title) => ann.locator('.session-card', { hasText: title });
    await card('Board').waitFor();
    await card('Board').locator('summary').click();
    await card('Board').getByRole('button', { name: 'Duplicate' }).click();
    await card('Board (copy)').waitFor();
    await card('Board (copy)').locator('summary').click();
    await card('Board (copy)').getByRole('button', { name: 'Close' }).click();
    await eventually(async () => (await card('Board (copy)').textContent()).includes('Closed'), true);
    await ann.getByRole('button', { name: 'Open', exact: true }).first().click();  // the filter
    await eventually(() => ann.locator('.session-card').count(), 1);
    await ann.getByRole('button', { name: 'All' }).click();
    await eventually(() => ann.locator('.session-card').count(), 2);
    await screenshot(ann, 'sessions');

    await card('Board').first().locator('summary').click();
    await card('Board').first().getByRole('button', { name: 'Delete' }).click();
    await eventually(() => ann.locator('.session-card').count(), 1);
    await ann.locator('#toast').getByRole('button', { name: 'Undo' }).click();
    await eventually(() => ann.locator('.session-card').count(), 2);
  } finally {
    await server.stop();
  }
});

test('French from the browser language, with a switch; pages are light and strict', async () => {
  const server = await startConvene();
  try {
    const page = await newPerson({ locale: 'fr-FR' });
    let bytes = 0;
    page.on('response', async (response) => {
      bytes += (await response.body().catch(() => Buffer.alloc(0))).length;
    });
    const answer = await page.goto(server.url);
    await eventually(() => text(page, 'h1'), 'Rejoindre une session');
    const csp = answer.headers()['content-security-policy'];
    assert.match(csp, /default-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    await page.fill('#code', '12');
    await page.click('#join-form button[type=submit]');
    assert.equal(await text(page, '#join-message'), 'Un code compte exactement 6 chiffres.');
    await page.click('#lang');
    assert.equal(await text(page, 'h1'), 'Join a session');
    await page.waitForLoadState('networkidle');
    assert.ok(bytes < 100 * 1024, `the participant's page weighs ${bytes} bytes`);
    await screenshot(page, 'join');
  } finally {
    await server.stop();
  }
});

test('a co-facilitator sees the session read-only where only the owner may act', async () => {
  const server = await startConvene();
  try {
    const ann = await facilitatorWithSession(server, 'Planning');
    const sessionPath = new URL(ann.url()).pathname;
    // Dan has no account yet: invited, pending, then co-facilitator once he signs up.
    await ann.fill('#cohost-email', 'dan@example.org');
    await ann.click('#cohost-form button[type=submit]');
    await eventually(async () => (await text(ann, '#cohosts')).includes('waiting for sign-up'), true);

    const dan = await newPerson();
    await signUp(dan, server, 'Dan', 'dan@example.org');
    const card = dan.locator('.session-card', { hasText: 'Planning' });
    assert.match(await card.textContent(), /co-facilitator/);
    await card.getByRole('link', { name: 'Planning' }).click();
    await dan.waitForSelector('#page:not([hidden])');
    assert.equal(await dan.isVisible('#state-readonly'), true);
    for (const ownerOnly of ['#new-code', '#toggle-open', '#ends-form', '#cohost-form']) {
      assert.equal(await dan.isVisible(ownerOnly), false, ownerOnly);
    }
    // Co-facilitators do run the slides, and the owner sees it live.
    await addSlide(dan, 'From Dan', '');
    await eventually(async () => (await text(ann, '#slides')).includes('From Dan'), true);
    await screenshot(dan, 'session-cofacilitator');

    // Removal takes the page away from him at once.
    await ann.reload();
    await ann.locator('#cohosts li', { hasText: 'dan@example.org' })
      .getByRole('button', { name: 'Remove' }).click();
    await eventually(() => dan.url(), `${server.url}/sessions`);
    assert.equal((await dan.goto(`${server.url}${sessionPath}`)).status(), 200);
    await eventually(() => text(dan, 'main h1'), 'No such session.');
  } finally {
    await server.stop();
  }
});

test('slides are edited and reordered; the end date is shown in the viewer\'s zone', async () => {
  const server = await startConvene();
  try {
    const ann = await facilitatorWithSession(server, 'Workshop');
    await addSlide(ann, 'First', 'one');
    await addSlide(ann, 'Second', 'two');
    const titles = () => ann.locator('#slides > li strong').allTextContents();
    await eventually(titles, ['Join', 'First', 'Second']);
    await ann.locator('#slides > li', { hasText: 'Second' })
      .getByRole('button', { name: 'Move up' }).click();
    await eventually(titles, ['Join', 'Second', 'First']);
    await ann.locator('#slides > li', { hasText: 'First' })
      .getByRole('button', { name: 'Edit' }).click();
    await ann.fill('#slides .slide-edit input[name=title]', 'First, edited');
    await ann.click('#slides .slide-edit button[type=submit]');
    await eventually(titles, ['Join', 'Second', 'First, edited']);

    // The owner sets an end date by duration; viewers in two zones see their own wall time.
    await ann.fill('#duration', '3');
    await ann.click('#ends-form button[type=submit]');
    await eventually(() => text(ann, '#ends-form .message'), 'Saved.');
    const endsAt = await ann.evaluate(async () => {
      const id = location.pathname.split('/')[2];
      return (await (await fetch(`/api/sessions/${id}`)).json()).ends_at;
    });
    const cookies = await ann.context().cookies();
    for (const timezoneId of ['Europe/Paris', 'America/New_York', 'Asia/Tokyo']) {
      const viewer = await newPerson({ timezoneId });
      await viewer.context().addCookies(cookies);
      await viewer.goto(ann.url());
      await viewer.waitForSelector('#page:not([hidden])');
      const local = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short',
                                                       timeZone: timezoneId })
        .format(new Date(endsAt));
      assert.equal(await text(viewer, '#status'), `Open · until ${local}`, timezoneId);
    }
  } finally {
    await server.stop();
  }
});

test('join messages: too many tries; the keyboard alone is enough', async () => {
  const server = await startConvene();
  try {
    const page = await newPerson();
    await page.goto(server.url);
    // Tab from the top of the page reaches the code field, and Enter submits.
    let focused = '';
    for (let i = 0; i < 6 && focused !== 'code'; ++i) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement.id);
    }
    assert.equal(focused, 'code');
    for (let i = 0; i < 8; ++i) {
      await page.keyboard.press('Control+A');
      await page.keyboard.type(String(100000 + i));
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.getElementById('join-message').textContent);
      if ((await text(page, '#join-message')).startsWith('Too many tries')) break;
    }
    assert.match(await text(page, '#join-message'), /^Too many tries\. Try again in \d+ seconds\.$/);
  } finally {
    await server.stop();
  }
});

test('every page labels its fields, names its buttons, describes its images, reads clearly', async () => {
  const server = await startConvene();
  try {
    const ann = await facilitatorWithSession(server, 'Labels');
    const sessionPath = new URL(ann.url()).pathname;
    for (const path of ['/', '/signin', '/sessions', sessionPath, `${sessionPath}/present`,
                        '/profile']) {
      await ann.goto(`${server.url}${path}`);
      await ann.waitForLoadState('networkidle');
      assert.deepEqual(await accessibilityProblems(ann), [], path);
    }
    await ann.goto(`${server.url}/profile`);
    await ann.fill('#name', 'Ann O.');
    await ann.click('#profile-form button[type=submit]');
    await eventually(() => text(ann, '#profile-form .message'), 'Saved.');
    await ann.fill('#current-password', 'long enough');
    await ann.fill('#new-password', 'even longer now');
    await ann.click('#password-form button[type=submit]');
    await eventually(() => text(ann, '#password-form .message'), 'Saved.');
    await screenshot(ann, 'profile');
    await ann.click('#signout');
    await ann.waitForURL(`${server.url}/signin`);
    await ann.fill('#login-email', 'ann@example.org');
    await ann.fill('#login-password', 'even longer now');
    await ann.click('#login-form button[type=submit]');
    await ann.waitForURL(`${server.url}/sessions`);
  } finally {
    await server.stop();
  }
});

test('the sign-in page offers sign-up only as the server allows it', async () => {
  const closed = await startConvene(['--signup', 'closed']);
  try {
    const page = await newPerson();
    await page.goto(`${closed.url}/signin`);
    await page.locator('#signup-closed').waitFor();
    assert.equal(await page.isHidden('#signup-form'), true);
    assert.equal(await text(page, '#signup-closed'),
                 'Accounts on this server are made by its administrator.');
  } finally {
    await closed.stop();
  }
  const invite = await startConvene(['--signup', 'invite']);
  try {
    const page = await newPerson();
    await page.goto(`${invite.url}/signin#signup`);
    await page.locator('#signup-invite').waitFor();
    await page.fill('#signup-name', 'Stranger');
    await page.fill('#signup-email', 'stranger@example.org');
    await page.fill('#signup-password', 'long enough');
    await page.click('#signup-form button[type=submit]');
    await eventually(() => text(page, '#signup-form .message'),
                     'This server takes new accounts by invitation only: sign up with the ' +
                     'address your invitation was sent to.');
  } finally {
    await invite.stop();
  }
});

test('a join and a live push through Debian\'s nginx with docs/nginx/convene.conf, over TLS', async () => {
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const convene = await startConvene(['--base-url', `https://127.0.0.1:${httpsPort}`,
                                      '--trusted-proxy', '127.0.0.1']);
  let nginx;
  try {
    nginx = await startNginx({ upstreamPort: new URL(convene.url).port, httpsPort, httpPort });
    // Plain http at the proxy is sent to https.
    const plain = await fetch(`${nginx.plainUrl}/signin`, { redirect: 'manual' });
    assert.equal(plain.status, 301);
    assert.equal(plain.headers.get('location'), `${nginx.url}/signin`);

    const site = { url: nginx.url };
    const ann = await newPerson({ ignoreHTTPSErrors: true });
    const page = await ann.goto(`${site.url}/signin`);
    assert.equal(page.headers()['strict-transport-security'], 'max-age=31536000');
    await facilitatorWithSession(site, 'Through the proxy', ann);
    await addSlide(ann, 'First', '');
    await showSlide(ann, 'First');
    const code = await text(ann, '#code');

    const bob = await newPerson({ ignoreHTTPSErrors: true });
    await bob.goto(site.url);
    await bob.fill('#code', code);
    await bob.click('#join-form button[type=submit]');
    await bob.waitForURL(`${site.url}/live`);
    await eventually(() => text(bob, '#slide-title'), 'First');
    await eventually(() => text(ann, '#participants'), '1');

    // The push travels Convene → nginx → the participant's WebSocket.
    await addSlide(ann, 'Second', '');
    await showSlide(ann, 'Second');
    await eventually(() => text(bob, '#slide-title'), 'Second', 2000);
  } finally {
    if (nginx) await nginx.stop();
    await convene.stop();
  }
});
