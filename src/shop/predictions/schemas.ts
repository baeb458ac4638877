// The model routes' wire shapes: price, diamond and forecast requests and answers, and the model cards.
import { CATEGORIES, METALS } from '../../db/schema';
import { diamondItem, MAX_WEIGHT_MG, queryInt, weightMg } from '../../http/fields';
import { z } from '../../http/openapi';
import { MAX_MAKING_BP } from '../../ml/features';
import { HORIZONS, WINDOW } from '../../ml/forecast';
import { productRuleIssues, purityField, purityIssue } from '../products/schemas';

/** The longest history the model is given (the contract's limit): 100 years of months. */
export const MAX_HISTORY = 1_200;
export const MAX_ITEMS = 100;
/** 100 kg, as for products: far beyond any piece, small enough to catch a unit mix-up. */
const positiveWeight = z.number().int().min(1).max(MAX_WEIGHT_MG);

export const PriceItem = z
  .strictObject({
    category: z.enum(CATEGORIES),
    metal: z.enum(METALS),
    purity: purityField,
    gross_weight_mg: positiveWeight.openapi({ example: 8_450 }),
    net_weight_mg: positiveWeight.openapi({ example: 7_900 }),
    stone_weight_mg: weightMg.default(0).openapi({ example: 350 }),
    making_charge_bp: z
      .number()
      .int()
      .min(0)
      .max(MAX_MAKING_BP)
      .openapi({ description: 'Basis points of metal value (0–5,000)', example: 1_200 }),
    rate_per_gram: z.number().int().min(1).max(10_000_000).optional().openapi({
      description: 'Paise per gram at this purity; omitted → the shop’s latest rate (see `rate_source`)',
      example: 712_000,
    }),
  })
  .superRefine((it, ctx) => {
    for (const i of productRuleIssues(it)) ctx.addIssue({ code: 'custom', path: [i.path], message: i.message });
  })
  .openapi('PriceItem');

export const PriceRequest = z.strictObject({ items: z.array(PriceItem).min(1).max(MAX_ITEMS) }).openapi('PriceRequest');

const Prediction = z
  .object({
    price: z.number().int().openapi({ description: 'Predicted selling price, paise (incl. 3% GST)' }),
    metal_value: z.number().int().openapi({ description: 'Net weight × rate, paise' }),
    rate_per_gram: z.number().int(),
    rate_source: z.string().openapi({
      description: '`given`, `exact` (the shop’s latest for this purity) or `scaled_from_<purity>`',
      example: 'scaled_from_999',
    }),
    rate_effective_date: z.string().nullable(),
  })
  .openapi('PricePrediction');

const ModelRef = z.object({ name: z.string(), version: z.string() });

export const PriceResponse = z
  .object({ model: ModelRef, predictions: z.array(Prediction) })
  .openapi('PricePredictions');

export const DiamondRequest = z
  .strictObject({ items: z.array(diamondItem).min(1).max(MAX_ITEMS) })
  .openapi('DiamondRequest');

const usdCents = (description: string) => z.number().int().openapi({ description });
export const DiamondResponse = z
  .object({
    model: z.object({ name: z.string(), version: z.string() }),
    predictions: z.array(
      z.object({
        price_usd_cents: usdCents('The model’s price, US cents (2008 dollars, the data’s unit)'),
        low_usd_cents: usdCents('Low end of the 80% interval'),
        high_usd_cents: usdCents('High end of the 80% interval'),
        value_paise: z
          .number()
          .int()
          .openapi({ description: 'The price in paise at the shop’s dollar rate and markup' }),
      }),
    ),
  })
  .openapi('DiamondValuations');

const horizon = z.number().int().min(1).max(HORIZONS);
export const ForecastRequest = z
  .strictObject({
    history: z
      .array(z.number().positive().finite())
      .min(WINDOW)
      .max(MAX_HISTORY)
      .openapi({ description: `Monthly prices, oldest first (${WINDOW}–${MAX_HISTORY}), any unit` }),
    horizon: horizon.openapi({ description: 'Months ahead, 1–6', example: 6 }),
  })
  .openapi('RateForecastRequest');

const ForecastPoint = z.object({ horizon: z.number().int(), p10: z.number(), p50: z.number(), p90: z.number() });
export const ForecastResponse = z
  .object({ model: z.object({ name: z.string(), version: z.string() }), forecasts: z.array(ForecastPoint) })
  .openapi('RateForecast');

export const ShopForecastQuery = z
  .strictObject({
    metal: z.enum(METALS),
    purity: queryInt.openapi({ example: '916' }),
    horizon: queryInt.pipe(horizon).default(6).openapi({ description: 'Months ahead, 1–6 (default 6)' }),
  })
  .superRefine((q, ctx) => {
    const issue = purityIssue(q.metal, q.purity);
    if (issue) ctx.addIssue({ code: 'custom', path: ['purity'], message: issue });
  });

export const ShopForecast = z
  .object({
    model: z.object({ name: z.string(), version: z.string() }),
    metal: z.enum(METALS),
    purity: z.number().int(),
    basis: z.enum(['shop_rates', 'world_gold']).openapi({
      description: `\`shop_rates\`: the shop's own monthly average rates (it has ${WINDOW} months or more); \`world_gold\`: the shipped world gold series rescaled to the shop's latest rate`,
    }),
    history_months: z.number().int(),
    from_month: z.string().openapi({ example: '2026-11' }),
    rate_per_gram: z
      .number()
      .int()
      .openapi({ description: 'The current month’s rate the forecast starts from, paise per gram' }),
    forecasts: z.array(
      ForecastPoint.extend({
        month: z.string(),
        p10: z.number().int(),
        p50: z.number().int(),
        p90: z.number().int(),
      }),
    ),
  })
  .openapi('ShopRateForecast');

export const ModelInfo = z
  .object({
    name: z.string(),
    version: z.string(),
    active: z.boolean(),
    loaded: z.boolean().openapi({ description: 'Whether this isolate has created its session yet' }),
    created: z.string(),
    sha256: z.string(),
    opset: z.record(z.string(), z.number()),
    features: z.array(z.object({ index: z.number().int(), name: z.string(), unit: z.string(), role: z.string() })),
    algorithm: z.record(z.string(), z.unknown()),
    metrics: z.record(z.string(), z.unknown()),
  })
  .openapi('PriceModel');

export type PricePredictions = z.infer<typeof PriceResponse>;
export type DiamondValuations = z.infer<typeof DiamondResponse>;
export type ShopRateForecast = z.infer<typeof ShopForecast>;
export type PriceModelInfo = z.infer<typeof ModelInfo>;
