// /api/v1/storefront/{shop_slug}: the public catalog (no auth), cacheable, from any read replica.
import { readAnyReplica } from '../../db/client';
import { IfNoneMatch, pathParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, envelope, pageEnvelope, pageOf, z } from '../../http/openapi';
import { byIp, rateLimit } from '../../rate-limit/middleware';
import { cachedJson, cacheKey, clientCacheControl } from './cache';
import { StorefrontProductSchema, StorefrontQuery, StorefrontRateSchema, slugParam } from './schemas';
import { storefrontList, storefrontProduct, storefrontRates, storefrontShop } from './service';

const tags = ['Storefront'];
const middleware = [rateLimit('public', byIp, { failMode: 'open' }), readAnyReplica];

const cacheHeaders = {
  'Cache-Control': {
    schema: { type: 'string' as const, example: clientCacheControl() },
    description: "Shortened near the shop's midnight, so no cache serves a price past its day",
  },
  ETag: { schema: { type: 'string' as const }, description: 'Strong: SHA-256 of the body' },
  'X-Cache': { schema: { type: 'string' as const, enum: ['HIT', 'MISS'] }, description: 'The Worker’s own cache' },
};

const cached = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { content: { 'application/json': { schema } }, headers: cacheHeaders, description },
  304: { headers: cacheHeaders, description: 'Not modified (If-None-Match matched)' },
});

export const storefrontRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{shop_slug}/products',
      operationId: 'listStorefrontProducts',
      tags,
      middleware,
      summary: 'A shop’s active products (public)',
      description:
        'Same filters and sorts as the catalog, without `include_inactive`; `min_price`, `max_price` and the ' +
        "`price` sorts read the product's `base_price`, not today's `price`. Unknown or suspended shop: 404.",
      request: { params: z.object({ shop_slug: slugParam }), query: StorefrontQuery, headers: IfNoneMatch },
      responses: cached(pageOf(StorefrontProductSchema), 'One page of products'),
    }),
    async (c) => {
      const shop = await storefrontShop(c, c.req.valid('param').shop_slug);
      const query = c.req.valid('query');
      return cachedJson(c, shop, cacheKey(c, shop, 'products', query), async () =>
        pageEnvelope(await storefrontList(c, shop, query)),
      );
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{shop_slug}/products/{id}',
      operationId: 'getStorefrontProduct',
      tags,
      middleware,
      summary: 'One active product (public)',
      request: { params: z.object({ shop_slug: slugParam, id: pathParam('id') }), headers: IfNoneMatch },
      responses: cached(dataOf(StorefrontProductSchema), 'The product'),
    }),
    async (c) => {
      const { shop_slug, id } = c.req.valid('param');
      const shop = await storefrontShop(c, shop_slug);
      return cachedJson(c, shop, cacheKey(c, shop, `products/${encodeURIComponent(id)}`), async () =>
        envelope(await storefrontProduct(c, shop, id)),
      );
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{shop_slug}/rates',
      operationId: 'getStorefrontRates',
      tags,
      middleware,
      summary: "Today's sell rates (public)",
      description:
        'For each metal and purity the shop has priced, its latest sell rate effective on or before the ' +
        'shop-local today. By metal, then purity (highest first).',
      request: { params: z.object({ shop_slug: slugParam }), headers: IfNoneMatch },
      responses: cached(dataOf(z.array(StorefrontRateSchema)), "Today's sell rates"),
    }),
    async (c) => {
      const shop = await storefrontShop(c, c.req.valid('param').shop_slug);
      return cachedJson(c, shop, cacheKey(c, shop, 'rates'), async () => envelope(await storefrontRates(c, shop)));
    },
  );
