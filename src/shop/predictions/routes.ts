// /api/v1/predictions: price predictions, diamond valuations and rate forecasts from the in-Worker
// ONNX models, and the shipped price models' cards; /api/v1/rates/forecast: a shop's own rates forecast.
import { signedIn } from '../../auth/guard';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, z } from '../../http/openapi';
import { WINDOW } from '../../ml/forecast';
import { PRICE_MODEL_READ } from '../../ml/published';
import { byShop, rateLimit } from '../../rate-limit/middleware';
import { predictPrices, priceModels } from './predict';
import { forecastHistory, shopRateForecast } from './rate-forecast';
import {
  DiamondRequest,
  DiamondResponse,
  ForecastRequest,
  ForecastResponse,
  ModelInfo,
  PriceRequest,
  PriceResponse,
  ShopForecast,
  ShopForecastQuery,
} from './schemas';
import { stoneValueSettings, valueDiamonds } from './stones';

const tags = ['Predictions'];
/** Every model route: any signed-in role, limited per shop by the `predict` policy, open if the limiter is down. */
const modelRoute = (alsoRead: readonly string[] = []) =>
  signedIn('cashier', rateLimit('predict', byShop, { failMode: 'open' }), alsoRead);

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
    async (c) => ok(c, await priceModels(c)),
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
