import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { dataOf, pageOf, z } from '../../../src/http/openapi';
import { RateSchema } from '../../../src/shop/rates/schemas';
import { StorefrontProductSchema, StorefrontRateSchema } from '../../../src/shop/storefront/schemas';
import { SHOP_MEMO_MS, storefrontShops } from '../../../src/shop/storefront/shop-memo';
import { newShop, randomIp, type Session } from '../fixtures';
import { call, callJson, callTyped, type Json } from '../helpers';
import { addPiece, addRate, GSTIN_27, patchShop, quote, quoted, registeredShop } from './billing-fixtures';
import { addProduct } from './catalog-fixtures';
import { sold as recordSale, voided } from './sales-fixtures';

const Product = dataOf(StorefrontProductSchema);
const Products = pageOf(StorefrontProductSchema);
const Rates = dataOf(z.array(StorefrontRateSchema));

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
  'price_from',
  'in_stock',
  'images',
].sort();

/** A public visitor: no token, an address of its own (the public limit is per IP). */
const asVisitor = (headers: Record<string, string> = {}) => ({
  headers: { 'CF-Connecting-IP': randomIp(), ...headers },
});
const visit = (path: string, headers: Record<string, string> = {}) => call(path, asVisitor(headers));
/** A public page that must answer, its body typed by the route's schema. */
const seen = <S extends z.ZodType>(schema: S, path: string, headers: Record<string, string> = {}) =>
  callTyped(schema, path, asVisitor(headers));

const list = (s: Session, query = '') => `/api/v1/storefront/${s.shop.slug}/products${query}`;

