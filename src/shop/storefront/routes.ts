// /api/v1/storefront/{shop_slug}: the public catalog (no auth), cacheable, from any read replica.
import { readAnyReplica } from '../../db/client';
import { CATEGORIES, METALS } from '../../db/schema';
import { createRouter, dataOf, defineRoute, pageOf, z } from '../../http/openapi';
import { byIp, rateLimit } from '../../rate-limit/middleware';
import { ProductImageSchema } from '../images/read';
import { StorefrontQuery } from '../products/schemas';
import {
  cachedJson,
  cacheKey,
  clientCacheControl,
  storefrontList,
  storefrontProduct,
  storefrontRates,
  storefrontShop,
} from './service';

const tags = ['Storefront'];
const middleware = [rateLimit('public', byIp, { failMode: 'open' }), readAnyReplica];

export const StorefrontProductSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    category: z.enum(CATEGORIES),
    metal: z.enum(METALS),
    purity: z.number().int(),
    gross_weight_mg: z.number().int(),
    net_weight_mg: z.number().int(),
    stone_weight_mg: z.number().int(),
    price: z
      .number()
      .int()
      .nullable()
      .openapi({
        description:
          "Paise: today's price of one unit with GST at the shop's state (none for an unregistered or " +
          'composition shop), rounded as an invoice total — what POST /pricing/quote totals for one unit. ' +
          'Today is the shop-local date. null: a weight-priced product without a sell rate on or before today.',
      }),
    price_from: z
      .number()
      .int()
      .nullable()
      .openapi({
        description:
          'Paise: for a product sold by piece, the `price` of its cheapest in-stock piece (priced with the ' +
          "piece's own weights, purity and stones). null: no piece in stock, or none with a rate today.",
      }),
    in_stock: z.boolean(),
    images: z.array(ProductImageSchema).openapi({ description: 'Oldest first: the first is the cover' }),
  })
  .openapi('StorefrontProduct');

export const StorefrontRateSchema = z
  .object({
    metal: z.enum(METALS),
    purity: z.number().int().openapi({ example: 916 }),
    rate_per_gram: z.number().int().openapi({ description: 'Paise per gram at this purity', example: 712000 }),
    effective_date: z.string().openapi({ description: 'The day it was recorded for', example: '2026-11-22' }),
  })
  .openapi('StorefrontRate');

const slugParam = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'shop_slug', in: 'path' }, example: 'demo-jewellers' });
const idParam = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'id', in: 'path' } });

const cacheHeaders = {
  'Cache-Control': {
    schema: { type: 'string' as const, example: clientCacheControl() },
    description: "Shortened near the shop's midnight, so no cache serves a price past its day",
  },
  ETag: { schema: { type: 'string' as const }, description: 'Strong: SHA-256 of the body' },
  'X-Cache': { schema: { type: 'string' as const, enum: ['HIT', 'MISS'] }, description: 'The Worker’s own cache' },
};
const IfNoneMatch = z.object({ 'if-none-match': z.string().max(1024).optional() });

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
      return cachedJson(c, shop, cacheKey(c, shop, 'products', query), () => storefrontList(c, shop, query));
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
      request: { params: z.object({ shop_slug: slugParam, id: idParam }), headers: IfNoneMatch },
      responses: cached(dataOf(StorefrontProductSchema), 'The product'),
    }),
    async (c) => {
      const { shop_slug, id } = c.req.valid('param');
      const shop = await storefrontShop(c, shop_slug);
      return cachedJson(c, shop, cacheKey(c, shop, `products/${encodeURIComponent(id)}`), () =>
        storefrontProduct(c, shop, id),
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
      return cachedJson(c, shop, cacheKey(c, shop, 'rates'), () => storefrontRates(c, shop));
    },
  );
