import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newShop, newStaff } from '../fixtures';
import { call } from '../helpers';
import { addProduct } from './catalog-fixtures';
import { newKey, stockOf, writesOf } from './sales-fixtures';

const post = (token: string, key: string, json: unknown) =>
  call('/api/v1/sales', { method: 'POST', token, headers: { 'Idempotency-Key': key }, json });

describe('Idempotency-Key on POST /sales', () => {
  it('a retry with the same key and body replays the first response byte for byte, without a second sale', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { stock: 5 });
    const key = newKey();
    const json = { items: [{ product_id: p.id, quantity: 2 }], payment_method: 'cash' };
    const first = await post(owner.access, key, json);
    const firstText = await first.text();
    expect(first.status).toBe(201);

    // Key order is not part of the request's identity.
    const retry = await post(owner.access, key, { payment_method: 'cash', items: [{ quantity: 2, product_id: p.id }] });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(retry.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await retry.text()).toBe(firstText);
    expect(await stockOf(p.id)).toBe(3);
    expect((await writesOf(owner.shop.id)).sales).toBe(1);
  });

  it('the same key with a different body, or from another user, is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const p = await addProduct(owner, { stock: 5 });
    const key = newKey();
    const json = { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'cash' };
    expect((await post(owner.access, key, json)).status).toBe(201);
    for (const [token, body] of [
      [owner.access, { ...json, payment_method: 'upi' }],
      [cashier.access, json],
    ] as const) {
      const res = await post(token, key, body);
      expect(res.status).toBe(422);
      expect(((await res.json()) as any).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await stockOf(p.id)).toBe(4);
  });

  it('keys are scoped to the shop: another shop’s identical key is its own sale', async () => {
    const a = await newShop();
    const b = await newShop();
    const pa = await addProduct(a, { stock: 1 });
    const pb = await addProduct(b, { stock: 1 });
    const key = newKey();
    expect(
      (await post(a.access, key, { items: [{ product_id: pa.id, quantity: 1 }], payment_method: 'cash' })).status,
    ).toBe(201);
    const res = await post(b.access, key, { items: [{ product_id: pb.id, quantity: 1 }], payment_method: 'cash' });
    expect(res.status).toBe(201);
    expect(res.headers.get('Idempotent-Replayed')).toBeNull();
  });

  it('concurrent identical requests with one new key make exactly one sale, and all get its response', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { stock: 10 });
    const key = newKey();
    const json = { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'cash' };
    const responses = await Promise.all(Array.from({ length: 12 }, () => post(owner.access, key, json)));
    const texts = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(responses.filter((r) => r.headers.get('Idempotent-Replayed') === null)).toHaveLength(1);
    expect(new Set(texts).size).toBe(1);
    expect(await stockOf(p.id)).toBe(9);
    expect(await writesOf(owner.shop.id)).toMatchObject({ sales: 1, sale_items: 1, idempotency_keys: 1 });
  });

  it('a refused sale stores nothing, so its key works once the cause is fixed', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { stock: 1 });
    const key = newKey();
    const json = { items: [{ product_id: p.id, quantity: 2 }], payment_method: 'cash' };
    expect((await post(owner.access, key, json)).status).toBe(409);
    expect((await writesOf(owner.shop.id)).idempotency_keys).toBe(0);
    await call(`/api/v1/products/${p.id}`, { method: 'PATCH', token: owner.access, json: { stock: 2 } });
    const res = await post(owner.access, key, json);
    expect(res.status).toBe(201);
    expect(res.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await stockOf(p.id)).toBe(0);
  });

  it('a key whose first request is still in flight is 409 IDEMPOTENCY_KEY_IN_FLIGHT', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { stock: 3 });
    const key = newKey();
    const now = Date.now();
    // What a route that records its key before its result (status_code NULL) leaves while it runs.
    await env.DB.prepare(
      `INSERT INTO idempotency_keys (shop_id, key, user_id, request_hash, status_code, response_body, created_at, expires_at)
       VALUES (?, ?, ?, 'pending', NULL, NULL, ?, ?)`,
    )
      .bind(owner.shop.id, key, owner.user.id, new Date(now).toISOString(), new Date(now + 3_600_000).toISOString())
      .run();
    const json = { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'cash' };
    await env.DB.prepare('UPDATE idempotency_keys SET request_hash = ? WHERE shop_id = ? AND key = ?')
      .bind(await hashOf(json), owner.shop.id, key)
      .run();
    const res = await post(owner.access, key, json);
    expect(res.status).toBe(409);
    expect(((await res.json()) as any).error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
    expect(await stockOf(p.id)).toBe(3);
  });

  it('a key expires after 24 hours and may then be used for a new request', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { stock: 3 });
    const key = newKey();
    expect(
      (await post(owner.access, key, { items: [{ product_id: p.id, quantity: 1 }], payment_method: 'cash' })).status,
    ).toBe(201);
    const row = await env.DB.prepare(
      'SELECT created_at, expires_at FROM idempotency_keys WHERE shop_id = ? AND key = ?',
    )
      .bind(owner.shop.id, key)
      .first<{ created_at: string; expires_at: string }>();
    expect(Date.parse(row!.expires_at) - Date.parse(row!.created_at)).toBe(24 * 3600 * 1000);

    await env.DB.prepare('UPDATE idempotency_keys SET expires_at = ? WHERE shop_id = ? AND key = ?')
      .bind(new Date(Date.now() - 1000).toISOString(), owner.shop.id, key)
      .run();
    const res = await post(owner.access, key, { items: [{ product_id: p.id, quantity: 2 }], payment_method: 'upi' });
    expect(res.status).toBe(201);
    expect(res.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await stockOf(p.id)).toBe(0);
    expect((await writesOf(owner.shop.id)).idempotency_keys).toBe(1);
  });
});

/** The fingerprint the module stores: SHA-256 of method, path and the body's canonical JSON. */
async function hashOf(body: { items: { product_id: string; quantity: number }[]; payment_method: string }) {
  const items = body.items.map((i) => `{"product_id":${JSON.stringify(i.product_id)},"quantity":${i.quantity}}`);
  const text = `POST\n/api/v1/sales\n{"items":[${items.join(',')}],"payment_method":${JSON.stringify(body.payment_method)}}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
