import { env } from 'cloudflare:test';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SHOP_MEMO_MS, storefrontShops } from '../../../src/shop/storefront/shop-memo';
import { newShop, randomIp, type Session } from '../fixtures';
import { call, type Json } from '../helpers';
import { addProduct } from './catalog-fixtures';
import { sell } from './sales-fixtures';

const PUBLIC_FIELDS = [
  'id',
  'sku',
  'name',
  'description',
  'category',
  'metal',
  'purity',
  'gross_weight_mg',
  'net_weight_mg',
  'stone_weight_mg',
  'price',
  'in_stock',
  'images',
].sort();

/** A public visitor: no token, an address of its own (the public limit is per IP). */
const visit = (path: string, headers: Record<string, string> = {}) =>
  call(path, { headers: { 'CF-Connecting-IP': randomIp(), ...headers } });

const list = (s: Session, query = '') => `/api/v1/storefront/${s.shop.slug}/products${query}`;

describe('storefront', () => {
  it('shows active products with public fields only', async () => {
    const owner = await newShop();
    const shown = await addProduct(owner, { name: 'Shown', stock: 2 });
    const soldOut = await addProduct(owner, { name: 'Sold out', stock: 0 });
    const retired = await addProduct(owner, { name: 'Retired' });
    await call(`/api/v1/products/${retired.id}`, { method: 'DELETE', token: owner.access });

    const res = await visit(list(owner, '?sort=name'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Json;
    expect(body.meta).toEqual({ page: 1, limit: 20, total: 2, total_pages: 1 });
    expect(body.data.map((p: Json) => p.id)).toEqual([shown.id, soldOut.id]);
    for (const p of body.data) expect(Object.keys(p).sort()).toEqual(PUBLIC_FIELDS);
    expect(body.data[0]).toMatchObject({ price: shown.base_price, in_stock: true });
    expect(body.data[1].in_stock).toBe(false);
    const text = JSON.stringify(body);
    for (const internal of ['"stock"', 'shop_id', 'making_charge_bp', 'base_price', 'active', 'created_at']) {
      expect(text).not.toContain(internal);
    }

    const one = await visit(`${list(owner)}/${shown.id}`);
    expect(one.status).toBe(200);
    expect(Object.keys(((await one.json()) as Json).data).sort()).toEqual(PUBLIC_FIELDS);
    expect((await visit(`${list(owner)}/${retired.id}`)).status).toBe(404);
  });

  it('takes the catalog’s filters but not include_inactive', async () => {
    const owner = await newShop();
    const ring = await addProduct(owner, { category: 'ring', base_price: 500 });
    await addProduct(owner, { category: 'chain', base_price: 900, stock: 0 });
    const ids = async (q: string) => {
      const res = await visit(list(owner, `?${q}`));
      expect(res.status).toBe(200);
      return ((await res.json()) as Json).data.map((p: Json) => p.id);
    };
    expect(await ids('category=ring')).toEqual([ring.id]);
    expect(await ids('max_price=600')).toEqual([ring.id]);
    expect(await ids('in_stock=true')).toEqual([ring.id]);
    expect(await ids(`q=${encodeURIComponent(ring.name.slice(0, 4))}&in_stock=true`)).toEqual([ring.id]);
    expect((await visit(list(owner, '?include_inactive=true'))).status).toBe(400);
    expect((await visit(list(owner, '?limit=101'))).status).toBe(400);
  });

  it('answers 404 for an unknown shop, another shop’s product and a suspended shop', async () => {
    const a = await newShop();
    const b = await newShop();
    const p = await addProduct(a);
    const unknown = await visit('/api/v1/storefront/no-such-shop-here/products');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).error.code).toBe('NOT_FOUND');
    expect((await visit(`${list(b)}/${p.id}`)).status).toBe(404);

    expect((await visit(list(a))).status).toBe(200);
    // Suspended as the admin CLI does it (straight in D1, not through this isolate): the isolate's
    // memo of the shop serves it for up to SHOP_MEMO_MS, then the suspension shows, cached pages or not.
    const t0 = Date.now();
    storefrontShops.clock = () => t0;
    onTestFinished(() => {
      storefrontShops.clock = Date.now;
    });
    await env.DB.prepare("UPDATE shops SET status = 'suspended' WHERE id = ?").bind(a.shop.id).run();
    storefrontShops.clock = () => t0 + SHOP_MEMO_MS;
    expect((await visit(list(a))).status).toBe(404);
    expect((await visit(`${list(a)}/${p.id}`)).status).toBe(404);
  });

  it('shows a catalog write through the same isolate at once, despite the memo of its shop', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { name: 'Before' });
    expect(((await (await visit(list(owner))).json()) as Json).data[0].name).toBe('Before');
    await call(`/api/v1/products/${p.id}`, { method: 'PATCH', token: owner.access, json: { name: 'After' } });
    expect(((await (await visit(list(owner))).json()) as Json).data[0].name).toBe('After');
  });

  it('memoises a shop for SHOP_MEMO_MS per isolate: a warm hit reads no D1', async () => {
    const owner = await newShop();
    await addProduct(owner);
    const t0 = Date.now();
    storefrontShops.clock = () => t0;
    onTestFinished(() => {
      storefrontShops.clock = Date.now;
    });
    expect((await visit(list(owner))).status).toBe(200);
    // A change straight in D1 (another isolate's write) is not seen before the bound...
    await env.DB.prepare('UPDATE shops SET catalog_version = catalog_version + 1 WHERE id = ?')
      .bind(owner.shop.id)
      .run();
    await env.DB.prepare("UPDATE products SET name = 'Elsewhere' WHERE shop_id = ?").bind(owner.shop.id).run();
    storefrontShops.clock = () => t0 + SHOP_MEMO_MS - 1;
    expect(((await (await visit(list(owner))).json()) as Json).data[0].name).not.toBe('Elsewhere');
    // ...and is at it.
    storefrontShops.clock = () => t0 + SHOP_MEMO_MS;
    expect(((await (await visit(list(owner))).json()) as Json).data[0].name).toBe('Elsewhere');
  });
});

