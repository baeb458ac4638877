// Old gold purchase vouchers and the old gold stock through the Worker with real D1: valued at the
// shop-local day's buy rate, paid exactly, within the PAN and cash payout rules, numbered without
// gaps under concurrency, idempotent, printable, and readable only inside the shop.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { DOCUMENT_CSP } from '../../../src/http/security-headers';
import { shopDay } from '../../../src/pricing/shop-day';
import { CustomerSchema } from '../../../src/shop/customers/schemas';
import { PurchaseSchema, StockSchema } from '../../../src/shop/old-gold/schemas';
import { ShopProfileSchema } from '../../../src/shop/profile/schemas';
import { countRoundTrips, format } from '../../support/round-trips';
import { newShop, newStaff, type Session } from '../fixtures';
import { call, callData, callJson, callTyped, type Json } from '../helpers';
import { addRate as addRateWith, patchShop } from './billing-fixtures';
import { addCustomer, newKey } from './sales-fixtures';

/** A published GSTIN (python-stdnum's example) of Maharashtra, state 27. */
const GSTIN_27 = '27AAPFU0939F1ZV';

/** The README's old gold: 5,000 mg gross, 200 less, tested 916, 2% deduction; at 640,000 paise/g it is worth 3,010,560. */
const LINE = { metal: 'gold', purity: 916, gross_weight_mg: 5_000, less_weight_mg: 200, deduction_bp: 200 };
const VALUE = 3_010_560;
const BUY_RATE = 640_000;

/** The financial year label of the shop-local today (the demo and test shops keep Asia/Kolkata). */
const fy = () => shopDay(new Date(), 'Asia/Kolkata').financial_year.label;
const today = () => shopDay(new Date(), 'Asia/Kolkata').date;

const buyOptions = (s: Session, json: Json, key: string) => ({
  method: 'POST',
  token: s.access,
  headers: { 'Idempotency-Key': key },
  json,
});

/** POST a voucher; for refusals and mixed outcomes. */
const buy = (s: Session, json: Json, key: string = newKey()) =>
  callJson('/api/v1/old-gold/purchases', buyOptions(s, json, key));

/** A voucher that must be written, typed by the route's schema. */
const bought = (s: Session, json: Json, key: string = newKey()) =>
  callData(PurchaseSchema, 201, '/api/v1/old-gold/purchases', buyOptions(s, json, key));

/** A 22K buy rate unless told otherwise. */
const addRate = (s: Session, json: Json) => addRateWith(s, { kind: 'buy', rate_per_gram: BUY_RATE, ...json });

/** A shop with a 22K buy rate and a customer, and its staff. */
async function shopWithRate() {
  const owner = await newShop();
  await addRate(owner, {});
  const [manager, cashier] = [await newStaff(owner, 'manager'), await newStaff(owner, 'cashier')];
  return { owner, manager, cashier, customer: await addCustomer(owner) };
}

/** The README's line, paid by bank transfer (no cash limit in play). */
const byBank = (over: Json = {}): Json => ({
  lines: [LINE],
  payments: [{ method: 'bank', amount: VALUE }],
  ...over,
});

/** What a voucher writes, for one shop; a refusal must leave all of it as it was. */
async function written(shopId: string) {
  const n = async (sql: string) => (await env.DB.prepare(sql).bind(shopId).first<{ n: number }>())?.n ?? 0;
  return {
    vouchers: await n('SELECT count(*) AS n FROM old_gold_purchases WHERE shop_id = ?'),
    lines: await n('SELECT count(*) AS n FROM old_gold_lines WHERE shop_id = ?'),
    payments: await n('SELECT count(*) AS n FROM payments WHERE shop_id = ?'),
    keys: await n('SELECT count(*) AS n FROM idempotency_keys WHERE shop_id = ?'),
    audit: await n("SELECT count(*) AS n FROM audit_log WHERE shop_id = ? AND action LIKE 'old_gold%'"),
    serial: await n(
      "SELECT coalesce(max(last_serial), 0) AS n FROM document_series WHERE shop_id = ? AND series = 'purchase_voucher'",
    ),
  };
}

