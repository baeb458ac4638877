// A storefront on its own origin shows a product photo straight from the API, with every other
// request of the page refused: the image's Cross-Origin-Resource-Policy lets Chromium embed it
// across origins (the API's same-origin default would block it), and it decodes.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bytesOf, IMAGES } from '../support/image-fixtures';
import { launch } from './chromium';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

type Json = Record<string, any>;

async function api(route: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
  const res = await fetch(`${inject('workerUrl')}/api/v1${route}`, { ...init, headers });
  const body = (await res.json()) as Json;
  expect(res.status, `${route}: ${JSON.stringify(body)}`).toBeLessThan(300);
  return body.data;
}

const json = (value: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(value),
});

/** The storefront page (written into a page of the listed origin): lists the shop's products from the API and shows each cover photo. */
const storefrontHtml = (apiOrigin: string, slug: string) => `<!doctype html>
<title>storefront</title>
<ul id="products"></ul>
<script>
  (async () => {
    const res = await fetch(${JSON.stringify(`${apiOrigin}/api/v1/storefront/${slug}/products`)});
    const { data } = await res.json();
    for (const product of data) {
      const li = document.createElement('li');
      li.textContent = product.name;
      if (product.images.length) {
        const img = document.createElement('img');
        img.src = product.images[0].url;
        img.alt = product.name;
        li.append(img);
      }
      document.getElementById('products').append(li);
    }
    document.body.dataset.ready = 'true';
  })();
</script>`;

describe('a storefront page', () => {
  it('shows a product photo loaded from the API with the rest of the network shut', async () => {
    const slug = `photos-${Date.now().toString(36)}`;
    const session = await api(
      '/auth/register',
      json({
        shop: { name: 'Photo Jewellers', slug },
        name: 'Owner',
        email: `owner@${slug}.example`,
        password: 'Photo-Owner-2026!',
      }),
    );
    const token = session.tokens.access_token;
    const product = await api('/products', {
      ...json({
        sku: 'PHOTO-1',
        name: 'Jhumka',
        category: 'earring',
        metal: 'gold',
        purity: 916,
        gross_weight_mg: 6000,
        net_weight_mg: 5800,
        base_price: 3_000_000,
        stock: 1,
      }),
      token,
    });
    const image = await api(`/products/${product.id}/images`, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
      body: bytesOf(IMAGES.png),
      token,
    });

    const page = await browser.newPage();
    const apiOrigin = new URL(inject('workerUrl')).origin;
    // The page's own origin is a real loopback server (global-setup): Chromium lets only a page from
    // a local address reach a loopback API (Local Network Access), as a shop's dev machine would.
    const pageUrl = `${inject('allowedOrigin')}/`;
    const blocked: string[] = [];
    const fromApi: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === pageUrl) return route.continue();
      if (new URL(url).origin === apiOrigin) {
        fromApi.push(url);
        return route.continue();
      }
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('console', (m) => failed.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => failed.push(`page error: ${e.message}`));

    await page.goto(pageUrl);
    await page.setContent(storefrontHtml(apiOrigin, slug));
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 15_000 }).catch(() => {
      throw new Error(`the page did not finish: ${JSON.stringify({ failed, blocked, fromApi })}`);
    });
    const img = page.locator('img[alt="Jhumka"]');
    await img.waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('img');
      return el?.complete === true;
    });
    const size = await img.evaluate((el: HTMLImageElement) => ({ w: el.naturalWidth, h: el.naturalHeight }));

    expect(size).toEqual({ w: IMAGES.png.width, h: IMAGES.png.height });
    expect(fromApi).toContain(image.url);
    expect(blocked).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });
});
