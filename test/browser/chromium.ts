// Debian's Chromium (never a downloaded browser) for the browser tests, with the network shut
// off: a page may reach only loopback addresses, and every other request is recorded and aborted.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Playwright gives every launch a fresh temporary profile (user-data-dir) and removes it on close. */
export function launch(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS, ...extraArgs] });
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface Watched {
  /** Requests to anywhere but loopback; each was aborted. */
  blocked: string[];
  /** Console messages that report a Content Security Policy violation. */
  cspViolations: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
}

/**
 * Aborts every request that leaves the machine and records it, CSP reports and page errors.
 * `localHosts` are names the browser was told resolve to loopback (--host-resolver-rules).
 */
export async function isolate(page: Page, localHosts: string[] = []): Promise<Watched> {
  const watched: Watched = { blocked: [], cspViolations: [], pageErrors: [] };
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (
      url.protocol === 'data:' ||
      url.protocol === 'blob:' ||
      LOOPBACK.has(url.hostname) ||
      localHosts.includes(url.hostname)
    )
      return route.continue();
    watched.blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) watched.cspViolations.push(msg.text());
  });
  page.on('pageerror', (err) => watched.pageErrors.push(err.message));
  return watched;
}
