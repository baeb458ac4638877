// Sales priced by the engine and billed (issue 13 items 5–6, issue 14 items 2 and 4): the quote and
// the sale agree to the paisa, the line and party snapshots, split tenders, the legal checks, the
// gap-free invoice series, selling by piece and old gold in exchange — through the Worker with real D1.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { CustomerSchema } from '../../../src/shop/customers/schemas';
import { PieceSchema } from '../../../src/shop/pieces/schemas';
import { ProductSchema } from '../../../src/shop/products/schemas';
import { SaleSchema } from '../../../src/shop/sales/schemas';
import { newShop, newStaff } from '../fixtures';
import { callJson, callTyped, type Json } from '../helpers';
import { addPiece, addRate, chainBody, GSTIN_27, patchShop, quoted, registeredShop } from './billing-fixtures';
import { addProduct } from './catalog-fixtures';
import { addCustomer, khataEntry, sell, sold, voided, writesOf } from './sales-fixtures';

const Sale = dataOf(SaleSchema);
const Customer = dataOf(CustomerSchema);

/** The README's 22K chain (chainBody), 10 g net: at ₹6,000/g it totals ₹71,425 in the shop's state. */
const CHAIN_TOTAL = 7_142_500;

async function chainShop() {
  const owner = await registeredShop();
  await addRate(owner, { rate_per_gram: 600_000 });
  const chain = await addProduct(owner, chainBody());
  return { owner, chain };
}

const buyer = { name: 'Asha Patil', address: '4 Linking Road, Mumbai' };

/** Everything a sale writes, beyond writesOf: tenders, old gold, series and piece states. */
async function billingWrites(shopId: string) {
  const n = async (sql: string) => (await env.DB.prepare(sql).bind(shopId).first<{ n: number }>())!.n;
  return {
    ...(await writesOf(shopId)),
    payments: await n('SELECT count(*) AS n FROM payments WHERE shop_id = ?'),
    old_gold: await n('SELECT count(*) AS n FROM old_gold_lines WHERE shop_id = ?'),
    series: await n('SELECT coalesce(sum(last_serial), 0) AS n FROM document_series WHERE shop_id = ?'),
    sold_pieces: await n("SELECT count(*) AS n FROM pieces WHERE shop_id = ? AND status <> 'in_stock'"),
  };
}

const serialOf = (number: string | null) => Number(number?.split('/')[2]);

