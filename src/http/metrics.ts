// One Workers Analytics Engine data point per request: the README's "Metrics" section queries them
// (p50/p99 per route, error rate) through the SQL API and alerts on them.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { AppEnv } from './types';

/**
 * The data point of one answered request. Column order is the contract of the README's queries:
 * blob1 route template (`/*`, the app-wide middleware's, when no route matched), blob2 method, blob3 status class (`2xx`…),
 * blob4 shop id (empty when unknown); double1 duration in ms, double2 status. The index (the
 * sampling key, at most 96 bytes) is the route template, so a rare route keeps its own sample
 * beside a busy one (https://developers.cloudflare.com/analytics/analytics-engine/sampling/).
 */
export function requestDataPoint(c: Context<AppEnv>, durationMs: number): AnalyticsEngineDataPoint {
  const route = routePath(c, -1);
  const status = c.res.status;
  const shop = c.get('auth')?.shopId ?? c.get('publicShopId') ?? '';
  return {
    indexes: [route],
    blobs: [route, c.req.method, `${Math.floor(status / 100)}xx`, shop],
    doubles: [durationMs, status],
  };
}

/**
 * First in the chain, so its duration covers everything and its status is the one sent, errors
 * included. writeDataPoint does no I/O the request waits on, and a failing or absent dataset (the
 * config guard reports a missing one) never costs the caller its answer.
 */
export const metrics = createMiddleware<AppEnv>(async (c, next) => {
  const start = performance.now();
  await next();
  try {
    c.env.METRICS?.writeDataPoint(requestDataPoint(c, performance.now() - start));
  } catch (err) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'metrics write failed', error: String(err) }));
  }
});
