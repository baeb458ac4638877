import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { CustomerSchema } from '../../../src/shop/customers/schemas';
import { SaleSchema } from '../../../src/shop/sales/schemas';
import { auditLog, newShop, newStaff } from '../fixtures';
import { call, callJson, callTyped, type Json } from '../helpers';
import { addProduct } from './catalog-fixtures';
import {
  addCustomer,
  khataEntry,
  ledgerOf,
  newKey,
  sell,
  setCashierDiscountLimit,
  sold,
  stockOf,
  voided,
  voidSale,
  writesOf,
} from './sales-fixtures';

const Sale = dataOf(SaleSchema);
const Sales = pageOf(SaleSchema);

describe('sales: recording', () => {
  it('a cashier sells at base price: stock drops, totals are integers, the sale reads back', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const ring = await addProduct(owner, { base_price: 1_250_000, stock: 5 });
    const chain = await addProduct(owner, { base_price: 300_000, stock: 2 });
    await setCashierDiscountLimit(owner, 200);

    const { res, body } = await sold(cashier, {
      items: [
        { product_id: ring.id, quantity: 2 },
        { product_id: chain.id, quantity: 1 },
      ],
      discount: 50_000,
      payment_method: 'upi',
      note: ' <i>Diwali</i> ',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('Idempotent-Replayed')).toBeNull();
    // An unregistered shop (no GSTIN): no tax, no round-off, a bill of supply — v1's total.
    expect(body.data).toMatchObject({
      id: expect.any(String),
      customer_id: null,
      cashier_id: cashier.user.id,
      items: [
        {
          product_id: ring.id,
          piece_id: null,
          quantity: 2,
          unit_price: 1_250_000,
          gross: 2_500_000,
          discount: 44_643,
          taxable: 2_455_357,
          cgst: 0,
          line_total: 2_455_357,
        },
        {
          product_id: chain.id,
          piece_id: null,
          quantity: 1,
          unit_price: 300_000,
          gross: 300_000,
          discount: 5_357,
          taxable: 294_643,
          cgst: 0,
          line_total: 294_643,
        },
      ],
      subtotal: 2_800_000,
      discount: 50_000,
      taxable: 2_750_000,
      cgst: 0,
      sgst: 0,
      igst: 0,
      round_off: 0,
      total: 2_750_000,
      exchange: [],
      exchange_total: 0,
      document_type: 'bill_of_supply',
      invoice_number: expect.stringMatching(/^INVB\/\d{4}\/1$/),
      payments: [{ method: 'upi', amount: 2_750_000 }],
      payment_method: 'upi',
      seller: { legal_name: expect.any(String), gstin: null },
      buyer: { customer_id: null, name: null },
      status: 'completed',
      note: 'Diwali',
      created_at: expect.any(String),
      voided_at: null,
    });
    expect(await stockOf(ring.id)).toBe(3);
    expect(await stockOf(chain.id)).toBe(1);
    const got = await callTyped(Sale, `/api/v1/sales/${body.data.id}`, { token: cashier.access });
    expect(got.body.data).toEqual(body.data);
  });

  it('a unit price override is manager+ (403 for a cashier)', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const manager = await newStaff(owner, 'manager');
    const p = await addProduct(owner, { base_price: 10_000, stock: 5 });
    const items = [{ product_id: p.id, quantity: 2, unit_price: 9_000 }];
    const refused = await sell(cashier, { items, payment_method: 'cash' });
    expect(refused.res.status).toBe(403);
    expect(await stockOf(p.id)).toBe(5);
    const ok = await sold(manager, { items, payment_method: 'cash' });
    expect(ok.res.status).toBe(201);
    expect(ok.body.data.items[0]).toMatchObject({ unit_price: 9_000, line_total: 18_000 });
    expect(ok.body.data.total).toBe(18_000);
  });

  it('refuses bad bodies with 400: strict, 1–50 items, khata without a customer, a product twice', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { stock: 5 });
    const item = { product_id: p.id, quantity: 1 };
    for (const json of [
      { items: [], payment_method: 'cash' },
      { items: Array.from({ length: 51 }, () => item), payment_method: 'cash' },
      { items: [item], payment_method: 'cheque' },
      { items: [item], payment_method: 'khata' },
      { items: [item, item], payment_method: 'cash' },
      { items: [{ ...item, quantity: 0 }], payment_method: 'cash' },
      { items: [{ ...item, quantity: 1.5 }], payment_method: 'cash' },
      { items: [item], payment_method: 'cash', discount: -1 },
      { items: [item], payment_method: 'cash', total: 1 },
      { items: [{ ...item, extra: true }], payment_method: 'cash' },
    ]) {
      const { res, body } = await sell(owner, json);
      expect(res.status, JSON.stringify(json).slice(0, 80)).toBe(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(await stockOf(p.id)).toBe(5);
  });

  it('a discount over the subtotal is 422 INVALID_DISCOUNT', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { base_price: 1000, stock: 5 });
    const { res, body } = await sell(owner, {
      items: [{ product_id: p.id, quantity: 1 }],
      discount: 1001,
      payment_method: 'cash',
    });
    expect(res.status).toBe(422);
    expect(body.error.code).toBe('INVALID_DISCOUNT');
    const full = await sold(owner, {
      items: [{ product_id: p.id, quantity: 1 }],
      discount: 1000,
      payment_method: 'cash',
    });
    expect(full.body.data.total).toBe(0);
  });

  it('unknown, foreign and inactive products and an unknown or foreign customer are 404, writing nothing', async () => {
    const owner = await newShop();
    const other = await newShop();
    const mine = await addProduct(owner, { stock: 5 });
    const retired = await addProduct(owner, { stock: 5 });
    expect((await call(`/api/v1/products/${retired.id}`, { method: 'DELETE', token: owner.access })).status).toBe(204);
    const foreign = await addProduct(other, { stock: 5 });
    const foreignCustomer = await addCustomer(other, { credit_limit: 0 });
    const before = await writesOf(owner.shop.id);
    for (const json of [
      { items: [{ product_id: 'no-such-product', quantity: 1 }], payment_method: 'cash' },
      {
        items: [
          { product_id: mine.id, quantity: 1 },
          { product_id: foreign.id, quantity: 1 },
        ],
        payment_method: 'cash',
      },
      { items: [{ product_id: retired.id, quantity: 1 }], payment_method: 'cash' },
      { customer_id: foreignCustomer.id, items: [{ product_id: mine.id, quantity: 1 }], payment_method: 'cash' },
      { customer_id: 'nobody', items: [{ product_id: mine.id, quantity: 1 }], payment_method: 'khata' },
    ]) {
      const { res, body } = await sell(owner, json);
      expect(res.status, JSON.stringify(json)).toBe(404);
      expect(body.error.code).toBe('NOT_FOUND');
    }
    expect(await writesOf(owner.shop.id)).toEqual(before);
    expect(await stockOf(foreign.id)).toBe(5);
  });

  it('not enough stock is 409 INSUFFICIENT_STOCK naming the product, and nothing is written', async () => {
    const owner = await newShop();
    const plenty = await addProduct(owner, { stock: 10 });
    const scarce = await addProduct(owner, { stock: 1 });
    const before = await writesOf(owner.shop.id);
    const { res, body } = await sell(owner, {
      items: [
        { product_id: plenty.id, quantity: 3 },
        { product_id: scarce.id, quantity: 2 },
      ],
      payment_method: 'card',
      customer_pan: 'ABCPS1234K',
    });
    expect(res.status).toBe(409);
    expect(body.error.code).toBe('INSUFFICIENT_STOCK');
    expect(body.error.details).toEqual([
      { path: 'items.1.quantity', message: expect.any(String), product_id: scarce.id, requested: 2, available: 1 },
    ]);
    // The first line's decrement ran inside the batch and was rolled back with it.
    expect(await writesOf(owner.shop.id)).toEqual(before);
    expect(await stockOf(plenty.id)).toBe(10);
  });

  it('40 concurrent sales of a product with stock 10: exactly 10 succeed, the rest 409, stock ends at 0', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const p = await addProduct(owner, { stock: 10 });
    const results = await Promise.all(
      Array.from({ length: 40 }, () =>
        sell(cashier, { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'cash' }),
      ),
    );
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(30);
    expect(results.filter((r) => r.res.status === 409).every((r) => r.body.error.code === 'INSUFFICIENT_STOCK')).toBe(
      true,
    );
    expect(await stockOf(p.id)).toBe(0);
    const w = await writesOf(owner.shop.id);
    expect(w).toMatchObject({ sales: 10, sale_items: 10, idempotency_keys: 10 });
  });
});

