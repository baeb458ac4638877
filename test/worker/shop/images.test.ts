// Product photos against the real R2 bucket and D1: what is accepted (by its bytes), what is
// refused with nothing stored, the public bytes with their caching and tenancy, roles.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { ProductImageSchema } from '../../../src/shop/images/schemas';
import { ProductSchema } from '../../../src/shop/products/schemas';
import { StorefrontProductSchema } from '../../../src/shop/storefront/schemas';
import { bytesOf, IMAGES, type ImageFixture } from '../../support/image-fixtures';
import { newShop, newStaff, randomIp, type Session } from '../fixtures';
import { call, callJson, callTyped, type Json } from '../helpers';
import { addProduct } from './catalog-fixtures';

const uploadOptions = (s: Session, body: BodyInit, contentType: string) => ({
  method: 'PUT',
  token: s.access,
  headers: { 'Content-Type': contentType },
  body,
});

/** PUT an image; for refusals. */
const upload = (s: Session, productId: string, body: BodyInit, contentType = 'image/jpeg') =>
  callJson(`/api/v1/products/${productId}/images`, uploadOptions(s, body, contentType));

/** An upload that must be stored (or found already stored), typed by the route's schema. */
const uploaded = (s: Session, productId: string, body: BodyInit, contentType = 'image/jpeg') =>
  callTyped(dataOf(ProductImageSchema), `/api/v1/products/${productId}/images`, uploadOptions(s, body, contentType));

const visit = (path: string, headers: Record<string, string> = {}) =>
  call(path, { headers: { 'CF-Connecting-IP': randomIp(), ...headers } });

/** What the shop holds: its image rows in D1 and its objects in R2. */
async function stored(s: Session) {
  const { results } = await env.DB.prepare('SELECT id, sha256 FROM product_images WHERE shop_id = ?')
    .bind(s.shop.id)
    .all();
  const { objects } = await env.IMAGES.list({ prefix: `shops/${s.shop.id}/` });
  return { rows: results.length, objects: objects.length };
}

const catalogVersion = async (s: Session) =>
  (await env.DB.prepare('SELECT catalog_version AS v FROM shops WHERE id = ?').bind(s.shop.id).first<{ v: number }>())!
    .v;

const SIX_MIB = 6 * 1024 * 1024;

