// The public storefront: a shop's active products with public fields only, read from any D1
// replica and served through the Workers Cache API.
//
// Caching, in two layers:
// - The Worker's own cache (caches.default, per colo) is keyed by shop id, the shop's
//   catalog_version and the normalised query. Every catalog write bumps the version in its own
//   batch, so a catalog change is never served from this cache once the version read sees it. The
//   shop row (id, status, version) is memoised per isolate for SHOP_MEMO_MS, so a warm hit reads no
//   D1 at all: writes through the same isolate are seen at once, others and suspensions within it. A sale bumps it when a piece sells out and a void when it restocks, so `in_stock`
//   is as fresh as the catalog.
// - Clients and shared caches get CLIENT_CACHE_CONTROL, a strong ETag (SHA-256 of the body) and 304
//   on If-None-Match; their staleness is bounded by its max-age / s-maxage plus stale-while-revalidate.
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { dbOf } from '../../db/client';
import { products, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import { notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { sha256Base64Url } from '../../lib/encoding';
import { imagesByProduct, imagesQuery, type ProductImage } from '../images/read';
import type { ProductFilter, ProductSort } from '../products/schemas';
import { listProductRows } from '../products/service';
import { type StorefrontShop, storefrontShops } from './shop-memo';

type C = Context<AppEnv>;

/** Browsers 30 s, shared caches 60 s, either may serve 60 s more while revalidating. */
export const CLIENT_CACHE_CONTROL = 'public, max-age=30, s-maxage=60, stale-while-revalidate=60';
/** How long a page stays in the Worker's cache for one catalog version. */
export const STORED_TTL_SECONDS = 300;

export interface StorefrontProduct {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  category: string;
  metal: string;
  purity: number;
  gross_weight_mg: number;
  net_weight_mg: number;
  stone_weight_mg: number;
  price: number;
  in_stock: boolean;
  images: ProductImage[];
}

/** Public fields only: no stock count, making charge, shop id, active flag or timestamps. */
export const toStorefrontProduct = (p: typeof products.$inferSelect, images: ProductImage[]): StorefrontProduct => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  description: p.description,
  category: p.category,
  metal: p.metal,
  purity: p.purity,
  gross_weight_mg: p.grossWeightMg,
  net_weight_mg: p.netWeightMg,
  stone_weight_mg: p.stoneWeightMg,
  price: p.basePrice,
  in_stock: p.stock > 0,
  images,
});

/** An active shop by slug; unknown and suspended shops are both simply not there. */
export async function storefrontShop(c: C, slug: string): Promise<StorefrontShop> {
  const key = slug.toLowerCase();
  const shop = await storefrontShops.get(key, async () => {
    const [row] = await dbOf(c)
      .select({ id: shops.id, status: shops.status, catalogVersion: shops.catalogVersion })
      .from(shops)
      .where(eq(shops.slug, key));
    return row?.status === 'active' ? { id: row.id, catalogVersion: row.catalogVersion } : null;
  });
  if (!shop) throw notFound('Shop');
  c.set('publicShopId', shop.id);
  return shop;
}

export interface StorefrontListOptions extends Omit<ProductFilter, 'include_inactive'> {
  sort: ProductSort;
  page: number;
  limit: number;
}

export async function storefrontList(c: C, shop: StorefrontShop, o: StorefrontListOptions) {
  const { rows, total, images } = await listProductRows(dbOf(c), shop.id, { ...o, include_inactive: false });
  const byProduct = imagesByProduct(c, images);
  return {
    success: true as const,
    data: rows.map((r) => toStorefrontProduct(r, byProduct.get(r.id) ?? [])),
    meta: { page: o.page, limit: o.limit, total, total_pages: Math.ceil(total / o.limit) },
  };
}

export async function storefrontProduct(c: C, shop: StorefrontShop, id: string) {
  const db = dbOf(c);
  const [[row], images] = await db.batch([
    db
      .select()
      .from(products)
      .where(inShop(products, shop.id, eq(products.id, id), eq(products.active, true))),
    imagesQuery(db, shop.id, [id]),
  ]);
  if (!row) throw notFound('Product');
  return { success: true as const, data: toStorefrontProduct(row, imagesByProduct(c, images).get(id) ?? []) };
}

/**
 * The cache key: the shop's id and catalog version, the resource, and the validated query with
 * defaults filled in and keys sorted, so `?limit=20&page=1` and `?page=1` share one entry.
 */
export function cacheKey(c: C, shop: StorefrontShop, resource: string, query: Record<string, unknown> = {}) {
  const url = new URL(`/__storefront/${shop.id}/v${shop.catalogVersion}/${resource}`, c.req.url);
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

function warn(c: C, msg: string, err: unknown) {
  console.warn(
    JSON.stringify({
      level: 'warn',
      msg,
      request_id: c.get('requestId'),
      error: err instanceof Error ? err.message : String(err),
    }),
  );
}

/**
 * Answers from the Worker's cache, or produces the body, stores it (after the response, via
 * waitUntil) and answers. A failing cache is skipped, never an error. The response goes back
 * through the app's middleware, so request id, security headers and CORS apply to hits too.
 */
export async function cachedJson(c: C, key: string, produce: () => Promise<unknown>): Promise<Response> {
  const cache = caches.default;
  const keyRequest = new Request(key);
  const hit = await cache.match(keyRequest).catch((err) => {
    warn(c, 'storefront cache read failed', err);
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
      cache.put(keyRequest, stored).catch((err) => warn(c, 'storefront cache write failed', err)),
    );
  }

  c.header('ETag', etag);
  c.header('Cache-Control', CLIENT_CACHE_CONTROL);
  if (etagMatches(c.req.header('If-None-Match'), etag)) {
    if (body instanceof ReadableStream) await body.cancel();
    return c.body(null, 304);
  }
  c.header('Content-Type', 'application/json; charset=UTF-8');
  return c.newResponse(body, 200);
}