const auditOf = async (shopId: string, action: string) => {
  const { results } = await env.DB.prepare(
    'SELECT actor_id, target_id, details FROM audit_log WHERE shop_id = ? AND action = ? ORDER BY created_at',
  )
    .bind(shopId, action)
    .all<{ actor_id: string; target_id: string; details: string }>();
  return results.map((r) => ({ ...r, details: JSON.parse(r.details) as Json }));
};

const codeOf = (body: Json) => body.error?.code as string;

describe('old gold: a purchase voucher', () => {
  it('values the lines at the day’s buy rate, takes the next number, snapshots both parties, records payments and an audit entry', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    await patchShop(owner, {
      legal_name: 'Test Jewellers LLP',
      gstin: GSTIN_27,
      state_code: '27',
      address: '1 Zaveri Bazaar, Mumbai',
    });
    await callTyped(dataOf(CustomerSchema), `/api/v1/customers/${customer.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { pan: 'abcps1234k', address: 'Girgaon, Mumbai' },
    });
    // A sell rate of the same purity is never what old gold is bought at.
    await addRate(owner, { kind: 'sell', rate_per_gram: 700_000 });

    const v = await bought(cashier, {
      customer_id: customer.id,
      lines: [LINE],
      payments: [
        { method: 'cash', amount: 500_000 },
        { method: 'bank', amount: VALUE - 500_000 },
      ],
      note: 'Old chain, <b>broken</b> clasp',
    });
    expect(v).toMatchObject({
      voucher_number: `INVP/${fy()}/1`,
      financial_year: fy(),
      date: today(),
      customer_id: customer.id,
      seller: {
        customer_id: customer.id,
        name: customer.name,
        phone: customer.phone,
        address: 'Girgaon, Mumbai',
        pan: 'ABCPS1234K',
        form60_ref: null,
      },
      buyer: {
        legal_name: 'Test Jewellers LLP',
        gstin: GSTIN_27,
        state_code: '27',
        address: '1 Zaveri Bazaar, Mumbai',
      },
      lines: [
        {
          ...LINE,
          net_weight_mg: 4_800,
          rate_per_gram: BUY_RATE,
          rate_date: '2026-01-01',
          rate_source: 'exact',
          value: VALUE,
        },
      ],
      payments: [
        { method: 'cash', amount: 500_000 },
        { method: 'bank', amount: VALUE - 500_000 },
      ],
      total: VALUE,
      total_in_words: 'Rupees Thirty Thousand One Hundred Five and Sixty Paise Only',
      note: 'Old chain, broken clasp',
      created_by: cashier.user.id,
    });

    const { body: read } = await callTyped(dataOf(PurchaseSchema), `/api/v1/old-gold/purchases/${v.id}`, {
      token: cashier.access,
    });
    expect(read.data).toEqual(v);
    const { results: pays } = await env.DB.prepare(
      'SELECT method, amount, business_date, customer_id, sale_id FROM payments WHERE purchase_id = ? ORDER BY rowid',
    )
      .bind(v.id)
      .all();
    expect(pays).toEqual([
      { method: 'cash', amount: 500_000, business_date: today(), customer_id: customer.id, sale_id: null },
      { method: 'bank', amount: VALUE - 500_000, business_date: today(), customer_id: customer.id, sale_id: null },
    ]);
    expect(await auditOf(owner.shop.id, 'old_gold_purchase.created')).toEqual([
      {
        actor_id: cashier.user.id,
        target_id: v.id,
        details: { total: VALUE, cash: 500_000, lines: 1, customer_id: customer.id },
      },
    ]);
    // Issuing a number fixes the prefix for the financial year, as an invoice does.
    const { body: shop } = await callTyped(dataOf(ShopProfileSchema), '/api/v1/shop', { token: owner.access });
    expect(shop.data.invoice_prefix_locked_until).toEqual(expect.any(String));
    expect((await bought(cashier, byBank({ customer_id: customer.id }))).voucher_number).toBe(`INVP/${fy()}/2`);
  });

  it('a voucher is four D1 round trips: the key, the shop and seller, the rates and the day’s cash, the batch', async () => {
    const { cashier, customer } = await shopWithRate();
    const counted = countRoundTrips(env);
    const { res } = await callTyped(dataOf(PurchaseSchema), '/api/v1/old-gold/purchases', {
      method: 'POST',
      token: cashier.access,
      headers: { 'Idempotency-Key': newKey() },
      json: byBank({ customer_id: customer.id }),
      env: counted.env as unknown as Json,
    });
    expect(res.status).toBe(201);
    // The limiter's Durable Object may sync on a user's first request; D1 and KV are the voucher's own.
    expect({ d1: counted.trips.d1, kv_get: counted.trips.kv_get }, format(counted.trips)).toEqual({ d1: 4, kv_get: 1 });
  });

  it('a walk-in seller is named by `seller`; exactly one of customer_id and seller', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    const seller = { name: 'Rakesh Jain', address: 'Dadar, Mumbai', phone: '+919820000001' };
    const v = await bought(cashier, byBank({ seller }));
    expect(v.customer_id).toBeNull();
    expect(v.seller).toEqual({
      customer_id: null,
      ...seller,
      state_code: null,
      pan: null,
      form60_ref: null,
      gstin: null,
    });
    for (const json of [byBank(), byBank({ seller, customer_id: customer.id })]) {
      const { res, body } = await buy(cashier, json);
      expect(res.status).toBe(400);
      expect(codeOf(body)).toBe('VALIDATION_FAILED');
      expect(body.error.details[0].path).toBe('customer_id');
    }
    expect((await written(owner.shop.id)).vouchers).toBe(1);
  });

  it('refusals write nothing and take no number: each error code of the route', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    const other = await newShop();
    const otherCustomer = await addCustomer(other);
    const refused: [Session, Json, number, string][] = [
      [
        cashier,
        byBank({ customer_id: customer.id, payments: [{ method: 'bank', amount: VALUE - 1 }] }),
        422,
        'PAYMENT_MISMATCH',
      ],
      [
        cashier,
        byBank({ customer_id: customer.id, payments: [{ method: 'khata', amount: VALUE }] }),
        400,
        'VALIDATION_FAILED',
      ],
      // No silver buy rate at all: a gold rate never stands in for another metal.
      [
        cashier,
        byBank({ customer_id: customer.id, lines: [{ ...LINE, metal: 'silver', purity: 925 }] }),
        422,
        'RATE_UNAVAILABLE',
      ],
      [
        cashier,
        byBank({ customer_id: customer.id, lines: [{ ...LINE, less_weight_mg: 5_001 }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [cashier, byBank({ customer_id: otherCustomer.id }), 404, 'NOT_FOUND'],
      [cashier, byBank({ customer_id: customer.id, lines: [{ ...LINE, rate_per_gram: 1 }] }), 403, 'FORBIDDEN'],
      [cashier, byBank({ customer_id: customer.id, extra: 1 }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [who, json, status, code] of refused) {
      const { res, body } = await buy(who, json);
      expect([res.status, codeOf(body)], JSON.stringify(json)).toEqual([status, code]);
    }
    // The sell rate of the metal does not stand in for its buy rate either.
    await addRate(owner, { metal: 'silver', purity: 925, kind: 'sell', rate_per_gram: 9_000 });
    const { body } = await buy(
      cashier,
      byBank({ customer_id: customer.id, lines: [{ ...LINE, metal: 'silver', purity: 925 }] }),
    );
    expect(codeOf(body)).toBe('RATE_UNAVAILABLE');
    expect(body.error.details).toEqual([
      { path: 'lines.0', message: expect.stringContaining('no buy rate for silver') },
    ]);

    expect(await written(owner.shop.id)).toEqual({ vouchers: 0, lines: 0, payments: 0, keys: 0, audit: 0, serial: 0 });
    expect((await bought(cashier, byBank({ customer_id: customer.id }))).voucher_number).toBe(`INVP/${fy()}/1`);
  });

  it('a purity without its own buy rate is bought at the highest purity’s, scaled', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    await addRate(owner, { purity: 999, rate_per_gram: 700_000 });
    const v = await bought(cashier, {
      customer_id: customer.id,
      lines: [{ metal: 'gold', purity: 750, gross_weight_mg: 1_000 }],
      payments: [{ method: 'upi', amount: 525_526 }],
    });
    // round(700,000 × 750 / 999) = 525,526 paise a gram; 1 g, no deduction.
    expect(v.lines[0]).toMatchObject({ rate_per_gram: 525_526, rate_source: 'scaled_from_999', value: 525_526 });
  });

  it('a manager may give the rate: bought at it and audited', async () => {
    const { owner, manager, customer } = await shopWithRate();
    const v = await bought(manager, {
      customer_id: customer.id,
      lines: [LINE, { ...LINE, rate_per_gram: 600_000 }],
      payments: [{ method: 'bank', amount: VALUE + 2_822_400 }],
    });
    // round(round(4,800 × 600,000 / 1000) × 9,800 / 10,000) = 2,822,400.
    expect(v.lines[1]).toMatchObject({
      rate_per_gram: 600_000,
      rate_date: null,
      rate_source: 'given',
      value: 2_822_400,
    });
    expect(await auditOf(owner.shop.id, 'old_gold_purchase.rate_given')).toEqual([
      {
        actor_id: manager.user.id,
        target_id: v.id,
        details: { lines: [{ index: 1, ...v.lines[1] }] },
      },
    ]);
  });
});

describe('old gold: PAN and cash paid out', () => {
  it('a total above pan_threshold_paise needs seller_pan, form60_ref or the customer’s own', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    await patchShop(owner, { pan_threshold_paise: VALUE - 1 });
    const { res, body } = await buy(cashier, byBank({ customer_id: customer.id }));
    expect([res.status, codeOf(body)]).toEqual([422, 'PAN_REQUIRED']);
    expect(body.error.details[0].path).toBe('seller_pan');
    expect(await written(owner.shop.id)).toMatchObject({ vouchers: 0, serial: 0 });

    expect((await bought(cashier, byBank({ customer_id: customer.id, seller_pan: 'abcps1234k' }))).seller.pan).toBe(
      'ABCPS1234K',
    );
    expect(
      (await bought(cashier, byBank({ customer_id: customer.id, form60_ref: 'F60-2026-17' }))).seller.form60_ref,
    ).toBe('F60-2026-17');
    const withPan = await addCustomer(owner, { pan: 'AAAPL1234C' });
    expect((await bought(cashier, byBank({ customer_id: withPan.id }))).seller.pan).toBe('AAAPL1234C');
    // At the threshold itself no PAN is asked for ("exceeds").
    await patchShop(owner, { pan_threshold_paise: VALUE });
    await bought(cashier, byBank({ customer_id: customer.id }));
  });

  it('cash to one seller in the shop-local day above cash_payout_limit_paise needs a manager, who is audited', async () => {
    const { owner, manager, cashier, customer } = await shopWithRate();
    const paid = (cash: number, who = customer.id as string) =>
      byBank({
        customer_id: who,
        payments: [
          { method: 'cash', amount: cash },
          { method: 'bank', amount: VALUE - cash },
        ],
      });
    // The default limit is ₹10,000 (1,000,000 paise) a day.
    await bought(cashier, paid(600_000));
    const before = await written(owner.shop.id);
    const { res, body } = await buy(cashier, paid(400_001));
    expect([res.status, codeOf(body)]).toEqual([403, 'FORBIDDEN']);
    expect(body.error.message).toContain('s.40A(3)');
    expect(body.error.details[0].message).toContain('cash 400001 + paid earlier today 600000');
    expect(await written(owner.shop.id)).toEqual(before);
    // Exactly the limit is allowed ("exceeds ten thousand rupees"); money by bank is not cash.
    await bought(cashier, paid(400_000));
    await bought(cashier, byBank({ customer_id: customer.id }));
    // Another seller's day is their own.
    await bought(cashier, paid(1_000_000, (await addCustomer(owner)).id));
    expect(await auditOf(owner.shop.id, 'old_gold_purchase.cash_over_limit')).toEqual([]);

    const over = await bought(manager, paid(500_000));
    expect(await auditOf(owner.shop.id, 'old_gold_purchase.cash_over_limit')).toEqual([
      {
        actor_id: manager.user.id,
        target_id: over.id,
        details: { cash: 500_000, cash_today: 1_000_000, cash_payout_limit_paise: 1_000_000 },
      },
    ]);
    // A walk-in seller's voucher counts on its own.
    const walkIn = { seller: { name: 'Walk-in', address: 'Mumbai' } };
    const { res: single } = await buy(cashier, { ...paid(1_000_001), customer_id: undefined, ...walkIn });
    expect(single.status).toBe(403);
    // A lower limit set by the owner applies at once.
    await patchShop(owner, { cash_payout_limit_paise: 100_000 });
    const { res: lowered } = await buy(cashier, paid(100_001, (await addCustomer(owner)).id));
    expect(lowered.status).toBe(403);
  });

  it('concurrent cashier vouchers to one seller cannot together pass the limit', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    const json = byBank({
      customer_id: customer.id,
      payments: [
        { method: 'cash', amount: 600_000 },
        { method: 'bank', amount: VALUE - 600_000 },
      ],
    });
    // Eight at once: their reads before the batch all see no cash paid yet (without the batch's own
    // check, seven of them were written), so only the batch can tell them apart.
    const results = await Promise.all(Array.from({ length: 8 }, () => buy(cashier, json)));
    expect(results.map((r) => r.res.status).sort()).toEqual([201, ...Array(7).fill(403)]);
    for (const r of results.filter((x) => x.res.status === 403)) {
      expect(r.body.error.details[0].message).toContain('cash 600000 + paid earlier today 600000');
    }
    expect(await written(owner.shop.id)).toMatchObject({ vouchers: 1, payments: 2, serial: 1 });
  });
});

describe('old gold: numbering and idempotency', () => {
  it('20 concurrent vouchers are numbered 1..20 without gaps; retries and refusals among them take no number', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    const keys = Array.from({ length: 20 }, () => newKey());
    const requests = [
      ...keys.map((key) => buy(cashier, byBank({ customer_id: customer.id }), key)),
      // Retries of three of them, racing their first attempt: one voucher each, replayed.
      ...keys.slice(0, 3).map((key) => buy(cashier, byBank({ customer_id: customer.id }), key)),
      // Refused: paid one paisa short.
      ...[1, 2].map(() =>
        buy(cashier, byBank({ customer_id: customer.id, payments: [{ method: 'bank', amount: VALUE - 1 }] })),
      ),
    ];
    const results = await Promise.all(requests);
    expect(results.map((r) => r.res.status)).toEqual([...Array(23).fill(201), 422, 422]);
    const numbers = results.slice(0, 20).map((r) => r.body.data.voucher_number as string);
    expect(numbers.map((n) => Number(n.split('/')[2])).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect(results.slice(20, 23).map((r) => r.body.data.voucher_number)).toEqual(numbers.slice(0, 3));
    expect(await written(owner.shop.id)).toMatchObject({ vouchers: 20, serial: 20, keys: 20 });
    const { results: rows } = await env.DB.prepare(
      'SELECT voucher_serial, voucher_number FROM old_gold_purchases WHERE shop_id = ? ORDER BY voucher_serial',
    )
      .bind(owner.shop.id)
      .all<{ voucher_serial: number; voucher_number: string }>();
    expect(rows.map((r) => r.voucher_number)).toEqual(rows.map((r) => `INVP/${fy()}/${r.voucher_serial}`));

    // A retry of a key with another body is refused and takes no number either.
    const { res } = await buy(cashier, byBank({ customer_id: customer.id, note: 'other body' }), keys[0]);
    expect(res.status).toBe(422);
    expect((await bought(cashier, byBank({ customer_id: customer.id }))).voucher_number).toBe(`INVP/${fy()}/21`);
  });

  it('a retry with the same key replays the first response byte for byte; keys follow the sales rules', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    const key = newKey();
    const post = (json: Json, k: string | null = key, token = cashier.access) =>
      call('/api/v1/old-gold/purchases', {
        method: 'POST',
        token,
        headers: k === null ? {} : { 'Idempotency-Key': k },
        json,
      });
    const first = await post(byBank({ customer_id: customer.id }));
    const firstText = await first.text();
    expect(first.status).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const again = await post({
      payments: [{ amount: VALUE, method: 'bank' }],
      lines: [LINE],
      customer_id: customer.id,
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await again.text()).toBe(firstText);
    expect(JSON.parse(firstText).data.voucher_number).toBe(`INVP/${fy()}/1`);

    const cases: [Response, number, string][] = [
      [await post(byBank({ customer_id: customer.id, note: 'x' })), 422, 'IDEMPOTENCY_KEY_REUSED'],
      [
        await post(byBank({ customer_id: customer.id }), key, (await newStaff(owner, 'cashier')).access),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      ],
      [await post(byBank({ customer_id: customer.id }), null), 400, 'IDEMPOTENCY_KEY_REQUIRED'],
      [await post(byBank({ customer_id: customer.id }), 'short'), 400, 'IDEMPOTENCY_KEY_INVALID'],
    ];
    for (const [res, status, code] of cases) {
      expect([res.status, ((await res.json()) as Json).error.code]).toEqual([status, code]);
    }
    // A sale's key is not a voucher's: the same key on another route is another request.
    const { body } = await callJson('/api/v1/sales', {
      method: 'POST',
      token: cashier.access,
      headers: { 'Idempotency-Key': key },
      json: { items: [{ product_id: 'none', quantity: 1 }], payment_method: 'cash' },
    });
    expect(codeOf(body)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await written(owner.shop.id)).toMatchObject({ vouchers: 1, serial: 1, keys: 1 });

    // While a first request's outcome is not stored yet, its retry is told to come back.
    await env.DB.prepare(
      'UPDATE idempotency_keys SET status_code = NULL, response_body = NULL WHERE shop_id = ? AND key = ?',
    )
      .bind(owner.shop.id, key)
      .run();
    const inFlight = await post(byBank({ customer_id: customer.id }));
    expect([inFlight.status, ((await inFlight.json()) as Json).error.code]).toEqual([409, 'IDEMPOTENCY_KEY_IN_FLIGHT']);
    expect(await written(owner.shop.id)).toMatchObject({ vouchers: 1, serial: 1, keys: 1 });
  });

  it('a series that has run out of 16-character numbers refuses with 409 CONFLICT and writes nothing', async () => {
    const { owner, cashier, customer } = await shopWithRate();
    await patchShop(owner, { invoice_prefix: 'ABCD' });
    // ABCDP/2627/99999 is 16 characters; the next would be 17.
    await env.DB.prepare(
      "INSERT INTO document_series (shop_id, series, financial_year, last_serial, last_number) VALUES (?, 'purchase_voucher', ?, 99999, ?)",
    )
      .bind(owner.shop.id, fy(), `ABCDP/${fy()}/99999`)
      .run();
    const { res, body } = await buy(cashier, byBank({ customer_id: customer.id }));
    expect([res.status, codeOf(body)]).toEqual([409, 'CONFLICT']);
    expect(await written(owner.shop.id)).toEqual({
      vouchers: 0,
      lines: 0,
      payments: 0,
      keys: 0,
      audit: 0,
      serial: 99_999,
    });
  });
});

describe('old gold: reading vouchers', () => {
  it('a cashier reads their own vouchers; managers all; another shop none (404)', async () => {
    const { owner, manager, cashier, customer } = await shopWithRate();
    const other = await newStaff(owner, 'cashier');
    const mine = await bought(cashier, byBank({ customer_id: customer.id }));
    const theirs = await bought(other, byBank({ customer_id: customer.id }));
    const ids = async (s: Session) =>
      (await callTyped(pageOf(PurchaseSchema), '/api/v1/old-gold/purchases', { token: s.access })).body.data.map(
        (v) => v.id,
      );
    expect(await ids(cashier)).toEqual([mine.id]);
    expect((await ids(manager)).sort()).toEqual([mine.id, theirs.id].sort());
    for (const path of [
      `/api/v1/old-gold/purchases/${theirs.id}`,
      `/api/v1/old-gold/purchases/${theirs.id}/voucher.html`,
    ]) {
      const res = await call(path, { token: cashier.access });
      expect(res.status).toBe(404);
      expect(((await res.json()) as Json).error.code).toBe('NOT_FOUND');
    }

    const stranger = await newShop();
    expect(await ids(stranger)).toEqual([]);
    for (const path of [
      `/api/v1/old-gold/purchases/${mine.id}`,
      `/api/v1/old-gold/purchases/${mine.id}/voucher.html`,
    ]) {
      expect((await call(path, { token: stranger.access })).status).toBe(404);
    }
    expect((await call('/api/v1/old-gold/purchases')).status).toBe(401);
  });

  it('lists page like the other lists and filter by shop-local date and customer', async () => {
    const { owner, customer } = await shopWithRate();
    const another = await addCustomer(owner);
    for (const c of [customer, customer, another]) await bought(owner, byBank({ customer_id: c.id }));
    const list = (q: string) =>
      callTyped(pageOf(PurchaseSchema), `/api/v1/old-gold/purchases${q}`, { token: owner.access });
    const page = await list('?limit=2&page=2');
    expect(page.body.meta).toEqual({ page: 2, limit: 2, total: 3, total_pages: 2 });
    expect(page.body.data).toHaveLength(1);
    expect((await list(`?from=${today()}&to=${today()}`)).body.meta.total).toBe(3);
    expect((await list('?to=2026-01-01')).body.meta.total).toBe(0);
    expect((await list('?from=2999-01-01')).body.meta.total).toBe(0);
    expect((await list(`?customer_id=${another.id}`)).body.meta.total).toBe(1);
    for (const q of ['?from=2026-02-02&to=2026-02-01', '?limit=101', '?from=2026-02-30']) {
      const { res, body } = await callJson(`/api/v1/old-gold/purchases${q}`, { token: owner.access });
      expect([res.status, codeOf(body)], q).toEqual([400, 'VALIDATION_FAILED']);
    }
  });

  it('voucher.html is a self-contained page under the document CSP, with every value escaped', async () => {
    const { owner, cashier } = await shopWithRate();
    const v = await bought(cashier, {
      seller: { name: `D'Souza & "Sons"`, address: 'Bandra, Mumbai' },
      lines: [LINE],
      payments: [
        { method: 'cash', amount: 10_000 },
        { method: 'upi', amount: VALUE - 10_000 },
      ],
    });
    const res = await call(`/api/v1/old-gold/purchases/${v.id}/voucher.html`, { token: owner.access });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(DOCUMENT_CSP);
    expect(DOCUMENT_CSP).toBe(
      "default-src 'none'; frame-ancestors 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    for (const text of [
      v.voucher_number,
      '₹30,105.60',
      '₹30,005.60',
      '₹100.00',
      '₹6,400.00/g',
      '5.000 g',
      '0.200 g',
      '4.800 g',
      '2.00%',
      'Rupees Thirty Thousand One Hundred Five and Sixty Paise Only',
      'D&#39;Souza &amp; &quot;Sons&quot;',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain(`D'Souza`);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(|@import/i);
  });
});

