// The printable purchase voucher in a real browser: the seeded demo voucher renders from the Worker
// alone (every other request blocked), without one CSP violation, with its inline styles applied,
// and prints on one A4 page that holds its number and total.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isolate, launch } from './chromium';

let browser: Browser;
let context: BrowserContext;
let voucher: { id: string; voucher_number: string; total: number };

/** What the page itself reports (securitypolicyviolation events), collected from before it loads. */
const COLLECT_VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
  });
`;

beforeAll(async () => {
  const base = inject('workerUrl');
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'owner@demo.tijori.app', password: 'Demo-Owner-2026!' }),
  });
  expect(login.status).toBe(200);
  const token = ((await login.json()) as { data: { tokens: { access_token: string } } }).data.tokens.access_token;
  const list = await fetch(`${base}/api/v1/old-gold/purchases`, { headers: { Authorization: `Bearer ${token}` } });
  const vouchers = ((await list.json()) as { data: (typeof voucher)[] }).data;
  expect(vouchers.length).toBeGreaterThan(0);
  voucher = vouchers[0]!;
  browser = await launch();
  context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
  await context.addInitScript(COLLECT_VIOLATIONS);
});
afterAll(async () => {
  await browser?.close();
});

/** ₹ and Indian digit grouping, as the page prints an amount. */
const rupees = (paise: number) =>
  `₹${new Intl.NumberFormat('en-IN').format(Math.floor(paise / 100))}.${String(paise % 100).padStart(2, '0')}`;

describe('the purchase voucher page', () => {
  it('renders offline under its CSP and prints on one A4 page with the number and total', async () => {
    const page = await context.newPage();
    const watched = await isolate(page);
    const response = await page.goto(`${inject('workerUrl')}/api/v1/old-gold/purchases/${voucher.id}/voucher.html`);
    expect(response?.status()).toBe(200);
    await page.waitForLoadState('networkidle');

    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain(voucher.voucher_number);
    expect(text).toContain(rupees(voucher.total));
    expect(text).toMatch(/Rupees .+ Only/);
    // The inline stylesheet applied (the CSP allows it): the lines table is laid out as styled.
    expect(
      await page
        .locator('table')
        .first()
        .evaluate((t) => getComputedStyle(t).borderCollapse),
    ).toBe('collapse');

    const shot = path.join(mkdtempSync(path.join(tmpdir(), 'tijori-voucher-')), 'voucher.png');
    await page.screenshot({ path: shot, fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
    expect(pages).toHaveLength(1);
    console.log(
      `voucher ${voucher.voucher_number}: ${pdf.length} bytes of PDF, ${pages.length} A4 page; screenshot ${shot}`,
    );

    expect(watched.blocked).toEqual([]);
    expect(watched.cspViolations).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    await page.close();
  });

  it('the violation watchers are not blind: a script on the page is refused and reported', async () => {
    const page = await context.newPage();
    const watched = await isolate(page);
    await page.goto(`${inject('workerUrl')}/api/v1/old-gold/purchases/${voucher.id}/voucher.html`);
    await page.addScriptTag({ content: 'window.inlineRan = true;' }).catch(() => undefined);
    await expect.poll(() => watched.cspViolations.length).toBeGreaterThan(0);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.length))
      .toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
    await page.close();
  });
});