describe('sales: discounts', () => {
  it('a cashier’s discount over the shop’s limit is 403 FORBIDDEN and writes nothing; at the limit it sells', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const p = await addProduct(owner, { base_price: 10_000, stock: 5 });
    const cust = await addCustomer(owner, { credit_limit: 100_000 });
    const sale = (discount: number) => ({
      customer_id: cust.id,
      items: [{ product_id: p.id, quantity: 2 }],
      discount,
      payment_method: 'khata',
    });
    const before = await writesOf(owner.shop.id);

    // The default limit is 0: a cashier gives no discount at all.
    const none = await sell(cashier, sale(1));
    expect(none.res.status, JSON.stringify(none.body)).toBe(403);
    expect(none.body.error.code).toBe('FORBIDDEN');
    expect(none.body.error.details).toEqual([{ path: 'discount', message: expect.stringContaining('0 bp') }]);

    await setCashierDiscountLimit(owner, 500); // 5 %: 1000 of a 20,000 subtotal
    const over = await sell(cashier, sale(1001));
    expect(over.res.status).toBe(403);
    expect(over.body.error.code).toBe('FORBIDDEN');
    expect(await writesOf(owner.shop.id)).toEqual(before);

    const atLimit = await sold(cashier, sale(1000));
    expect(atLimit.res.status).toBe(201);
    expect(atLimit.body.data).toMatchObject({ subtotal: 20_000, discount: 1000, total: 19_000 });
    expect(await stockOf(p.id)).toBe(3);
  });

  it('a manager or owner gives any discount up to the subtotal whatever the cashier limit', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const p = await addProduct(owner, { base_price: 10_000, stock: 5 });
    for (const [s, discount] of [
      [manager, 10_000],
      [owner, 9_999],
    ] as const) {
      const { res, body } = await sold(s, {
        items: [{ product_id: p.id, quantity: 1 }],
        discount,
        payment_method: 'cash',
      });
      expect(res.status).toBe(201);
      expect(body.data.total).toBe(10_000 - discount);
    }
  });

  it('every discounted sale is audited as sale.discounted (in its batch); an undiscounted one is not', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const manager = await newStaff(owner, 'manager');
    await setCashierDiscountLimit(owner, 1000);
    const p = await addProduct(owner, { base_price: 10_000, stock: 5 });
    const item = [{ product_id: p.id, quantity: 1 }];
    const byCashier = (await sold(cashier, { items: item, discount: 1000, payment_method: 'cash' })).body.data;
    const byManager = (await sold(manager, { items: item, discount: 4000, payment_method: 'upi' })).body.data;
    await sold(cashier, { items: item, payment_method: 'cash' });

    const audit = await auditLog(owner, 'action=sale.discounted');
    expect(audit.data).toEqual([
      expect.objectContaining({
        actor_id: manager.user.id,
        target_type: 'sale',
        target_id: byManager.id,
        details: { discount: 4000, subtotal: 10_000, total: 6000, role: 'manager' },
      }),
      expect.objectContaining({
        actor_id: cashier.user.id,
        target_id: byCashier.id,
        details: { discount: 1000, subtotal: 10_000, total: 9000, role: 'cashier' },
      }),
    ]);
  });
});

