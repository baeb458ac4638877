// The hot paths' binding round trips, counted on the real bindings (test/support/round-trips.ts).
// The budgets are exact: a change that adds a D1 query, KV read, cache call or Durable Object call
// to one of these paths fails here, and one that removes some must lower its budget, so the latency
// model in BENCHMARKS.md (which multiplies these counts by documented latencies) stays true.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { countRoundTrips, format } from '../../support/round-trips';
import { newShop, randomIp, type Session } from '../fixtures';
import { call, type Json } from '../helpers';
import { ring } from '../ml/price-fixtures';
import { addProduct } from '../shop/catalog-fixtures';
import { newKey } from '../shop/sales-fixtures';

/** Per request, after one warm-up request of the same kind in the same isolate. */
const BUDGETS = {
  'storefront list, warm': 'cache_match=1',
  'storefront product, warm': 'cache_match=1',
  'catalog list, signed in': 'd1=1 kv_get=1',
  'product detail, signed in': 'd1=1 kv_get=1',
  'prediction, batch 1': 'kv_get=1',
  sale: 'd1=3 kv_get=1',
};

let owner: Session;
let product: Json;
const ip = { 'CF-Connecting-IP': randomIp() };

beforeAll(async () => {
  owner = await newShop();
  product = await addProduct(owner, { stock: 100 });
});

async function trips(path: string, init: Parameters<typeof call>[1] = {}) {
  // Warm twice: the first call may load a model for seconds on a busy machine, and the local limiter
  // syncs with its Durable Object once a second (SYNC_MS); the second call leaves it freshly synced,
  // so the counted call shows the route's own round trips.
  for (let i = 0; i < 2; i++) {
    await call(path, { ...init, headers: { ...ip, ...init.headers, 'Idempotency-Key': newKey() } });
  }
  const counted = countRoundTrips(env);
  const res = await call(path, {
    ...init,
    headers: { ...ip, ...init.headers, 'Idempotency-Key': newKey() },
    env: counted.env as unknown as Json,
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return format(counted.trips);
}

describe('binding round trips per request', () => {
  const storefront = () => `/api/v1/storefront/${owner.shop.slug}/products`;
  const cases: Record<keyof typeof BUDGETS, () => Promise<string>> = {
    'storefront list, warm': () => trips(storefront()),
    'storefront product, warm': () => trips(`${storefront()}/${product.id}`),
    'catalog list, signed in': () => trips('/api/v1/products', { token: owner.access }),
    'product detail, signed in': () => trips(`/api/v1/products/${product.id}`, { token: owner.access }),
    'prediction, batch 1': () =>
      trips('/api/v1/predictions/price', { method: 'POST', token: owner.access, json: { items: [ring()] } }),
    sale: () =>
      trips('/api/v1/sales', {
        method: 'POST',
        token: owner.access,
        json: { items: [{ product_id: product.id, quantity: 1 }], payment_method: 'cash' },
      }),
  };
  for (const [name, budget] of Object.entries(BUDGETS)) {
    it(`${name}: ${budget}`, async () => {
      expect(await cases[name as keyof typeof BUDGETS]()).toBe(budget);
    });
  }
});
