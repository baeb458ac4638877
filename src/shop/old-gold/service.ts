// Old gold bought from a customer: the purchase voucher. Priced by the pure engine (priceOldGold at
// the shop-local day's buy rate, or a manager's), checked by the pure payment rules (payout equals
// value, PAN, cash paid out), then written as ONE D1 batch, so a refused voucher leaves nothing:
//   1. the series bump (documents/series.ts): the voucher's gap-free number, in commit order;
//   2. the Idempotency-Key record, whose stored response takes that number inside the batch;
//   3. the voucher, whose `total` is NULL (refused by NOT NULL) when a cashier's cash payout, with the
//      seller's earlier voucher cash that day, has gone over the shop's limit since it was read;
//   4. its audit entries, lines and payments.
// Any failure rolls the bump back with the rest, so a refused voucher consumes no number.

import { and, desc, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQuery, auditQueryWhen } from '../../audit/record';
import { hasRole, roleRefusal } from '../../auth/roles';
import { type Db, dbOf } from '../../db/client';
import { inList, inRange } from '../../db/conditions';
import { isConstraintViolation } from '../../db/errors';
import { type Page, pageQueries, toPage } from '../../db/list';
import {
  type BuyerSnapshot,
  customers,
  METALS,
  oldGoldLines,
  oldGoldPurchases,
  payments,
  sales,
  shops,
} from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import { idempotencyOf, recordQueries, throwIfKeyTaken } from '../../http/idempotency';
import type { AppEnv } from '../../http/types';
import { newId } from '../../lib/id';
import { priceOldGold } from '../../pricing/engine';
import { mulDivRound, sum } from '../../pricing/money';
import { cashIn, checkPan, checkPayoutCovers, payoutNeedsManager } from '../../pricing/payments';
import { shopDay } from '../../pricing/shop-day';
import { amountInWords } from '../../pricing/words';
import { liveCustomer } from '../customers/service';
import { shopSnapshot } from '../documents/parties';
import { bumpSeries, numberOf, serialOf, seriesOn } from '../documents/series';
import { apiErrorOf, oldGoldItem, ratesOnDay, refuseGivenRate } from '../pricing/service';
import { latestRatesQuery } from '../rates/service';
import { oldGoldLineRow, toOldGoldLine } from './lines';
import type { CreatePurchaseInput, Purchase, PurchaseListOptions, Stock } from './schemas';

type C = Context<AppEnv>;
type PurchaseRow = typeof oldGoldPurchases.$inferSelect;
type LineRow = typeof oldGoldLines.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;
type PayoutMethod = Purchase['payments'][number]['method'];

const toPurchase = (p: PurchaseRow, lines: LineRow[], pays: PaymentRow[]): Purchase => ({
  id: p.id,
  voucher_number: p.voucherNumber,
  financial_year: p.financialYear,
  date: p.businessDate,
  customer_id: p.customerId,
  seller: p.seller,
  buyer: p.buyer,
  lines: lines.map(toOldGoldLine),
  payments: pays.map((x) => ({ method: x.method as PayoutMethod, amount: x.amount })),
  total: p.total,
  total_in_words: amountInWords(p.total),
  note: p.note,
  created_by: p.createdBy,
  created_at: p.createdAt,
});

/** Cash the shop paid this customer for old gold on the shop-local `day` (the day book's payout rows). */
const cashPaidOn = (shopId: string, customerId: string, day: string) =>
  inShop(
    payments,
    shopId,
    eq(payments.customerId, customerId),
    eq(payments.businessDate, day),
    eq(payments.method, 'cash'),
    isNotNull(payments.purchaseId),
  );

const cashPaidSum = sql<number>`coalesce(sum(${payments.amount}), 0)`;

/**
 * payoutNeedsManager's rule (Income-tax Act s.40A(3)) as the batch evaluates it when it commits: no
 * cash in this voucher, or it and the seller's earlier voucher cash that day within the shop's
 * limit. The read before the batch decides the common case; this closes the gap between that read
 * and the commit, so two concurrent vouchers to one seller cannot together pass it.
 */