describe('sales: priced by the engine', () => {
  it('a sale records exactly the quote: every line component, taxes, round-off, total, and a tax invoice number', async () => {
    const { owner, chain } = await chainShop();
    const body = { items: [{ product_id: chain.id, quantity: 1 }], buyer };
    const q = await quoted(owner, body);
    expect(q.total).toBe(CHAIN_TOTAL);

    const { res, body: sale } = await sold(owner, { ...body, payment_method: 'upi', expected_total: q.total });
    expect(res.status).toBe(201);
    const { stone_lines: _, ...line } = sale.data.items[0]!;
    expect(line).toEqual(q.items[0]);
    for (const k of [
      'subtotal',
      'discount',
      'taxable',
      'cgst',
      'sgst',
      'igst',
      'round_off',
      'total',
      'place_of_supply',
    ] as const) {
      expect(sale.data[k], k).toEqual(q[k]);
    }
    expect(sale.data).toMatchObject({
      document_type: 'tax_invoice',
      invoice_number: expect.stringMatching(/^INV\/\d{4}\/1$/),
      payments: [{ method: 'upi', amount: CHAIN_TOTAL }],
      payment_method: 'upi',
      seller: {
        legal_name: expect.any(String),
        gstin: GSTIN_27,
        state_code: '27',
        address: '12 Zaveri Bazaar, Mumbai',
      },
      buyer: { name: 'Asha Patil', address: '4 Linking Road, Mumbai', state_code: '27', gstin: null },
    });
    // The invoice number's year is the shop-local financial year of its business date.
    const [y, m] = sale.data.business_date.split('-').map(Number) as [number, number];
    const start = m >= 4 ? y : y - 1;
    expect(sale.data.invoice_number).toBe(`INV/${start % 100}${(start + 1) % 100}/1`);
  });

  it('a recorded sale never changes: not with the rate, the product, the shop or the customer', async () => {
    const { owner, chain } = await chainShop();
    const customer = await addCustomer(owner, { address: '9 Hill Road' });
    const { body: sale } = await sold(owner, {
      items: [{ product_id: chain.id, quantity: 1 }],
      customer_id: customer.id,
      payment_method: 'card',
    });
    expect(sale.data.buyer).toMatchObject({ name: 'Sunita Devi', address: '9 Hill Road' });

    await addRate(owner, { rate_per_gram: 650_000, effective_date: '2026-02-01' });
    await callTyped(dataOf(ProductSchema), `/api/v1/products/${chain.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { making_charge_paise: 99_000, name: 'Renamed' },
    });
    await patchShop(owner, { legal_name: 'Another Name Pvt Ltd', address: 'Elsewhere' });
    await callTyped(Customer, `/api/v1/customers/${customer.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { name: 'Someone Else' },
    });
    const again = await callTyped(Sale, `/api/v1/sales/${sale.data.id}`, { token: owner.access });
    expect(again.body.data).toEqual(sale.data);
    // While a new quote prices the new rate and charges.
    expect((await quoted(owner, { items: [{ product_id: chain.id, quantity: 1 }] })).total).not.toBe(sale.data.total);
  });

  it('a total that moved since the quote is 409 PRICE_CHANGED with the current quote, and nothing is written', async () => {
    const { owner, chain } = await chainShop();
    const body = { items: [{ product_id: chain.id, quantity: 1 }], buyer };
    const before = await quoted(owner, body);
    await addRate(owner, { rate_per_gram: 610_000, effective_date: '2026-03-01' });
    const writes = await billingWrites(owner.shop.id);
    const { res, body: refused } = await sell(owner, { ...body, payment_method: 'card', expected_total: before.total });
    expect(res.status).toBe(409);
    expect(refused.error.code).toBe('PRICE_CHANGED');
    const now = await quoted(owner, body);
    expect(refused.error.details[0]).toMatchObject({ path: 'expected_total', quote: now });
    expect(await billingWrites(owner.shop.id)).toEqual(writes);
    // Confirmed with the customer, the new total sells.
    const ok = await sold(owner, { ...body, payment_method: 'card', expected_total: now.total });
    expect(ok.res.status).toBe(201);
  });
});