describe('sales: khata', () => {
  it('a khata sale credits the customer’s ledger with the sale id, within the limit', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const cust = await addCustomer(owner, { credit_limit: 50_000 });
    const p = await addProduct(owner, { base_price: 20_000, stock: 5 });
    await setCashierDiscountLimit(owner, 250);
    const { res, body } = await sold(cashier, {
      customer_id: cust.id,
      items: [{ product_id: p.id, quantity: 2 }],
      discount: 1000,
      payment_method: 'khata',
    });
    expect(res.status).toBe(201);
    expect(body.data).toMatchObject({ customer_id: cust.id, total: 39_000, payment_method: 'khata' });
    const ledger = await ledgerOf(cashier, cust.id);
    expect(ledger.data.balance).toBe(39_000);
    expect(ledger.data.entries).toEqual([
      expect.objectContaining({ type: 'credit', amount: 39_000, balance_after: 39_000, sale_id: body.data.id }),
    ]);
  });

  it('a khata sale over the limit is 422 CREDIT_LIMIT_EXCEEDED and writes nothing (stock unchanged)', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 30_000 });
    const p = await addProduct(owner, { base_price: 20_000, stock: 5 });
    const before = await writesOf(owner.shop.id);
    const { res, body } = await sell(owner, {
      customer_id: cust.id,
      items: [{ product_id: p.id, quantity: 2 }],
      payment_method: 'khata',
    });
    expect(res.status).toBe(422);
    expect(body.error.code).toBe('CREDIT_LIMIT_EXCEEDED');
    expect(await writesOf(owner.shop.id)).toEqual(before);
    expect(await stockOf(p.id)).toBe(5);
  });

  it('concurrent khata sales never take the balance over the limit; refused ones sell no stock', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 5_000 });
    const p = await addProduct(owner, { base_price: 1_000, stock: 20 });
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        sell(owner, { customer_id: cust.id, items: [{ product_id: p.id, quantity: 1 }], payment_method: 'khata' }),
      ),
    );
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(results.filter((r) => r.res.status !== 201).map((r) => r.body.error.code)).toEqual(
      Array(7).fill('CREDIT_LIMIT_EXCEEDED'),
    );
    expect(await stockOf(p.id)).toBe(15);
    expect(await writesOf(owner.shop.id)).toMatchObject({ sales: 5, sale_items: 5, khata_entries: 5, balance: 5_000 });
  });

  it('a customer on a cash sale is recorded without touching the ledger', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner);
    const p = await addProduct(owner, { stock: 1 });
    const { body } = await sold(owner, {
      customer_id: cust.id,
      items: [{ product_id: p.id, quantity: 1 }],
      payment_method: 'card',
    });
    expect(body.data.customer_id).toBe(cust.id);
    expect(
      (await callTyped(dataOf(CustomerSchema), `/api/v1/customers/${cust.id}`, { token: owner.access })).body.data
        .khata_balance,
    ).toBe(0);
  });
});

