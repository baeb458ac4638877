import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { ProductSchema } from '../../../src/shop/products/schemas';
import { productListQueries } from '../../../src/shop/products/service';
import { StorefrontProductSchema } from '../../../src/shop/storefront/schemas';
import { auditLog, newShop, newStaff, randomIp, unique } from '../fixtures';
import { call, callJson, callTyped, type Json, queryPlan } from '../helpers';
import { addProduct, productBody } from './catalog-fixtures';

const Product = dataOf(ProductSchema);
const Products = pageOf(ProductSchema);

describe('catalog: happy paths', () => {
  it('a manager creates, reads, changes and retires a product', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const created = await addProduct(manager, { name: ' <b>Jhumka</b> ' });
    expect(created).toMatchObject({
      name: 'Jhumka',
      description: 'Plain bangle',
      purity: 916,
      base_price: 8_500_000,
      stock: 3,
      active: true,
    });
    expect(Object.keys(created).sort()).toEqual(
      [
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
        'making_charge_bp',
        'base_price',
        'pricing_mode',
        'wastage_bp',
        'making_charge_type',
        'making_charge_paise',
        'stones',
        'other_charge_paise',
        'hsn_code',
        'gst_rate_bp',
        'stock',
        'active',
        'images',
        'created_at',
        'updated_at',
      ].sort(),
    );
    // A product created the v1 way sells at its base_price, as before.
    expect(created).toMatchObject({
      pricing_mode: 'fixed',
      wastage_bp: 0,
      making_charge_type: 'percent',
      making_charge_paise: 0,
      stones: [],
      other_charge_paise: 0,
      hsn_code: '7113',
      gst_rate_bp: null,
    });

    const got = await callTyped(Product, `/api/v1/products/${created.id}`, { token: manager.access });
    expect(got.body.data).toEqual(created);

    const patched = await callTyped(Product, `/api/v1/products/${created.id}`, {
      method: 'PATCH',
      token: manager.access,
      json: { base_price: 9_000_000, stock: 5 },
    });
    expect(patched.res.status).toBe(200);
    expect(patched.body.data).toMatchObject({ base_price: 9_000_000, stock: 5 });

    const del = await call(`/api/v1/products/${created.id}`, { method: 'DELETE', token: manager.access });
    expect(del.status).toBe(204);
    const after = await callTyped(Product, `/api/v1/products/${created.id}`, { token: manager.access });
    expect(after.body.data.active).toBe(false);
    // Deleting again is a no-op, not an error.
    expect((await call(`/api/v1/products/${created.id}`, { method: 'DELETE', token: owner.access })).status).toBe(204);

    const entries = (await auditLog(owner, `actor=${manager.user.id}`)).data.filter((e) => e.target_type === 'product');
    expect(entries.map((e) => e.action)).toEqual(['product.deleted', 'product.price_changed']);
    expect(entries[1]).toMatchObject({
      target_type: 'product',
      target_id: created.id,
      details: { base_price: { from: 8_500_000, to: 9_000_000 } },
    });
    expect(entries[0]!.request_id).toBeTruthy();
  });

  it('a product priced by weight keeps its wastage, making, stones, charges, HSN and GST rate', async () => {
    const owner = await newShop();
    const stones = [
      { kind: 'diamond', count: 12, weight_mg: 10, value_paise: 3_600_000 },
      { kind: 'ruby', count: 1, weight_mg: 100, value_paise: 250_000 },
    ];
    const pricing = {
      pricing_mode: 'weight',
      wastage_bp: 800,
      making_charge_type: 'per_gram',
      making_charge_paise: 45_000,
      stones,
      other_charge_paise: 4_500,
      hsn_code: '711319',
      gst_rate_bp: 300,
    };
    const p = await addProduct(owner, pricing);
    expect(p).toMatchObject(pricing);
    expect((await callTyped(Product, `/api/v1/products/${p.id}`, { token: owner.access })).body.data).toEqual(p);

    // null gives the defaults back: the category's HSN heading and the shop's GST rate.
    const reset = await callTyped(Product, `/api/v1/products/${p.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { hsn_code: null, gst_rate_bp: null, making_charge_type: 'flat', stones: [] },
    });
    expect(reset.res.status).toBe(200);
    expect(reset.body.data).toMatchObject({
      hsn_code: '7113',
      gst_rate_bp: null,
      making_charge_type: 'flat',
      stones: [],
    });

    // A coin's heading is 7118; a v1 product switches to weight pricing with PATCH.
    const coin = await addProduct(owner, { category: 'coin' });
    expect(coin.hsn_code).toBe('7118');
    const switched = await callTyped(Product, `/api/v1/products/${coin.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { pricing_mode: 'weight' },
    });
    expect(switched.body.data).toMatchObject({ pricing_mode: 'weight', hsn_code: '7118', base_price: coin.base_price });
  });

  it('lists with filters, sorts, name search with literal wildcards, and pages', async () => {
    const owner = await newShop();
    const a = await addProduct(owner, { name: 'Alpha ring', category: 'ring', base_price: 300, stock: 0 });
    const b = await addProduct(owner, {
      name: 'Beta 100% chain',
      category: 'chain',
      metal: 'silver',
      purity: 925,
      base_price: 100,
    });
    const c = await addProduct(owner, { name: 'Gamma_ring', category: 'ring', base_price: 200 });
    const hidden = await addProduct(owner, { name: 'Delta ring', category: 'ring', base_price: 250 });
    await call(`/api/v1/products/${hidden.id}`, { method: 'DELETE', token: owner.access });

    const ids = async (q: string) => {
      const { res, body } = await callTyped(Products, `/api/v1/products?${q}`, { token: owner.access });
      expect(res.status).toBe(200);
      return body.data.map((p) => p.id);
    };
    expect(await ids('')).toEqual([c.id, b.id, a.id]);
    expect(await ids('sort=created')).toEqual([a.id, b.id, c.id]);
    expect(await ids('sort=price')).toEqual([b.id, c.id, a.id]);
    expect(await ids('sort=-price')).toEqual([a.id, c.id, b.id]);
    expect(await ids('sort=name')).toEqual([a.id, b.id, c.id]);
    expect(await ids('sort=-name')).toEqual([c.id, b.id, a.id]);
    expect(await ids('category=ring&sort=name')).toEqual([a.id, c.id]);
    expect(await ids('metal=silver')).toEqual([b.id]);
    expect(await ids('min_price=150&max_price=300&sort=price')).toEqual([c.id, a.id]);
    expect(await ids('in_stock=true&sort=name')).toEqual([b.id, c.id]);
    expect(await ids('in_stock=false')).toEqual([a.id]);
    expect(await ids('q=RING&sort=name')).toEqual([a.id, c.id]);
    // `_` and `%` are literal characters in a name search, not wildcards.
    expect(await ids('q=a_r')).toEqual([c.id]);
    expect(await ids('q=0%25')).toEqual([b.id]);
    expect(await ids('q=%25')).toEqual([b.id]);
    expect(await ids('include_inactive=true&sort=name')).toEqual([a.id, b.id, hidden.id, c.id]);

    const page2 = await callTyped(Products, '/api/v1/products?limit=2&page=2', { token: owner.access });
    expect(page2.body.meta).toEqual({ page: 2, limit: 2, total: 3, total_pages: 2 });
    expect(page2.body.data.map((p) => p.id)).toEqual([a.id]);
  });

  it('the same SKU may be used by another shop', async () => {
    const a = await newShop();
    const b = await newShop();
    const sku = unique('DUP-');
    await addProduct(a, { sku });
    await addProduct(b, { sku });
  });
});