describe('sales: payments and the law', () => {
  it('split tenders must add up to the total; exactly one of payment_method and payments', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { base_price: 100_000, stock: 10 });
    const customer = await addCustomer(owner, { credit_limit: 1_000_000 });
    const items = [{ product_id: p.id, quantity: 1 }];
    const writes = await billingWrites(owner.shop.id);

    const mismatch = await sell(owner, {
      items,
      payments: [
        { method: 'cash', amount: 60_000 },
        { method: 'upi', amount: 30_000 },
      ],
    });
    expect([mismatch.res.status, mismatch.body.error.code]).toEqual([422, 'PAYMENT_MISMATCH']);
    const both = await sell(owner, { items, payment_method: 'cash', payments: [{ method: 'cash', amount: 100_000 }] });
    expect([both.res.status, both.body.error.code]).toEqual([422, 'PAYMENT_INVALID']);
    const neither = await sell(owner, { items });
    expect([neither.res.status, neither.body.error.code]).toEqual([422, 'PAYMENT_INVALID']);
    expect(await billingWrites(owner.shop.id)).toEqual(writes);

    const split = await sold(owner, {
      items,
      customer_id: customer.id,
      payments: [
        { method: 'cash', amount: 40_000 },
        { method: 'khata', amount: 60_000 },
      ],
    });
    expect(split.res.status).toBe(201);
    expect(split.body.data).toMatchObject({
      payment_method: 'split',
      payments: [
        { method: 'cash', amount: 40_000 },
        { method: 'khata', amount: 60_000 },
      ],
    });
    // Only the khata tender is credit.
    const c = await callTyped(Customer, `/api/v1/customers/${customer.id}`, { token: owner.access });
    expect(c.body.data.khata_balance).toBe(60_000);
    // A void reverses exactly that credit.
    await voided(owner, split.body.data.id);
    expect(
      (await callTyped(Customer, `/api/v1/customers/${customer.id}`, { token: owner.access })).body.data.khata_balance,
    ).toBe(0);
  });

  it('cash from one person stays below the limit, in a sale and over the shop-local day, khata payments included', async () => {
    const owner = await newShop();
    await patchShop(owner, { cash_limit_paise: 100_000 });
    const p = await addProduct(owner, { base_price: 40_000, stock: 20 });
    const customer = await addCustomer(owner, { credit_limit: 1_000_000 });
    const one = { items: [{ product_id: p.id, quantity: 1 }], customer_id: customer.id };

    // A walk-in's single sale at the limit is refused; by card it sells.
    const walkIn = await sell(owner, { items: [{ product_id: p.id, quantity: 3 }], payment_method: 'cash' });
    expect([walkIn.res.status, walkIn.body.error.code]).toEqual([422, 'CASH_LIMIT_EXCEEDED']);
    expect((await sold(owner, { items: [{ product_id: p.id, quantity: 3 }], payment_method: 'card' })).res.status).toBe(
      201,
    );

    expect((await sold(owner, { ...one, payment_method: 'cash' })).res.status).toBe(201); // 40,000
    // Cash into the khata counts too: 40,000 + 20,000 on credit paid in cash.
    expect((await sold(owner, { ...one, payment_method: 'khata' })).res.status).toBe(201);
    expect((await khataEntry(owner, customer.id, { type: 'payment', amount: 20_000, method: 'cash' })).res.status).toBe(
      201,
    );
    const writes = await billingWrites(owner.shop.id);
    const over = await sell(owner, { ...one, payment_method: 'cash' }); // 60,000 + 40,000 reaches 100,000
    expect([over.res.status, over.body.error.code]).toEqual([422, 'CASH_LIMIT_EXCEEDED']);
    expect(await billingWrites(owner.shop.id)).toEqual(writes);
    // Paid by UPI it is not cash.
    expect((await sold(owner, { ...one, payment_method: 'upi' })).res.status).toBe(201);
    // A voided sale's cash was handed back and no longer counts.
    const [cashSale] = (
      await callTyped(pageOf(SaleSchema), `/api/v1/sales?customer_id=${customer.id}&limit=100`, { token: owner.access })
    ).body.data.filter((s) => s.payment_method === 'cash');
    await voided(owner, cashSale!.id);
    expect((await sold(owner, { ...one, payment_method: 'cash' })).res.status).toBe(201);
  });

  it('concurrent cash sales to one customer never pass the day’s limit together', async () => {
    const owner = await newShop();
    await patchShop(owner, { cash_limit_paise: 100_000 });
    const p = await addProduct(owner, { base_price: 30_000, stock: 20 });
    const customer = await addCustomer(owner);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        sell(owner, { items: [{ product_id: p.id, quantity: 1 }], customer_id: customer.id, payment_method: 'cash' }),
      ),
    );
    const codes = results.map((r) => (r.res.status === 201 ? 201 : r.body.error.code));
    // 3 × 30,000 = 90,000 < 100,000; a fourth would reach 120,000.
    expect(codes.filter((c) => c === 201)).toHaveLength(3);
    expect(codes.filter((c) => c !== 201).every((c) => c === 'CASH_LIMIT_EXCEEDED')).toBe(true);
  });

  it('a total above the PAN threshold needs a PAN or Form 60, from the body or the customer', async () => {
    const owner = await newShop();
    await patchShop(owner, { pan_threshold_paise: 50_000 });
    const p = await addProduct(owner, { base_price: 60_000, stock: 10 });
    const items = [{ product_id: p.id, quantity: 1 }];
    const refused = await sell(owner, { items, payment_method: 'card' });
    expect([refused.res.status, refused.body.error.code]).toEqual([422, 'PAN_REQUIRED']);
    const withPan = await sold(owner, { items, payment_method: 'card', customer_pan: 'abcps1234k' });
    expect(withPan.res.status).toBe(201);
    expect(withPan.body.data.buyer?.pan).toBe('ABCPS1234K');
    expect((await sold(owner, { items, payment_method: 'card', form60_ref: 'F60-2026-11' })).res.status).toBe(201);
    const known = await addCustomer(owner, { pan: 'ABCPS1234K' });
    expect((await sold(owner, { items, payment_method: 'card', customer_id: known.id })).res.status).toBe(201);
    // At the threshold exactly, no PAN is needed ("exceeds").
    await patchShop(owner, { pan_threshold_paise: 60_000 });
    expect((await sold(owner, { items, payment_method: 'card' })).res.status).toBe(201);
  });

  it('a tax invoice at ₹50,000 taxable to an unregistered buyer needs their name and address', async () => {
    const { owner, chain } = await chainShop();
    const items = [{ product_id: chain.id, quantity: 1 }];
    const refused = await sell(owner, { items, payment_method: 'card' });
    expect([refused.res.status, refused.body.error.code]).toEqual([422, 'BUYER_DETAILS_REQUIRED']);
    expect(refused.body.error.details.map((d: Json) => d.path)).toEqual(['buyer.name', 'buyer.address']);
    expect((await sold(owner, { items, payment_method: 'card', buyer })).res.status).toBe(201);
    // A registered buyer is named by their GSTIN.
    const b2b = await addCustomer(owner, { gstin: GSTIN_27 });
    const sale = await sold(owner, { items, payment_method: 'card', customer_id: b2b.id });
    expect(sale.res.status).toBe(201);
    expect(sale.body.data.buyer).toMatchObject({ gstin: GSTIN_27, state_code: '27' });
  });
});