describe('sales: reading', () => {
  it('a cashier lists and reads only their own sales; managers see all; filters by customer and time', async () => {
    const owner = await newShop();
    const c1 = await newStaff(owner, 'cashier');
    const c2 = await newStaff(owner, 'cashier');
    const manager = await newStaff(owner, 'manager');
    const cust = await addCustomer(owner);
    const p = await addProduct(owner, { stock: 10 });
    const item = [{ product_id: p.id, quantity: 1 }];
    const s1 = (await sold(c1, { items: item, payment_method: 'cash' })).body.data;
    const s2 = (await sold(c2, { customer_id: cust.id, items: item, payment_method: 'cash' })).body.data;
    const s3 = (await sold(c1, { items: item, payment_method: 'upi' })).body.data;

    const own = await callTyped(Sales, '/api/v1/sales', { token: c1.access });
    expect(own.body.data.map((s) => s.id)).toEqual([s3.id, s1.id]);
    expect(own.body.data[0]?.items).toEqual(s3.items);
    expect((await call(`/api/v1/sales/${s2.id}`, { token: c1.access })).status).toBe(404);

    const all = await callTyped(Sales, '/api/v1/sales?limit=2', { token: manager.access });
    expect(all.body.data.map((s) => s.id)).toEqual([s3.id, s2.id]);
    expect(all.body.meta).toEqual({ page: 1, limit: 2, total: 3, total_pages: 2 });
    const byCustomer = await callTyped(Sales, `/api/v1/sales?customer_id=${cust.id}`, { token: manager.access });
    expect(byCustomer.body.data.map((s) => s.id)).toEqual([s2.id]);
    expect((await callTyped(Sale, `/api/v1/sales/${s2.id}`, { token: manager.access })).body.data).toEqual(s2);

    const today = new Date().toISOString().slice(0, 10);
    const count = async (q: string) =>
      (await callTyped(Sales, `/api/v1/sales?${q}`, { token: manager.access })).body.meta.total;
    expect(await count(`from=${today}&to=${today}`)).toBe(3);
    expect(await count('to=2000-01-01')).toBe(0);
    expect(await count(`from=${encodeURIComponent(s2.created_at)}`)).toBeGreaterThanOrEqual(2);
    expect((await call('/api/v1/sales?from=2026-02-30', { token: manager.access })).status).toBe(400);
    expect((await call('/api/v1/sales?from=2026-02-02&to=2026-02-01', { token: manager.access })).status).toBe(400);
  });
});