describe('catalog: errors', () => {
  it('a SKU used twice in one shop is 409 SKU_TAKEN, on create and on change', async () => {
    const owner = await newShop();
    const first = await addProduct(owner);
    const second = await addProduct(owner);
    const dup = await callJson('/api/v1/products', {
      method: 'POST',
      token: owner.access,
      json: productBody({ sku: first.sku }),
    });
    expect(dup.res.status).toBe(409);
    expect(dup.body.error.code).toBe('SKU_TAKEN');
    const rename = await callJson(`/api/v1/products/${second.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { sku: first.sku },
    });
    expect(rename.res.status).toBe(409);
    expect(rename.body.error.code).toBe('SKU_TAKEN');
  });

  it.each([
    ['an unknown field', { colour: 'yellow' }],
    ['gold below 375', { purity: 374 }],
    ['silver at 750', { metal: 'silver', purity: 750 }],
    ['platinum below 850', { metal: 'platinum', purity: 800 }],
    ['net over gross', { net_weight_mg: 13_000 }],
    ['stones over gross minus net', { stone_weight_mg: 1_001 }],
    ['a fractional weight', { gross_weight_mg: 12_000.5 }],
    ['a float price', { base_price: 10.5 }],
    ['negative stock', { stock: -1 }],
    ['an unknown category', { category: 'crown' }],
    ['a blank name', { name: ' <b></b> ' }],
    ['an unknown pricing mode', { pricing_mode: 'auction' }],
    ['an unknown making type', { making_charge_type: 'per_piece' }],
    ['a 3-digit HSN code', { hsn_code: '711' }],
    ['a 9-digit HSN code', { hsn_code: '711319000' }],
    ['an HSN code with letters', { hsn_code: '71AB' }],
    ['a stone without a value', { stones: [{ kind: 'diamond', count: 1, weight_mg: 10 }] }],
    ['a stone count of 0', { stones: [{ kind: 'diamond', count: 0, weight_mg: 10, value_paise: 1 }] }],
    ['a negative wastage', { wastage_bp: -1 }],
    ['a GST rate over 100%', { gst_rate_bp: 10_001 }],
    ['a fractional making charge', { making_charge_paise: 1.5 }],
  ])('%s is a 400', async (_, over) => {
    const owner = await newShop();
    const { res, body } = await callJson('/api/v1/products', {
      method: 'POST',
      token: owner.access,
      json: productBody(over),
    });
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });

  it('a change is checked against the row it changes', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { purity: 750 });
    for (const json of [{ metal: 'silver' }, { net_weight_mg: 12_500 }, { gross_weight_mg: 11_000 }, { x: 1 }, {}]) {
      const { res, body } = await callJson(`/api/v1/products/${p.id}`, { method: 'PATCH', token: owner.access, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
    }
    const ok = await callTyped(Product, `/api/v1/products/${p.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { metal: 'silver', purity: 925 },
    });
    expect(ok.res.status).toBe(200);
  });

  it.each([
    ['limit=101'],
    ['sort=price_desc'],
    ['in_stock=yes'],
    ['min_price=-1'],
    ['min_price=1e3'],
    ['metal=copper'],
    ['colour=red'],
  ])('a bad list query (%s) is a 400', async (q) => {
    const owner = await newShop();
    const { res } = await callJson(`/api/v1/products?${q}`, { token: owner.access });
    expect(res.status).toBe(400);
  });

  it('a cashier reads the catalog but cannot write it or see inactive products', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const p = await addProduct(owner);
    expect((await call('/api/v1/products', { token: cashier.access })).status).toBe(200);
    expect((await call(`/api/v1/products/${p.id}`, { token: cashier.access })).status).toBe(200);
    const inactive = await callJson('/api/v1/products?include_inactive=true', { token: cashier.access });
    expect(inactive.res.status).toBe(403);
    expect(inactive.body.error.code).toBe('FORBIDDEN');
    const writes = [
      call('/api/v1/products', { method: 'POST', token: cashier.access, json: productBody() }),
      call(`/api/v1/products/${p.id}`, { method: 'PATCH', token: cashier.access, json: { stock: 9 } }),
      call(`/api/v1/products/${p.id}`, { method: 'DELETE', token: cashier.access }),
    ];
    for (const res of await Promise.all(writes)) expect(res.status).toBe(403);
    await call(`/api/v1/products/${p.id}`, { method: 'DELETE', token: owner.access });
    expect((await call(`/api/v1/products/${p.id}`, { token: cashier.access })).status).toBe(404);
  });

  it('another shop’s product is a 404 for every route, and stays unchanged', async () => {
    const a = await newShop();
    const b = await newShop();
    const p = await addProduct(a);
    const attempts = [
      call(`/api/v1/products/${p.id}`, { token: b.access }),
      call(`/api/v1/products/${p.id}`, { method: 'PATCH', token: b.access, json: { base_price: 1 } }),
      call(`/api/v1/products/${p.id}`, { method: 'DELETE', token: b.access }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(((await res.json()) as Json).error.code).toBe('NOT_FOUND');
    }
    const still = await callTyped(Product, `/api/v1/products/${p.id}`, { token: a.access });
    expect(still.body.data).toEqual(p);
    expect((await callTyped(Products, '/api/v1/products', { token: b.access })).body.meta.total).toBe(0);
  });

  it('requires a token', async () => {
    expect((await call('/api/v1/products')).status).toBe(401);
  });
});

