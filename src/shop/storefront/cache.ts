// The storefront's two cache layers (see service.ts): the Worker's own cache keyed by the shop's
// catalog version and date, and what clients and shared caches may keep (Cache-Control, a strong ETag,
// 304 on If-None-Match).
import type { Context } from 'hono';
import { errorText, log } from '../../http/logger';
import type { AppEnv } from '../../http/types';
import { sha256Base64Url } from '../../lib/encoding';
import { addDays, startOfShopDate } from '../../pricing/shop-day';
import type { ShopToday } from './service';

type C = Context<AppEnv>;

/**
 * Browsers 30 s, shared caches 60 s, either may serve 60 s more while revalidating — each cut to
 * what is left of the shop-local day, so a page is never served after the day it was priced on.
 */
export function clientCacheControl(secondsLeftInDay = Number.POSITIVE_INFINITY): string {
  const left = Math.max(0, secondsLeftInDay);
  const shared = Math.min(60, left);
  return `public, max-age=${Math.min(30, left)}, s-maxage=${shared}, stale-while-revalidate=${Math.min(60, left - shared)}`;
}
/** How long a page stays in the Worker's cache for one catalog version. */
export const STORED_TTL_SECONDS = 300;

/**
 * The cache key: the shop's id and catalog version, its date (what a price depends on beside the
 * version: the rate in force), the resource, and the validated query with defaults filled in and
 * keys sorted, so `?limit=20&page=1` and `?page=1` share one entry.
 */
export function cacheKey(c: C, shop: ShopToday, resource: string, query: Record<string, unknown> = {}) {
  const url = new URL(`/__storefront/${shop.id}/v${shop.catalogVersion}/${shop.today}/${resource}`, c.req.url);
  for (const k of Object.keys(query).sort()) {
    const v = query[k];
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url.toString();
}

/** If-None-Match (weak comparison, RFC 9110 13.1.2): `*` or any listed tag equal to ours. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

/**
 * Answers from the Worker's cache, or produces the body, stores it (after the response, via
 * waitUntil) and answers. A failing cache is skipped, never an error. The response goes back
 * through the app's middleware, so request id, security headers and CORS apply to hits too.
 */
export async function cachedJson(
  c: C,
  shop: ShopToday,
  key: string,
  produce: () => Promise<unknown>,
): Promise<Response> {
  const cache = caches.default;
  const keyRequest = new Request(key);
  const hit = await cache.match(keyRequest).catch((err) => {
    log('warn', 'storefront cache read failed', { error: errorText(err) });
    return undefined;
  });

  let body: ReadableStream | string | null;
  let etag: string;
  if (hit?.headers.get('ETag')) {
    etag = hit.headers.get('ETag')!;
    body = hit.body;
    c.header('X-Cache', 'HIT');
  } else {
    const text = JSON.stringify(await produce());
    etag = `"${await sha256Base64Url(text)}"`;
    body = text;
    c.header('X-Cache', 'MISS');
    const stored = new Response(text, {
      headers: {
        'Content-Type': 'application/json; charset=UTF-8',
        'Cache-Control': `public, max-age=${STORED_TTL_SECONDS}`,
        ETag: etag,
      },
    });
    c.executionCtx.waitUntil(
      cache
        .put(keyRequest, stored)
        .catch((err) => log('warn', 'storefront cache write failed', { error: errorText(err) })),
    );
  }

  c.header('ETag', etag);
  const midnight = Date.parse(startOfShopDate(addDays(shop.today, 1), shop.timezone));
  c.header('Cache-Control', clientCacheControl(Math.floor((midnight - Date.now()) / 1000)));
  if (etagMatches(c.req.header('If-None-Match'), etag)) {
    if (body instanceof ReadableStream) await body.cancel();
    return c.body(null, 304);
  }
  c.header('Content-Type', 'application/json; charset=UTF-8');
  return c.newResponse(body, 200);
}
