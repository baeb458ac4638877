import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dataOf } from '../../../src/http/openapi';
import { CustomerSchema } from '../../../src/shop/customers/schemas';
import { auditLog, newShop, newStaff } from '../fixtures';
import { callJson, callTyped } from '../helpers';
import { addCustomer, khata, khataEntry, ledgerOf, writesOf } from './sales-fixtures';

const ledgerSum = async (customerId: string) =>
  (await env.DB.prepare(
    `SELECT coalesce(sum(CASE type WHEN 'credit' THEN amount ELSE -amount END), 0) AS n
       FROM khata_entries WHERE customer_id = ?`,
  )
    .bind(customerId)
    .first<{ n: number }>())!.n;

const balanceOf = async (customerId: string) =>
  (await env.DB.prepare('SELECT khata_balance AS b FROM customers WHERE id = ?')
    .bind(customerId)
    .first<{ b: number }>())!.b;

describe('khata', () => {
  it('credits and payments append entries with balance_after; GET is newest first with the balance', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const cashier = await newStaff(owner, 'cashier');
    const cust = await addCustomer(owner, { credit_limit: 100_000 });

    const credit = await khataEntry(manager, cust.id, { type: 'credit', amount: 60_000, note: ' old <b>dues</b> ' });
    expect(credit.res.status).toBe(201);
    expect(credit.body.data).toEqual({
      id: expect.any(String),
      type: 'credit',
      amount: 60_000,
      method: null,
      balance_after: 60_000,
      note: 'old dues',
      sale_id: null,
      created_by: manager.user.id,
      created_at: expect.any(String),
    });
    const pay = await khataEntry(cashier, cust.id, { type: 'payment', amount: 15_000 });
    expect(pay.res.status).toBe(201);
    expect(pay.body.data.balance_after).toBe(45_000);

    const page = await ledgerOf(cashier, cust.id, '?limit=1');
    expect(page.data.balance).toBe(45_000);
    expect(page.data.entries.map((e) => e.id)).toEqual([pay.body.data.id]);
    expect(page.meta).toEqual({ page: 1, limit: 1, total: 2, total_pages: 2 });
    const second = await ledgerOf(cashier, cust.id, '?page=2&limit=1');
    expect(second.data.entries[0]?.id).toBe(credit.body.data.id);

    const customer = await callTyped(dataOf(CustomerSchema), `/api/v1/customers/${cust.id}`, { token: cashier.access });
    expect(customer.body.data.khata_balance).toBe(45_000);
  });

  it('a credit is manager+ (403 for a cashier) and audited as khata.credit; payments are not audited', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const cust = await addCustomer(owner, { credit_limit: 100_000 });
    const refused = await khata(cashier, cust.id, { type: 'credit', amount: 100 });
    expect(refused.res.status).toBe(403);
    expect(await balanceOf(cust.id)).toBe(0);

    const credit = await khataEntry(owner, cust.id, { type: 'credit', amount: 700 });
    await khataEntry(cashier, cust.id, { type: 'payment', amount: 200 });
    const audit = await auditLog(owner, 'action=khata.credit');
    expect(audit.data).toHaveLength(1);
    expect(audit.data[0]).toMatchObject({
      actor_id: owner.user.id,
      target_type: 'customer',
      target_id: cust.id,
      details: { entry_id: credit.body.data.id, amount: 700 },
    });
  });

  it('a credit over the limit is 422 CREDIT_LIMIT_EXCEEDED and writes nothing', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 1000 });
    expect((await khataEntry(owner, cust.id, { type: 'credit', amount: 1000 })).res.status).toBe(201);
    const before = await writesOf(owner.shop.id);
    const over = await khata(owner, cust.id, { type: 'credit', amount: 1 });
    expect(over.res.status).toBe(422);
    expect(over.body.error.code).toBe('CREDIT_LIMIT_EXCEEDED');
    expect(await writesOf(owner.shop.id)).toEqual(before);
  });

  it('a payment over the balance is 422 PAYMENT_EXCEEDS_BALANCE (no advances) and writes nothing', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 1000 });
    await khataEntry(owner, cust.id, { type: 'credit', amount: 300 });
    const before = await writesOf(owner.shop.id);
    const over = await khata(owner, cust.id, { type: 'payment', amount: 301 });
    expect(over.res.status).toBe(422);
    expect(over.body.error.code).toBe('PAYMENT_EXCEEDS_BALANCE');
    expect(await writesOf(owner.shop.id)).toEqual(before);
    expect((await khataEntry(owner, cust.id, { type: 'payment', amount: 300 })).body.data.balance_after).toBe(0);
  });

  it('a payment keeps its method (cash unless told), read back on the ledger; a credit has none', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 100_000 });
    expect((await khataEntry(owner, cust.id, { type: 'credit', amount: 10_000 })).res.status).toBe(201);
    const methods: (string | undefined)[] = [undefined, 'cash', 'card', 'upi', 'bank'];
    const ids: string[] = [];
    for (const method of methods) {
      const pay = await khataEntry(owner, cust.id, { type: 'payment', amount: 1_000, ...(method ? { method } : {}) });
      expect(pay.res.status).toBe(201);
      expect(pay.body.data.method).toBe(method ?? 'cash');
      ids.push(pay.body.data.id);
    }
    const stored = await env.DB.prepare(
      `SELECT method FROM khata_entries WHERE customer_id = ? AND type = 'payment' ORDER BY created_at, id`,
    )
      .bind(cust.id)
      .all<{ method: string }>();
    expect(stored.results.map((r) => r.method)).toEqual(['cash', 'cash', 'card', 'upi', 'bank']);
    const ledger = await ledgerOf(owner, cust.id);
    expect(ledger.data.entries.map((e) => [e.id, e.method])).toEqual([
      ...ids.map((id, i) => [id, methods[i] ?? 'cash']).reverse(),
      [expect.any(String), null],
    ]);
  });

  it('validates the body: positive integer paise, known type, strict', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 1000 });
    for (const json of [
      { type: 'credit', amount: 0 },
      { type: 'payment', amount: -5 },
      { type: 'payment', amount: 1.5 },
      { type: 'refund', amount: 5 },
      { type: 'payment', amount: 5, balance_after: 0 },
      { type: 'payment', amount: 5, method: 'cheque' },
      { type: 'payment', amount: 5, method: 'khata' },
      // A credit is not money received: it has no method.
      { type: 'credit', amount: 5, method: 'cash' },
    ]) {
      const { res } = await khata(owner, cust.id, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
  });

  it('entries are append-only: no PATCH or DELETE route', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner, { credit_limit: 1000 });
    const e = await khataEntry(owner, cust.id, { type: 'credit', amount: 5 });
    for (const method of ['PATCH', 'DELETE']) {
      const { res } = await callJson(`/api/v1/customers/${cust.id}/khata/${e.body.data.id}`, {
        method,
        token: owner.access,
        json: method === 'PATCH' ? { amount: 1 } : undefined,
      });
      expect([404, 405]).toContain(res.status);
    }
  });

  it('25 concurrent credits never pass the limit, and the entries always sum to the balance', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const cust = await addCustomer(owner, { credit_limit: 10_000 });
    const results = await Promise.all(
      Array.from({ length: 25 }, () => khata(manager, cust.id, { type: 'credit', amount: 1_000 })),
    );
    const statuses = results.map((r) => r.res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 422)).toHaveLength(15);
    expect(await balanceOf(cust.id)).toBe(10_000);
    expect(await ledgerSum(cust.id)).toBe(10_000);
    const afters = results.filter((r) => r.res.status === 201).map((r) => r.body.data.balance_after);
    expect([...afters].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => (i + 1) * 1_000));

    // Mixed concurrent payments and credits keep the invariant too.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        khata(manager, cust.id, { type: i % 2 ? 'credit' : 'payment', amount: 700 + i }),
      ),
    );
    const balance = await balanceOf(cust.id);
    expect(balance).toBe(await ledgerSum(cust.id));
    expect(balance).toBeGreaterThanOrEqual(0);
    expect(balance).toBeLessThanOrEqual(10_000);
  });
});
