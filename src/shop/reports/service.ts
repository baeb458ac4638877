// Reports for the shop and its accountant (owner, manager): the day book, the sales summary, stock by
// weight, GSTR-1 and the accounting export. Read-only; every query is built with inShop and reads
// through an index that starts with shop_id (test/worker/shop/reports.test.ts reads their plans).
// Days are the shop's: sales, payments and vouchers carry their shop-local `business_date`; khata
// entries and voids carry an instant, bounded by startOfShopDate of the day and the next.
import { and, asc, count, eq, gt, gte, isNotNull, isNull, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Context } from 'hono';
import { type Db, dbOf } from '../../db/client';
import { inList } from '../../db/conditions';
import {
  customers,
  khataEntries,
  type Metal,
  oldGoldPurchases,
  payments,
  pieces,
  products,
  saleItems,
  sales,
  shops,
  users,
} from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { mulDivRound, sum } from '../../pricing/money';
import { rateOnDay } from '../../pricing/rate-on-day';
import { addDays, shopDate, startOfShopDate } from '../../pricing/shop-day';
import { oldGoldStock } from '../old-gold/service';
import { soldByPiece } from '../products/service';
import { latestRatesQuery, toRateCandidate } from '../rates/service';
import { buildGstr1, type Gstr1, type Gstr1Invoice } from './gstr1';
import {
  DAY_BOOK_TENDERS,
  type DayBook,
  type DayBookEntry,
  type DayBookKind,
  type DayBookTender,
  type SalesSummary,
  type StockReport,
  type StockRow,
  type SummaryGroup,
  type SummaryRow,
} from './schemas';
import type { LedgerTender, VoucherFacts } from './vouchers';

type C = Context<AppEnv>;

/** An exact integer sum in SQL (SQLite sums integers in 64 bits), 0 over no rows. */
const total = (expr: SQL | SQLiteColumn) => sql<number>`coalesce(sum(${expr}), 0)`.mapWith(Number);

async function shopOf(c: C) {
  const [shop] = await dbOf(c)
    .select({
      timezone: shops.timezone,
      gstin: shops.gstin,
      stateCode: shops.stateCode,
      name: shops.name,
      legalName: shops.legalName,
    })
    .from(shops)
    .where(eq(shops.id, authOf(c).shopId));
  if (!shop) throw notFound('Shop');
  return shop;
}

// ---------------------------------------------------------------------------------------------
// Day book

const saleParty = sql<string | null>`json_extract(${sales.buyer}, '$.name')`;
const purchaseParty = sql<string | null>`json_extract(${oldGoldPurchases.seller}, '$.name')`;