function payoutWithinLimit(shopId: string, customerId: string | null, day: string, cash: number): SQL {
  const earlier =
    customerId === null
      ? sql`0`
      : sql`(SELECT ${cashPaidSum} FROM ${payments} WHERE ${cashPaidOn(shopId, customerId, day)})`;
  return sql`(${cash} = 0 OR ${cash} + ${earlier} <= (SELECT ${shops.cashPayoutLimitPaise} FROM ${shops} WHERE ${shops.id} = ${shopId}))`;
}

interface Payout {
  cash: number;
  cash_today: number;
  cash_payout_limit_paise: number;
}

const payoutOverLimit = (p: Payout) =>
  roleRefusal('manager', 'Paying this much cash to one person in a day (Income-tax Act s.40A(3))', [
    {
      path: 'payments',
      message: `cash ${p.cash} + paid earlier today ${p.cash_today} is over the shop's cash_payout_limit_paise ${p.cash_payout_limit_paise}`,
    },
  ]);

/** The 403 after the batch refused a cashier's payout: the batch decided, this read only words it. */
async function payoutRefusal(db: Db, shopId: string, customerId: string | null, day: string, cash: number) {
  const [[shop], [earlier]] = await db.batch([
    db.select({ limit: shops.cashPayoutLimitPaise }).from(shops).where(eq(shops.id, shopId)),
    db
      .select({ cash: cashPaidSum })
      .from(payments)
      .where(cashPaidOn(shopId, customerId ?? '', day)),
  ]);
  return payoutOverLimit({ cash, cash_today: earlier?.cash ?? 0, cash_payout_limit_paise: shop?.limit ?? 0 });
}

const seriesExhausted = () =>
  new ApiError(
    409,
    'CONFLICT',
    'This financial year’s purchase voucher numbers have run out: a number may have at most 16 characters (CGST Rule 46(b))',
  );

