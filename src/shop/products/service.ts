// The catalog: products of the caller's shop, their list with filters and sorts, and the writes,
// each in one batch with its audit entry and the shop's catalog version bump (storefront cache).

import { and, asc, desc, eq, getTableColumns, gt, gte, lte, not, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQueryWhen } from '../../audit/record';
import { hasRole, requireRole } from '../../auth/roles';
import { type Db, dbOf } from '../../db/client';
import { eqIfGiven, likeContains } from '../../db/conditions';
import { isUniqueViolation } from '../../db/errors';
import { type Page, pageQueries, toPage } from '../../db/list';
import { changedColumns, retryWhileRaced } from '../../db/optimistic';
import { pieces, products, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { newId, nowIso } from '../../lib/id';
import { imagesByProduct, imagesQuery } from '../images/read';
import { valueStoneLines } from '../predictions/stones';
import { forgetStorefrontShop } from '../storefront/shop-memo';
import {
  type CreateProductInput,
  type Product,
  type ProductFilter,
  type ProductListOptions,
  type ProductSort,
  productRuleIssues,
  toProduct,
  type UpdateProductInput,
} from './schemas';

type C = Context<AppEnv>;

const SORTS: Record<ProductSort, SQL[]> = {
  name: [asc(products.name), asc(products.id)],
  '-name': [desc(products.name), desc(products.id)],
  price: [asc(products.basePrice), asc(products.id)],
  '-price': [desc(products.basePrice), desc(products.id)],
  created: [asc(products.createdAt), asc(products.id)],
  '-created': [desc(products.createdAt), desc(products.id)],
};

const piecesOfProduct = sql`${pieces.shopId} = ${products.shopId} AND ${pieces.productId} = ${products.id}`;
/** The product has pieces (of any status): it is sold by piece. */
export const soldByPiece = sql<boolean>`EXISTS (SELECT 1 FROM ${pieces} WHERE ${piecesOfProduct})`;

/**
 * The stock a product reports: a product with pieces (of any status) is sold by piece and has its
 * in-stock pieces; one without keeps its own `stock` column, sold by count. Two seeks of
 * pieces_shop_product_status_idx per product (not a scan of its sold pieces), inside the query that
 * reads the product, so a catalog read stays one round trip.
 */
export const productStock = sql<number>`(CASE WHEN ${soldByPiece}
  THEN (SELECT count(*) FROM ${pieces} WHERE ${piecesOfProduct} AND ${pieces.status} = 'in_stock')
  ELSE ${products.stock} END)`;

/** A product row as reported, its `stock` the one above. */
export const productColumns = { ...getTableColumns(products), stock: productStock };

/** The WHERE of a product list; `active = 1` unless inactive ones are asked for. */
export function productListWhere(shopId: string, f: ProductFilter): SQL {
  return inShop(
    products,
    shopId,
    f.include_inactive ? undefined : eq(products.active, true),
    eqIfGiven(products.category, f.category),
    eqIfGiven(products.metal, f.metal),
    f.q ? likeContains(products.name, f.q) : undefined,
    f.min_price !== undefined ? gte(products.basePrice, f.min_price) : undefined,
    f.max_price !== undefined ? lte(products.basePrice, f.max_price) : undefined,
    f.in_stock === true ? gt(productStock, 0) : f.in_stock === false ? eq(productStock, 0) : undefined,
  );
}

/**
 * One page of a product list, its total and the page's images, as the queries both the catalog
 * and storefront run (the images select the same page as a subquery: one round trip for all three).
 */
export function productListQueries(db: Db, shopId: string, o: ProductListOptions) {
  const where = productListWhere(shopId, o);
  const [page, total] = pageQueries(db, {
    ...o,
    table: products,
    columns: productColumns,
    where,
    orderBy: SORTS[o.sort],
  });
  return [page, total, imagesQuery(db, shopId, db.select({ id: sql`id` }).from(page.as('page')))] as const;
}

export async function listProducts(c: C, o: ProductListOptions): Promise<Page<Product>> {
  const { shopId } = o.include_inactive ? requireRole(c, 'manager', 'include_inactive') : authOf(c);
  const db = dbOf(c);
  const [rows, total, images] = await db.batch(productListQueries(db, shopId, o));
  const byProduct = imagesByProduct(c, images);
  return toPage([rows, total], o, (r) => toProduct(r, byProduct.get(r.id) ?? []));
}

async function findRow(c: C, id: string) {
  const { shopId } = authOf(c);
  const [row] = await dbOf(c)
    .select({ ...productColumns, soldByPiece: soldByPiece.mapWith(Boolean) })
    .from(products)
    .where(inShop(products, shopId, eq(products.id, id)));
  if (!row) throw notFound('Product');
  return row;
}

/** Cashiers see active products only; an inactive one is, to them, not there. */
export async function getProduct(c: C, id: string): Promise<Product> {
  const { shopId, role } = authOf(c);
  const db = dbOf(c);
  const [[row], images] = await db.batch([
    db
      .select(productColumns)
      .from(products)
      .where(inShop(products, shopId, eq(products.id, id))),
    imagesQuery(db, shopId, [id]),
  ]);
  if (!row || (!row.active && !hasRole(role, 'manager'))) throw notFound('Product');
  return toProduct(row, imagesByProduct(c, images).get(id) ?? []);
}

const sellByPiece = () =>
  new ApiError(422, 'SELL_BY_PIECE', 'This product is sold by piece: its stock is its pieces in stock, not a count');
const skuTaken = () => new ApiError(409, 'SKU_TAKEN', 'This SKU is already used in this shop');

/**
 * Every write that changes what the storefront shows bumps it in its own batch, so cached pages of
 * the old catalog miss: catalog writes always, sales and voids only `when` a piece goes out of or
 * back into stock (a condition evaluated at its place in the batch).
 */
export const bumpCatalogVersion = (db: Db, shopId: string, when?: SQL) => {
  // Forgotten before the batch commits: a storefront read racing it may memoise the old version,
  // for SHOP_MEMO_MS at most, as any other isolate would.
  forgetStorefrontShop(shopId);
  return db
    .update(shops)
    .set({ catalogVersion: sql`${shops.catalogVersion} + 1` })
    .where(and(eq(shops.id, shopId), when));
};

export async function createProduct(c: C, body: CreateProductInput): Promise<Product> {
  const { shopId } = authOf(c);
  const stones = await valueStoneLines(c, body.stones);
  const now = nowIso();
  const row = {
    id: newId(),
    shopId,
    sku: body.sku,
    name: body.name,
    description: body.description ?? null,
    category: body.category,
    metal: body.metal,
    purity: body.purity,
    grossWeightMg: body.gross_weight_mg,
    netWeightMg: body.net_weight_mg,
    stoneWeightMg: body.stone_weight_mg,
    makingChargeBp: body.making_charge_bp,
    basePrice: body.base_price,
    pricingMode: body.pricing_mode,
    wastageBp: body.wastage_bp,
    makingChargeType: body.making_charge_type,
    makingChargePaise: body.making_charge_paise,
    stones,
    otherChargePaise: body.other_charge_paise,
    hsnCode: body.hsn_code,
    gstRateBp: body.gst_rate_bp,
    stock: body.stock,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
  const db = dbOf(c);
  try {
    await db.batch([db.insert(products).values(row), bumpCatalogVersion(db, shopId)]);
  } catch (err) {
    if (isUniqueViolation(err, 'products.sku')) throw skuTaken();
    throw err;
  }
  return toProduct(row, []);
}

const COLUMNS = {
  sku: 'sku',
  name: 'name',
  description: 'description',
  category: 'category',
  metal: 'metal',
  purity: 'purity',
  gross_weight_mg: 'grossWeightMg',
  net_weight_mg: 'netWeightMg',
  stone_weight_mg: 'stoneWeightMg',
  making_charge_bp: 'makingChargeBp',
  base_price: 'basePrice',
  pricing_mode: 'pricingMode',
  wastage_bp: 'wastageBp',
  making_charge_type: 'makingChargeType',
  making_charge_paise: 'makingChargePaise',
  stones: 'stones',
  other_charge_paise: 'otherChargePaise',
  hsn_code: 'hsnCode',
  gst_rate_bp: 'gstRateBp',
  stock: 'stock',
  active: 'active',
} as const satisfies Record<keyof UpdateProductInput, keyof typeof products.$inferSelect>;

/**
 * Applies the change to the row as it is now: the UPDATE holds only if the fields the rules and
 * the audit read are still what was read (else re-read and retry), so two concurrent changes
 * cannot together break a rule or audit a price change from a price the row no longer had.
 */
export async function updateProduct(c: C, id: string, patch: UpdateProductInput): Promise<Product> {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  // Stones sent again are valued again (the explicit re-valuation), once for all attempts.
  const values = { ...patch, stones: patch.stones && (await valueStoneLines(c, patch.stones)) };
  return retryWhileRaced('product', async () => {
    const { soldByPiece: byPiece, ...before } = await findRow(c, id);
    // Its stock is its pieces: a count would be ignored, so it is refused rather than seem kept.
    if (byPiece && patch.stock !== undefined) throw sellByPiece();
    const changes = changedColumns<keyof UpdateProductInput, typeof products.$inferInsert>(values, COLUMNS);
    const after = { ...before, ...changes, updatedAt: nowIso() };
    const issues = productRuleIssues(toProduct(after, []));
    if (issues.length) throw new ApiError(400, 'VALIDATION_FAILED', 'Invalid product', issues);

    const priceChanged = after.basePrice !== before.basePrice;
    const guard = inShop(
      products,
      shopId,
      eq(products.id, id),
      eq(products.metal, before.metal),
      eq(products.purity, before.purity),
      eq(products.grossWeightMg, before.grossWeightMg),
      eq(products.netWeightMg, before.netWeightMg),
      eq(products.stoneWeightMg, before.stoneWeightMg),
      eq(products.basePrice, before.basePrice),
      // A first piece added since the read makes a new count meaningless: re-read, then refused.
      patch.stock !== undefined ? not(soldByPiece) : undefined,
    );
    let result: D1Result;
    let images: Awaited<ReturnType<typeof imagesQuery>>;
    try {
      [result, , , images] = await db.batch([
        db
          .update(products)
          .set({ ...changes, updatedAt: after.updatedAt })
          .where(guard),
        auditQueryWhen(
          c,
          {
            action: priceChanged ? 'product.price_changed' : 'product.updated',
            targetType: 'product',
            targetId: id,
            details: {
              fields: Object.keys(patch).sort(),
              ...(priceChanged ? { base_price: { from: before.basePrice, to: after.basePrice } } : {}),
              ...(after.active !== before.active ? { active: { from: before.active, to: after.active } } : {}),
            },
          },
          sql`changes() = 1`,
        ),
        bumpCatalogVersion(db, shopId),
        imagesQuery(db, shopId, [id]),
      ]);
    } catch (err) {
      if (isUniqueViolation(err, 'products.sku')) throw skuTaken();
      throw err;
    }
    return result.meta.changes === 1 ? toProduct(after, imagesByProduct(c, images).get(id) ?? []) : undefined;
  });
}

/** Soft delete: the product leaves the catalog and storefront but stays for past sales. Idempotent. */
export async function deleteProduct(c: C, id: string): Promise<void> {
  const { shopId } = authOf(c);
  const before = await findRow(c, id);
  if (!before.active) return;
  const db = dbOf(c);
  await db.batch([
    db
      .update(products)
      .set({ active: false, updatedAt: nowIso() })
      .where(inShop(products, shopId, eq(products.id, id), eq(products.active, true))),
    auditQueryWhen(
      c,
      { action: 'product.deleted', targetType: 'product', targetId: id, details: { sku: before.sku } },
      sql`changes() = 1`,
    ),
    bumpCatalogVersion(db, shopId),
  ]);
}