describe('sales: void', () => {
  it('a void restores stock and the khata balance with a payment entry, audited, exactly once', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const cust = await addCustomer(owner, { credit_limit: 100_000 });
    const a = await addProduct(owner, { base_price: 10_000, stock: 5 });
    const b = await addProduct(owner, { base_price: 5_000, stock: 5 });
    const sale = (
      await sold(owner, {
        customer_id: cust.id,
        items: [
          { product_id: a.id, quantity: 2 },
          { product_id: b.id, quantity: 1 },
        ],
        payment_method: 'khata',
      })
    ).body.data;
    expect(await stockOf(a.id)).toBe(3);

    const done = await voided(manager, sale.id);
    expect(done.res.status).toBe(200);
    expect(done.body.data).toMatchObject({ id: sale.id, status: 'voided', voided_at: expect.any(String) });
    expect(await stockOf(a.id)).toBe(5);
    expect(await stockOf(b.id)).toBe(5);
    const ledger = await ledgerOf(owner, cust.id);
    expect(ledger.data.balance).toBe(0);
    expect(ledger.data.entries[0]).toMatchObject({
      type: 'payment',
      amount: 25_000,
      // A reversal, not money received: no tender, so it never counts as cash.
      method: null,
      balance_after: 0,
      sale_id: sale.id,
      note: `void of sale ${sale.id}`,
      created_by: manager.user.id,
    });
    expect(ledger.data.entries[1]).toMatchObject({ type: 'credit', sale_id: sale.id, method: null });

    const before = await writesOf(owner.shop.id);
    const again = await voidSale(manager, sale.id);
    expect(again.res.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_VOIDED');
    expect(await writesOf(owner.shop.id)).toEqual(before);

    const audit = await auditLog(owner, 'action=sale.voided');
    expect(audit.data).toHaveLength(1);
    expect(audit.data[0]).toMatchObject({ actor_id: manager.user.id, target_type: 'sale', target_id: sale.id });
    expect((await callTyped(Sale, `/api/v1/sales/${sale.id}`, { token: owner.access })).body.data.status).toBe(
      'voided',
    );
  });

  it('concurrent voids of one sale: one wins, stock and balance are restored once', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 100_000 });
    const p = await addProduct(owner, { base_price: 1_000, stock: 4 });
    const sale = (
      await sold(owner, { customer_id: cust.id, items: [{ product_id: p.id, quantity: 3 }], payment_method: 'khata' })
    ).body.data;
    const results = await Promise.all(Array.from({ length: 8 }, () => voidSale(owner, sale.id)));
    expect(results.map((r) => r.res.status).sort()).toEqual([200, ...Array(7).fill(409)]);
    expect(await stockOf(p.id)).toBe(4);
    const ledger = await ledgerOf(owner, cust.id);
    expect(ledger.data.balance).toBe(0);
    expect(ledger.meta.total).toBe(2);
    const audits = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'sale.voided' AND target_id = ?",
    )
      .bind(sale.id)
      .first<{ n: number }>();
    expect(audits!.n).toBe(1);
  });

  it('voiding is manager+; another shop’s sale is 404 on every route', async () => {
    const owner = await newShop();
    const other = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const p = await addProduct(owner, { stock: 3 });
    const sale = (await sold(cashier, { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'cash' })).body
      .data;
    expect((await voidSale(cashier, sale.id)).res.status).toBe(403);
    expect((await call(`/api/v1/sales/${sale.id}`, { token: other.access })).status).toBe(404);
    expect((await voidSale(other, sale.id)).res.status).toBe(404);
    const list = await callTyped(Sales, '/api/v1/sales', { token: other.access });
    expect(list.body.meta.total).toBe(0);
    expect(await stockOf(p.id)).toBe(2);
    expect((await callTyped(Sale, `/api/v1/sales/${sale.id}`, { token: owner.access })).body.data.status).toBe(
      'completed',
    );
  });

  it('a khata sale of a customer deleted since is not voided: 409 CUSTOMER_DELETED, nothing written', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 100_000 });
    const p = await addProduct(owner, { base_price: 10_000, stock: 3 });
    const sale = (
      await sold(owner, { customer_id: cust.id, items: [{ product_id: p.id, quantity: 1 }], payment_method: 'khata' })
    ).body.data;
    expect((await khataEntry(owner, cust.id, { type: 'payment', amount: 10_000 })).res.status).toBe(201);
    expect((await call(`/api/v1/customers/${cust.id}`, { method: 'DELETE', token: owner.access })).status).toBe(204);
    const before = await writesOf(owner.shop.id);

    const refused = await voidSale(owner, sale.id);
    expect(refused.res.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.error.code).toBe('CUSTOMER_DELETED');
    expect(await writesOf(owner.shop.id)).toEqual(before);
    expect(await stockOf(p.id)).toBe(2);
    expect((await callTyped(Sale, `/api/v1/sales/${sale.id}`, { token: owner.access })).body.data.status).toBe(
      'completed',
    );
    const deleted = await env.DB.prepare('SELECT khata_balance AS balance FROM customers WHERE id = ?')
      .bind(cust.id)
      .first<{ balance: number }>();
    expect(deleted!.balance).toBe(0);
  });

  it('a cash sale void restores stock (also of a product retired since) without a ledger entry', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { stock: 2 });
    const sale = (
      await sold(owner, { items: [{ product_id: p.id, quantity: 2 }], payment_method: 'cash', discount: 0 })
    ).body.data;
    await call(`/api/v1/products/${p.id}`, { method: 'DELETE', token: owner.access });
    expect((await voided(owner, sale.id)).res.status).toBe(200);
    expect(await stockOf(p.id)).toBe(2);
    expect((await writesOf(owner.shop.id)).khata_entries).toBe(0);
  });
});

