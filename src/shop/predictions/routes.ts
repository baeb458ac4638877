// /api/v1/predictions: price predictions, diamond valuations and rate forecasts from the in-Worker
// ONNX models, and the shipped price models' cards; /api/v1/rates/forecast: a shop's own rates forecast.
import { signedIn } from '../../auth/guard';
import { CATEGORIES, METALS } from '../../db/schema';
import { diamondItem, MAX_WEIGHT_MG, queryInt, weightMg } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, z } from '../../http/openapi';
import { MAX_MAKING_BP } from '../../ml/features';
import { HORIZONS, WINDOW } from '../../ml/forecast';
import { modelSetting, PRICE_MODEL_READ } from '../../ml/published';
import { compareSemver, isLoaded, MODELS, resolveModel } from '../../ml/registry';
import { byShop, rateLimit } from '../../rate-limit/middleware';
import { productRuleIssues, purityField, purityIssue } from '../products/schemas';
import { predictPrices } from './predict';
import { forecastHistory, MAX_HISTORY, shopRateForecast } from './rate-forecast';
import { stoneValueSettings, valueDiamonds } from './stones';

const tags = ['Predictions'];
/** Every model route: any signed-in role, limited per shop by the `predict` policy, open if the limiter is down. */
const modelRoute = (alsoRead: readonly string[] = []) =>
  signedIn('cashier', rateLimit('predict', byShop, { failMode: 'open' }), alsoRead);

export const MAX_ITEMS = 100;
/** 100 kg, as for products: far beyond any piece, small enough to catch a unit mix-up. */
const positiveWeight = z.number().int().min(1).max(MAX_WEIGHT_MG);

const PriceItem = z
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

const PriceRequest = z.strictObject({ items: z.array(PriceItem).min(1).max(MAX_ITEMS) }).openapi('PriceRequest');

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

const PriceResponse = z.object({ model: ModelRef, predictions: z.array(Prediction) }).openapi('PricePredictions');

const DiamondRequest = z.strictObject({ items: z.array(diamondItem).min(1).max(MAX_ITEMS) }).openapi('DiamondRequest');

const usdCents = (description: string) => z.number().int().openapi({ description });
const DiamondResponse = z
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
const ForecastRequest = z
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
const ForecastResponse = z
  .object({ model: z.object({ name: z.string(), version: z.string() }), forecasts: z.array(ForecastPoint) })
  .openapi('RateForecast');

const ShopForecastQuery = z
  .strictObject({
    metal: z.enum(METALS),
    purity: queryInt.openapi({ example: '916' }),
    horizon: queryInt.pipe(horizon).default(6).openapi({ description: 'Months ahead, 1–6 (default 6)' }),
  })
  .superRefine((q, ctx) => {
    const issue = purityIssue(q.metal, q.purity);
    if (issue) ctx.addIssue({ code: 'custom', path: ['purity'], message: issue });
  });

const ShopForecast = z
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

const ModelInfo = z
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

