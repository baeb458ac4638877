// The printable purchase voucher in a real browser: the seeded demo voucher renders from the Worker
// alone (every other request blocked), without one CSP violation, with its inline styles applied,
// and prints on one A4 page that holds its number and total.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isolate } from './chromium';
import { demoOwnerToken, documentBrowser, printDocument, rupees } from './documents';

let browser: Browser;
let context: BrowserContext;
let voucher: { id: string; voucher_number: string; total: number };

beforeAll(async () => {
  const token = await demoOwnerToken();
  const list = await fetch(`${inject('workerUrl')}/api/v1/old-gold/purchases`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const vouchers = ((await list.json()) as { data: (typeof voucher)[] }).data;
  expect(vouchers.length).toBeGreaterThan(0);
  voucher = vouchers[0]!;
  ({ browser, context } = await documentBrowser(token));
});
afterAll(async () => {
  await browser?.close();
});

describe('the purchase voucher page', () => {
  it('renders offline under its CSP and prints on one A4 page with the number and total', async () => {
    const { text, pages } = await printDocument(
      context,
      `/api/v1/old-gold/purchases/${voucher.id}/voucher.html`,
      'voucher',
    );
    expect(text).toContain(voucher.voucher_number);
    expect(text).toContain(rupees(voucher.total));
    expect(text).toMatch(/Rupees .+ Only/);
    expect(pages).toBe(1);
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
