// Bindings that are there (the config accepts them) but fail the way an outage does: every call
// rejects. Passed per request as `env` overrides, so the rest of the Worker runs as usual.
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import type { Env } from '../../../src/env';
import type { Session } from '../fixtures';
import { callJson } from '../helpers';
import { addProduct } from '../shop/catalog-fixtures';
import { newKey } from '../shop/sales-fixtures';

const outage = (what: string) => () => Promise.reject(new Error(`${what} is unavailable`));

/** KV down: reads and writes reject. */
export const downKv = {
  get: outage('KV'),
  getWithMetadata: outage('KV'),
  put: outage('KV'),
  delete: outage('KV'),
  list: outage('KV'),
} as unknown as Env['AUTH_KV'];

/** KV refusing writes while reads work (a write outage, or the 1 write/s per key limit). */
export const readOnlyKv = {
  get: (...args: Parameters<Env['AUTH_KV']['get']>) => env.AUTH_KV.get(...args),
  put: outage('KV writes'),
} as unknown as Env['AUTH_KV'];

/** The rate limiter down: ids resolve, but every object call rejects (overloaded, or being reset). */
export const downLimiter = {
  idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
  get: () => ({ hit: outage('Durable Object') }),
} as unknown as Env['RATE_LIMITER'];

/**
 * The routes that do not depend on the failing piece still work under `vars`: health, the catalog,
 * a sale (a write) and the public storefront.
 */
export async function expectTheRestWorks(s: Session, vars: Record<string, unknown>) {
  const product = await addProduct(s, { stock: 2 });
  const checks = [
    await callJson('/health', { env: vars }),
    await callJson('/api/v1/products', { token: s.access, env: vars }),
    await callJson('/api/v1/sales', {
      method: 'POST',
      token: s.access,
      headers: { 'Idempotency-Key': newKey() },
      json: { items: [{ product_id: product.id, quantity: 1 }], payment_method: 'cash' },
      env: vars,
    }),
    await callJson(`/api/v1/storefront/${s.shop.slug}/products`, { env: vars }),
  ];
  expect(checks.map(({ res, body }) => [res.status, body.success])).toEqual([
    [200, true],
    [200, true],
    [201, true],
    [200, true],
  ]);
}