export const predictionRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'post',
      path: '/price',
      operationId: 'predictPrices',
      errors: ['RATE_UNAVAILABLE', 'MODEL_UNAVAILABLE'],
      tags,
      ...modelRoute(PRICE_MODEL_READ),
      summary: 'Predict selling prices for up to 100 pieces',
      description:
        'One model run for the whole batch inside the Worker (onnxruntime-web WASM). A missing `rate_per_gram` is ' +
        'filled from the shop’s latest rate for that metal and purity, or scaled from another purity of the same ' +
        'metal; none at all is 422 `RATE_UNAVAILABLE`. A model that cannot be loaded is 503 `MODEL_UNAVAILABLE`. ' +
        '`Server-Timing` carries `model;dur`.',
      request: jsonBody(PriceRequest),
      responses: {
        200: jsonContent(dataOf(PriceResponse), 'One prediction per item, in order'),
      },
    }),
    async (c) => ok(c, await predictPrices(c, c.req.valid('json').items), 200),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/diamond',
      operationId: 'valueDiamonds',
      errors: ['MODEL_UNAVAILABLE'],
      tags,
      ...modelRoute(),
      summary: 'Value up to 100 round-cut diamonds',
      description:
        'The diamond model (boosted trees on the ggplot2 `diamonds` data, 2008 US dollars) gives each stone’s price and ' +
        'an 80% interval; `value_paise` is the price in rupees at the shop’s dollar rate and stone markup: ' +
        '`round(price_usd_cents × usd_inr_paise × (10000 + stone_markup_bp) / 1000000)`. Missing measurements ' +
        '(or 0, the data’s own mark for an unmeasured x, y or z) are imputed from the carat weight.',
      request: jsonBody(DiamondRequest),
      responses: { 200: jsonContent(dataOf(DiamondResponse), 'One valuation per stone, in order') },
    }),
    async (c) => ok(c, await valueDiamonds(c, c.req.valid('json').items, await stoneValueSettings(c)), 200),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/rate-forecast',
      operationId: 'forecastSeries',
      errors: ['MODEL_UNAVAILABLE'],
      tags,
      ...modelRoute(),
      summary: 'Forecast a monthly price series 1–6 months ahead (p10, p50, p90)',
      description:
        'The model reads only the series’ recent log-returns and their volatility, so any unit works (dollars per ounce, ' +
        'paise per gram of 22K, …); the forecasts come back in the same unit.',
      request: jsonBody(ForecastRequest),
      responses: { 200: jsonContent(dataOf(ForecastResponse), 'One forecast per month up to `horizon`') },
    }),
    async (c) => {
      const { history, horizon } = c.req.valid('json');
      return ok(c, await forecastHistory(c, history, horizon), 200);
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/models',
      operationId: 'listPriceModels',
      tags,
      ...signedIn('cashier', undefined, PRICE_MODEL_READ),
      summary: 'The shipped price models: version, features and holdout metrics',
      responses: { 200: jsonContent(dataOf(z.array(ModelInfo)), 'Newest first') },
    }),
    async (c) => {
      const active = resolveModel(await modelSetting(c));
      return ok(
        c,
        [...MODELS]
          .sort((a, b) => compareSemver(b.card.version, a.card.version))
          .map((m) => ({
            name: m.card.name,
            version: m.card.version,
            active: m === active,
            loaded: isLoaded(m),
            created: m.card.created,
            sha256: m.card.sha256,
            opset: m.card.opset,
            features: m.card.features.map((f) => ({ index: f.index, name: f.name, unit: f.unit, role: f.role })),
            algorithm: m.card.algorithm,
            metrics: m.card.metrics,
          })),
      );
    },
  );

/** Mounted under /api/v1/rates beside the shop's rate routes. */
export const rateForecastRoutes = createRouter().openapi(
  defineRoute({
    method: 'get',
    path: '/forecast',
    operationId: 'forecastShopRate',
    errors: ['FORECAST_UNAVAILABLE', 'RATE_UNAVAILABLE', 'MODEL_UNAVAILABLE'],
    tags: ['Metal rates'],
    ...modelRoute(),
    summary: 'Forecast the shop’s sell rate 1–6 months ahead (p10, p50, p90, paise per gram)',
    description:
      `On the shop's own monthly average rates for that metal and purity when they span ${WINDOW} months, else on the ` +
      'shipped world gold series (1971-08 to its last month) rescaled to the shop’s latest rate; `basis` says which. ' +
      `Silver and platinum have no shipped series: without ${WINDOW} months of the shop's own rates they are 422 \`FORECAST_UNAVAILABLE\`.`,
    request: { query: ShopForecastQuery },
    responses: { 200: jsonContent(dataOf(ShopForecast), 'One forecast per month up to `horizon`') },
  }),
  async (c) => {
    const { metal, purity, horizon: h } = c.req.valid('query');
    return ok(c, await shopRateForecast(c, metal, purity, h), 200);
  },
);
