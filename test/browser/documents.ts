// The printable documents (purchase voucher, tax invoice) in a real browser: signed in as the demo
// owner, each page opened with every request but loopback blocked and every CSP violation collected
// (from the console and from the page's own securitypolicyviolation events), then printed to A4.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { expect, inject } from 'vitest';
import { isolate, launch } from './chromium';

/** What the page itself reports (securitypolicyviolation events), collected from before it loads. */
const COLLECT_VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
`;

/** The seeded demo owner's access token. */
export async function demoOwnerToken(): Promise<string> {
  const login = await fetch(`${inject('workerUrl')}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'owner@demo.tijori.app', password: 'Demo-Owner-2026!' }),
  });
  expect(login.status).toBe(200);
  return ((await login.json()) as { data: { tokens: { access_token: string } } }).data.tokens.access_token;
}

/** Chromium with a context that sends the token and collects the pages' own CSP reports. */
export async function documentBrowser(token: string): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await launch();
  const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  await context.addInitScript(COLLECT_VIOLATIONS);
  return { browser, context };
}

/** ₹ and Indian digit grouping, as the pages print an amount. */
export const rupees = (paise: number) =>
  `₹${new Intl.NumberFormat('en-IN').format(Math.floor(paise / 100))}.${String(paise % 100).padStart(2, '0')}`;

/**
 * Opens a document page of the Worker (`path` under its URL), checks that it rendered from the Worker
 * alone with its inline styles applied and no CSP violation, prints it to A4 and returns its text and
 * the number of printed pages (a screenshot is left in a temporary folder, named in the log).
 */
export async function printDocument(context: BrowserContext, urlPath: string, name: string) {
  const page = await context.newPage();
  const watched = await isolate(page);
  const response = await page.goto(`${inject('workerUrl')}${urlPath}`);
  expect(response?.status()).toBe(200);
  await page.waitForLoadState('networkidle');

  const text = (await page.locator('body').textContent()) ?? '';
  // The inline stylesheet applied (the CSP allows it): the first table is laid out as styled.
  expect(
    await page
      .locator('table')
      .first()
      .evaluate((t) => getComputedStyle(t).borderCollapse),
  ).toBe('collapse');

  // Nothing is wider than the page's A4 body: a table that overflows would print cut off at the edge.
  const overflow = await page.evaluate(() => {
    const right = document.body.getBoundingClientRect().right;
    return Array.from(document.querySelectorAll('table'))
      .map((t) => t.getBoundingClientRect().right - right)
      .filter((d) => d > 0.5);
  });
  expect(overflow).toEqual([]);

  const shot = path.join(mkdtempSync(path.join(tmpdir(), `tijori-${name}-`)), `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  const pdf = await page.pdf({ format: 'A4', printBackground: true, path: shot.replace(/\.png$/, '.pdf') });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
  console.log(`${name}: ${pdf.length} bytes of PDF, ${pages} A4 page(s); screenshot ${shot}, PDF beside it`);

  expect(watched.blocked).toEqual([]);
  expect(watched.cspViolations).toEqual([]);
  expect(watched.pageErrors).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  await page.close();
  return { text, pages };
}
