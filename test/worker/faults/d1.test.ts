// D1 failing in the middle of a write batch: a trigger in the test's own D1 aborts one statement of
// the batch after the earlier ones ran, as a failing disk, a lost connection or a row over D1's size
// limit would. The batch is the transaction, so the whole request must leave nothing behind; once the
// fault is gone, the same request (for a sale, the same Idempotency-Key) succeeds exactly once.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newShop, type Session } from '../fixtures';
import { callJson, type Json } from '../helpers';
import { addProduct } from '../shop/catalog-fixtures';
import { addCustomer, khata, newKey, sell, writesOf } from '../shop/sales-fixtures';

type Statement = 'INSERT ON sale_items' | 'INSERT ON khata_entries' | 'UPDATE ON customers' | 'INSERT ON audit_log';

/** Runs `fn` while every `statement` on the shop's rows aborts, as D1 reports a failed statement. */
async function whileFailing<T>(statement: Statement, shopId: string, fn: () => Promise<T>): Promise<T> {
  const name = `fault_${statement.replace(/\W+/g, '_')}`;
  const shop = shopId.replaceAll("'", "''");
  await env.DB.prepare(
    `CREATE TRIGGER ${name} BEFORE ${statement} FOR EACH ROW WHEN NEW.shop_id = '${shop}'
     BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
  ).run();
  try {
    return await fn();
  } finally {
    await env.DB.prepare(`DROP TRIGGER ${name}`).run();
  }
}

const expectServerError = (res: Response, body: Json) => {
  expect(res.status, JSON.stringify(body)).toBe(500);
  expect(body).toMatchObject({ success: false, error: { status: 500, code: 'INTERNAL_ERROR' } });
  // Development reveals the cause: the injected fault, not some other failure.
  expect(body.error.message).toContain('injected fault');
  expect(res.headers.get('x-request-id')).toBe(body.error.request_id);
};

async function shopWithStock() {
  const owner = await newShop();
  const product = await addProduct(owner, { stock: 5, base_price: 100_000 });
  const customer = await addCustomer(owner, { credit_limit: 1_000_000 });
  return { owner, product, customer };
}

describe('D1 failing in the middle of a sale', () => {
  it.each<Statement>([
    // after the Idempotency-Key record, the stock decrement and the sale row
    'INSERT ON sale_items',
    // after the lines, before the khata credit of a sale on credit
    'INSERT ON khata_entries',
    // the very last statement: the customer's balance
    'UPDATE ON customers',
  ])('at %s writes nothing, and a retry with the same key then sells once', async (statement) => {
    const { owner, product, customer } = await shopWithStock();
    const sale = {
      customer_id: customer.id,
      items: [{ product_id: product.id, quantity: 2 }],
      payment_method: 'khata',
    };
    const key = newKey();
    const before = await writesOf(owner.shop.id);

    const failed = await whileFailing(statement, owner.shop.id, () => sell(owner, sale, key));
    expectServerError(failed.res, failed.body);
    expect(await writesOf(owner.shop.id)).toEqual(before);

    const retry = await sell(owner, sale, key);
    expect(retry.res.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.res.headers.get('Idempotent-Replayed')).toBeNull();
    const replay = await sell(owner, sale, key);
    expect(replay.res.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body).toEqual(retry.body);
    expect(await writesOf(owner.shop.id)).toEqual({
      ...before,
      sales: before.sales + 1,
      sale_items: before.sale_items + 1,
      khata_entries: before.khata_entries + 1,
      idempotency_keys: before.idempotency_keys + 1,
      stock: before.stock - 2,
      balance: before.balance + 200_000,
    });
  });

  it('voiding, failing at the khata reversal, leaves the sale completed and the stock sold', async () => {
    const { owner, product, customer } = await shopWithStock();
    const sold = await sell(owner, {
      customer_id: customer.id,
      items: [{ product_id: product.id, quantity: 1 }],
      payment_method: 'khata',
    });
    expect(sold.res.status).toBe(201);
    const voidIt = () => callJson(`/api/v1/sales/${sold.body.data.id}/void`, { method: 'POST', token: owner.access });
    const before = await writesOf(owner.shop.id);

    const failed = await whileFailing('INSERT ON khata_entries', owner.shop.id, voidIt);
    expectServerError(failed.res, failed.body);
    expect(await writesOf(owner.shop.id)).toEqual(before);
    const still = await callJson(`/api/v1/sales/${sold.body.data.id}`, { token: owner.access });
    expect(still.body.data.status).toBe('completed');

    expect((await voidIt()).res.status).toBe(200);
    expect((await voidIt()).body.error.code).toBe('ALREADY_VOIDED');
    expect(await writesOf(owner.shop.id)).toMatchObject({
      stock: before.stock + 1,
      balance: before.balance - 100_000,
      audit: before.audit + 1,
    });
  });
});

describe('D1 failing in the middle of a khata entry', () => {
  const balanceOf = async (s: Session, customerId: string) =>
    (await callJson(`/api/v1/customers/${customerId}/khata`, { token: s.access })).body.data.balance as number;

  it.each([
    // a credit's batch: entry, balance, then its audit entry
    ['a credit, at its audit entry', 'credit', 'INSERT ON audit_log'],
    // a payment's batch: entry, then balance
    ['a payment, at the balance update', 'payment', 'UPDATE ON customers'],
  ] as const)('%s writes nothing, and the retry posts it once', async (_why, type, statement) => {
    const { owner, customer } = await shopWithStock();
    expect((await khata(owner, customer.id, { type: 'credit', amount: 50_000 })).res.status).toBe(201);
    const before = await writesOf(owner.shop.id);
    const entry = { type, amount: 20_000, note: 'during a D1 fault' };

    const failed = await whileFailing(statement, owner.shop.id, () => khata(owner, customer.id, entry));
    expectServerError(failed.res, failed.body);
    expect(await writesOf(owner.shop.id)).toEqual(before);
    expect(await balanceOf(owner, customer.id)).toBe(50_000);

    const retry = await khata(owner, customer.id, entry);
    expect(retry.res.status, JSON.stringify(retry.body)).toBe(201);
    const balance = type === 'credit' ? 70_000 : 30_000;
    expect(retry.body.data.balance_after).toBe(balance);
    expect(await balanceOf(owner, customer.id)).toBe(balance);
    expect(await writesOf(owner.shop.id)).toEqual({
      ...before,
      khata_entries: before.khata_entries + 1,
      audit: before.audit + (type === 'credit' ? 1 : 0),
      balance: before.balance + (type === 'credit' ? 20_000 : -20_000),
    });
  });
});
