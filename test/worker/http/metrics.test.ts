// One Analytics Engine data point per request, through the real METRICS binding wrangler.toml
// declares. workerd's local dataset accepts a data point and keeps nothing to read back (miniflare's
// analytics-engine.worker.js: writeDataPoint is empty), so each request here gets a binding that
// hands every call on to that real one and remembers what it was given.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newShop } from '../fixtures';
import { call } from '../helpers';
import { addProduct } from '../shop/catalog-fixtures';

function recordingMetrics() {
  const points: AnalyticsEngineDataPoint[] = [];
  const binding: AnalyticsEngineDataset = {
    writeDataPoint(point) {
      points.push(structuredClone(point ?? {}));
      env.METRICS.writeDataPoint(point);
    },
  };
  return { points, binding };
}

/** Analytics Engine's limits on one data point (https://developers.cloudflare.com/analytics/analytics-engine/limits/). */
function withinLimits(p: AnalyticsEngineDataPoint) {
  const bytes = (v: unknown) => new TextEncoder().encode(String(v ?? '')).byteLength;
  expect(p.blobs?.length ?? 0).toBeLessThanOrEqual(20);
  expect(p.doubles?.length ?? 0).toBeLessThanOrEqual(20);
  expect(p.indexes?.length ?? 0).toBeLessThanOrEqual(1);
  expect((p.blobs ?? []).reduce((n: number, b) => n + bytes(b), 0)).toBeLessThanOrEqual(16 * 1024);
  for (const i of p.indexes ?? []) expect(bytes(i)).toBeLessThanOrEqual(96);
}

async function measured(path: string, init: Parameters<typeof call>[1] = {}) {
  const { points, binding } = recordingMetrics();
  const res = await call(path, { ...init, env: { ...init.env, METRICS: binding } });
  await res.arrayBuffer();
  expect(points).toHaveLength(1);
  withinLimits(points[0]!);
  return { res, point: points[0]! };
}

describe('request metrics (Workers Analytics Engine)', () => {
  it('the dataset is a real binding from wrangler.toml', () => {
    expect(typeof env.METRICS.writeDataPoint).toBe('function');
  });

  it('records the route template, method, status class, shop, duration and status', async () => {
    const owner = await newShop();
    const product = await addProduct(owner);
    const { res, point } = await measured(`/api/v1/products/${product.id}`, { token: owner.access });
    expect(res.status).toBe(200);
    expect(point.indexes).toEqual(['/api/v1/products/:id']);
    expect(point.blobs).toEqual(['/api/v1/products/:id', 'GET', '2xx', owner.shop.id]);
    expect(point.doubles).toHaveLength(2);
    expect(point.doubles![0]).toBeGreaterThanOrEqual(0);
    expect(point.doubles![1]).toBe(200);
  });

  it('records errors with their route, and the storefront’s shop', async () => {
    const owner = await newShop();
    const unauthenticated = await measured('/api/v1/products/some-id');
    expect(unauthenticated.point.blobs).toEqual(['/api/v1/products/:id', 'GET', '4xx', '']);
    expect(unauthenticated.point.doubles![1]).toBe(401);

    const storefront = await measured(`/api/v1/storefront/${owner.shop.slug}/products/nope`);
    expect(storefront.point.blobs).toEqual(['/api/v1/storefront/:shop_slug/products/:id', 'GET', '4xx', owner.shop.id]);

    const created = await measured('/api/v1/products', { method: 'POST', token: owner.access, json: {} });
    expect(created.point.blobs?.slice(0, 3)).toEqual(['/api/v1/products', 'POST', '4xx']);
    expect(created.point.doubles![1]).toBe(400);
  });

  it('names no path of its own for an unknown route, so ids never become series', async () => {
    const { res, point } = await measured('/api/v1/no-such-thing/12345');
    expect(res.status).toBe(404);
    expect(point.blobs).toEqual(['/*', 'GET', '4xx', '']);
  });

  it('a failing dataset never costs the caller the answer', async () => {
    const broken: AnalyticsEngineDataset = {
      writeDataPoint() {
        throw new Error('Analytics Engine is unavailable');
      },
    };
    const res = await call('/health', { env: { METRICS: broken } });
    expect(res.status).toBe(200);
  });
});
