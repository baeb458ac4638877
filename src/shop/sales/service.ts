// POS sales. A sale is ONE D1 batch (D1's only transaction), and each guard is a statement that
// fails — rolling the whole batch back — when its rule does not hold, so a refused sale writes
// nothing (no stock change, sale, lines, ledger entry, idempotency record):
//   1. the Idempotency-Key record (idempotency.ts): its primary key refuses a second claim;
//   2. the sale row: a cashier's discount is read back through the shop's cashier_discount_limit_bp
//      and is NULL (refused by NOT NULL) when over it; any discount's audit entry follows it;
//   3. per line, `stock = stock - q` for the shop's active product: the products CHECK (stock >= 0)
//      refuses an oversell, so concurrent sales can never take the same unit twice;
//   4. the lines, whose product_id is read back as "this shop's active product" and is NULL
//      (refused by NOT NULL) if the product went inactive or away since it was priced;
//   5. for khata: the ledger entry and balance (khata/service), whose NOT NULL balance_after refuses
//      a credit over the customer's limit.
// SQLite's RAISE() only works in triggers, so constraint failures are the guards; their messages name
// the constraint, which maps each one to its error code deterministically. Reads before the batch only
// price the sale and give early 404s; reads after a refusal only choose the error's details.
import { and, count, desc, eq, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQuery, auditQueryWhen } from '../../audit/record';
import { authOf } from '../../auth/caller';
import { hasRole } from '../../auth/guard';
import { dbOf } from '../../db/client';
import { inList } from '../../db/conditions';
import { isConstraintViolation } from '../../db/errors';
import { auditLog, customers, khataEntries, products, saleItems, sales, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import { ApiError, notFound } from '../../http/errors';
import { type IdempotentRequest, outcomeOfConflict, previousOutcome, recordQueries } from '../../http/idempotency';
import type { Page } from '../../http/openapi';
import type { AppEnv } from '../../http/types';
import { newId, nowIso } from '../../lib/id';
import { liveCustomer } from '../customers/service';
import { ledgerQueries, ledgerRefusal } from '../khata/service';
import { bumpCatalogVersion } from '../products/service';

type C = Context<AppEnv>;
type SaleRow = typeof sales.$inferSelect;
type ItemRow = typeof saleItems.$inferSelect;

export interface SaleItem {
  product_id: string;
  quantity: number;
  unit_price: number;
  line_total: number;
}

export interface Sale {
  id: string;
  customer_id: string | null;
  cashier_id: string;
  items: SaleItem[];
  subtotal: number;
  discount: number;
  total: number;
  payment_method: SaleRow['paymentMethod'];
  status: SaleRow['status'];
  note: string | null;
  created_at: string;
  voided_at: string | null;
}

export interface CreateSaleInput {
  customer_id?: string;
  items: { product_id: string; quantity: number; unit_price?: number }[];
  discount: number;
  payment_method: SaleRow['paymentMethod'];
  note?: string;
}

const toSale = (s: SaleRow, items: ItemRow[]): Sale => ({
  id: s.id,
  customer_id: s.customerId,
  cashier_id: s.cashierId,
  items: items.map((i) => ({
    product_id: i.productId,
    quantity: i.quantity,
    unit_price: i.unitPrice,
    line_total: i.lineTotal,
  })),
  subtotal: s.subtotal,
  discount: s.discount,
  total: s.total,
  payment_method: s.paymentMethod,
  status: s.status,
  note: s.note,
  created_at: s.createdAt,
  voided_at: s.voidedAt,
});

/** Largest subtotal accepted (paise): ₹100 crore, far above a sale, far below 2^53. */
const MAX_AMOUNT = 1_000_000_000_000;

/**
 * A cashier's discount as the sale row stores it: itself while within the shop's
 * `cashier_discount_limit_bp` share of the subtotal (exact integers: discount × 10000 ≤ subtotal × bp),
 * else NULL, which `sales.discount` NOT NULL refuses. Read in the batch, so the limit the sale meets
 * is the one in force when it commits.
 */
const cashierDiscount = (shopId: string, discount: number, subtotal: number) =>
  sql`(SELECT ${discount} FROM ${shops}
    WHERE ${shops.id} = ${shopId} AND ${discount} * 10000 <= ${subtotal} * ${shops.cashierDiscountLimitBp})`;

/** The 403 for a cashier's discount over the limit; the batch decided, this read only words it. */
async function discountOverLimit(c: C, discount: number, subtotal: number) {
  const [shop] = await dbOf(c)
    .select({ bp: shops.cashierDiscountLimitBp })
    .from(shops)
    .where(eq(shops.id, authOf(c).shopId));
  const bp = shop?.bp ?? 0;
  return new ApiError(403, 'FORBIDDEN', 'This discount is over what a cashier may give; it needs a manager', [
    {
      path: 'discount',
      message: `a cashier may give up to ${bp} bp of the subtotal: ${Math.floor((subtotal * bp) / 10_000)} of ${subtotal}, not ${discount}`,
    },
  ]);
}

/** The new sale, or the stored Response of the first request with this Idempotency-Key. */
export async function createSale(c: C, body: CreateSaleInput, idem: IdempotentRequest): Promise<Sale | Response> {
  const { shopId, userId, role } = authOf(c);
  const db = dbOf(c);
  const replay = await previousOutcome(c, db, idem);
  if (replay) return replay;

  if (body.items.some((i) => i.unit_price !== undefined) && !hasRole(role, 'manager')) {
    throw new ApiError(403, 'FORBIDDEN', 'Overriding a unit price needs the manager role or higher');
  }

  const ids = body.items.map((i) => i.product_id);
  const [found, [customer]] = await db.batch([
    db
      .select({ id: products.id, basePrice: products.basePrice, active: products.active })
      .from(products)
      .where(inShop(products, shopId, inList(products.id, ids))),
    db
      .select({ id: customers.id })
      .from(customers)
      .where(liveCustomer(shopId, body.customer_id ?? '')),
  ]);
  if (body.customer_id !== undefined && !customer) throw notFound('Customer');
  const byId = new Map(found.map((p) => [p.id, p]));

  const saleId = newId();
  const createdAt = nowIso();
  const items = body.items.map((i, index) => {
    const p = byId.get(i.product_id);
    if (!p?.active) {
      throw new ApiError(404, 'NOT_FOUND', 'Product not found', [
        { path: `items.${index}.product_id`, message: 'no active product of this shop has this id' },
      ]);
    }
    const unitPrice = i.unit_price ?? p.basePrice;
    return {
      index,
      id: newId(),
      shopId,
      saleId,
      productId: i.product_id,
      quantity: i.quantity,
      unitPrice,
      lineTotal: unitPrice * i.quantity,
      description: '',
      gross: unitPrice * i.quantity,
      gstRateBp: 0,
      cgst: 0,
      sgst: 0,
      igst: 0,
    } as ItemRow & { index: number };
  });
  const subtotal = items.reduce((sum, i) => sum + i.lineTotal, 0);
  if (subtotal > MAX_AMOUNT)
    throw new ApiError(422, 'AMOUNT_TOO_LARGE', `A sale may total at most ${MAX_AMOUNT} paise`);
  if (body.discount > subtotal) {
    throw new ApiError(422, 'INVALID_DISCOUNT', 'The discount cannot exceed the subtotal', [
      { path: 'discount', message: `discount ${body.discount} > subtotal ${subtotal}` },
    ]);
  }
  const row: SaleRow = {
    id: saleId,
    shopId,
    customerId: body.customer_id ?? null,
    cashierId: userId,
    subtotal,
    discount: body.discount,
    total: subtotal - body.discount,
    paymentMethod: body.payment_method,
    status: 'completed',
    note: body.note || null,
    voidedAt: null,
    voidedBy: null,
    createdAt,
    businessDate: createdAt.slice(0, 10),
  } as SaleRow;
  const sale = toSale(row, items);
  const onKhata = row.paymentMethod === 'khata' && row.total > 0;
  const move = {
    shopId,
    customerId: row.customerId ?? '',
    type: 'credit' as const,
    amount: row.total,
    method: null,
    note: null,
    saleId,
    createdBy: userId,
  };

  const limited = row.discount > 0 && !hasRole(role, 'manager');

  try {
    await db.batch([
      ...recordQueries(db, idem, { status: 201, body: JSON.stringify({ success: true, data: sale }) }),
      db.insert(sales).values(limited ? { ...row, discount: cashierDiscount(shopId, row.discount, subtotal) } : row),
      ...(row.discount > 0
        ? [
            auditQuery(c, {
              action: 'sale.discounted',
              targetType: 'sale',
              targetId: saleId,
              details: { discount: row.discount, subtotal, total: row.total, role },
            }),
          ]
        : []),
      ...items.map((i) =>
        db
          .update(products)
          .set({ stock: sql`${products.stock} - ${i.quantity}` })
          .where(inShop(products, shopId, eq(products.id, i.productId), eq(products.active, true))),
      ),
      // One INSERT per line: a multi-row INSERT binds every column of every line in one statement,
      // past D1's 100 parameters at 11 lines.
      ...items.map(({ index: _, ...i }) =>
        db.insert(saleItems).values({
          ...i,
          productId: sql`(SELECT ${products.id} FROM ${products}
            WHERE ${inShop(products, shopId, eq(products.id, i.productId), eq(products.active, true))})`,
        }),
      ),
      ...(onKhata ? ledgerQueries(db, move).queries : []),
      // The storefront shows in_stock: a piece sold out must not stay on sale in its cache.
      bumpCatalogVersion(
        db,
        shopId,
        sql`EXISTS (SELECT 1 FROM ${products} WHERE ${inShop(products, shopId, inList(products.id, ids), eq(products.stock, 0))})`,
      ),
    ]);
  } catch (err) {
    const outcome = await outcomeOfConflict(c, db, idem, err);
    if (outcome) return outcome;
    if (isConstraintViolation(err, 'NOT NULL', 'sales.discount'))
      throw await discountOverLimit(c, row.discount, subtotal);
    if (isConstraintViolation(err, 'CHECK', 'products_stock_nonneg')) throw await insufficientStock(c, items);
    if (isConstraintViolation(err, 'NOT NULL', 'sale_items.product_id')) throw notFound('Product');
    await ledgerRefusal(c, err, move);
  }
  return sale;
}

/** The 409, naming each line whose product has less stock now than the line asked for. */
async function insufficientStock(c: C, items: (ItemRow & { index: number })[]) {
  const stock = await dbOf(c)
    .select({ id: products.id, stock: products.stock })
    .from(products)
    .where(
      inShop(
        products,
        authOf(c).shopId,
        inList(
          products.id,
          items.map((i) => i.productId),
        ),
      ),
    );
  const available = new Map(stock.map((p) => [p.id, p.stock]));
  const short = items.filter((i) => (available.get(i.productId) ?? 0) < i.quantity);
  return new ApiError(
    409,
    'INSUFFICIENT_STOCK',
    'Not enough stock for this sale; nothing was sold',
    short.map((i) => ({
      path: `items.${i.index}.quantity`,
      message: `requested ${i.quantity}, available ${available.get(i.productId) ?? 0}`,
      product_id: i.productId,
      requested: i.quantity,
      available: available.get(i.productId) ?? 0,
    })),
  );
}

/** Cashiers see their own sales only; another cashier's sale is, to them, not there. */
function visible(c: C, ...conds: (SQL | undefined)[]) {
  const { shopId, userId, role } = authOf(c);
  return inShop(sales, shopId, hasRole(role, 'manager') ? undefined : eq(sales.cashierId, userId), ...conds);
}

async function itemsOf(c: C, saleIds: string[]) {
  if (saleIds.length === 0) return new Map<string, ItemRow[]>();
  const rows = await dbOf(c)
    .select()
    .from(saleItems)
    .where(inShop(saleItems, authOf(c).shopId, inList(saleItems.saleId, saleIds)))
    // Lines in the order they were sent (inserted in that order, so rowid follows the request).
    .orderBy(sql`rowid`);
  const bySale = new Map<string, ItemRow[]>();
  for (const r of rows) bySale.set(r.saleId, [...(bySale.get(r.saleId) ?? []), r]);
  return bySale;
}

export interface SaleListOptions {
  /** Inclusive lower bound, an ISO timestamp. */
  from?: string;
  /** Upper bound, an ISO timestamp; exclusive when `toExclusive` (a whole day was given). */
  to?: string;
  toExclusive?: boolean;
  customer_id?: string;
  page: number;
  limit: number;
}

export async function listSales(c: C, o: SaleListOptions): Promise<Page<Sale>> {
  const db = dbOf(c);
  const where = visible(
    c,
    o.customer_id ? eq(sales.customerId, o.customer_id) : undefined,
    o.from ? gte(sales.createdAt, o.from) : undefined,
    o.to ? (o.toExclusive ? lt(sales.createdAt, o.to) : lte(sales.createdAt, o.to)) : undefined,
  );
  const [rows, [total]] = await db.batch([
    db
      .select()
      .from(sales)
      .where(where)
      .orderBy(desc(sales.createdAt), desc(sales.id))
      .limit(o.limit)
      .offset((o.page - 1) * o.limit),
    db.select({ n: count() }).from(sales).where(where),
  ]);
  const items = await itemsOf(
    c,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toSale(r, items.get(r.id) ?? [])),
    total: total?.n ?? 0,
    page: o.page,
    limit: o.limit,
  };
}