describe('storefront caching', () => {
  it('serves a repeat from the Worker cache with the same strong ETag, and 304 on If-None-Match', async () => {
    const owner = await newShop();
    await addProduct(owner);
    const first = await visit(list(owner, '?page=1&limit=20'));
    expect(first.status).toBe(200);
    const etag = first.headers.get('ETag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get('Cache-Control')).toMatch(/^public, .*s-maxage=\d+/);
    expect(first.headers.get('X-Cache')).toBe('MISS');
    const firstBody = await first.text();

    // Same page, differently spelled query: one cache entry.
    const second = await visit(list(owner, '?limit=20'));
    expect(second.headers.get('X-Cache')).toBe('HIT');
    expect(second.headers.get('ETag')).toBe(etag);
    expect(await second.text()).toBe(firstBody);
    // A hit still goes through the pipeline.
    expect(second.headers.get('X-Request-Id')).toBeTruthy();
    expect(second.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(second.headers.get('Content-Type')).toMatch(/^application\/json/);

    const notModified = await visit(list(owner), { 'If-None-Match': `"other", W/${etag}` });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('ETag')).toBe(etag);
    expect(notModified.headers.get('Cache-Control')).toBe(first.headers.get('Cache-Control'));

    const changed = await visit(list(owner), { 'If-None-Match': '"stale"' });
    expect(changed.status).toBe(200);
  });

  it('a catalog change is served at once: writes bump the version in the cache key', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { base_price: 1000 });
    const item = `${list(owner)}/${p.id}`;
    const before = await visit(item);
    const etag = before.headers.get('ETag')!;
    expect(((await before.json()) as Json).data.price).toBe(1000);
    expect((await visit(item)).headers.get('X-Cache')).toBe('HIT');

    await call(`/api/v1/products/${p.id}`, { method: 'PATCH', token: owner.access, json: { base_price: 2000 } });
    const after = await visit(item, { 'If-None-Match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('X-Cache')).toBe('MISS');
    expect(((await after.json()) as Json).data.price).toBe(2000);

    await call(`/api/v1/products/${p.id}`, { method: 'DELETE', token: owner.access });
    expect((await visit(item)).status).toBe(404);
    expect(((await (await visit(list(owner))).json()) as Json).data).toEqual([]);
  });

  it('a piece sold out leaves the storefront at once, and is back when its sale is voided', async () => {
    const owner = await newShop();
    const [piece, other] = [await addProduct(owner, { stock: 1 }), await addProduct(owner, { stock: 3 })];
    const inStock = async (id: string) => {
      const res = await visit(`${list(owner)}/${id}`);
      return ((await res.json()) as Json).data.in_stock as boolean;
    };
    expect(await inStock(piece.id)).toBe(true);
    expect((await visit(`${list(owner)}/${piece.id}`)).headers.get('X-Cache')).toBe('HIT');

    // A sale that sells nothing out does not empty the cache.
    expect(
      (await sell(owner, { items: [{ product_id: other.id, quantity: 1 }], payment_method: 'cash' })).res.status,
    ).toBe(201);
    expect((await visit(`${list(owner)}/${piece.id}`)).headers.get('X-Cache')).toBe('HIT');

    const sold = await sell(owner, { items: [{ product_id: piece.id, quantity: 1 }], payment_method: 'cash' });
    expect(sold.res.status).toBe(201);
    expect(await inStock(piece.id)).toBe(false);

    const voided = await call(`/api/v1/sales/${sold.body.data.id}/void`, { method: 'POST', token: owner.access });
    expect(voided.status).toBe(200);
    expect(await inStock(piece.id)).toBe(true);
  });

  it('is rate limited per client address', async () => {
    const owner = await newShop();
    const ip = randomIp();
    const res = await call(list(owner), { headers: { 'CF-Connecting-IP': ip } });
    expect(res.headers.get('RateLimit-Policy')).toMatch(/^"public";q=\d+;w=\d+$/);
    const limited = await call(list(owner), {
      headers: { 'CF-Connecting-IP': ip },
      env: { RATE_LIMIT_PUBLIC: '1/60' },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('Retry-After')).toBeTruthy();
  });
});

describe('storefront: reference', () => {
  it('is documented without auth, with its cache headers', async () => {
    const doc = (await (await call('/openapi.json')).json()) as Json;
    const op = doc.paths['/api/v1/storefront/{shop_slug}/products'].get;
    expect(op.security).toBeUndefined();
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '304', '404']));
    expect(op.responses['200'].headers.ETag).toBeDefined();
    for (const path of ['/api/v1/products/{id}', '/api/v1/rates/latest', '/api/v1/audit']) {
      expect(doc.paths[path]).toBeDefined();
    }
  });
});
