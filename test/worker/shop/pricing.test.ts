// POST /api/v1/pricing/quote through the Worker with real D1: the shop's products, rates and tax
// settings in, the engine's breakdown out, written nowhere.
import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { QuoteSchema } from '../../../src/shop/pricing/schemas';
import { ProductSchema } from '../../../src/shop/products/schemas';
import { SaleSchema } from '../../../src/shop/sales/schemas';
import { countRoundTrips, format } from '../../support/round-trips';
import { newShop, newStaff } from '../fixtures';
import { call, callTyped, type Json } from '../helpers';
import { addRate, patchShop, quote, quoted, registeredShop } from './billing-fixtures';
import { addProduct } from './catalog-fixtures';
import { chain, pick, readmeTable } from './readme-tables';
import { addCustomer, setCashierDiscountLimit } from './sales-fixtures';

afterEach(() => {
  vi.useRealTimers();
});

describe('quote: prices from the day’s rate', () => {
  it('the README’s worked example: a 22K chain in the shop’s state (CGST + SGST) and inter-state (IGST)', async () => {
    const owner = await registeredShop();
    const manager = await newStaff(owner, 'manager');
    const p = await addProduct(owner, chain());
    await addRate(owner, { rate_per_gram: 700_000 });
    await addRate(owner, { rate_per_gram: 640_000, kind: 'buy' });
    const unit = readmeTable('Component');
    const intra = readmeTable('Intra-State');
    const inter = readmeTable('Inter-State');
    const exchange = readmeTable('Exchange');

    const old = { metal: 'gold', purity: 916, gross_weight_mg: 5_000, less_weight_mg: 200, deduction_bp: 200 };
    const here = await quoted(owner, { items: [{ product_id: p.id, quantity: 1 }], exchange: [old] });
    expect(here.items[0]).toMatchObject({
      product_id: p.id,
      piece_id: null,
      description: p.name,
      hsn_code: '7113',
      metal: 'gold',
      purity: 916,
      net_weight_mg: 10_000,
      rate_per_gram: 700_000,
      rate_date: '2026-01-01',
      rate_source: 'exact',
      unit_price: unit.gross,
      gst_rate_bp: 300,
      ...pick(unit, ['metal_value', 'wastage', 'making', 'stones', 'other_charge', 'gross']),
      ...pick(intra, ['cgst', 'sgst', 'igst', 'line_total']),
    });
    expect(here).toMatchObject({
      subtotal: unit.gross,
      taxable: unit.gross,
      place_of_supply: '27',
      document_type: 'tax_invoice',
      ...pick(intra, ['cgst', 'sgst', 'igst', 'round_off', 'total']),
      exchange: [{ net_weight_mg: exchange.net_weight_mg, rate_per_gram: 640_000, value: exchange.value }],
      exchange_total: exchange.value,
    });
    expect(here.total - here.exchange_total).toBe(exchange.due);

    const there = await quoted(manager, { items: [{ product_id: p.id, quantity: 1 }], place_of_supply: '29' });
    expect(there.items[0]).toMatchObject(pick(inter, ['cgst', 'sgst', 'igst', 'line_total']));
    expect(there).toMatchObject({
      place_of_supply: '29',
      ...pick(inter, ['cgst', 'sgst', 'igst', 'round_off', 'total']),
    });
  });

  it('a fixed product is its base_price plus GST; quantity multiplies every component; nothing is written', async () => {
    const owner = await registeredShop();
    const fixed = await addProduct(owner, { base_price: 100_050, stock: 2 });
    const q = await quoted(owner, { items: [{ product_id: fixed.id, quantity: 2 }] });
    expect(q.items[0]).toMatchObject({
      rate_per_gram: null,
      rate_source: null,
      metal_value: null,
      unit_price: 100_050,
      gross: 200_100,
      cgst: 3_002, // round(200,100 × 150 / 10000) = round(3,001.5)
      sgst: 3_002,
      line_total: 206_104,
    });
    expect(q).toMatchObject({ round_off: -4, total: 206_100 });

    const product = await callTyped(dataOf(ProductSchema), `/api/v1/products/${fixed.id}`, { token: owner.access });
    expect(product.body.data.stock).toBe(2);
    expect((await callTyped(pageOf(SaleSchema), '/api/v1/sales', { token: owner.access })).body.meta.total).toBe(0);
  });

  it('an unregistered shop charges no GST and does not round: a bill of supply at v1’s total', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, chain({ making_charge_type: 'percent', making_charge_bp: 1_234 }));
    await addRate(owner, { rate_per_gram: 700_001 });
    const q = await quoted(owner, { items: [{ product_id: p.id, quantity: 1 }] });
    // metal 7,000,010; wastage round(560,000.8) = 560,001; making round(863,801.234) = 863,801.
    expect(q.items[0]).toMatchObject({ metal_value: 7_000_010, wastage: 560_001, making: 863_801 });
    expect(q).toMatchObject({
      subtotal: 8_428_312,
      cgst: 0,
      sgst: 0,
      igst: 0,
      round_off: 0,
      total: 8_428_312,
      document_type: 'bill_of_supply',
      place_of_supply: null,
    });
  });

  it('a purity without a rate is scaled from the metal’s highest purity of the same kind', async () => {
    const owner = await registeredShop();
    const p = await addProduct(owner, chain({ purity: 750 }));
    await addRate(owner, { purity: 999, rate_per_gram: 780_000 });
    await addRate(owner, { purity: 995, rate_per_gram: 779_000 });
    await addRate(owner, { purity: 750, kind: 'buy', rate_per_gram: 1 });
    const q = await quoted(owner, { items: [{ product_id: p.id, quantity: 1 }] });
    // round(780,000 × 750 / 999) = round(585,585.58…)
    expect(q.items[0]).toMatchObject({
      rate_per_gram: 585_586,
      rate_source: 'scaled_from_999',
      metal_value: 5_855_860,
    });
  });

  it('the rate is the one in force on the shop-local day, not the UTC date', async () => {
    // 19:00 UTC on 30 November is 00:30 on 1 December in India.
    vi.useFakeTimers({ now: new Date('2026-11-30T19:00:00Z'), toFake: ['Date'] });
    const owner = await registeredShop();
    const p = await addProduct(owner, chain());
    await addRate(owner, { effective_date: '2026-11-30', rate_per_gram: 700_000 });
    await addRate(owner, { effective_date: '2026-12-01', rate_per_gram: 710_000 });
    const india = await quoted(owner, { items: [{ product_id: p.id, quantity: 1 }] });
    expect(india.items[0]).toMatchObject({ rate_per_gram: 710_000, rate_date: '2026-12-01' });

    await patchShop(owner, { timezone: 'UTC' });
    const utc = await quoted(owner, { items: [{ product_id: p.id, quantity: 1 }] });
    expect(utc.items[0]).toMatchObject({ rate_per_gram: 700_000, rate_date: '2026-11-30' });
  });

  it('reads every rate a sale needs in one query, however many lines and metals', async () => {
    const owner = await registeredShop();
    await addRate(owner, { rate_per_gram: 700_000 });
    await addRate(owner, { rate_per_gram: 640_000, kind: 'buy' });
    await addRate(owner, { metal: 'silver', purity: 999, rate_per_gram: 16_000 });
    const lines = [
      chain(),
      chain({ purity: 750 }),
      chain({ metal: 'silver', purity: 925 }),
      chain({ metal: 'silver', purity: 999 }),
    ];
    const items = [];
    for (const line of lines) items.push({ product_id: (await addProduct(owner, line)).id, quantity: 1 });
    const body = { items, exchange: [{ metal: 'gold', purity: 916, gross_weight_mg: 1_000 }] };
    const counted = countRoundTrips(env);
    const { res } = await callTyped(dataOf(QuoteSchema), '/api/v1/pricing/quote', {
      method: 'POST',
      token: owner.access,
      json: body,
      env: counted.env as unknown as Json,
    });
    expect(res.status).toBe(200);
    // One batch (shop, products, customer), then one rates query; the token's revocation check.
    expect(format(counted.trips)).toBe('d1=2 kv_get=1');
  });

  it('no rate for a line is 422 RATE_UNAVAILABLE naming each line; a sell rate never prices old gold', async () => {
    const owner = await registeredShop();
    const gold = await addProduct(owner, chain());
    const silver = await addProduct(owner, chain({ metal: 'silver', purity: 925 }));
    await addRate(owner, { rate_per_gram: 700_000 });
    await addRate(owner, { rate_per_gram: 700_000, effective_date: '2999-01-01', metal: 'silver', purity: 925 });
    const { res, body } = await quote(owner, {
      items: [
        { product_id: gold.id, quantity: 1 },
        { product_id: silver.id, quantity: 1 },
      ],
      exchange: [{ metal: 'gold', purity: 916, gross_weight_mg: 1_000 }],
    });
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body.error.code).toBe('RATE_UNAVAILABLE');
    expect(body.error.details.map((d: Json) => d.path)).toEqual(['items.1.product_id', 'exchange.0']);
  });

  it('old gold is valued at the buy rate and tenders part of the total, never more than all of it', async () => {
    const owner = await registeredShop();
    const p = await addProduct(owner, chain());
    await addRate(owner, { rate_per_gram: 700_000 });
    await addRate(owner, { rate_per_gram: 640_000, kind: 'buy' });
    const old = { metal: 'gold', purity: 916, gross_weight_mg: 5_000, less_weight_mg: 200, deduction_bp: 200 };
    const q = await quoted(owner, { items: [{ product_id: p.id, quantity: 1 }], exchange: [old] });
    expect(q.exchange).toEqual([
      {
        ...old,
        net_weight_mg: 4_800,
        rate_per_gram: 640_000,
        rate_date: '2026-01-01',
        rate_source: 'exact',
        value: 3_010_560,
      },
    ]);
    expect(q).toMatchObject({ exchange_total: 3_010_560, total: 8_254_900, cgst: 120_218 });

    const { res, body } = await quote(owner, {
      items: [{ product_id: p.id, quantity: 1 }],
      exchange: [{ ...old, gross_weight_mg: 20_000 }],
    });
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body.error.code).toBe('EXCHANGE_EXCEEDS_TOTAL');
  });

  it('the discount is allocated in proportion to gross, the paise left over to the largest fraction', async () => {
    const owner = await registeredShop();
    const a = await addProduct(owner, { base_price: 100_001 });
    const b = await addProduct(owner, { base_price: 200_000 });
    const q = await quoted(owner, {
      items: [
        { product_id: a.id, quantity: 1 },
        { product_id: b.id, quantity: 1 },
      ],
      discount: 1_000,
    });
    // 1000 × 100,001 / 300,001 = 333.33…; 1000 × 200,000 / 300,001 = 666.66…: the left-over paisa to b.
    expect(q.items.map((l) => [l.discount, l.taxable])).toEqual([
      [333, 99_668],
      [667, 199_333],
    ]);
    expect(q).toMatchObject({ subtotal: 300_001, discount: 1_000, taxable: 299_001 });

    const over = await quote(owner, { items: [{ product_id: a.id, quantity: 1 }], discount: 100_002 });
    expect(over.res.status).toBe(422);
    expect(over.body.error.code).toBe('INVALID_DISCOUNT');
  });
});

