// Pricing a sale from D1: the caller's shop, products, pieces, customer and the day's rates, read in
// two round trips (everything that names the shop's day in one batch; then, knowing that day, every
// rate the sale needs, with whatever else the caller reads for that day), handed to the pure engine
// (src/pricing/engine.ts), which decides every paisa. The quote route returns the result; the sale
// route prices with the same function and then writes it, so the two can never disagree.
import { eq, or, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { hasRole, requireRole, roleRefusal } from '../../auth/roles';
import { type BatchQuery, dbOf } from '../../db/client';
import { inList } from '../../db/conditions';
import { customers, type Metal, pieces, products, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, ERROR_STATUS, type ErrorCode, type ErrorDetail, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { type OldGoldItem, type Quote, quote } from '../../pricing/engine';
import { mulDivFloor } from '../../pricing/money';
import { type RateKind, type RateOnDay, rateOnDay } from '../../pricing/rate-on-day';
import type { Refusal } from '../../pricing/refusal';
import { type ShopDay, shopDay } from '../../pricing/shop-day';
import { liveCustomer } from '../customers/service';
import { latestRatesQuery, toRateCandidate } from '../rates/service';
import { type PieceRow, type ProductRow, saleItemOf, taxSettingsOf } from './sale-item';
import type { OldGoldLineInput, QuoteBodyInput, SaleLineInput } from './schemas';

type C = Context<AppEnv>;
type ShopRow = typeof shops.$inferSelect;
type CustomerRow = typeof customers.$inferSelect;

/** The engine's refusals that are registry codes; one that is not yet there is a bug, not a 4xx. */
type RegisteredRefusal = Extract<Refusal['code'], ErrorCode>;

/** The engine's refusal as the contract's error envelope, with the registry's status for its code. */
export function apiErrorOf(r: Refusal): ApiError {
  if (!Object.hasOwn(ERROR_STATUS, r.code)) throw new Error(`refusal ${r.code} is not in ERROR_STATUS`);
  const code = r.code as RegisteredRefusal;
  return new ApiError(ERROR_STATUS[code], code, r.message, r.details);
}

/** A cashier may not give an old gold rate (`path`: the list, `exchange` or `lines`). */
export function refuseGivenRate(c: C, lines: readonly OldGoldLineInput[], path: string) {
  const given = lines.findIndex((l) => l.rate_per_gram !== undefined);
  if (given >= 0) requireRole(c, 'manager', 'Giving an old gold rate', `${path}.${given}.rate_per_gram`);
}

type RateRow = Awaited<ReturnType<typeof latestRatesQuery>>[number];

/**
 * The rates read for the shop's `day` (latestRatesQuery), as the lines ask for them: `rateFor` gives
 * a line its rate on the day, or notes the line and hands back a stand-in that is never priced;
 * `assertAll` then names every such line in one 422 RATE_UNAVAILABLE.
 */
export function ratesOnDay(rows: readonly RateRow[], day: string) {
  const known = rows.map(toRateCandidate);
  const missing: ErrorDetail[] = [];
  return {
    rateFor(metal: Metal, purity: number, kind: RateKind, path: string): RateOnDay {
      const rate = rateOnDay(known, { metal, purity, kind, day });
      if (rate) return rate;
      missing.push({ path, message: `no ${kind} rate for ${metal} ${purity} on or before ${day}` });
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

/** A line as the sale writes it: what it takes out of stock. */
export interface SoldLine {
  product: ProductRow;
  piece: PieceRow | null;
  quantity: number;
}

export interface PricedSale {
  shop: ShopRow;
  customer: CustomerRow | null;
  day: ShopDay;
  lines: SoldLine[];
  quote: Quote;
  manager: boolean;
}

const lineNotFound = (index: number, what: string, key: string) =>
  new ApiError(404, 'NOT_FOUND', `${what} not found`, [
    { path: `items.${index}.${key}`, message: `no ${what.toLowerCase()} of this shop has this ${key}` },
  ]);

/** The piece a line names, by id or tag, among those read. */
function pieceOf(line: SaleLineInput, found: readonly PieceRow[]) {
  if ('piece_id' in line) return found.find((p) => p.id === line.piece_id);
  if ('tag' in line) return found.find((p) => p.tag === line.tag);
  return undefined;
}

/**
 * Prices `body` as a sale recorded now would. `onDay` adds the caller's own reads that need the
 * shop's day to the rates' round trip (the sale's cash so far today); their results come back in
 * `dayReads`. Throws the contract's refusals: 404s, 403 for what needs a manager, 409 PIECE_SOLD,
 * 422 SELL_BY_PIECE / RATE_UNAVAILABLE and the engine's own. The rules of selling (HUID, tenders, PAN,
 * cash, buyer details) are the sale's: a quote prices what is asked.
 */
export async function priceSale(
  c: C,
  body: QuoteBodyInput,
  onDay?: (day: ShopDay, shop: ShopRow) => BatchQuery[],
): Promise<PricedSale & { dayReads: unknown[] }> {
  const { shopId, role } = authOf(c);
  const manager = hasRole(role, 'manager');
  const overridden = body.items.findIndex((i) => i.unit_price !== undefined);
  if (overridden >= 0) requireRole(c, 'manager', 'Overriding a unit price', `items.${overridden}.unit_price`);
  refuseGivenRate(c, body.exchange, 'exchange');

  const productIds = body.items.flatMap((i) => ('product_id' in i ? [i.product_id] : []));
  const pieceIds = body.items.flatMap((i) => ('piece_id' in i ? [i.piece_id] : []));
  const tags = body.items.flatMap((i) => ('tag' in i ? [i.tag] : []));
  const piecesWanted = or(inList(pieces.id, pieceIds), inList(pieces.tag, tags)) as SQL;
  const db = dbOf(c);
  const [[shop], foundProducts, withPieces, foundPieces, [customer]] = await db.batch([
    db.select().from(shops).where(eq(shops.id, shopId)),
    db
      .select()
      .from(products)
      .where(
        inShop(
          products,
          shopId,
          eq(products.active, true),
          or(
            inList(products.id, productIds),
            sql`${products.id} IN (SELECT ${pieces.productId} FROM ${pieces} WHERE ${inShop(pieces, shopId, piecesWanted)})`,
          ),
        ),
      ),
    // A product with pieces is sold by piece (API.md "Pieces").
    db
      .selectDistinct({ productId: pieces.productId })
      .from(pieces)
      .where(inShop(pieces, shopId, inList(pieces.productId, productIds))),
    db
      .select()
      .from(pieces)
      .where(inShop(pieces, shopId, piecesWanted)),
    db
      .select()
      .from(customers)
      .where(liveCustomer(shopId, body.customer_id ?? '')),
  ]);
  if (!shop) throw notFound('Shop');
  if (body.customer_id !== undefined && !customer) throw notFound('Customer');
  // Supplying to another state changes the tax from CGST + SGST to IGST (IGST Act s.10(1)).
  if (body.place_of_supply !== undefined && body.place_of_supply !== shop.stateCode)
    requireRole(c, 'manager', "A place of supply other than the shop's state", 'place_of_supply');
  const byId = new Map(foundProducts.map((p) => [p.id, p]));
  const soldByPiece = new Set(withPieces.map((p) => p.productId));

  const lines = body.items.map((item, index): SoldLine & { unit_price?: number } => {
    const extra = item.unit_price !== undefined ? { unit_price: item.unit_price } : {};
    if ('product_id' in item) {
      const product = byId.get(item.product_id);
      if (!product) throw lineNotFound(index, 'Product', 'product_id');
      if (soldByPiece.has(product.id)) {
        throw new ApiError(422, 'SELL_BY_PIECE', 'This product is sold by piece: scan the tag or send piece_id', [
          {
            path: `items.${index}.product_id`,
            message: 'a product with pieces is sold with {piece_id} or {tag} lines',
          },
        ]);
      }
      return { product, piece: null, quantity: item.quantity, ...extra };
    }
    const key = 'piece_id' in item ? 'piece_id' : 'tag';
    const piece = pieceOf(item, foundPieces);
    const product = piece && byId.get(piece.productId);
    if (!piece || !product) throw lineNotFound(index, 'Piece', key);
    if (piece.status !== 'in_stock') throw pieceSold(index, key, piece);
    return { product, piece, quantity: 1, ...extra };
  });
  const twice = lines.findIndex((l, i) => l.piece && lines.findIndex((m) => m.piece?.id === l.piece?.id) !== i);
  if (twice >= 0) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'Invalid request body', [
      { path: `items.${twice}`, message: 'each piece once (it is named twice, by id and by tag)' },
    ]);
  }

  const day = shopDay(new Date(), shop.timezone);
  const wanted = [
    ...lines.flatMap(({ product }) => (product.pricingMode === 'weight' ? [['sell', product.metal] as const] : [])),
    ...body.exchange.flatMap((l) => (l.rate_per_gram === undefined ? [['buy', l.metal] as const] : [])),
  ];
  const ratesQuery = latestRatesQuery(db, shopId, {
    metals: [...new Set(wanted.map(([, metal]) => metal))],
    kinds: [...new Set(wanted.map(([kind]) => kind))],
    asOf: day.date,
  });
  const extra = onDay?.(day, shop) ?? [];
  const [candidates, ...dayReads] =
    wanted.length || extra.length ? await db.batch([ratesQuery, ...extra]) : [[] as Awaited<typeof ratesQuery>];
  const rates = ratesOnDay(candidates as Awaited<typeof ratesQuery>, day.date);

  const items = lines.map((line, index) =>
    saleItemOf(shop, line, (metal, purity) =>
      rates.rateFor(metal, purity, 'sell', `items.${index}.${line.piece ? 'piece_id' : 'product_id'}`),
    ),
  );
  const exchange = body.exchange.map((l, index) => oldGoldItem(l, rates, `exchange.${index}`));
  rates.assertAll();

  const result = quote({
    shop: taxSettingsOf(shop),
    items,
    discount: body.discount,
    place_of_supply: body.place_of_supply,
    exchange,
  });
  if (!result.ok) throw apiErrorOf(result.refusal);
  // A cashier's discount up to cashier_discount_limit_bp of the subtotal (discount ≤
  // floor(subtotal × bp / 10000) is discount × 10000 ≤ subtotal × bp, exactly). The sale's batch
  // checks it again against the limit in force when it commits.
  if (!manager && body.discount > cashierDiscountLimit(shop, result.value.subtotal)) {
    throw discountOverLimit(shop, body.discount, result.value.subtotal);
  }
  return {
    shop,
    customer: customer ?? null,
    day,
    lines,
    quote: result.value,
    manager,
    dayReads,
  };
}

const cashierDiscountLimit = (shop: Pick<ShopRow, 'cashierDiscountLimitBp'>, subtotal: number) =>
  mulDivFloor(subtotal, shop.cashierDiscountLimitBp, 10_000).quotient;

/** The 403 for a cashier's discount over the shop's limit. */
export function discountOverLimit(shop: Pick<ShopRow, 'cashierDiscountLimitBp'>, discount: number, subtotal: number) {
  return roleRefusal('manager', 'A discount over what a cashier may give', [
    {
      path: 'discount',
      message: `a cashier may give up to ${shop.cashierDiscountLimitBp} bp of the subtotal: ${cashierDiscountLimit(shop, subtotal)} of ${subtotal}, not ${discount}`,
    },
  ]);
}

/** 409 PIECE_SOLD: the piece is sold or reserved (API.md "Pieces"). */
export function pieceSold(index: number, key: string, piece: Pick<PieceRow, 'tag' | 'status'>) {
  return new ApiError(409, 'PIECE_SOLD', `Piece ${piece.tag} is not in stock; nothing was sold`, [
    { path: `items.${index}.${key}`, message: `piece ${piece.tag} is ${piece.status}` },
  ]);
}

export const quoteView = (q: Quote): QuoteView => ({ ...q, place_of_supply: q.place_of_supply || null });

export async function quoteSale(c: C, body: QuoteBodyInput): Promise<QuoteView> {
  return quoteView((await priceSale(c, body)).quote);
}
