// Wire shapes of the public catalog: a product as anyone may see it, priced for today, and the day's rates.
import { z } from '@hono/zod-openapi';
import { METALS } from '../../db/schema';
import { pathParam } from '../../http/fields';
import { PageQuery } from '../../http/openapi';
import { ProductImageSchema } from '../images/schemas';
import { PublicProductSchema, productFilters } from '../products/schemas';

export const StorefrontProductSchema = PublicProductSchema.extend({
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
}).openapi('StorefrontProduct');

export type StorefrontProduct = z.infer<typeof StorefrontProductSchema>;

export const StorefrontRateSchema = z
  .object({
    metal: z.enum(METALS),
    purity: z.number().int().openapi({ example: 916 }),
    rate_per_gram: z.number().int().openapi({ description: 'Paise per gram at this purity', example: 712000 }),
    effective_date: z.string().openapi({ description: 'The day it was recorded for', example: '2026-11-22' }),
  })
  .openapi('StorefrontRate');

/** The catalog's filters and sorts, without `include_inactive`: the public sees active products only. */
export const StorefrontQuery = PageQuery.extend(productFilters).strict();

export type StorefrontListOptions = z.infer<typeof StorefrontQuery>;

export const slugParam = pathParam('shop_slug').openapi({ example: 'demo-jewellers' });
