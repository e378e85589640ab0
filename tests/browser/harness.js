// What each browser test starts: its own Convene (the real binary on a fresh database), when
// needed a real SMTP server process, and Debian's headless Chromium.
import { spawn, execFileSync } from 'node:child_process';
import {
  chmodSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/// A free TCP port on loopback (for a server that cannot be told to take port 0).
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/// Resolves once something accepts connections on 127.0.0.1:`port`, or rejects after 10 s.
async function waitForPort(port, what, output) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not start:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));  // polling interval
  }
}

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/// Debian's nginx running docs/nginx/convene.conf as an admin would install it, with only the
/// addresses, ports and certificate changed for this machine: `upstreamPort` is Convene's;
/// nginx takes `httpsPort` (TLS, the test certificate for 127.0.0.1) and `httpPort`.
export async function startNginx({ upstreamPort, httpsPort, httpPort }) {
  const dir = mkdtempSync(join(tmpdir(), 'convene-nginx-'));
  chmodSync(dir, 0o755);  // nginx's workers run as nobody
  let site = readFileSync(join(SOURCE, 'docs', 'nginx', 'convene.conf'), 'utf8');
  const certificate = join(SOURCE, 'tests', 'support', 'smtp_tls');
  const replace = (from, to) => {
    assert.ok(site.includes(from), `docs/nginx/convene.conf no longer has: ${from}`);
    site = site.replaceAll(from, to);
  };
  replace('server 127.0.0.1:8080;', `server 127.0.0.1:${upstreamPort};`);
  replace('listen 80;', `listen 127.0.0.1:${httpPort};`);
  replace('listen [::]:80;', '');
  replace('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  replace('listen [::]:443 ssl http2;', '');
  replace('server_name convene.example.org;', 'server_name 127.0.0.1;');
  replace('https://$host$request_uri', `https://$host:${httpsPort}$request_uri`);
  replace('/etc/letsencrypt/live/convene.example.org/fullchain.pem', `${certificate}.crt`);
  replace('/etc/letsencrypt/live/convene.example.org/privkey.pem', `${certificate}.key`);
  writeFileSync(join(dir, 'convene.conf'), site);
  const temp = (name) => `${name}_temp_path ${join(dir, name)};`;
  writeFileSync(join(dir, 'nginx.conf'), `
daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
    access_log off;
    ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
    include ${join(dir, 'convene.conf')};
}
`);
  const child = spawn('/usr/sbin/nginx', ['-e', join(dir, 'error.log'), '-p', dir,
                                          '-c', join(dir, 'nginx.conf')],
                      { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data) => { output += data; });
  child.stderr.on('data', (data) => { output += data; });
  const log = () => {
    try {
      return output + readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return output;
    }
  };
  try {
    await waitForPort(httpsPort, 'nginx', log);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `https://127.0.0.1:${httpsPort}`,
    plainUrl: `http://127.0.0.1:${httpPort}`,
    async stop() {
      // nginx ends its workers and exits on SIGQUIT (graceful) or SIGTERM (fast).
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
