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
import { customers, type Metal, products, type Role, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import { ApiError, ERROR_STATUS, type ErrorCode, type ErrorDetail, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { type OldGoldItem, type Quote, quote, type SaleItem } from '../../pricing/engine';
import { mulDivFloor } from '../../pricing/money';
import { type RateKind, type RateOnDay, rateOnDay } from '../../pricing/rate-on-day';
import type { Refusal } from '../../pricing/refusal';
import { shopDate } from '../../pricing/shop-day';
import { liveCustomer } from '../customers/service';
import { defaultHsnCode } from '../products/schemas';
import { latestRatesQuery } from '../rates/service';
import type { OldGoldLineInput, QuoteBodyInput } from './schemas';

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

/** A cashier may not give an old gold rate (`path`: the list, `exchange` or `lines`). */
export function refuseGivenRate(role: Role, lines: readonly OldGoldLineInput[], path: string) {
  const given = lines.findIndex((l) => l.rate_per_gram !== undefined);
  if (given >= 0 && !hasRole(role, 'manager'))
    throw needsManager('Giving an old gold rate', `${path}.${given}.rate_per_gram`);
}

type RateRow = Awaited<ReturnType<typeof latestRatesQuery>>[number];

/**
 * The rates read for the shop's `day` (latestRatesQuery), as the lines ask for them: `rateFor` gives
 * a line its rate on the day, or notes the line and hands back a stand-in that is never priced;
 * `assertAll` then names every such line in one 422 RATE_UNAVAILABLE.
 */
export function ratesOnDay(rows: readonly RateRow[], day: string) {
  const known = rows.map((r) => ({ ...r, rate_per_gram: r.ratePerGram, effective_date: r.effectiveDate }));
  const missing: ErrorDetail[] = [];
  return {
    rateFor(metal: Metal, purity: number, kind: RateKind, path: string): RateOnDay {
      const rate = rateOnDay(known, { metal, purity, kind, day });
      if (rate) return rate;
      missing.push({ path, message: `no ${kind} rate for ${metal} on or before ${day}` });
      return { rate_per_gram: 0, rate_date: day, rate_source: 'exact' };
    },
    assertAll() {
      if (missing.length) {
        throw new ApiError(422, 'RATE_UNAVAILABLE', 'No rate is recorded to price this on the shop’s day', missing);
      }
    },
  };
}

/** An old gold line as the engine prices it: at its given rate, else the day's buy rate for its metal and purity. */
export const oldGoldItem = (l: OldGoldLineInput, rates: ReturnType<typeof ratesOnDay>, path: string): OldGoldItem => ({
  metal: l.metal,
  purity: l.purity,
  gross_weight_mg: l.gross_weight_mg,
  less_weight_mg: l.less_weight_mg,
  deduction_bp: l.deduction_bp,
  rate:
    l.rate_per_gram !== undefined
      ? { rate_per_gram: l.rate_per_gram, rate_date: null, rate_source: 'given' }
      : rates.rateFor(l.metal, l.purity, 'buy', path),
});

/** What a quote is: the engine's, with a shop that has not named its state shown as no place. */
export type QuoteView = Omit<Quote, 'place_of_supply'> & { place_of_supply: string | null };

export async function quoteSale(c: C, body: QuoteBodyInput): Promise<QuoteView> {
  const { shopId, role } = authOf(c);
  const manager = hasRole(role, 'manager');
  if (!manager) {
    const overridden = body.items.findIndex((i) => i.unit_price !== undefined);
    if (overridden >= 0) throw needsManager('Overriding a unit price', `items.${overridden}.unit_price`);
  }
  refuseGivenRate(role, body.exchange, 'exchange');

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
  const rates = ratesOnDay(candidates, day);

  const items = lines.map(({ item, product: p }, index): SaleItem => {
    const facts = {
      product_id: p.id,
      piece_id: null,
      quantity: item.quantity,
      description: p.name,
      hsn_code: p.hsnCode ?? defaultHsnCode(p.category),
      huid: null,
      metal: p.metal,
      purity: p.purity,
      gross_weight_mg: p.grossWeightMg,
      net_weight_mg: p.netWeightMg,
      stone_weight_mg: p.stoneWeightMg,
      gst_rate_bp: p.gstRateBp ?? shop.gstRateBp,
      ...(item.unit_price !== undefined ? { unit_price: item.unit_price } : {}),
    };
    if (p.pricingMode === 'fixed') return { ...facts, pricing_mode: 'fixed', base_price: p.basePrice };
    return {
      ...facts,
      pricing_mode: 'weight',
      rate: rates.rateFor(p.metal, p.purity, 'sell', `items.${index}.product_id`),
      wastage_bp: p.wastageBp,
      making_charge_type: p.makingChargeType,
      making_charge_bp: p.makingChargeBp,
      making_charge_paise: p.makingChargePaise,
      stones: p.stones,
      other_charge_paise: p.otherChargePaise,
    };
  });
  const exchange = body.exchange.map((l, index) => oldGoldItem(l, rates, `exchange.${index}`));
  rates.assertAll();

  const result = quote({
    shop: {
      gstin: shop.gstin,
      gst_scheme: shop.gstScheme,
      // A shop without a state is unregistered (a GSTIN needs its state), so it taxes nothing and
      // the state only names the place of supply, which is then the body's, or none.
      state_code: shop.stateCode ?? '',
      round_off: shop.roundOff,
    },
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