async function findSale(c: C, id: string) {
  const [row] = await dbOf(c)
    .select()
    .from(sales)
    .where(visible(c, eq(sales.id, id)));
  if (!row) throw notFound('Sale');
  return { row, items: (await itemsOf(c, [id])).get(id) ?? [] };
}

export async function getSale(c: C, id: string): Promise<Sale> {
  const { row, items } = await findSale(c, id);
  return toSale(row, items);
}

const alreadyVoided = () => new ApiError(409, 'ALREADY_VOIDED', 'This sale has already been voided');
const customerDeleted = (customerId: string) =>
  new ApiError(
    409,
    'CUSTOMER_DELETED',
    'This khata sale’s customer was deleted, so its credit cannot be reversed; the sale was not voided',
    [{ path: 'customer_id', message: `customer ${customerId} is deleted` }],
  );

/**
 * Voids a sale once: `status = 'completed'` in the UPDATE decides between concurrent voids. The audit
 * entry, written only when that UPDATE changed the row, is this request's marker (its id is new): the
 * stock restores and the khata reversal that follow copy only when it exists (the technique of
 * auth/sessions), so a losing void writes nothing.
 *
 * A khata sale is voided only while its customer is live: the reversal would leave a balance (usually
 * negative: the shop owes the customer) on a deleted row no list shows. That is 409 CUSTOMER_DELETED,
 * decided by the same UPDATE, so a deletion racing the void cannot slip between check and write.
 */