describe('catalog: search beyond D1’s 50-byte LIKE pattern', () => {
  // 100 Devanagari letters are 300 bytes of UTF-8: six times what D1 takes as a LIKE pattern.
  const devanagari = (last: string) => `${'कंगनहारझुमका'.repeat(9).slice(0, 99)}${last}`;

  it('a 100-character Devanagari name is found by its full name on the catalog and the storefront', async () => {
    const owner = await newShop();
    const wanted = await addProduct(owner, { name: devanagari('न') });
    await addProduct(owner, { name: devanagari('र') });
    expect(wanted.name).toHaveLength(100);
    const q = `q=${encodeURIComponent(wanted.name)}`;

    const catalog = await callTyped(Products, `/api/v1/products?${q}`, { token: owner.access });
    expect(catalog.res.status).toBe(200);
    expect(catalog.body.data.map((p) => p.id)).toEqual([wanted.id]);
    const storefront = await callTyped(
      pageOf(StorefrontProductSchema),
      `/api/v1/storefront/${owner.shop.slug}/products?${q}`,
      { headers: { 'CF-Connecting-IP': randomIp() } },
    );
    expect(storefront.res.status).toBe(200);
    expect(storefront.body.data.map((p) => p.id)).toEqual([wanted.id]);
  });

  it('a long ASCII search still ignores case and takes % and _ literally', async () => {
    const owner = await newShop();
    const name = 'Antique Temple Necklace 22K with Kundan_Polki 100% handmade';
    const wanted = await addProduct(owner, { name });
    await addProduct(owner, { name: name.replace('_', ' ').replace('100%', '1000') });
    const ids = async (q: string) =>
      (await callTyped(Products, `/api/v1/products?q=${encodeURIComponent(q)}`, { token: owner.access })).body.data.map(
        (p) => p.id,
      );
    expect(new TextEncoder().encode(name).length).toBeGreaterThan(50);
    expect(await ids(name.toUpperCase())).toEqual([wanted.id]);
    expect(await ids(name.toLowerCase().slice(8))).toEqual([wanted.id]);
  });
});