describe('storefront', () => {
  it('shows active products with public fields only', async () => {
    const owner = await newShop();
    const shown = await addProduct(owner, { name: 'Shown', stock: 2 });
    const soldOut = await addProduct(owner, { name: 'Sold out', stock: 0 });
    const retired = await addProduct(owner, { name: 'Retired' });
    await call(`/api/v1/products/${retired.id}`, { method: 'DELETE', token: owner.access });

    const { res, body } = await seen(Products, list(owner, '?sort=name'));
    expect(res.status).toBe(200);
    expect(body.meta).toEqual({ page: 1, limit: 20, total: 2, total_pages: 1 });
    expect(body.data.map((p) => p.id)).toEqual([shown.id, soldOut.id]);
    for (const p of body.data) expect(Object.keys(p).sort()).toEqual(PUBLIC_FIELDS);
    // An unregistered shop (no GSTIN yet) charges no GST: a fixed product's price is its base_price.
    expect(body.data[0]).toMatchObject({ price: shown.base_price, price_from: null, in_stock: true });
    expect(body.data[1]?.in_stock).toBe(false);
    const text = JSON.stringify(body);
    for (const internal of ['"stock"', 'shop_id', 'making_charge_bp', 'base_price', 'active', 'created_at']) {
      expect(text).not.toContain(internal);
    }

    const one = await seen(Product, `${list(owner)}/${shown.id}`);
    expect(one.res.status).toBe(200);
    expect(Object.keys(one.body.data).sort()).toEqual(PUBLIC_FIELDS);
    expect((await visit(`${list(owner)}/${retired.id}`)).status).toBe(404);
  });

  it('takes the catalog’s filters but not include_inactive', async () => {
    const owner = await newShop();
    const ring = await addProduct(owner, { category: 'ring', base_price: 500 });
    await addProduct(owner, { category: 'chain', base_price: 900, stock: 0 });
    const ids = async (q: string) => {
      const { res, body } = await seen(Products, list(owner, `?${q}`));
      expect(res.status).toBe(200);
      return body.data.map((p) => p.id);
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
    expect((await seen(Products, list(owner))).body.data[0]?.name).toBe('Before');
    await call(`/api/v1/products/${p.id}`, { method: 'PATCH', token: owner.access, json: { name: 'After' } });
    expect((await seen(Products, list(owner))).body.data[0]?.name).toBe('After');
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
    expect((await seen(Products, list(owner))).body.data[0]?.name).not.toBe('Elsewhere');
    // ...and is at it.
    storefrontShops.clock = () => t0 + SHOP_MEMO_MS;
    expect((await seen(Products, list(owner))).body.data[0]?.name).toBe('Elsewhere');
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
    const before = await seen(Product, item);
    const etag = before.res.headers.get('ETag')!;
    expect(before.body.data.price).toBe(1000);
    expect((await visit(item)).headers.get('X-Cache')).toBe('HIT');

    await call(`/api/v1/products/${p.id}`, { method: 'PATCH', token: owner.access, json: { base_price: 2000 } });
    const after = await seen(Product, item, { 'If-None-Match': etag });
    expect(after.res.status).toBe(200);
    expect(after.res.headers.get('X-Cache')).toBe('MISS');
    expect(after.body.data.price).toBe(2000);

    await call(`/api/v1/products/${p.id}`, { method: 'DELETE', token: owner.access });
    expect((await visit(item)).status).toBe(404);
    expect((await seen(Products, list(owner))).body.data).toEqual([]);
  });

  it('a piece sold out leaves the storefront at once, and is back when its sale is voided', async () => {
    const owner = await newShop();
    const [piece, other] = [await addProduct(owner, { stock: 1 }), await addProduct(owner, { stock: 3 })];
    const inStock = async (id: string) => (await seen(Product, `${list(owner)}/${id}`)).body.data.in_stock;
    expect(await inStock(piece.id)).toBe(true);
    expect((await visit(`${list(owner)}/${piece.id}`)).headers.get('X-Cache')).toBe('HIT');

    // A sale that sells nothing out does not empty the cache.
    expect(
      (await recordSale(owner, { items: [{ product_id: other.id, quantity: 1 }], payment_method: 'cash' })).res.status,
    ).toBe(201);
    expect((await visit(`${list(owner)}/${piece.id}`)).headers.get('X-Cache')).toBe('HIT');

    const sold = await recordSale(owner, { items: [{ product_id: piece.id, quantity: 1 }], payment_method: 'cash' });
    expect(sold.res.status).toBe(201);
    expect(await inStock(piece.id)).toBe(false);

    expect((await voided(owner, sold.body.data.id)).res.status).toBe(200);
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
    const rates = doc.paths['/api/v1/storefront/{shop_slug}/rates'].get;
    expect(rates.security).toBeUndefined();
    expect(Object.keys(rates.responses)).toEqual(expect.arrayContaining(['200', '304', '404']));
    const product = doc.components.schemas.StorefrontProduct;
    expect(product.properties.price.description).toMatch(/null/);
    expect(product.properties.price_from).toBeDefined();
    for (const path of ['/api/v1/products/{id}', '/api/v1/rates/latest', '/api/v1/audit']) {
      expect(doc.paths[path]).toBeDefined();
    }
  });
});

/** A 22K chain priced by weight: wastage, making per gram, a stone and hallmarking (10.0 g net). */
const chain = (over: Json = {}): Json => ({
  category: 'chain',
  gross_weight_mg: 10_400,
  net_weight_mg: 10_000,
  stone_weight_mg: 400,
  pricing_mode: 'weight',
  wastage_bp: 800,
  making_charge_type: 'per_gram',
  making_charge_paise: 45_003,
  stones: [{ kind: 'ruby', count: 1, weight_mg: 400, value_paise: 120_017 }],
  other_charge_paise: 4_500,
  ...over,
});

/** What POST /pricing/quote totals for one unit of a product, signed in. */
const quoteOf = async (s: Session, line: Json) => (await quoted(s, { items: [line] })).total;
const quoteTotal = (s: Session, productId: string) => quoteOf(s, { product_id: productId, quantity: 1 });

const shown = async (s: Session, productId: string) => {
  const { res, body } = await seen(Product, `${list(s)}/${productId}`);
  expect(res.status).toBe(200);
  return { cache: res.headers.get('X-Cache'), ...body.data };
};

describe('storefront prices', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a product’s price is the quote’s total for one unit, GST and round-off included, in list and detail', async () => {
    const owner = await registeredShop();
    await addRate(owner, { rate_per_gram: 712_345 });
    const weight = await addProduct(owner, chain());
    const fixed = await addProduct(owner, { base_price: 1_234_567 });
    const gold750 = await addProduct(owner, chain({ purity: 750 }));
    const page = (await seen(Products, list(owner))).body.data;
    for (const p of [weight, fixed, gold750]) {
      const total = await quoteTotal(owner, p.id);
      expect((await shown(owner, p.id)).price).toBe(total);
      expect(page.find((x) => x.id === p.id)?.price).toBe(total);
    }
    // The quote's numbers, worked by hand once: metal round(10,000 × 712,345 / 1000) = 7,123,450;
    // wastage 569,876; making 450,030; stones 120,017; other 4,500 → 8,267,873; CGST = SGST =
    // round(8,267,873 × 150 / 10000) = 124,018 → 8,515,909, rounded to the rupee: 8,515,900.
    expect((await shown(owner, weight.id)).price).toBe(8_515_900);
    // 1,234,567 + 2 × 18,519 = 1,271,605 → 1,271,600.
    expect((await shown(owner, fixed.id)).price).toBe(1_271_600);
  });

  it('an unregistered shop shows the price without tax or round-off; registering reprices at once', async () => {
    const owner = await newShop();
    await addRate(owner, { rate_per_gram: 712_345 });
    const p = await addProduct(owner, chain());
    const untaxed = await shown(owner, p.id);
    expect(untaxed.price).toBe(8_267_873);
    expect(untaxed.price).toBe(await quoteTotal(owner, p.id));
    expect((await shown(owner, p.id)).cache).toBe('HIT');
    // A profile change that no price depends on keeps the cached pages.
    await patchShop(owner, { legal_name: 'Demo Jewellers LLP' });
    expect((await shown(owner, p.id)).cache).toBe('HIT');

    await patchShop(owner, { gstin: GSTIN_27, state_code: '27' });
    const taxed = await shown(owner, p.id);
    expect(taxed).toMatchObject({ cache: 'MISS', price: 8_515_900 });
    // Under composition no GST either, but a shop with a GSTIN rounds its totals as the quote does.
    await patchShop(owner, { gst_scheme: 'composition' });
    expect((await shown(owner, p.id)).price).toBe(8_267_900);
    expect(await quoteTotal(owner, p.id)).toBe(8_267_900);
  });

  it('recording or correcting a rate changes the price at once: no cached page keeps the old rate', async () => {
    const owner = await registeredShop();
    const first = await addRate(owner, { rate_per_gram: 700_000, effective_date: '2026-01-01' });
    const p = await addProduct(owner, chain());
    const before = await shown(owner, p.id);
    expect(before.price).toBe(await quoteTotal(owner, p.id));
    expect((await shown(owner, p.id)).cache).toBe('HIT');

    await addRate(owner, { rate_per_gram: 710_000, effective_date: '2026-02-01' });
    const recorded = await shown(owner, p.id);
    expect(recorded.cache).toBe('MISS');
    expect(recorded.price).toBeGreaterThan(before.price!);
    expect(recorded.price).toBe(await quoteTotal(owner, p.id));

    // A correction of the rate in force, and the list page too.
    await callTyped(dataOf(RateSchema), `/api/v1/rates/${first.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { effective_date: '2026-03-01', rate_per_gram: 720_000 },
    });
    const corrected = await shown(owner, p.id);
    expect(corrected.price).toBeGreaterThan(recorded.price!);
    expect(corrected.price).toBe(await quoteTotal(owner, p.id));
    const page = (await seen(Products, list(owner))).body.data;
    expect(page[0]!.price).toBe(corrected.price);
    // A refused correction (onto a taken date) writes nothing: the cached page stays.
    const taken = await callJson(`/api/v1/rates/${first.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { effective_date: '2026-02-01' },
    });
    expect(taken.res.status).toBe(409);
    expect((await shown(owner, p.id)).cache).toBe('HIT');
  });

  it('the price moves at the shop’s midnight, not UTC’s, and no client cache keeps it past that', async () => {
    // 18:29:30 UTC on 30 November is 23:59:30 in India: 30 s of the shop's day are left.
    vi.useFakeTimers({ now: new Date('2026-11-30T18:29:30Z'), toFake: ['Date'] });
    const owner = await registeredShop();
    await addRate(owner, { rate_per_gram: 700_000, effective_date: '2026-11-30' });
    await addRate(owner, { rate_per_gram: 710_000, effective_date: '2026-12-01' });
    const p = await addProduct(owner, chain());
    const today = await seen(Product, `${list(owner)}/${p.id}`);
    expect(today.res.headers.get('Cache-Control')).toBe('public, max-age=30, s-maxage=30, stale-while-revalidate=0');
    const todayPrice = today.body.data.price!;
    expect(todayPrice).toBe(await quoteTotal(owner, p.id));
    expect((await shown(owner, p.id)).cache).toBe('HIT');

    // 00:00:30 in India, still 30 November in UTC; no write in between.
    vi.setSystemTime(new Date('2026-11-30T18:30:30Z'));
    const tomorrow = await shown(owner, p.id);
    expect(tomorrow.cache).toBe('MISS');
    expect(tomorrow.price).toBeGreaterThan(todayPrice);
    expect(tomorrow.price).toBe(await quoteTotal(owner, p.id));
    const rates = (await seen(Rates, `/api/v1/storefront/${owner.shop.slug}/rates`)).body.data;
    expect(rates).toEqual([{ metal: 'gold', purity: 916, rate_per_gram: 710_000, effective_date: '2026-12-01' }]);
  });

  it('a weight-priced product without a rate shows no price, and the page still answers', async () => {
    const owner = await registeredShop();
    const p = await addProduct(owner, chain());
    const fixed = await addProduct(owner, { base_price: 100_000 });
    // A rate effective later is not today's.
    await addRate(owner, { effective_date: '2999-01-01', rate_per_gram: 700_000 });
    const { res, body } = await seen(Products, list(owner));
    expect(res.status).toBe(200);
    const page = body.data;
    expect(page.find((x) => x.id === p.id)).toMatchObject({ price: null, price_from: null });
    expect(page.find((x) => x.id === fixed.id)?.price).toBe(103_000);
    // The quote refuses to price it: the storefront shows nothing rather than a price it cannot sell at.
    const { res: refused } = await quote(owner, { items: [{ product_id: p.id, quantity: 1 }] });
    expect(refused.status).toBe(422);
  });

  it('a product sold by piece shows price_from: its cheapest in-stock piece, priced with the piece’s own weights, purity and stones', async () => {
    const owner = await registeredShop();
    await addRate(owner, { rate_per_gram: 712_345 });
    await addRate(owner, { purity: 750, rate_per_gram: 583_000 });
    const p = await addProduct(owner, chain());
    const piece = (json: Json) => addPiece(owner, p.id, json);
    const heavy = { gross_weight_mg: 12_000, net_weight_mg: 12_000, stone_weight_mg: 0, stones: [] };
    // The cheapest of all, but sold: not on offer.
    const sold = await piece({ gross_weight_mg: 2_000, net_weight_mg: 2_000, stone_weight_mg: 0 });
    await env.DB.prepare("UPDATE pieces SET status = 'sold' WHERE id = ?").bind(sold.id).run();
    await piece(heavy);
    const cheapest = {
      purity: 750,
      gross_weight_mg: 9_300,
      net_weight_mg: 9_000,
      stone_weight_mg: 300,
      stones: [{ kind: 'emerald', count: 2, weight_mg: 150, value_paise: 80_011 }],
    };
    const cheapestPiece = await piece(cheapest);

    // `price` is one unit of the product's own weights, as a product without pieces (its twin) quotes;
    // `price_from` is what a sale of the cheapest piece would total.
    const twin = await addProduct(owner, chain());
    const shownProduct = await shown(owner, p.id);
    expect(shownProduct.price).toBe(await quoteTotal(owner, twin.id));
    expect(shownProduct.price_from).toBe(await quoteOf(owner, { piece_id: cheapestPiece.id }));
    expect(shownProduct.price_from).toBeLessThan(shownProduct.price!);
    const page = (await seen(Products, list(owner))).body.data;
    expect(page.find((x) => x.id === p.id)?.price_from).toBe(shownProduct.price_from);
    expect(page.find((x) => x.id === twin.id)?.price_from).toBeNull();
  });
});