describe('old gold: stock', () => {
  it('fine weight taken in by metal, from vouchers and from the exchange lines of sales that stand', async () => {
    const { owner, manager, cashier, customer } = await shopWithRate();
    await bought(manager, {
      customer_id: customer.id,
      lines: [
        LINE,
        { ...LINE, gross_weight_mg: 1_001, less_weight_mg: 0 },
        { metal: 'silver', purity: 925, gross_weight_mg: 10_000, rate_per_gram: 9_000 },
      ],
      payments: [{ method: 'bank', amount: VALUE + 627_827 + 90_000 }],
    });
    // Exchange lines of a completed and of a voided sale, written as a sale records them.
    const sale = async (status: string) => {
      const id = crypto.randomUUID();
      await env.DB.prepare(
        `INSERT INTO sales (id, shop_id, cashier_id, subtotal, total, payment_method, status, created_at, business_date)
         VALUES (?, ?, ?, 100, 100, 'cash', ?, ?, ?)`,
      )
        .bind(id, owner.shop.id, cashier.user.id, status, new Date().toISOString(), today())
        .run();
      await env.DB.prepare(
        `INSERT INTO old_gold_lines (id, shop_id, sale_id, metal, purity, gross_weight_mg, less_weight_mg, net_weight_mg,
           deduction_bp, rate_per_gram, rate_date, rate_source, value, created_at)
         VALUES (?, ?, ?, 'gold', 750, 2000, 0, 2000, 0, 500000, '2026-01-01', 'exact', 1000000, ?)`,
      )
        .bind(crypto.randomUUID(), owner.shop.id, id, new Date().toISOString())
        .run();
    };
    await sale('completed');
    await sale('voided');
    // Another shop's old gold is not this shop's.
    const stranger = await shopWithRate();
    await bought(stranger.owner, byBank({ customer_id: stranger.customer.id }));

    const { res, body } = await callTyped(dataOf(StockSchema), '/api/v1/old-gold/stock', { token: manager.access });
    expect(res.status).toBe(200);
    // Gold 916: 4,800 + 1,001 = 5,801 mg net, round(5,801 × 916 / 1000) = round(5,313.716) = 5,314 mg fine.
    // Gold 750 exchanged (the voided sale's line left out): 2,000 × 0.75 = 1,500.
    expect(body.data).toEqual([
      {
        metal: 'gold',
        net_weight_mg: 7_801,
        fine_weight_mg: 6_814,
        purchased: { net_weight_mg: 5_801, fine_weight_mg: 5_314 },
        exchanged: { net_weight_mg: 2_000, fine_weight_mg: 1_500 },
      },
      {
        metal: 'silver',
        net_weight_mg: 10_000,
        fine_weight_mg: 9_250,
        purchased: { net_weight_mg: 10_000, fine_weight_mg: 9_250 },
        exchanged: { net_weight_mg: 0, fine_weight_mg: 0 },
      },
      {
        metal: 'platinum',
        net_weight_mg: 0,
        fine_weight_mg: 0,
        purchased: { net_weight_mg: 0, fine_weight_mg: 0 },
        exchanged: { net_weight_mg: 0, fine_weight_mg: 0 },
      },
    ]);
    const { res: denied, body: why } = await callJson('/api/v1/old-gold/stock', { token: cashier.access });
    expect([denied.status, codeOf(why)]).toEqual([403, 'FORBIDDEN']);
  });
});