export async function voidSale(c: C, id: string): Promise<Sale> {
  const { shopId, userId } = authOf(c);
  const db = dbOf(c);
  const { row, items } = await findSale(c, id);
  if (row.status !== 'completed') throw alreadyVoided();

  const now = nowIso();
  const auditId = newId();
  const marker = sql`EXISTS (SELECT 1 FROM ${auditLog} WHERE ${inShop(auditLog, shopId, eq(auditLog.id, auditId))})`;
  const reverseKhata = row.paymentMethod === 'khata' && row.total > 0 && row.customerId !== null;
  const customerId = row.customerId ?? '';

  const [guard] = await db.batch([
    db
      .update(sales)
      .set({ status: 'voided', voidedAt: now, voidedBy: userId })
      .where(
        inShop(
          sales,
          shopId,
          eq(sales.id, id),
          eq(sales.status, 'completed'),
          reverseKhata ? sql`EXISTS (SELECT 1 FROM ${customers} WHERE ${liveCustomer(shopId, customerId)})` : undefined,
        ),
      ),
    auditQueryWhen(
      c,
      {
        id: auditId,
        action: 'sale.voided',
        targetType: 'sale',
        targetId: id,
        details: { total: row.total, payment_method: row.paymentMethod, customer_id: row.customerId },
      },
      sql`changes() = 1`,
    ),
    ...items.map((i) =>
      db
        .update(products)
        .set({ stock: sql`${products.stock} + ${i.quantity}` })
        .where(inShop(products, shopId, eq(products.id, i.productId), marker)),
    ),
    // The credit is reversed by a payment entry, which may take the balance below zero (the shop owes
    // the customer) when the customer had already paid for this sale.
    ...(reverseKhata
      ? [
          db.insert(khataEntries).select(
            db
              .select({
                id: sql`${newId()}`.as('id'),
                shopId: customers.shopId,
                customerId: customers.id,
                type: sql`'payment'`.as('type'),
                amount: sql`${row.total}`.as('amount'),
                // A reversal, not money received: it has no tender.
                method: sql`NULL`.as('method'),
                balanceAfter: sql`${customers.khataBalance} - ${row.total}`.as('balance_after'),
                note: sql`${`void of sale ${id}`}`.as('note'),
                saleId: sql`${id}`.as('sale_id'),
                createdBy: sql`${userId}`.as('created_by'),
                createdAt: sql`${now}`.as('created_at'),
              })
              .from(customers)
              .where(and(inShop(customers, shopId, eq(customers.id, customerId)), marker)),
          ),
          db
            .update(customers)
            .set({ khataBalance: sql`${customers.khataBalance} - ${row.total}`, updatedAt: now })
            .where(inShop(customers, shopId, eq(customers.id, customerId), marker)),
        ]
      : []),
    // Restocked pieces may be back in stock: the storefront's cache must not keep them sold out.
    bumpCatalogVersion(db, shopId, marker),
  ]);
  if (guard.meta.changes !== 1) {
    // Refused: say why (a read after the fact only chooses the code; the UPDATE decided).
    const [now] = await db
      .select({ status: sales.status })
      .from(sales)
      .where(inShop(sales, shopId, eq(sales.id, id)));
    throw reverseKhata && now?.status === 'completed' ? customerDeleted(customerId) : alreadyVoided();
  }
  return toSale({ ...row, status: 'voided', voidedAt: now, voidedBy: userId }, items);
}