/**
 * env.DB for a call's `env` that notes the most parameters any one statement binds, sessions included.
 * D1 refuses a statement over 100 (https://developers.cloudflare.com/d1/platform/limits/).
 */
function paramWatchingDb(seen: { max: number }): D1Database {
  const watch = <T extends object>(db: T): T =>
    new Proxy(db, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value !== 'function') return value;
        if (prop === 'withSession') return (start: string) => watch(value.call(target, start));
        if (prop !== 'prepare') return value.bind(target);
        return (query: string) => {
          const stmt: D1PreparedStatement = value.call(target, query);
          const bind = stmt.bind.bind(stmt);
          return Object.assign(stmt, {
            bind: (...params: unknown[]) => {
              seen.max = Math.max(seen.max, params.length);
              return bind(...params);
            },
          });
        };
      },
    });
  return watch(env.DB);
}

// Fifty products or a hundred sales through the API can take past vitest's default 5 s on a loaded machine.
describe('sales: as many lines and sales as the contract allows', { timeout: 120_000 }, () => {
  it('a 50-line sale sells every line and its void restores every line', async () => {
    const owner = await newShop();
    const products = await Promise.all(Array.from({ length: 50 }, (_, i) => addProduct(owner, { stock: 5 + i })));
    const items = products.map((p, i) => ({ product_id: p.id, quantity: 1 + (i % 3) }));

    const { res, body } = await sold(owner, { items, payment_method: 'card', customer_pan: 'ABCPS1234K' });
    expect(res.status).toBe(201);
    expect(body.data.items.map((i) => i.product_id)).toEqual(products.map((p) => p.id));
    const left = await Promise.all(products.map((p) => stockOf(p.id)));
    expect(left).toEqual(products.map((_, i) => 5 + i - (1 + (i % 3))));
    const read = await callTyped(Sale, `/api/v1/sales/${body.data.id}`, { token: owner.access });
    expect(read.body.data).toEqual(body.data);

    expect((await voided(owner, body.data.id)).res.status).toBe(200);
    expect(await Promise.all(products.map((p) => stockOf(p.id)))).toEqual(products.map((_, i) => 5 + i));
  });

  it('a page of 100 sales reads every sale’s lines', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { stock: 100 });
    const sales = await Promise.all(
      Array.from({ length: 100 }, () =>
        sold(owner, { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'cash' }),
      ),
    );
    expect(sales.map((s) => s.res.status)).toEqual(Array(100).fill(201));
    const { res, body } = await callTyped(Sales, '/api/v1/sales?limit=100', { token: owner.access });
    expect(res.status).toBe(200);
    expect(body.data).toHaveLength(100);
    expect(body.data.every((s) => s.items.length === 1 && s.items[0]?.product_id === p.id)).toBe(true);
  });

  it('no statement binds more parameters for 50 lines than for 1 (the bound does not grow with input)', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 1_000_000_000 });
    const products = await Promise.all(Array.from({ length: 50 }, () => addProduct(owner, { base_price: 100 })));
    const mostParams = async (lines: number) => {
      const seen = { max: 0 };
      const watched = { env: { DB: paramWatchingDb(seen) }, token: owner.access };
      const items = products.slice(0, lines).map((p) => ({ product_id: p.id, quantity: 1 }));
      const sale = await callTyped(Sale, '/api/v1/sales', {
        ...watched,
        method: 'POST',
        headers: { 'Idempotency-Key': newKey() },
        json: { customer_id: cust.id, items, payment_method: 'khata' },
      });
      expect(sale.res.status).toBe(201);
      expect((await call(`/api/v1/sales?limit=100`, watched)).status).toBe(200);
      expect((await call(`/api/v1/sales/${sale.body.data.id}/void`, { ...watched, method: 'POST' })).status).toBe(200);
      return seen.max;
    };
    const one = await mostParams(1);
    expect(one).toBeGreaterThan(0);
    expect(await mostParams(50)).toBe(one);
    expect(one).toBeLessThanOrEqual(100);
  });
});