/** The new voucher (a replay of its Idempotency-Key is the middleware's). */
export async function createPurchase(c: C, body: CreatePurchaseInput): Promise<Purchase> {
  const { shopId, userId, role } = authOf(c);
  const idem = idempotencyOf(c);
  const db = dbOf(c);
  refuseGivenRate(c, body.lines, 'lines');

  const [[shop], [customer]] = await db.batch([
    db.select().from(shops).where(eq(shops.id, shopId)),
    db
      .select()
      .from(customers)
      .where(liveCustomer(shopId, body.customer_id ?? '')),
  ]);
  if (!shop) throw notFound('Shop');
  if (body.customer_id !== undefined && !customer) throw notFound('Customer');
  const customerId = customer?.id ?? null;

  const day = shopDay(new Date(idem.now), shop.timezone);
  const [rateRows, [earlier]] = await db.batch([
    latestRatesQuery(db, shopId, {
      metals: [...new Set(body.lines.filter((l) => l.rate_per_gram === undefined).map((l) => l.metal))],
      kinds: ['buy'],
      asOf: day.date,
    }),
    db
      .select({ cash: cashPaidSum })
      .from(payments)
      .where(cashPaidOn(shopId, customerId ?? '', day.date)),
  ]);
  const rates = ratesOnDay(rateRows, day.date);
  const items = body.lines.map((l, i) => oldGoldItem(l, rates, `lines.${i}`));
  rates.assertAll();
  const priced = priceOldGold(items, 'lines');
  if (!priced.ok) throw apiErrorOf(priced.refusal);
  const { lines, total } = priced.value;

  const refusal =
    checkPayoutCovers(total, body.payments) ??
    checkPan({
      total,
      pan_threshold_paise: shop.panThresholdPaise,
      pan: body.seller_pan ?? customer?.pan,
      form60_ref: body.form60_ref ?? customer?.form60Ref,
      pan_field: 'seller_pan',
    });
  if (refusal) throw apiErrorOf(refusal);
  const manager = hasRole(role, 'manager');
  const payout: Payout = {
    cash: cashIn(body.payments),
    cash_today: earlier?.cash ?? 0,
    cash_payout_limit_paise: shop.cashPayoutLimitPaise,
  };
  if (!manager && payoutNeedsManager(payout)) throw payoutOverLimit(payout);

  const seller: BuyerSnapshot = customer
    ? {
        customer_id: customer.id,
        name: customer.name,
        phone: customer.phone,
        address: customer.address,
        state_code: null,
        pan: body.seller_pan ?? customer.pan,
        form60_ref: body.form60_ref ?? customer.form60Ref,
        gstin: customer.gstin,
      }
    : {
        customer_id: null,
        name: body.seller?.name ?? null,
        phone: body.seller?.phone ?? null,
        address: body.seller?.address ?? null,
        state_code: null,
        pan: body.seller_pan ?? null,
        form60_ref: body.form60_ref ?? null,
        gstin: null,
      };
  const { key, lockedUntil } = seriesOn(shopId, 'purchase_voucher', day, shop.timezone);
  const id = newId();
  // Stands for the number in the stored response until the batch knows it; random, so no text in
  // the voucher (a name, a note) can contain it.
  const placeholder = `voucher-number-${newId()}`;
  const voucher: Purchase = {
    id,
    voucher_number: placeholder,
    financial_year: key.financialYear,
    date: day.date,
    customer_id: customerId,
    seller,
    buyer: shopSnapshot(shop),
    lines,
    payments: body.payments.map((p) => ({ method: p.method, amount: p.amount })),
    total,
    total_in_words: amountInWords(total),
    note: body.note || null,
    created_by: userId,
    created_at: idem.now,
  };
  const stored = JSON.stringify({ success: true, data: voucher });
  const within = payoutWithinLimit(shopId, customerId, day.date, payout.cash);
  const given = lines.flatMap((l, index) => (l.rate_source === 'given' ? [{ index, ...l }] : []));
  const audit = { targetType: 'old_gold_purchase', targetId: id };

  let results: unknown[];
  try {
    results = await db.batch([
      ...bumpSeries(db, key, lockedUntil),
      ...recordQueries(db, idem, { status: 201, body: sql`replace(${stored}, ${placeholder}, ${numberOf(key)})` }),
      db.insert(oldGoldPurchases).values({
        id,
        shopId,
        voucherNumber: numberOf(key),
        financialYear: key.financialYear,
        voucherSerial: serialOf(key),
        businessDate: day.date,
        customerId,
        seller,
        buyer: voucher.buyer,
        total: manager ? total : sql`(SELECT ${total} WHERE ${within})`,
        note: voucher.note,
        createdBy: userId,
        createdAt: idem.now,
      }),
      auditQuery(c, {
        ...audit,
        action: 'old_gold_purchase.created',
        details: { total, cash: payout.cash, lines: lines.length, customer_id: customerId },
      }),
      ...(given.length
        ? [auditQuery(c, { ...audit, action: 'old_gold_purchase.rate_given', details: { lines: given } })]
        : []),
      // Before this voucher's payments are written, so `within` sees only the earlier ones.
      ...(manager && payout.cash > 0
        ? [
            auditQueryWhen(
              c,
              { ...audit, action: 'old_gold_purchase.cash_over_limit', details: { ...payout } },
              sql`NOT ${within}`,
            ),
          ]
        : []),
      ...lines.map((l) =>
        db
          .insert(oldGoldLines)
          .values(oldGoldLineRow(l, { id: newId(), shopId, saleId: null, purchaseId: id, createdAt: idem.now })),
      ),
      ...voucher.payments.map((p) =>
        db.insert(payments).values({
          id: newId(),
          shopId,
          purchaseId: id,
          customerId,
          method: p.method,
          amount: p.amount,
          businessDate: day.date,
          createdAt: idem.now,
        }),
      ),
      db.select({ number: oldGoldPurchases.voucherNumber }).from(oldGoldPurchases).where(eq(oldGoldPurchases.id, id)),
    ]);
  } catch (err) {
    throwIfKeyTaken(err);
    if (isConstraintViolation(err, 'NOT NULL', 'old_gold_purchases.total')) {
      throw await payoutRefusal(db, shopId, customerId, day.date, payout.cash);
    }
    if (isConstraintViolation(err, 'CHECK', 'document_series_number_len')) throw seriesExhausted();
    throw err;
  }
  // The batch's last statement read the number its bump gave.
  const [numbered] = results.at(-1) as { number: string }[];
  if (!numbered) throw new Error('the voucher batch committed without its voucher');
  return { ...voucher, voucher_number: numbered.number };
}