/** The day book's reads, one statement each, for one D1 batch. */
export function dayBookQueries(db: Db, shopId: string, date: string, timezone: string) {
  const start = startOfShopDate(date, timezone);
  const end = startOfShopDate(addDays(date, 1), timezone);
  const voidedToday = and(gte(sales.voidedAt, start), lt(sales.voidedAt, end));
  const saleFacts = { at: sales.createdAt, document: sales.invoiceNumber, party: saleParty };
  return [
    // The day's sales' tenders (payments_shop_date_idx).
    db
      .select({ ...saleFacts, method: payments.method, amount: payments.amount })
      .from(payments)
      .innerJoin(sales, eq(sales.id, payments.saleId))
      .where(inShop(payments, shopId, eq(payments.businessDate, date), isNotNull(payments.saleId))),
    // Old gold taken in exchange by the day's sales (sales_shop_business_date_idx).
    db
      .select({ ...saleFacts, amount: sales.exchangeTotal })
      .from(sales)
      .where(inShop(sales, shopId, eq(sales.businessDate, date), gt(sales.exchangeTotal, 0))),
    // Sales voided today, whenever sold: their tenders go back (sales_shop_voided_at_idx).
    db
      .select({
        at: sales.voidedAt,
        document: sales.invoiceNumber,
        party: saleParty,
        method: payments.method,
        amount: payments.amount,
      })
      .from(sales)
      .innerJoin(payments, eq(payments.saleId, sales.id))
      .where(inShop(sales, shopId, voidedToday)),
    // ... and so does their old gold.
    db
      .select({ at: sales.voidedAt, document: sales.invoiceNumber, party: saleParty, amount: sales.exchangeTotal })
      .from(sales)
      .where(inShop(sales, shopId, voidedToday, gt(sales.exchangeTotal, 0))),
    // Khata collections (khata_entries_shop_created_idx); a void's reversal (it has a sale) moves no money.
    db
      .select({
        at: khataEntries.createdAt,
        party: customers.name,
        method: khataEntries.method,
        amount: khataEntries.amount,
      })
      .from(khataEntries)
      .innerJoin(customers, eq(customers.id, khataEntries.customerId))
      .where(
        inShop(
          khataEntries,
          shopId,
          gte(khataEntries.createdAt, start),
          lt(khataEntries.createdAt, end),
          eq(khataEntries.type, 'payment'),
          isNull(khataEntries.saleId),
        ),
      ),
    // Purchase vouchers' payouts (payments_shop_date_idx) ...
    db
      .select({
        at: oldGoldPurchases.createdAt,
        document: oldGoldPurchases.voucherNumber,
        party: purchaseParty,
        method: payments.method,
        amount: payments.amount,
      })
      .from(payments)
      .innerJoin(oldGoldPurchases, eq(oldGoldPurchases.id, payments.purchaseId))
      .where(inShop(payments, shopId, eq(payments.businessDate, date), isNotNull(payments.purchaseId))),
    // ... and the old gold they bought (old_gold_purchases_shop_business_date_idx).
    db
      .select({
        at: oldGoldPurchases.createdAt,
        document: oldGoldPurchases.voucherNumber,
        party: purchaseParty,
        amount: oldGoldPurchases.total,
      })
      .from(oldGoldPurchases)
      .where(inShop(oldGoldPurchases, shopId, eq(oldGoldPurchases.businessDate, date))),
  ] as const;
}

const KIND_ORDER: Record<DayBookKind, number> = { sale: 0, void: 1, khata_payment: 2, purchase: 3 };

export async function dayBook(c: C, date: string | undefined): Promise<DayBook> {
  const shop = await shopOf(c);
  const day = date ?? shopDate(new Date(), shop.timezone);
  const db = dbOf(c);
  const [sold, exchanged, voided, voidedGold, collected, paidOut, bought] = await db.batch(
    dayBookQueries(db, authOf(c).shopId, day, shop.timezone),
  );
  type Row = { at: string | null; document?: string | null; party: string | null; amount: number };
  const entry =
    (kind: DayBookKind, direction: 'in' | 'out', tender?: DayBookTender) =>
    (r: Row & { method?: DayBookTender | null }): DayBookEntry => ({
      at: r.at ?? '',
      kind,
      document: r.document ?? null,
      party: r.party,
      tender: tender ?? r.method ?? 'unrecorded',
      amount_in: direction === 'in' ? r.amount : 0,
      amount_out: direction === 'out' ? r.amount : 0,
    });
  const entries = [
    ...sold.map(entry('sale', 'in')),
    ...exchanged.map(entry('sale', 'in', 'old_gold')),
    ...voided.map(entry('void', 'out')),
    ...voidedGold.map(entry('void', 'out', 'old_gold')),
    ...collected.map(entry('khata_payment', 'in')),
    ...paidOut.map(entry('purchase', 'out')),
    ...bought.map(entry('purchase', 'in', 'old_gold')),
  ].sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (a.document ?? '').localeCompare(b.document ?? '') ||
      DAY_BOOK_TENDERS.indexOf(a.tender) - DAY_BOOK_TENDERS.indexOf(b.tender),
  );
  const tenders = DAY_BOOK_TENDERS.filter((t) => t !== 'unrecorded' || entries.some((e) => e.tender === t)).map(
    (tender) => {
      const mine = entries.filter((e) => e.tender === tender);
      const amount_in = sum(mine.map((e) => e.amount_in));
      const amount_out = sum(mine.map((e) => e.amount_out));
      return { tender, amount_in, amount_out, net: amount_in - amount_out };
    },
  );
  const amount_in = sum(tenders.map((t) => t.amount_in));
  const amount_out = sum(tenders.map((t) => t.amount_out));
  return {
    date: day,
    timezone: shop.timezone,
    tenders,
    totals: { amount_in, amount_out, net: amount_in - amount_out },
    entries,
  };
}

// ---------------------------------------------------------------------------------------------
// Sales summary

