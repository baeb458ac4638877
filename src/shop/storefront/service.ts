// The public storefront: a shop's active products with public fields only and today's prices,
// read from any D1 replica and served through the Workers Cache API.
//
// Prices: one unit of each product (and a piece-sold product's cheapest in-stock piece) quoted by
// the pricing engine exactly as POST /pricing/quote would quote it — one line, no discount, supplied
// in the shop's own state — at the sell rate in force on the shop-local day.
//
// Caching, in two layers (cache.ts):
// - The Worker's own cache (caches.default, per colo) is keyed by shop id, the shop's
//   catalog_version, the shop-local date and the normalised query. Every catalog write, every rate
//   recorded or corrected and every change to the shop's tax settings or timezone bumps the version
//   in its own batch, so such a change is never served from this cache once the version read sees
//   it; the date in the key makes a page priced yesterday miss at the shop's midnight. The
//   shop row (id, status, version) is memoised per isolate for SHOP_MEMO_MS, so a warm hit reads no
//   D1 at all: writes through the same isolate are seen at once, others and suspensions within it. A sale bumps it when a piece sells out and a void when it restocks, so `in_stock`
//   is as fresh as the catalog.
// - Clients and shared caches get clientCacheControl(), a strong ETag (SHA-256 of the body) and 304
//   on If-None-Match; their staleness is bounded by its max-age / s-maxage plus stale-while-revalidate,
//   which are cut short before the shop's midnight so no cache serves a price past its day.