describe('storefront rates', () => {
  it('shows today’s sell rates per metal and purity, public and cached, fresh after a rate is recorded', async () => {
    const owner = await newShop();
    const rates = `/api/v1/storefront/${owner.shop.slug}/rates`;
    expect((await seen(Rates, rates)).body.data).toEqual([]);
    await addRate(owner, { rate_per_gram: 700_000, effective_date: '2026-01-01' });
    await addRate(owner, { rate_per_gram: 705_000, effective_date: '2026-02-01' });
    await addRate(owner, { rate_per_gram: 650_000, effective_date: '2026-02-01', kind: 'buy' });
    await addRate(owner, { rate_per_gram: 999_999, effective_date: '2999-01-01' });
    await addRate(owner, { metal: 'silver', purity: 999, rate_per_gram: 9_500 });
    await addRate(owner, { purity: 999, rate_per_gram: 770_000 });

    const first = await seen(Rates, rates);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('Cache-Control')).toMatch(/^public, .*s-maxage=\d+/);
    expect(first.body.data).toEqual([
      { metal: 'gold', purity: 999, rate_per_gram: 770_000, effective_date: '2026-01-01' },
      { metal: 'gold', purity: 916, rate_per_gram: 705_000, effective_date: '2026-02-01' },
      { metal: 'silver', purity: 999, rate_per_gram: 9_500, effective_date: '2026-01-01' },
    ]);
    const again = await visit(rates, { 'If-None-Match': first.res.headers.get('ETag')! });
    expect(again.status).toBe(304);
    expect(again.headers.get('X-Cache')).toBe('HIT');

    await addRate(owner, { rate_per_gram: 706_000, effective_date: '2026-03-01' });
    const fresh = await seen(Rates, rates);
    expect(fresh.res.headers.get('X-Cache')).toBe('MISS');
    expect(fresh.body.data[1]).toMatchObject({ purity: 916, rate_per_gram: 706_000 });
    expect((await visit('/api/v1/storefront/no-such-shop-here/rates')).status).toBe(404);
  });
});