const GROUP_KEY: Record<SummaryGroup | 'all', SQL<string>> = {
  day: sql<string>`${sales.businessDate}`,
  // Unary + keeps the planner on the period's index: without it SQLite walks the shop's whole
  // (shop_id, cashier_id, created_at) index to save the GROUP BY a sort.
  cashier: sql<string>`+${sales.cashierId}`,
  category: sql<string>`${products.category}`,
  metal: sql<string>`coalesce(${saleItems.metal}, 'none')`,
  all: sql<string>`'all'`,
};

/**
 * The sales summary's reads: per group and status, the lines' sums (sales_shop_business_date_idx,
 * then sale_items_sale_idx) and the sales' own round-off and total (sales_shop_business_date_idx).
 * Lines recorded before invoices have no taxable value or weights: their gross is their taxable
 * value (no GST was charged) and they weigh 0.
 */
export function salesSummaryQueries(db: Db, shopId: string, from: string, to: string, group: SummaryGroup | 'all') {
  const key = GROUP_KEY[group];
  const inPeriod = inShop(sales, shopId, gte(sales.businessDate, from), lte(sales.businessDate, to));
  // Named: drizzle reads a batch's rows by column name, so two columns of the same text would collide.
  const label = (group === 'cashier' ? sql<string>`max(${users.name})` : sql<string>`${key}`).as('label');
  const lines = db
    .select({
      key,
      label,
      status: sales.status,
      invoices: sql<number>`count(DISTINCT ${sales.id})`.mapWith(Number),
      pieces: total(saleItems.quantity),
      net_weight_mg: total(sql`coalesce(${saleItems.netWeightMg}, 0)`),
      taxable: total(sql`coalesce(${saleItems.taxable}, ${saleItems.gross})`),
      cgst: total(saleItems.cgst),
      sgst: total(saleItems.sgst),
      igst: total(saleItems.igst),
      line_total: total(saleItems.lineTotal),
    })
    .from(sales)
    .innerJoin(saleItems, eq(saleItems.saleId, sales.id))
    .innerJoin(products, eq(products.id, saleItems.productId))
    .leftJoin(users, eq(users.id, sales.cashierId))
    .where(inPeriod)
    .groupBy(key, sales.status)
    .orderBy(key);
  // Round-off and total belong to a whole sale: only a grouping that keeps sales whole has them.
  const whole = db
    .select({ key, status: sales.status, round_off: total(sales.roundOff), total: total(sales.total) })
    .from(sales)
    .where(inPeriod)
    .groupBy(key, sales.status);
  return { lines, whole: group === 'category' || group === 'metal' ? null : whole };
}