describe('sales: invoice numbers', () => {
  it('30 parallel sales are numbered 1…30 in commit order, and refused sales between them consume none', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { base_price: 10_000, stock: 100 });
    const scarce = await addProduct(owner, { base_price: 10_000, stock: 0 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sell(owner, {
          items: [{ product_id: i % 4 === 3 ? scarce.id : p.id, quantity: 1 }],
          payment_method: 'card',
        }),
      ),
    );
    expect(results.filter((r) => r.res.status === 409)).toHaveLength(10);
    const numbers = results.filter((r) => r.res.status === 201).map((r) => r.body.data.invoice_number as string);
    expect(numbers).toHaveLength(30);
    expect(numbers.map(serialOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // A bill of supply (the shop has no GSTIN) has its own series, and commit order is number order.
    expect(numbers.every((n) => n.startsWith('INVB/'))).toBe(true);
    const { results: rows } = await env.DB.prepare(
      'SELECT invoice_serial AS n FROM sales WHERE shop_id = ? ORDER BY rowid',
    )
      .bind(owner.shop.id)
      .all<{ n: number }>();
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // A replay answers with the same number, byte for byte: raw bodies, as a parse would reorder keys.
    const key = 'replay-key-0001';
    const first = await sell(owner, { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'card' }, key);
    const replay = await sell(owner, { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'card' }, key);
    expect(replay.res.headers.get('Idempotent-Replayed')).toBe('true');
    expect(JSON.stringify(replay.body)).toBe(JSON.stringify(first.body));
    expect(first.body.data.invoice_number).toMatch(/\/31$/);
  });

  it('each financial year has its own series; a voided sale keeps its number; the prefix is locked for the year', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { base_price: 10_000, stock: 10 });
    // Last year's series ended at 57: this year's starts at 1.
    await env.DB.prepare(
      "INSERT INTO document_series (shop_id, series, financial_year, last_serial, last_number) VALUES (?, 'bill_of_supply', '2021', 57, 'INVB/2021/57')",
    )
      .bind(owner.shop.id)
      .run();
    const a = await sold(owner, { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'card' });
    expect(serialOf(a.body.data.invoice_number)).toBe(1);
    const done = await voided(owner, a.body.data.id);
    expect(done.body.data).toMatchObject({ status: 'voided', invoice_number: a.body.data.invoice_number });
    const b = await sold(owner, { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'card' });
    expect(serialOf(b.body.data.invoice_number)).toBe(2);

    const locked = await callJson('/api/v1/shop', {
      method: 'PATCH',
      token: owner.access,
      json: { invoice_prefix: 'TJ' },
    });
    expect([locked.res.status, locked.body.error.code]).toEqual([409, 'INVOICE_PREFIX_LOCKED']);
  });
});

