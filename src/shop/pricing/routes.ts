// /api/v1/pricing: what a sale would cost, written nowhere (any role).
import { signedIn } from '../../auth/guard';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok } from '../../http/openapi';
import { QuoteBody, QuoteSchema } from './schemas';
import { quoteSale } from './service';

export const pricingRoutes = createRouter().openapi(
  defineRoute({
    method: 'post',
    path: '/quote',
    operationId: 'quoteSale',
    errors: [
      'FORBIDDEN',
      'NOT_FOUND',
      'RATE_UNAVAILABLE',
      'INVALID_DISCOUNT',
      'AMOUNT_TOO_LARGE',
      'EXCHANGE_EXCEEDS_TOTAL',
    ],
    tags: ['Sales'],
    ...signedIn('cashier'),
    summary: 'Price a sale: every component, tax, round-off and total, as the sale would record them',
    description:
      "Weight-priced products at the day's sell rate for their metal and purity (the shop-local day), " +
      'old gold at the buy rate. A manager may override a unit price, give an old gold rate, or name ' +
      'another state as the place of supply (403 otherwise). The PAN, cash and buyer rules are checked when selling.',
    request: jsonBody(QuoteBody),
    responses: { 200: jsonContent(dataOf(QuoteSchema), 'The quote') },
  }),
  async (c) => ok(c, await quoteSale(c, c.req.valid('json'))),
);