/** Cashiers see the vouchers they wrote; another cashier's voucher is, to them, not there. */
function visible(c: C, ...conds: (SQL | undefined)[]) {
  const { shopId, userId, role } = authOf(c);
  return inShop(
    oldGoldPurchases,
    shopId,
    hasRole(role, 'manager') ? undefined : eq(oldGoldPurchases.createdBy, userId),
    ...conds,
  );
}

/** The vouchers with their lines and payments, in the order they were sent (rowid follows the request). */
async function withParts(c: C, rows: PurchaseRow[]): Promise<Purchase[]> {
  if (rows.length === 0) return [];
  const { shopId } = authOf(c);
  const db = dbOf(c);
  const ids = rows.map((r) => r.id);
  const [lines, pays] = await db.batch([
    db
      .select()
      .from(oldGoldLines)
      .where(inShop(oldGoldLines, shopId, inList(oldGoldLines.purchaseId, ids)))
      .orderBy(sql`rowid`),
    db
      .select()
      .from(payments)
      .where(inShop(payments, shopId, inList(payments.purchaseId, ids)))
      .orderBy(sql`rowid`),
  ]);
  return rows.map((r) =>
    toPurchase(
      r,
      lines.filter((l) => l.purchaseId === r.id),
      pays.filter((p) => p.purchaseId === r.id),
    ),
  );
}

/** Business dates in [from, to), as the query's `dayRange` parsed them. */
export async function listPurchases(c: C, o: PurchaseListOptions): Promise<Page<Purchase>> {
  const db = dbOf(c);
  const where = visible(
    c,
    o.customer_id ? eq(oldGoldPurchases.customerId, o.customer_id) : undefined,
    inRange(oldGoldPurchases.businessDate, o),
  );
  const orderBy = [desc(oldGoldPurchases.createdAt), desc(oldGoldPurchases.id)];
  const page = toPage(await db.batch(pageQueries(db, { ...o, table: oldGoldPurchases, where, orderBy })), o);
  return { ...page, items: await withParts(c, page.items) };
}

export async function getPurchase(c: C, id: string): Promise<Purchase> {
  const rows = await dbOf(c)
    .select()
    .from(oldGoldPurchases)
    .where(visible(c, eq(oldGoldPurchases.id, id)));
  const [purchase] = await withParts(c, rows);
  if (!purchase) throw notFound('Purchase voucher');
  return purchase;
}

/**
 * Fine metal taken in, by metal: from purchase vouchers, and from the exchange lines of sales that
 * stand (a voided sale gave its old gold back). Each purity's net weight is summed first and then
 * made fine once, round(Σ net × purity / 1000), so the total does not carry a rounding per line.
 */
export async function oldGoldStock(c: C): Promise<Stock> {
  const { shopId } = authOf(c);
  const purchased = sql<number>`(${oldGoldLines.purchaseId} IS NOT NULL)`;
  const groups = await dbOf(c)
    .select({
      metal: oldGoldLines.metal,
      purity: oldGoldLines.purity,
      purchased,
      net: sql<number>`sum(${oldGoldLines.netWeightMg})`,
    })
    .from(oldGoldLines)
    .leftJoin(sales, and(eq(sales.id, oldGoldLines.saleId), eq(sales.shopId, shopId)))
    .where(inShop(oldGoldLines, shopId, sql`(${oldGoldLines.purchaseId} IS NOT NULL OR ${sales.status} = 'completed')`))
    .groupBy(oldGoldLines.metal, oldGoldLines.purity, purchased);
  const fineOf = (rows: typeof groups) => ({
    net_weight_mg: sum(rows.map((g) => g.net)),
    fine_weight_mg: sum(rows.map((g) => mulDivRound(g.net, g.purity, 1000))),
  });
  return METALS.map((metal) => {
    const mine = groups.filter((g) => g.metal === metal);
    return {
      metal,
      ...fineOf(mine),
      purchased: fineOf(mine.filter((g) => Boolean(g.purchased))),
      exchanged: fineOf(mine.filter((g) => !g.purchased)),
    };
  });
}