describe('sales: by piece', () => {
  async function pieceShop() {
    const owner = await registeredShop();
    await addRate(owner, { rate_per_gram: 600_000 });
    const product = await addProduct(owner, chainBody({ stock: 0 }));
    return { owner, product };
  }

  it('sells a piece by id or scanned tag at its own weights; the product sells by piece only; a void restocks it', async () => {
    const { owner, product } = await pieceShop();
    const heavy = await addPiece(owner, product.id, { gross_weight_mg: 12_000, net_weight_mg: 12_000, huid: 'AB12CD' });
    const light = await addPiece(owner, product.id, { gross_weight_mg: 8_000, net_weight_mg: 8_000, huid: 'EF34GH' });
    const byCount = await sell(owner, {
      items: [{ product_id: product.id, quantity: 1 }],
      payment_method: 'card',
      buyer,
    });
    expect([byCount.res.status, byCount.body.error.code]).toEqual([422, 'SELL_BY_PIECE']);

    const items = [{ piece_id: heavy.id }, { tag: light.tag.toLowerCase() }];
    const q = await quoted(owner, { items });
    expect(q.items.map((l) => [l.piece_id, l.huid, l.net_weight_mg, l.metal_value])).toEqual([
      [heavy.id, 'AB12CD', 12_000, 7_200_000],
      [light.id, 'EF34GH', 8_000, 4_800_000],
    ]);
    const sale = await sold(owner, { items, payment_method: 'card', buyer, expected_total: q.total });
    expect(sale.res.status).toBe(201);
    const status = async (id: string) =>
      (await callTyped(dataOf(PieceSchema), `/api/v1/pieces/${id}`, { token: owner.access })).body.data.status;
    expect([await status(heavy.id), await status(light.id)]).toEqual(['sold', 'sold']);
    const again = await sell(owner, { items: [{ piece_id: heavy.id }], payment_method: 'card', buyer });
    expect([again.res.status, again.body.error.code]).toEqual([409, 'PIECE_SOLD']);

    await voided(owner, sale.body.data.id);
    expect([await status(heavy.id), await status(light.id)]).toEqual(['in_stock', 'in_stock']);
  });

  it('20 parallel sales of one piece: one 201, the rest 409 PIECE_SOLD, nothing else written', async () => {
    const { owner, product } = await pieceShop();
    const piece = await addPiece(owner, product.id, { huid: 'ZX98YW' });
    const writes = await billingWrites(owner.shop.id);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => sell(owner, { items: [{ tag: piece.tag }], payment_method: 'card', buyer })),
    );
    expect(results.filter((r) => r.res.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.res.status !== 201).map((r) => r.body.error.code)).toEqual(
      Array(19).fill('PIECE_SOLD'),
    );
    const after = await billingWrites(owner.shop.id);
    expect(after).toEqual({
      ...writes,
      sales: writes.sales + 1,
      sale_items: writes.sale_items + 1,
      idempotency_keys: writes.idempotency_keys + 1,
      payments: writes.payments + 1,
      series: writes.series + 1,
      sold_pieces: writes.sold_pieces + 1,
    });
  });

  it('a gold piece without a HUID is 422 HUID_MISSING while the shop requires it, unless exempt', async () => {
    const { owner, product } = await pieceShop();
    const bare = await addPiece(owner, product.id);
    const refused = await sell(owner, { items: [{ piece_id: bare.id }], payment_method: 'card', buyer });
    expect([refused.res.status, refused.body.error.code, refused.body.error.details[0].path]).toEqual([
      422,
      'HUID_MISSING',
      'items.0.piece_id',
    ]);
    const kundan = await addPiece(owner, product.id, { huid_exempt: 'kundan' });
    expect((await sold(owner, { items: [{ piece_id: kundan.id }], payment_method: 'card', buyer })).res.status).toBe(
      201,
    );
  });
});