describe('catalog: query plans', () => {
  const db = drizzle(env.DB);

  it.each([
    ['-created', 'products_shop_active_created_idx'],
    ['created', 'products_shop_active_created_idx'],
    ['price', 'products_shop_active_price_idx'],
    ['-price', 'products_shop_active_price_idx'],
    ['name', 'products_shop_active_name_idx'],
  ] as const)('the active list sorted by %s walks %s without a sort', async (sort, index) => {
    const [page, total] = productListQueries(db, 'shop', { sort, page: 1, limit: 20 });
    const p = await queryPlan(page);
    expect(p).toContain(index);
    expect(p).not.toMatch(/SCAN products(?! USING)|TEMP B-TREE/);
    expect(await queryPlan(total)).toMatch(/USING (COVERING )?INDEX/);
  });

  it('a filtered list still uses an index of the shop', async () => {
    const [page] = productListQueries(db, 'shop', { sort: '-created', page: 1, limit: 20, category: 'ring', q: 'x' });
    expect(await queryPlan(page)).toMatch(/USING (COVERING )?INDEX products_shop_/);
  });
});

describe('catalog: concurrency', () => {
  it('concurrent price changes each audit the price they actually replaced', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { base_price: 1000 });
    const prices = [2000, 3000, 4000, 5000, 6000];
    const results = await Promise.all(
      prices.map((base_price) =>
        call(`/api/v1/products/${p.id}`, { method: 'PATCH', token: owner.access, json: { base_price } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200).length;
    // A refusal means another change committed in between, so at least one change always wins:
    // a PATCH that refused every time would be a broken write, not a lost race.
    expect(ok).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect(r.status).toBe(409);
      expect(((await r.json()) as any).error.code).toBe('CONCURRENT_UPDATE');
    }
    const entries = (await auditLog(owner, 'action=product.price_changed')).data.reverse();
    expect(entries).toHaveLength(ok);
    let price = 1000;
    for (const e of entries) {
      const change = e.details?.base_price as { from: number; to: number };
      expect(change.from).toBe(price);
      price = change.to;
    }
    const final = await callTyped(Product, `/api/v1/products/${p.id}`, { token: owner.access });
    expect(final.body.data.base_price).toBe(price);
    expect(prices).toContain(price);
  });
});
