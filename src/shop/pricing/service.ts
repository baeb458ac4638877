// Quotes: the caller's shop's products, rates and tax settings read from D1 in two round trips
// (the shop, products and customer in one batch; then, knowing the shop's day, every rate the sale
// needs in one query), handed to the pure engine (src/pricing/engine.ts), which decides every paisa.
// Nothing is written: a quote is what a sale of the same body would record at this moment.
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { authOf } from '../../auth/caller';
import { hasRole } from '../../auth/guard';
import { dbOf } from '../../db/client';
import { inList } from '../../db/conditions';
import { customers, type Metal, products, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import { ApiError, ERROR_STATUS, type ErrorCode, type ErrorDetail, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { type OldGoldItem, type Quote, quote } from '../../pricing/engine';
import { mulDivFloor } from '../../pricing/money';
import { type RateKind, type RateOnDay, rateOnDay } from '../../pricing/rate-on-day';
import type { Refusal } from '../../pricing/refusal';
import { shopDate } from '../../pricing/shop-day';
import { liveCustomer } from '../customers/service';
import { latestRatesQuery, toRateCandidate } from '../rates/service';
import { saleItemOf, taxSettingsOf } from './sale-item';
import type { QuoteBodyInput } from './schemas';

type C = Context<AppEnv>;

/** The engine's refusals that are registry codes; one that is not yet there is a bug, not a 4xx. */
type RegisteredRefusal = Extract<Refusal['code'], ErrorCode>;

/** The engine's refusal as the contract's error envelope, with the registry's status for its code. */
export function apiErrorOf(r: Refusal): ApiError {
  if (!Object.hasOwn(ERROR_STATUS, r.code)) throw new Error(`refusal ${r.code} is not in ERROR_STATUS`);
  const code = r.code as RegisteredRefusal;
  return new ApiError(ERROR_STATUS[code], code, r.message, r.details);
}

const needsManager = (what: string, path: string) =>
  new ApiError(403, 'FORBIDDEN', `${what} needs the manager role or higher`, [{ path, message: what }]);

/** What a quote is: the engine's, with a shop that has not named its state shown as no place. */
export type QuoteView = Omit<Quote, 'place_of_supply'> & { place_of_supply: string | null };

export async function quoteSale(c: C, body: QuoteBodyInput): Promise<QuoteView> {
  const { shopId, role } = authOf(c);
  const manager = hasRole(role, 'manager');
  if (!manager) {
    const overridden = body.items.findIndex((i) => i.unit_price !== undefined);
    if (overridden >= 0) throw needsManager('Overriding a unit price', `items.${overridden}.unit_price`);
    const given = body.exchange.findIndex((l) => l.rate_per_gram !== undefined);
    if (given >= 0) throw needsManager('Giving an old gold rate', `exchange.${given}.rate_per_gram`);
  }

  const db = dbOf(c);
  const [[shop], found, [customer]] = await db.batch([
    db.select().from(shops).where(eq(shops.id, shopId)),
    db
      .select()
      .from(products)
      .where(
        inShop(
          products,
          shopId,
          inList(
            products.id,
            body.items.map((i) => i.product_id),
          ),
          eq(products.active, true),
        ),
      ),
    db
      .select({ id: customers.id })
      .from(customers)
      .where(liveCustomer(shopId, body.customer_id ?? '')),
  ]);
  if (!shop) throw notFound('Shop');
  if (body.customer_id !== undefined && !customer) throw notFound('Customer');
  const byId = new Map(found.map((p) => [p.id, p]));
  const lines = body.items.map((item, index) => {
    const product = byId.get(item.product_id);
    if (!product) {
      throw new ApiError(404, 'NOT_FOUND', 'Product not found', [
        { path: `items.${index}.product_id`, message: 'no active product of this shop has this id' },
      ]);
    }
    return { item, product };
  });
  // Supplying to another state changes the tax from CGST + SGST to IGST (IGST Act s.10(1)).
  if (!manager && body.place_of_supply !== undefined && body.place_of_supply !== shop.stateCode) {
    throw needsManager("A place of supply other than the shop's state", 'place_of_supply');
  }

  const day = shopDate(new Date(), shop.timezone);
  const wanted = [
    ...lines.flatMap(({ product }) => (product.pricingMode === 'weight' ? [['sell', product.metal] as const] : [])),
    ...body.exchange.flatMap((l) => (l.rate_per_gram === undefined ? [['buy', l.metal] as const] : [])),
  ];
  const candidates = wanted.length
    ? await latestRatesQuery(db, shopId, {
        metals: [...new Set(wanted.map(([, metal]) => metal))],
        kinds: [...new Set(wanted.map(([kind]) => kind))],
        asOf: day,
      })
    : [];
  const known = candidates.map(toRateCandidate);
  // Every line without a rate is named in one 422; until it is thrown, such a line holds a stand-in
  // rate that is never priced.
  const missing: ErrorDetail[] = [];
  const rateFor = (metal: Metal, purity: number, kind: RateKind, path: string): RateOnDay => {
    const rate = rateOnDay(known, { metal, purity, kind, day });
    if (rate) return rate;
    missing.push({ path, message: `no ${kind} rate for ${metal} on or before ${day}` });
    return { rate_per_gram: 0, rate_date: day, rate_source: 'exact' };
  };

  const items = lines.map(({ item, product }, index) =>
    saleItemOf(shop, { product, quantity: item.quantity, unit_price: item.unit_price }, (metal, purity) =>
      rateFor(metal, purity, 'sell', `items.${index}.product_id`),
    ),
  );
  const exchange = body.exchange.map(
    (l, index): OldGoldItem => ({
      metal: l.metal,
      purity: l.purity,
      gross_weight_mg: l.gross_weight_mg,
      less_weight_mg: l.less_weight_mg,
      deduction_bp: l.deduction_bp,
      rate:
        l.rate_per_gram !== undefined
          ? { rate_per_gram: l.rate_per_gram, rate_date: null, rate_source: 'given' }
          : rateFor(l.metal, l.purity, 'buy', `exchange.${index}`),
    }),
  );
  if (missing.length) {
    throw new ApiError(422, 'RATE_UNAVAILABLE', 'No rate is recorded to price this on the shop’s day', missing);
  }

  const result = quote({
    shop: taxSettingsOf(shop),
    items,
    discount: body.discount,
    place_of_supply: body.place_of_supply,
    exchange,
  });
  if (!result.ok) throw apiErrorOf(result.refusal);
  // As the sale will: a cashier's discount up to cashier_discount_limit_bp of the subtotal
  // (discount ≤ floor(subtotal × bp / 10000) is discount × 10000 ≤ subtotal × bp, exactly).
  const limit = mulDivFloor(result.value.subtotal, shop.cashierDiscountLimitBp, 10_000).quotient;
  if (!manager && body.discount > limit) {
    throw new ApiError(403, 'FORBIDDEN', 'This discount is over what a cashier may give; it needs a manager', [
      {
        path: 'discount',
        message: `a cashier may give up to ${shop.cashierDiscountLimitBp} bp of the subtotal: ${limit} of ${result.value.subtotal}, not ${body.discount}`,
      },
    ]);
  }
  return { ...result.value, place_of_supply: result.value.place_of_supply || null };
}