it('the idempotency key header is required on POST /sales', async () => {
  const owner = await newShop();
  const p = await addProduct(owner, { stock: 1 });
  const json = { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'cash' };
  const missing = await callJson('/api/v1/sales', { method: 'POST', token: owner.access, json });
  expect(missing.res.status).toBe(400);
  expect(missing.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  for (const key of ['short', 'x'.repeat(129), 'has space in it', 'bad/slash-key']) {
    const bad = await callJson('/api/v1/sales', {
      method: 'POST',
      token: owner.access,
      json,
      headers: { 'Idempotency-Key': key },
    });
    expect(bad.res.status, key).toBe(400);
    expect(bad.body.error.code).toBe('IDEMPOTENCY_KEY_INVALID');
  }
  expect(await stockOf(p.id)).toBe(1);
  expect((await sold(owner, json, `${newKey()}:a.b_c-d`)).res.status).toBe(201);
});

it('the reference documents the sales, customer and khata routes with the required Idempotency-Key', async () => {
  const doc = (await (await call('/openapi.json')).json()) as Json;
  const post = doc.paths['/api/v1/sales'].post;
  expect(post.parameters).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true })]),
  );
  expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '400', '403', '404', '409', '422']));
  for (const path of [
    '/api/v1/sales/{id}',
    '/api/v1/sales/{id}/void',
    '/api/v1/customers',
    '/api/v1/customers/{id}',
    '/api/v1/customers/{id}/khata',
  ]) {
    expect(doc.paths[path], path).toBeDefined();
  }
});
