// The test bench: the example backend in this process (manual clock, every feature on), Debian's
// chromium driven by playwright-core, and one browser context per stand-in user.

import { mkdir } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createLogger } from '../../node/log.js';
import { createServer } from '../../node/server.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../test-results/', import.meta.url));

// The machine's network is closed: without these, chromium keeps trying to reach Google's
// services in the background. Playwright itself adds --headless, --no-sandbox and a fresh
// --user-data-dir per launch.
const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Playwright's auto-waiting gives up after this; generous, for a machine shared by many builds.
const TIMEOUT_MS = 30_000;

const BROWSER_STATUS_ERROR = /^Failed to load resource: the server responded with a status of (\d+)/;

// A simulated clock on a whole second: call times travel as whole-second RFC 3339, so the live
// meter then agrees with the bill to the second.
const START_MS = Math.floor(Date.now() / 1000) * 1000;

/** Starts the backend and the browser. `close()` stops both. */
export async function startBench() {
  // The backend's JSON log lines are not part of the test report.
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const { server } = createServer({
    logger: createLogger(quiet),
    config: {
      store: 'memory:',
      agora: { appId: '970CA35de60c44645bbae8a215061b33', appCertificate: '5CFd2fd1755d40ecb72977518be15d3b' },
      shareKeys: { activeKeyId: 1, keys: [{ id: 1, secret: 'web-example-test-share-key-0123456789' }] },
      flags: { calls: true, fan_share_card: true },
      clock: { manualStartMs: START_MS },
    },
    dev: true,
    // The host's invitation sweeper, on a short real-time period: expiries on the simulated
    // clock then reach the pages within a fraction of a second.
    sweepIntervalMs: 200,
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  await mkdir(SCREENSHOTS, { recursive: true });
  const contexts = [];

  /**
   * A call to the backend, as the stand-in user `as` (`'fan_ada:fan'`) or anonymously: the
   * public API and the dev routes (simulated clock, tokens, flags, seeding) for a test's setup.
   */
  async function api(method, path, body, as) {
    const headers = { 'content-type': 'application/json' };
    // The dev stand-in's headers (the bench runs the backend with dev: true).
    if (as) [headers['x-user-id'], headers['x-user-role']] = as.split(':');
    const response = await fetch(`${baseURL}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(data)}`);
    return data;
  }

  /**
   * A signed-in stand-in user in a browser context of their own (no `id`: a visitor who is not
   * signed in). Every console error and
   * uncaught exception is recorded; the only ones a test may leave behind are the HTTP error
   * statuses it provoked on purpose and declared with `expectHttpError`.
   */
  async function user(id, role) {
    const context = await browser.newContext({ baseURL, viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(TIMEOUT_MS);
    contexts.push(context);
    const problems = [];
    const expected = [];
    context.on('page', (page) => {
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const status = BROWSER_STATUS_ERROR.exec(message.text());
        const path = new URL(message.location().url || baseURL).pathname;
        const allowed = status && expected.findIndex((e) => e.status === Number(status[1]) && e.path.test(path));
        if (status && allowed >= 0) expected.splice(allowed, 1);
        else problems.push(`${message.text()} (${path})`);
      });
    });
    const page = await context.newPage();
    if (id) await page.goto(`/?as=${encodeURIComponent(id)}&role=${role}`);
    return {
      page,
      /** Declares one HTTP error the next steps provoke on purpose (the page must show it). */
      expectHttpError(status, path) {
        expected.push({ status, path });
      },
      /** Console errors and exceptions so far, and expected HTTP errors that never came. */
      problems() {
        return [...problems, ...expected.map((e) => `expected HTTP ${e.status} on ${e.path} never happened`)];
      },
      async screenshot(name) {
        await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
      },
    };
  }

  return {
    baseURL,
    api,
    user,
    async close() {
      for (const context of contexts) await context.close();
      await browser.close();
      // Event streams stay open by design; end them so the server can stop.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