describe('sales: old gold in exchange', () => {
  it('old gold at the day’s buy rate pays part of the total; GST is on the full value; it is stored with the sale', async () => {
    const { owner, chain } = await chainShop();
    await addRate(owner, { kind: 'buy', purity: 999, rate_per_gram: 620_000 });
    const exchange = [{ metal: 'gold', purity: 750, gross_weight_mg: 5_200, less_weight_mg: 200, deduction_bp: 200 }];
    const body = { items: [{ product_id: chain.id, quantity: 1 }], exchange, buyer };
    const q = await quoted(owner, body);
    // 750/999 × ₹6,200 = ₹4,654.65/g (scaled, to the paisa); net 5 g → ₹23,273.25; less 2% → ₹22,807.785 → ₹22,807.79.
    expect(q.exchange[0]).toMatchObject({
      net_weight_mg: 5_000,
      rate_per_gram: 465_465,
      rate_source: 'scaled_from_999',
      value: 2_280_779,
    });
    expect(q.total).toBe(CHAIN_TOTAL);
    const sale = await sold(owner, { ...body, payment_method: 'cash', expected_total: q.total });
    expect(sale.res.status).toBe(201);
    expect(sale.body.data).toMatchObject({
      exchange_total: q.exchange_total,
      payments: [{ method: 'cash', amount: CHAIN_TOTAL - q.exchange_total }],
      cgst: q.cgst,
    });
    expect(
      (await callTyped(Sale, `/api/v1/sales/${sale.body.data.id}`, { token: owner.access })).body.data.exchange,
    ).toEqual(q.exchange);
    // A given rate needs a manager and is audited.
    const cashier = await newStaff(owner, 'cashier');
    const given = [{ ...exchange[0], rate_per_gram: 400_000 }];
    const forbidden = await sell(cashier, { ...body, exchange: given, payment_method: 'card' });
    expect(forbidden.res.status).toBe(403);
    const manager = await newStaff(owner, 'manager');
    const ok = await sold(manager, { ...body, exchange: given, payment_method: 'card' });
    expect(ok.res.status).toBe(201);
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE target_id = ? AND action = 'sale.exchange_rate_given'",
    )
      .bind(ok.body.data.id)
      .first<{ n: number }>();
    expect(audit!.n).toBe(1);
  });

  it('old gold worth more than the sale is 422 EXCHANGE_EXCEEDS_TOTAL and nothing is written', async () => {
    const { owner, chain } = await chainShop();
    await addRate(owner, { kind: 'buy', purity: 999, rate_per_gram: 620_000 });
    const writes = await billingWrites(owner.shop.id);
    const refused = await sell(owner, {
      items: [{ product_id: chain.id, quantity: 1 }],
      exchange: [{ metal: 'gold', purity: 999, gross_weight_mg: 50_000 }],
      payment_method: 'cash',
      buyer,
    });
    expect([refused.res.status, refused.body.error.code]).toEqual([422, 'EXCHANGE_EXCEEDS_TOTAL']);
    expect(await billingWrites(owner.shop.id)).toEqual(writes);
  });
});
