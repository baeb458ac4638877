// CORS as a browser enforces it: a page on a listed origin can call the API and read its exposed
// headers; a page on any other origin cannot, for simple and preflighted requests alike.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isolate, launch } from './chromium';

/** The seeded demo owner (scripts/seed.ts). */
const OWNER = { email: 'owner@demo.tijori.app', password: 'Demo-Owner-2026!' };

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function pageOn(origin: string): Promise<Page> {
  const page = await browser.newPage();
  await isolate(page);
  await page.goto(`${origin}/`);
  return page;
}

interface Outcome {
  ok: boolean;
  status?: number;
  requestId?: string | null;
  body?: any;
  error?: string;
}

/** Runs fetch() inside the page, so the browser's CORS rules apply. */
const fetchFrom = (page: Page, url: string, init?: RequestInit): Promise<Outcome> =>
  page.evaluate(
    async ({ url, init }) => {
      try {
        const res = await fetch(url, init);
        return { ok: true, status: res.status, requestId: res.headers.get('X-Request-Id'), body: await res.json() };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.name : String(err) };
      }
    },
    { url, init },
  );

const loginInit = (): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'browser-cors-test' },
  body: JSON.stringify(OWNER),
});

describe('a page on an origin listed in CORS_ORIGINS', () => {
  it('reads /health and its exposed X-Request-Id', async () => {
    const page = await pageOn(inject('allowedOrigin'));
    const out = await fetchFrom(page, `${inject('workerUrl')}/health`);
    expect(out).toMatchObject({ ok: true, status: 200, body: { success: true, data: { status: 'ok' } } });
    expect(out.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await page.close();
  });

  it('gets a JSON POST with custom headers through the preflight and signs in the demo owner', async () => {
    const page = await pageOn(inject('allowedOrigin'));
    const out = await fetchFrom(page, `${inject('workerUrl')}/api/v1/auth/login`, loginInit());
    expect(out.ok, out.error).toBe(true);
    expect(out.status, JSON.stringify(out.body)).toBe(200);
    expect(out.requestId).toBe('browser-cors-test');
    expect(out.body.data).toMatchObject({ user: { email: OWNER.email, role: 'owner' }, shop: { slug: 'demo' } });
    expect(out.body.data.tokens.access_token).toEqual(expect.any(String));
    await page.close();
  });
});

describe('a page on an origin that is not listed', () => {
  it('cannot read /health: the fetch rejects with a TypeError', async () => {
    const page = await pageOn(inject('otherOrigin'));
    const out = await fetchFrom(page, `${inject('workerUrl')}/health`);
    expect(out).toEqual({ ok: false, error: 'TypeError' });
    await page.close();
  });

  it('is stopped at the preflight of a JSON POST', async () => {
    const page = await pageOn(inject('otherOrigin'));
    const out = await fetchFrom(page, `${inject('workerUrl')}/api/v1/auth/login`, loginInit());
    expect(out).toEqual({ ok: false, error: 'TypeError' });
    await page.close();
  });
});
