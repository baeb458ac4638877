// /api/v1/predictions: price predictions from the in-Worker ONNX model, and the shipped models' cards.
import { signedIn } from '../auth/guard';
import { CATEGORIES, METALS } from '../db/schema';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, z } from '../http/openapi';
import { byShop, rateLimit } from '../rate-limit/middleware';
import { productRuleIssues, purityField } from '../shop/products/schemas';
import { MAX_MAKING_BP } from './features';
import { predictPrices } from './predict';
import { modelSetting } from './published';
import { compareSemver, isLoaded, MODELS, resolveModel } from './registry';

const tags = ['Predictions'];

export const MAX_ITEMS = 100;
/** 100 kg, as for products: far beyond any piece, small enough to catch a unit mix-up. */
const MAX_WEIGHT_MG = 100_000_000;
const positiveWeight = z.number().int().min(1).max(MAX_WEIGHT_MG);

const PriceItem = z
  .strictObject({
    category: z.enum(CATEGORIES),
    metal: z.enum(METALS),
    purity: purityField,
    gross_weight_mg: positiveWeight.openapi({ example: 8_450 }),
    net_weight_mg: positiveWeight.openapi({ example: 7_900 }),
    stone_weight_mg: z.number().int().min(0).max(MAX_WEIGHT_MG).default(0).openapi({ example: 350 }),
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
      ...signedIn('cashier', rateLimit('predict', byShop, { failMode: 'open' })),
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
      method: 'get',
      path: '/models',
      operationId: 'listPriceModels',
      tags,
      ...signedIn('cashier'),
      summary: 'The shipped price models: version, features and holdout metrics',
      responses: { 200: jsonContent(dataOf(z.array(ModelInfo)), 'Newest first') },
    }),
    async (c) => {
      const active = resolveModel(await modelSetting(c.env.AUTH_KV, c.get('config').priceModelVersion));
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
