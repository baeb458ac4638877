// The API reference renders in a real browser from the Worker alone: no other host is reached
// and its Content Security Policy is never violated.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isolate, launch } from './chromium';

/**
 * A public-looking name the browser resolves to the local Worker: Swagger UI behaves differently
 * off localhost (e.g. it would show a badge fetched from validator.swagger.io).
 */
const PUBLIC_HOST = 'api.tijori.test';

let browser: Browser;
beforeAll(async () => {
  browser = await launch([`--host-resolver-rules=MAP ${PUBLIC_HOST} 127.0.0.1`]);
});
afterAll(async () => {
  await browser?.close();
});

describe.each([
  ['on loopback', () => inject('workerUrl')],
  ['under a public host name', () => inject('workerUrl').replace('127.0.0.1', PUBLIC_HOST)],
])('/docs %s', (where, base) => {
  it('renders every operation with the network shut off and no CSP violation', async () => {
    const page = await browser.newPage();
    const watched = await isolate(page, [PUBLIC_HOST]);
    const response = await page.goto(`${base()}/docs`);
    expect(response?.status()).toBe(200);

    // Swagger UI has fetched /openapi.json and drawn the operations, grouped by tag.
    await page.getByText('/api/v1/auth/login', { exact: true }).first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.opblock-tag', { hasText: 'Auth' }).count()).resolves.toBeGreaterThan(0);
    const operations = await page.locator('.opblock').count();
    expect(operations).toBeGreaterThan(20);

    // Expanding an operation renders its request body schema and the "Try it out" button.
    await page.locator('.opblock-summary', { hasText: '/api/v1/auth/login' }).first().click();
    await page.getByText('Try it out').first().waitFor();
    // Let late work (badges, images, lazy models) happen before judging.
    await page.waitForLoadState('networkidle');

    const shot = path.join(mkdtempSync(path.join(tmpdir(), 'tijori-docs-')), 'docs.png');
    await page.screenshot({ path: shot });
    console.log(`docs ${where}: ${operations} operations; screenshot ${shot}`);

    expect(watched.blocked).toEqual([]);
    expect(watched.cspViolations).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    await page.close();
  });
});

it('the CSP watcher is not blind: an inline script on /docs is refused and reported', async () => {
  const page = await browser.newPage();
  const watched = await isolate(page);
  await page.goto(`${inject('workerUrl')}/docs`);
  await page.addScriptTag({ content: 'window.inlineRan = true;' }).catch(() => undefined);
  await expect.poll(() => watched.cspViolations.length).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan)).toBeUndefined();
  await page.close();
});