export async function salesSummary(c: C, from: string, to: string, group: SummaryGroup): Promise<SalesSummary> {
  const db = dbOf(c);
  const { shopId } = authOf(c);
  const q = salesSummaryQueries(db, shopId, from, to, group);
  const all = salesSummaryQueries(db, shopId, from, to, 'all');
  if (!all.whole) throw new Error('the whole-shop summary keeps sales whole');
  const [lines, allLines, allWhole, whole] = await db.batch([
    q.lines,
    all.lines,
    all.whole,
    ...(q.whole ? [q.whole] : []),
  ]);
  type Lines = typeof allLines;
  type Whole = typeof allWhole;
  const rowsOf = (status: 'completed' | 'voided', l: Lines, w: Whole | undefined): SummaryRow[] =>
    l
      .filter((r) => r.status === status)
      .map(({ status: _, ...r }) => {
        const s = w?.find((x) => x.key === r.key && x.status === status);
        return { ...r, round_off: w ? (s?.round_off ?? 0) : null, total: w ? (s?.total ?? 0) : null };
      });
  const empty = (): SummaryRow => ({
    key: 'all',
    label: 'all',
    invoices: 0,
    pieces: 0,
    net_weight_mg: 0,
    taxable: 0,
    cgst: 0,
    sgst: 0,
    igst: 0,
    line_total: 0,
    round_off: 0,
    total: 0,
  });
  return {
    from,
    to,
    group,
    groups: rowsOf('completed', lines, whole),
    voided: rowsOf('voided', lines, whole),
    totals: {
      completed: rowsOf('completed', allLines, allWhole)[0] ?? empty(),
      voided: rowsOf('voided', allLines, allWhole)[0] ?? empty(),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Stock

const piecePurity = sql<number>`coalesce(${pieces.purity}, ${products.purity})`.mapWith(Number);

/** In-stock pieces and count-sold units, by metal and purity. */
export function stockQueries(db: Db, shopId: string) {
  const byCount = sql`(CASE WHEN ${soldByPiece} THEN 0 ELSE ${products.stock} END)`;
  return [
    db
      .select({
        metal: products.metal,
        purity: piecePurity,
        n: count(),
        gross: total(pieces.grossWeightMg),
        net: total(pieces.netWeightMg),
      })
      .from(pieces)
      .innerJoin(products, eq(products.id, pieces.productId))
      .where(inShop(pieces, shopId, eq(pieces.status, 'in_stock')))
      .groupBy(products.metal, piecePurity),
    db
      .select({
        metal: products.metal,
        purity: products.purity,
        n: total(byCount),
        gross: total(sql`${byCount} * ${products.grossWeightMg}`),
        net: total(sql`${byCount} * ${products.netWeightMg}`),
      })
      .from(products)
      .where(inShop(products, shopId, gt(products.stock, 0)))
      .groupBy(products.metal, products.purity),
  ] as const;
}

const byMetalPurity = <T extends { metal: string; purity: number }>(a: T, b: T) =>
  a.metal.localeCompare(b.metal) || b.purity - a.purity;

export async function stockReport(c: C): Promise<StockReport> {
  const shop = await shopOf(c);
  const db = dbOf(c);
  const { shopId } = authOf(c);
  const today = shopDate(new Date(), shop.timezone);
  const [[inPieces, inUnits, rates], old_gold] = await Promise.all([
    db.batch([...stockQueries(db, shopId), latestRatesQuery(db, shopId, { kinds: ['sell'], asOf: today })]),
    oldGoldStock(c),
  ]);
  const candidates = rates.map(toRateCandidate);
  const keyed = new Map<
    string,
    { metal: Metal; purity: number; pieces: number; units: number; gross: number; net: number }
  >();
  for (const [rows, field] of [
    [inPieces, 'pieces'],
    [inUnits, 'units'],
  ] as const) {
    for (const r of rows) {
      if (r.n === 0) continue;
      const k = `${r.metal}|${r.purity}`;
      const g = keyed.get(k) ?? { metal: r.metal, purity: r.purity, pieces: 0, units: 0, gross: 0, net: 0 };
      g[field] += r.n;
      g.gross = sum([g.gross, r.gross]);
      g.net = sum([g.net, r.net]);
      keyed.set(k, g);
    }
  }
  const groups: StockRow[] = [...keyed.values()].sort(byMetalPurity).map((g) => {
    const rate = rateOnDay(candidates, { metal: g.metal, purity: g.purity, kind: 'sell', day: today });
    return {
      metal: g.metal,
      purity: g.purity,
      pieces: g.pieces,
      units: g.units,
      gross_weight_mg: g.gross,
      net_weight_mg: g.net,
      fine_weight_mg: mulDivRound(g.net, g.purity, 1000),
      rate_per_gram: rate?.rate_per_gram ?? null,
      rate_source: rate?.rate_source ?? null,
      value: rate ? mulDivRound(g.net, rate.rate_per_gram, 1000) : null,
    };
  });
  return {
    date: today,
    groups,
    metals: [...new Set(groups.map((g) => g.metal))].sort().map((metal) => {
      const mine = groups.filter((g) => g.metal === metal);
      const of = (f: (g: StockRow) => number) => sum(mine.map(f));
      return {
        metal,
        pieces: of((g) => g.pieces),
        units: of((g) => g.units),
        gross_weight_mg: of((g) => g.gross_weight_mg),
        net_weight_mg: of((g) => g.net_weight_mg),
        fine_weight_mg: of((g) => g.fine_weight_mg),
        value: of((g) => g.value ?? 0),
        unvalued_net_weight_mg: of((g) => (g.value === null ? g.net_weight_mg : 0)),
      };
    }),
    old_gold,
  };
}

// ---------------------------------------------------------------------------------------------
// GSTR-1

/** The month's first and last day, `YYYY-MM-DD`. */
export function monthOf(period: string): { first: string; last: string } {
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7));
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  return { first: `${period}-01`, last: addDays(next, -1) };
}

/** The month's tax invoices (voided ones too, for the documents issued) and their lines by HSN and rate. */
export function gstr1Queries(db: Db, shopId: string, period: string) {
  const { first, last } = monthOf(period);
  const invoices = inShop(
    sales,
    shopId,
    gte(sales.businessDate, first),
    lte(sales.businessDate, last),
    eq(sales.documentType, 'tax_invoice'),
  );
  return [
    db
      .select({
        id: sales.id,
        invoice_number: sales.invoiceNumber,
        invoice_serial: sales.invoiceSerial,
        business_date: sales.businessDate,
        status: sales.status,
        total: sales.total,
        place_of_supply: sales.placeOfSupply,
        buyer_gstin: sql<string | null>`json_extract(${sales.buyer}, '$.gstin')`,
      })
      .from(sales)
      .where(invoices)
      .orderBy(asc(sales.invoiceSerial)),
    db
      .select({
        sale_id: saleItems.saleId,
        hsn_code: sql<string>`coalesce(${saleItems.hsnCode}, '')`,
        gst_rate_bp: saleItems.gstRateBp,
        taxable: total(saleItems.taxable),
        cgst: total(saleItems.cgst),
        sgst: total(saleItems.sgst),
        igst: total(saleItems.igst),
        net_weight_mg: total(saleItems.netWeightMg),
      })
      .from(sales)
      .innerJoin(saleItems, eq(saleItems.saleId, sales.id))
      .where(and(invoices, eq(sales.status, 'completed')))
      .groupBy(saleItems.saleId, saleItems.hsnCode, saleItems.gstRateBp),
  ] as const;
}

export async function gstr1(c: C, period: string): Promise<Gstr1> {
  const shop = await shopOf(c);
  if (!shop.gstin || !shop.stateCode) {
    throw new ApiError(422, 'NOT_GST_REGISTERED', 'GSTR-1 is filed by a GST-registered shop: set its GSTIN first');
  }
  const db = dbOf(c);
  const [invoices, lines] = await db.batch(gstr1Queries(db, authOf(c).shopId, period));
  const linesOf = new Map<string, Gstr1Invoice['lines']>();
  for (const { sale_id, ...l } of lines) {
    const list = linesOf.get(sale_id);
    if (list) list.push(l);
    else linesOf.set(sale_id, [l]);
  }
  return buildGstr1({
    gstin: shop.gstin,
    state_code: shop.stateCode,
    period,
    invoices: invoices.map((i) => ({
      ...i,
      invoice_number: i.invoice_number ?? '',
      invoice_serial: i.invoice_serial ?? 0,
      lines: linesOf.get(i.id) ?? [],
    })),
  });
}

// ---------------------------------------------------------------------------------------------
// Accounting export

export const EXPORT_PAGE = 500;

interface Cursor {
  date: string;
  id: string;
}

/**
 * A keyset page of a document table by (business_date, id) within [from, to]: the index range
 * from the cursor's day, then only that day's ids after the cursor's.
 */
const pageOf = (
  t: { businessDate: SQLiteColumn; id: SQLiteColumn },
  from: string,
  to: string,
  cursor: Cursor | null,
) => [
  gte(t.businessDate, cursor?.date ?? from),
  lte(t.businessDate, to),
  cursor ? or(gt(t.businessDate, cursor.date), and(eq(t.businessDate, cursor.date), gt(t.id, cursor.id))) : undefined,
];

/** One page of the period's issued (completed, numbered) sales, in date and id order. */
export function exportSalesPage(db: Db, shopId: string, from: string, to: string, cursor: Cursor | null) {
  return db
    .select({
      id: sales.id,
      date: sales.businessDate,
      number: sales.invoiceNumber,
      party: saleParty,
      party_gstin: sql<string | null>`json_extract(${sales.buyer}, '$.gstin')`,
      taxable: sales.taxable,
      cgst: sales.cgst,
      sgst: sales.sgst,
      igst: sales.igst,
      round_off: sales.roundOff,
      total: sales.total,
      old_gold: sales.exchangeTotal,
    })
    .from(sales)
    .where(
      inShop(
        sales,
        shopId,
        ...pageOf(sales, from, to, cursor),
        eq(sales.status, 'completed'),
        isNotNull(sales.invoiceNumber),
      ),
    )
    .orderBy(asc(sales.businessDate), asc(sales.id))
    .limit(EXPORT_PAGE);
}

/** One page of the period's purchase vouchers. */
export function exportPurchasesPage(db: Db, shopId: string, from: string, to: string, cursor: Cursor | null) {
  return db
    .select({
      id: oldGoldPurchases.id,
      date: oldGoldPurchases.businessDate,
      number: oldGoldPurchases.voucherNumber,
      party: purchaseParty,
      total: oldGoldPurchases.total,
    })
    .from(oldGoldPurchases)
    .where(inShop(oldGoldPurchases, shopId, ...pageOf(oldGoldPurchases, from, to, cursor)))
    .orderBy(asc(oldGoldPurchases.businessDate), asc(oldGoldPurchases.id))
    .limit(EXPORT_PAGE);
}

/** The tenders of a page of documents, by document and method (payments_sale_idx / payments_purchase_idx). */
export function tendersOf(db: Db, shopId: string, owner: SQLiteColumn, ids: readonly string[]) {
  return db
    .select({ owner: sql<string>`${owner}`, method: payments.method, amount: total(payments.amount) })
    .from(payments)
    .where(inShop(payments, shopId, inList(owner, ids)))
    .groupBy(owner, payments.method);
}

const noTenders = (): Record<LedgerTender, number> => ({ cash: 0, card: 0, upi: 0, bank: 0, khata: 0 });

/**
 * Every page of a keyset-paged query with each document's tenders, read only when the consumer asks
 * for the next page: `page` reads up to EXPORT_PAGE rows after the cursor, `owner` is the payments
 * column that points at those rows.
 */
async function* pagesWithTenders<R extends Cursor>(
  db: Db,
  shopId: string,
  page: (cursor: Cursor | null) => Promise<R[]>,
  owner: SQLiteColumn,
): AsyncGenerator<{ row: R; tenders: Record<LedgerTender, number> }[]> {
  let cursor: Cursor | null = null;
  for (;;) {
    const rows = await page(cursor);
    if (!rows.length) return;
    const byOwner = new Map<string, Record<LedgerTender, number>>();
    for (const t of await tendersOf(
      db,
      shopId,
      owner,
      rows.map((r) => r.id),
    )) {
      const tenders = byOwner.get(t.owner) ?? noTenders();
      tenders[t.method] += t.amount;
      byOwner.set(t.owner, tenders);
    }
    yield rows.map((row) => ({ row, tenders: byOwner.get(row.id) ?? noTenders() }));
    const last = rows[rows.length - 1];
    if (!last || rows.length < EXPORT_PAGE) return;
    cursor = { date: last.date, id: last.id };
  }
}

/** The period's vouchers, sales then purchases, one page of D1 reads at a time. */
export async function* exportVouchers(c: C, from: string, to: string): AsyncGenerator<VoucherFacts[]> {
  const db = dbOf(c);
  const { shopId } = authOf(c);
  // Both kinds of voucher are read the same way: one keyset page of the period, then its tenders.
  const pages = <R extends Cursor>(
    read: (db: Db, shopId: string, from: string, to: string, cursor: Cursor | null) => Promise<R[]>,
    owner: SQLiteColumn,
  ) => pagesWithTenders(db, shopId, (cursor) => read(db, shopId, from, to, cursor), owner);
  for await (const page of pages(exportSalesPage, payments.saleId)) {
    yield page.map(({ row: { id, number, ...s }, tenders }) => ({
      ...s,
      type: 'sales',
      number: number ?? id,
      tenders,
    }));
  }
  for await (const page of pages(exportPurchasesPage, payments.purchaseId)) {
    yield page.map(({ row: { id: _, total: paid, ...p }, tenders }) => ({
      ...p,
      type: 'purchase',
      party_gstin: null,
      taxable: 0,
      cgst: 0,
      sgst: 0,
      igst: 0,
      round_off: 0,
      total: paid,
      old_gold: paid,
      tenders,
    }));
  }
}

/** The name Tally files the vouchers under: the shop's legal name. */
export async function companyName(c: C) {
  const shop = await shopOf(c);
  return shop.legalName ?? shop.name;
}
