// Wire shapes of metal rates: a shop's price of a gram of metal per metal, purity, kind and day.
import { z } from '@hono/zod-openapi';
import { METALS, RATE_KINDS } from '../../db/schema';
import { dayRange, isoDate, queryInt, rangeInOrder } from '../../http/fields';
import { PageQuery } from '../../http/openapi';
import { purityField, purityIssue } from '../products/schemas';

export const RateSchema = z
  .object({
    id: z.string(),
    metal: z.enum(METALS),
    purity: z.number().int().openapi({ example: 916 }),
    kind: z.enum(RATE_KINDS),
    rate_per_gram: z.number().int().openapi({ description: 'Paise per gram at this purity', example: 712000 }),
    effective_date: z.string().openapi({ example: '2026-11-22' }),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('MetalRate');

export type Rate = z.infer<typeof RateSchema>;

/** ₹1,00,000 a gram: far above any metal's price, low enough to catch a rupees/paise mix-up upward. */
const ratePerGram = z.number().int().min(1).max(10_000_000);

const kind = z.enum(RATE_KINDS).openapi({
  description: '`sell`: what the shop charges for new metal; `buy`: what it pays for old metal',
});

export const CreateRate = z
  .strictObject({
    metal: z.enum(METALS),
    purity: purityField,
    kind: kind.default('sell'),
    rate_per_gram: ratePerGram,
    effective_date: isoDate,
  })
  .superRefine((r, ctx) => {
    const issue = purityIssue(r.metal, r.purity);
    if (issue) ctx.addIssue({ code: 'custom', path: ['purity'], message: issue });
  })
  .openapi('CreateMetalRate');

export const CorrectRate = z
  .strictObject({ rate_per_gram: ratePerGram.optional(), kind: kind.optional(), effective_date: isoDate.optional() })
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .openapi('CorrectMetalRate');

export type CreateRateInput = z.infer<typeof CreateRate>;
export type CorrectRateInput = z.infer<typeof CorrectRate>;

export const RateListQuery = PageQuery.extend({
  metal: z.enum(METALS).optional(),
  kind: kind.optional().openapi({ description: 'Default: both kinds' }),
  ...dayRange('Effective'),
})
  .strict()
  .superRefine(rangeInOrder);

export type RateListOptions = z.infer<typeof RateListQuery>;

export const LatestQuery = z.strictObject({
  metal: z.enum(METALS).optional(),
  purity: queryInt.optional(),
  kind: kind.default('sell'),
  as_of: isoDate
    .optional()
    .openapi({ description: "Latest on or before this date; default the shop's today, in its timezone" }),
});

export type LatestQueryInput = z.infer<typeof LatestQuery>;