import { eq, inArray, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import { type Db, dbOf } from '../../db/client';
import { toPage } from '../../db/list';
import { pieces, products, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import { notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { quote } from '../../pricing/engine';
import { type RateCandidate, type RateOnDay, rateOnDay } from '../../pricing/rate-on-day';
import { shopDate } from '../../pricing/shop-day';
import { imagesByProduct, imagesQuery } from '../images/read';
import type { ProductImage } from '../images/schemas';
import { saleItemOf, taxSettingsOf } from '../pricing/sale-item';
import { toPublicProduct } from '../products/schemas';
import { productColumns, productListQueries } from '../products/service';
import { latestRatesQuery, toRateCandidate } from '../rates/service';
import type { StorefrontListOptions, StorefrontProduct } from './schemas';
import { type StorefrontShop, storefrontShops } from './shop-memo';

type C = Context<AppEnv>;

type ProductRow = typeof products.$inferSelect;
type PieceRow = typeof pieces.$inferSelect;

/** An active shop as one request sees it: the memoised row and the shop-local date of this request. */
export type ShopToday = StorefrontShop & { today: string };

/** What a page is priced with: the shop, its day and the sell rates in force on that day. */
interface PricedDay {
  shop: ShopToday;
  rates: RateCandidate[];
}

/**
 * Today's price of one unit (of the product, or of one of its pieces) with GST, as the quote would
 * total it; null when a weight-priced unit has no sell rate on the day, or is beyond what a sale may
 * total (the engine's refusal), since a page shows every product it can.
 */
function unitPriceToday({ shop, rates }: PricedDay, product: ProductRow, piece?: PieceRow): number | null {
  let unpriced = false;
  const item = saleItemOf(shop, { product, piece, quantity: 1 }, (metal, purity): RateOnDay => {
    const rate = rateOnDay(rates, { metal, purity, kind: 'sell', day: shop.today });
    if (rate) return rate;
    // A stand-in the engine prices but nobody is shown: the unit has no price today.
    unpriced = true;
    return { rate_per_gram: 0, rate_date: shop.today, rate_source: 'exact' };
  });
  if (unpriced) return null;
  const priced = quote({ shop: taxSettingsOf(shop), items: [item], discount: 0, exchange: [] });
  return priced.ok ? priced.value.total : null;
}

/** The lowest of the in-stock pieces' prices; null without any priced piece in stock. */
function cheapestPiece(day: PricedDay, product: ProductRow, inStock: readonly PieceRow[]): number | null {
  let least: number | null = null;
  for (const piece of inStock) {
    const price = unitPriceToday(day, product, piece);
    if (price !== null && (least === null || price < least)) least = price;
  }
  return least;
}

/**
 * Public fields only: no stock count, making charge, shop id, active flag or timestamps. A product
 * that has pieces (any in stock, here) also shows `price_from`, the cheapest of them.
 */
const toStorefrontProduct = (
  day: PricedDay,
  p: ProductRow,
  images: ProductImage[],
  inStock: readonly PieceRow[] = [],
): StorefrontProduct => ({
  ...toPublicProduct(p),
  price: unitPriceToday(day, p),
  price_from: cheapestPiece(day, p, inStock),
  in_stock: p.stock > 0,
  images,
});

/** The shop's sell rates in force on its day, as the rate-on-a-day rule reads them. */
const sellRatesQuery = (db: Db, shop: ShopToday) => latestRatesQuery(db, shop.id, { asOf: shop.today });

/** In-stock pieces of the products `which` picks: those a piece-sold product's `price_from` is the cheapest of. */
const inStockPiecesQuery = (db: Db, shopId: string, which: SQL) =>
  db
    .select()
    .from(pieces)
    .where(inShop(pieces, shopId, which, eq(pieces.status, 'in_stock')));

function byProduct(rows: readonly PieceRow[]) {
  const map = new Map<string, PieceRow[]>();
  for (const r of rows) {
    const held = map.get(r.productId);
    if (held) held.push(r);
    else map.set(r.productId, [r]);
  }
  return map;
}

/** An active shop by slug, on its day; unknown and suspended shops are both simply not there. */
export async function storefrontShop(c: C, slug: string): Promise<ShopToday> {
  const key = slug.toLowerCase();
  const shop = await storefrontShops.get(key, async () => {
    const [row] = await dbOf(c)
      .select({
        status: shops.status,
        id: shops.id,
        catalogVersion: shops.catalogVersion,
        timezone: shops.timezone,
        gstin: shops.gstin,
        gstScheme: shops.gstScheme,
        stateCode: shops.stateCode,
        gstRateBp: shops.gstRateBp,
        roundOff: shops.roundOff,
      })
      .from(shops)
      .where(eq(shops.slug, key));
    if (row?.status !== 'active') return null;
    const { status: _, ...shop } = row;
    return shop;
  });
  if (!shop) throw notFound('Shop');
  c.set('publicShopId', shop.id);
  return { ...shop, today: shopDate(new Date(), shop.timezone) };
}

/**
 * One page: the products, their total, the day's rates and the page's in-stock pieces in one batch
 * (the pieces picked by the page query itself, as a subquery, so they need no second round trip).
 */
export async function storefrontList(c: C, shop: ShopToday, o: StorefrontListOptions) {
  const db = dbOf(c);
  const [pageQuery, countQuery, imagesOfPage] = productListQueries(db, shop.id, { ...o, include_inactive: false });
  const page = pageQuery.as('page');
  const [rows, total, images, rates, inStock] = await db.batch([
    pageQuery,
    countQuery,
    imagesOfPage,
    sellRatesQuery(db, shop),
    inStockPiecesQuery(db, shop.id, inArray(pieces.productId, db.select({ id: page.id }).from(page))),
  ]);
  const day = { shop, rates: rates.map(toRateCandidate) };
  const piecesOf = byProduct(inStock);
  const imagesOf = imagesByProduct(c, images);
  return toPage([rows, total] as const, o, (r) =>
    toStorefrontProduct(day, r, imagesOf.get(r.id) ?? [], piecesOf.get(r.id)),
  );
}

/** The product, the day's rates and its in-stock pieces: one batch. */
export async function storefrontProduct(c: C, shop: ShopToday, id: string) {
  const db = dbOf(c);
  const [[row], rates, inStock, images] = await db.batch([
    // `stock` as the catalog reports it: a product sold by piece is in stock while a piece is.
    db
      .select(productColumns)
      .from(products)
      .where(inShop(products, shop.id, eq(products.id, id), eq(products.active, true))),
    sellRatesQuery(db, shop),
    inStockPiecesQuery(db, shop.id, eq(pieces.productId, id)),
    imagesQuery(db, shop.id, [id]),
  ]);
  if (!row) throw notFound('Product');
  return toStorefrontProduct(
    { shop, rates: rates.map(toRateCandidate) },
    row,
    imagesByProduct(c, images).get(id) ?? [],
    inStock,
  );
}

/** The sell rate of each metal and purity the shop has priced, in force on its day. */
export async function storefrontRates(c: C, shop: ShopToday) {
  const rows = await sellRatesQuery(dbOf(c), shop);
  return rows.map((r) => ({
    metal: r.metal,
    purity: r.purity,
    rate_per_gram: r.ratePerGram,
    effective_date: r.effectiveDate,
  }));
}