describe('product images', () => {
  it.each(Object.values(IMAGES))('stores a $name with the size read from its bytes', async (fixture: ImageFixture) => {
    const owner = await newShop();
    const product = await addProduct(owner);
    const bytes = bytesOf(fixture);
    // The header is not believed: every fixture goes up labelled as something else.
    const { res, body } = await uploaded(owner, product.id, bytes, 'application/octet-stream');
    expect(res.status).toBe(201);
    expect(body.data).toMatchObject({ id: expect.any(String), width: fixture.width, height: fixture.height });
    expect(body.data.url).toBe(`https://tijori.test/api/v1/storefront/${owner.shop.slug}/images/${body.data.id}`);

    const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    const object = await env.IMAGES.get(`shops/${owner.shop.id}/${sha}`);
    expect(object?.httpMetadata?.contentType).toBe(fixture.type);
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytes);

    const served = await visit(new URL(body.data.url).pathname);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe(fixture.type);
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(served.headers.get('etag')).toBe(`"${sha}"`);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    const again = await visit(new URL(body.data.url).pathname, { 'If-None-Match': `"${sha}"` });
    expect(again.status).toBe(304);
  });

  const REFUSED: [string, () => Uint8Array, string, number, string][] = [
    [
      'a PDF named .jpg and sent as image/jpeg',
      () => new TextEncoder().encode('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n'),
      'image/jpeg',
      415,
      'UNSUPPORTED_IMAGE',
    ],
    [
      'an SVG',
      () =>
        new TextEncoder().encode(
          '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><script>alert(1)</script></svg>',
        ),
      'image/svg+xml',
      415,
      'UNSUPPORTED_IMAGE',
    ],
    ['an empty body', () => new Uint8Array(0), 'image/png', 415, 'UNSUPPORTED_IMAGE'],
    ['a PNG cut off before its size', () => bytesOf(IMAGES.png).slice(0, 20), 'image/png', 415, 'UNSUPPORTED_IMAGE'],
    [
      'a 6 MiB file that starts as a real PNG',
      () => {
        const big = new Uint8Array(SIX_MIB);
        big.set(bytesOf(IMAGES.png));
        return big;
      },
      'image/png',
      413,
      'IMAGE_TOO_LARGE',
    ],
  ];

  it.each(REFUSED)('refuses %s and stores nothing', async (_name, make, type, status, code) => {
    const owner = await newShop();
    const product = await addProduct(owner);
    const version = await catalogVersion(owner);
    const { res, body } = await upload(owner, product.id, make(), type);
    expect(res.status).toBe(status);
    expect(body.error.code).toBe(code);
    expect(await stored(owner)).toEqual({ rows: 0, objects: 0 });
    expect(await catalogVersion(owner)).toBe(version);
  });

  it('refuses a streamed body once it passes 5 MiB, whatever its declared length', async () => {
    const owner = await newShop();
    const product = await addProduct(owner);
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await call(`/api/v1/products/${product.id}/images`, {
      method: 'PUT',
      token: owner.access,
      body,
      // @ts-expect-error workerd needs to be told a stream body is half-duplex
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as Json).error.code).toBe('IMAGE_TOO_LARGE');
    expect(await stored(owner)).toEqual({ rows: 0, objects: 0 });
  });

  it('lists images on the product and the storefront, bumping the catalog version', async () => {
    const owner = await newShop();
    const product = await addProduct(owner, { stock: 1 });
    const before = await catalogVersion(owner);
    const first = await uploaded(owner, product.id, bytesOf(IMAGES.jpeg));
    const second = await uploaded(owner, product.id, bytesOf(IMAGES.png));
    expect(await catalogVersion(owner)).toBe(before + 2);
    const images = [first.body.data, second.body.data];

    const one = await callTyped(dataOf(ProductSchema), `/api/v1/products/${product.id}`, { token: owner.access });
    expect(one.body.data.images).toEqual(images);
    const list = await callTyped(pageOf(ProductSchema), '/api/v1/products', { token: owner.access });
    expect(list.body.data.find((p) => p.id === product.id)?.images).toEqual(images);

    const visitor = { headers: { 'CF-Connecting-IP': randomIp() } };
    const page = (
      await callTyped(pageOf(StorefrontProductSchema), `/api/v1/storefront/${owner.shop.slug}/products`, visitor)
    ).body;
    expect(page.data[0]?.images).toEqual(images);
    const shown = (
      await callTyped(
        dataOf(StorefrontProductSchema),
        `/api/v1/storefront/${owner.shop.slug}/products/${product.id}`,
        visitor,
      )
    ).body;
    expect(shown.data.images).toEqual(images);

    // The same bytes again: the same image, nothing new stored, no new catalog version.
    const repeat = await uploaded(owner, product.id, bytesOf(IMAGES.jpeg));
    expect(repeat.res.status).toBe(200);
    expect(repeat.body.data).toEqual(first.body.data);
    expect(await stored(owner)).toEqual({ rows: 2, objects: 2 });
    expect(await catalogVersion(owner)).toBe(before + 2);
  });

  it('deletes an image; its bytes go when no other product of the shop shows them', async () => {
    const owner = await newShop();
    const a = await addProduct(owner);
    const b = await addProduct(owner);
    const onA = (await uploaded(owner, a.id, bytesOf(IMAGES.png))).body.data;
    const onB = (await uploaded(owner, b.id, bytesOf(IMAGES.png))).body.data;
    expect(await stored(owner)).toEqual({ rows: 2, objects: 1 });

    const version = await catalogVersion(owner);
    const del = await call(`/api/v1/products/${a.id}/images/${onA.id}`, { method: 'DELETE', token: owner.access });
    expect(del.status).toBe(204);
    expect(await catalogVersion(owner)).toBe(version + 1);
    expect(await stored(owner)).toEqual({ rows: 1, objects: 1 });
    expect((await visit(new URL(onA.url).pathname)).status).toBe(404);
    expect((await visit(new URL(onB.url).pathname)).status).toBe(200);

    // Under the wrong product it is not there; under its own, it goes with its bytes.
    expect(
      (await call(`/api/v1/products/${a.id}/images/${onB.id}`, { method: 'DELETE', token: owner.access })).status,
    ).toBe(404);
    await call(`/api/v1/products/${b.id}/images/${onB.id}`, { method: 'DELETE', token: owner.access });
    expect(await stored(owner)).toEqual({ rows: 0, objects: 0 });
    const audit = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE shop_id = ? AND action LIKE 'product.image_%' ORDER BY created_at",
    )
      .bind(owner.shop.id)
      .all<{ action: string }>();
    expect(audit.results.map((r) => r.action).sort()).toEqual([
      'product.image_added',
      'product.image_added',
      'product.image_deleted',
      'product.image_deleted',
    ]);
  });

  it('keeps shops apart: another shop’s image is 404 on the storefront and to its staff', async () => {
    const mine = await newShop();
    const theirs = await newShop();
    const product = await addProduct(mine);
    const image = (await uploaded(mine, product.id, bytesOf(IMAGES.webpLossy))).body.data;

    expect((await visit(`/api/v1/storefront/${theirs.shop.slug}/images/${image.id}`)).status).toBe(404);
    expect((await visit(`/api/v1/storefront/no-such-shop/images/${image.id}`)).status).toBe(404);
    const put = await upload(theirs, product.id, bytesOf(IMAGES.png));
    expect(put.res.status).toBe(404);
    const del = await call(`/api/v1/products/${product.id}/images/${image.id}`, {
      method: 'DELETE',
      token: theirs.access,
    });
    expect(del.status).toBe(404);
    expect(await stored(theirs)).toEqual({ rows: 0, objects: 0 });
    expect((await visit(new URL(image.url).pathname)).status).toBe(200);
  });

  it('hides the images of a retired product from the public', async () => {
    const owner = await newShop();
    const product = await addProduct(owner);
    const image = (await uploaded(owner, product.id, bytesOf(IMAGES.png))).body.data;
    await call(`/api/v1/products/${product.id}`, { method: 'DELETE', token: owner.access });
    expect((await visit(new URL(image.url).pathname)).status).toBe(404);
  });

  it('lets managers and owners add and remove images, not cashiers', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const cashier = await newStaff(owner, 'cashier');
    const product = await addProduct(owner);

    const refused = await upload(cashier, product.id, bytesOf(IMAGES.png));
    expect(refused.res.status).toBe(403);
    const added = await uploaded(manager, product.id, bytesOf(IMAGES.png));
    expect(added.res.status).toBe(201);
    const path = `/api/v1/products/${product.id}/images/${added.body.data.id}`;
    expect((await call(path, { method: 'DELETE', token: cashier.access })).status).toBe(403);
    expect(await stored(owner)).toEqual({ rows: 1, objects: 1 });
    expect((await call(path, { method: 'DELETE', token: manager.access })).status).toBe(204);
  });

  it('allows PUT from a listed origin (CORS preflight)', async () => {
    const res = await call('/api/v1/products/x/images', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type, authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
  });
});
