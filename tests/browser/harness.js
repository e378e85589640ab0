// What each browser test starts: its own Convene (the real binary on a fresh database), when
// needed a real SMTP server process, and Debian's headless Chromium.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { chromium } from 'playwright-core';

const BINARY = process.env.CONVENE_BINARY;
const SMTP_SINK = process.env.CONVENE_SMTP_SINK;
const SCREENSHOTS = process.env.SCREENSHOT_DIR;
if (!BINARY || !SMTP_SINK) {
  throw new Error('set CONVENE_BINARY and CONVENE_SMTP_SINK (ctest does)');
}

/// Starts `program args…` and resolves once a line of its output matches `ready`.
function startProcess(program, args, ready, what) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start:\n${output}`));
    }, 15000);
    const onData = (data) => {
      output += data;
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}`));
    });
  });
}

function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/// A real SMTP server (tests/support/smtp_sink.py on Debian's python3-aiosmtpd).
export async function startSmtpSink() {
  const dir = mkdtempSync(join(tmpdir(), 'convene-smtp-'));
  const { child, match } = await startProcess(
    '/usr/bin/python3', [SMTP_SINK, '--dir', dir], /listening on (\d+)/, 'the SMTP sink');
  return {
    url: `smtp://127.0.0.1:${match[1]}`,
    messages() {
      return readdirSync(dir).filter((name) => name.endsWith('.json')).sort()
        .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')));
    },
    async waitForMessages(count, timeout = 15000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const messages = this.messages();
        if (messages.length >= count || Date.now() > deadline) return messages;
        await new Promise((resolve) => setTimeout(resolve, 50));  // polling interval
      }
    },
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// The real binary on 127.0.0.1 (a free port) with a fresh database. `restart()` stops it
/// (SIGTERM) and starts it again on the same port and database.
export async function startConvene(flags = []) {
  const dir = mkdtempSync(join(tmpdir(), 'convene-browser-'));
  const run = (port) => startProcess(
    BINARY,
    ['serve', '--listen', `127.0.0.1:${port}`, '--db', join(dir, 'convene.db'),
     '--log-level', 'info', ...flags],
    /listening on 127\.0\.0\.1:(\d+)/, 'convene');
  let { child, match } = await run(0);
  const port = match[1];
  return {
    url: `http://127.0.0.1:${port}`,
    async restart() {
      await stopProcess(child);
      ({ child } = await run(port));
    },
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let browser;

/// For a test file: one headless Chromium for all its tests (Debian's), and after each test
/// every person's context closed and a check that no page threw an error nobody handled.
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
             '--disable-background-networking', '--disable-component-update', '--disable-sync',
             '--no-first-run'],
    });
  });
  after(async () => { await browser.close(); });
  afterEach(async () => {
    const errors = takePageErrors();
    await closePeople();
    assert.deepEqual(errors, []);
  });
}

/// A new browser context (its own cookies and storage: another person), English unless told.
export async function newPerson(options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.on('dialog', (dialog) => dialog.accept());  // "are you sure?" confirmations
  page.on('pageerror', (error) => {
    pageErrors.push(`${page.url()}: ${error.message ?? JSON.stringify(error)}`);
  });
  return page;
}

const contexts = [];
/// Closes every person's browser context (at the end of a test: its server is gone).
async function closePeople() {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
}

/// Uncaught errors of every page since the last call (a test ends by checking there are none).
const pageErrors = [];
function takePageErrors() {
  return pageErrors.splice(0);
}

/// Keeps a screenshot under the test output for a reviewer.
export async function screenshot(page, name) {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/// Decodes the QR code in a PNG image with zbarimg (zbar-tools).
export function decodeQr(png) {
  const dir = mkdtempSync(join(tmpdir(), 'convene-qr-'));
  try {
    const file = join(dir, 'qr.png');
    writeFileSync(file, png);
    return execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/// Waits until `read()` returns `expected` (compared as JSON), for at most `timeout` ms.
export async function eventually(read, expected, timeout = 5000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return last;
    if (Date.now() > deadline) {
      throw new Error(`expected ${JSON.stringify(expected)}, still ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));  // polling interval
  }
}

/// What keeps the page in front of `page` from being usable by everyone: fields without a
/// label, buttons and links without a name, images without a description, and visible text
/// below WCAG AA contrast (4.5:1, 3:1 for large text). An empty list when there is nothing.
export function accessibilityProblems(page) {
  return page.evaluate(() => {
    const found = [];
    const visible = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
    for (const field of document.querySelectorAll('input, textarea, select')) {
      if (field.type === 'hidden' || field.hidden || !visible(field)) continue;
      const labelled = field.labels?.length || field.getAttribute('aria-label');
      if (!labelled) found.push(`unlabelled ${field.outerHTML.slice(0, 120)}`);
    }
    for (const button of document.querySelectorAll('button, a[href], summary')) {
      if (!visible(button)) continue;
      if (!(button.textContent.trim() || button.getAttribute('aria-label'))) {
        found.push(`unnamed ${button.outerHTML}`);
      }
    }
    for (const image of document.querySelectorAll('img')) {
      if (visible(image) && !image.alt) found.push(`no alt ${image.outerHTML}`);
    }
    const rgb = (color) => color.match(/[\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => {
      const channel = (c) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const background = (element) => {
      for (let e = element; e; e = e.parentElement) {
        const color = rgb(getComputedStyle(e).backgroundColor);
        if (color.length < 4 || color[3] > 0) return color.slice(0, 3);
      }
      return [255, 255, 255];
    };
    for (const element of document.querySelectorAll('body *')) {
      const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !visible(element)) continue;
      const style = getComputedStyle(element);
      const [a, b] = [luminance(rgb(style.color).slice(0, 3)), luminance(background(element))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        found.push(`contrast ${ratio.toFixed(2)} for "${element.textContent.trim().slice(0, 30)}"`);
      }
    }
    return found;
  });
}