describe('quote: who may ask for what', () => {
  it('a cashier quotes, but overriding a price, giving an old gold rate or another state needs a manager', async () => {
    const owner = await registeredShop();
    const cashier = await newStaff(owner, 'cashier');
    const manager = await newStaff(owner, 'manager');
    const p = await addProduct(owner, { base_price: 100_000 });
    await addRate(owner, { kind: 'buy', rate_per_gram: 600_000 });
    const line = { product_id: p.id, quantity: 1 };
    const old = { metal: 'gold', purity: 916, gross_weight_mg: 100, rate_per_gram: 650_000 };

    expect((await quoted(cashier, { items: [line], place_of_supply: '27' })).total).toBe(103_000);
    for (const [body, path] of [
      [{ items: [{ ...line, unit_price: 90_000 }] }, 'items.0.unit_price'],
      [{ items: [line], exchange: [old] }, 'exchange.0.rate_per_gram'],
      [{ items: [line], place_of_supply: '29' }, 'place_of_supply'],
    ] as const) {
      const { res, body: answer } = await quote(cashier, body);
      expect(res.status, JSON.stringify(answer)).toBe(403);
      expect(answer.error).toMatchObject({ code: 'FORBIDDEN', details: [{ path }] });
    }

    const overridden = await quoted(manager, { items: [{ ...line, unit_price: 90_000 }], exchange: [old] });
    expect(overridden.items[0]).toMatchObject({ unit_price: 90_000, gross: 90_000, cgst: 1_350 });
    expect(overridden.exchange[0]).toMatchObject({ rate_per_gram: 650_000, rate_source: 'given', value: 65_000 });
  });

  it('a cashier’s discount is limited as in a sale: up to the shop’s limit, more needs a manager', async () => {
    const owner = await registeredShop();
    const cashier = await newStaff(owner, 'cashier');
    const p = await addProduct(owner, { base_price: 100_000 });
    const items = [{ product_id: p.id, quantity: 1 }];
    expect((await quote(cashier, { items, discount: 1 })).res.status).toBe(403);
    await setCashierDiscountLimit(owner, 500);
    expect((await quoted(cashier, { items, discount: 5_000 })).taxable).toBe(95_000);
    const over = await quote(cashier, { items, discount: 5_001 });
    expect(over.res.status).toBe(403);
    expect(over.body.error).toMatchObject({ code: 'FORBIDDEN', details: [{ path: 'discount' }] });
    expect((await quoted(owner, { items, discount: 50_000 })).taxable).toBe(50_000);
  });

  it('another shop’s product or customer is a 404, a retired product too', async () => {
    const owner = await registeredShop();
    const other = await newShop();
    const theirs = await addProduct(other, { base_price: 100 });
    const mine = await addProduct(owner, { base_price: 100 });
    const { res, body } = await quote(owner, { items: [{ product_id: theirs.id, quantity: 1 }] });
    expect(res.status).toBe(404);
    expect(body.error).toMatchObject({ code: 'NOT_FOUND', details: [{ path: 'items.0.product_id' }] });

    const customer = await addCustomer(other);
    const notMine = await quote(owner, {
      customer_id: customer.id,
      items: [{ product_id: mine.id, quantity: 1 }],
    });
    expect(notMine.res.status).toBe(404);

    expect((await call(`/api/v1/products/${mine.id}`, { method: 'DELETE', token: owner.access })).status).toBe(204);
    expect((await quote(owner, { items: [{ product_id: mine.id, quantity: 1 }] })).res.status).toBe(404);
  });

  it.each([
    ['no items', { items: [] }],
    ['a place of supply that is not a state code', { place_of_supply: '00' }],
    ['payments (a quote takes none)', { payments: [{ method: 'cash', amount: 1 }] }],
    [
      'old gold at a purity silver is not sold at',
      { exchange: [{ metal: 'silver', purity: 500, gross_weight_mg: 1 }] },
    ],
  ])('%s is a 400', async (_, over) => {
    const owner = await newShop();
    const { res, body } = await quote(owner, { items: [{ product_id: 'x', quantity: 1 }], ...over });
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });
});
