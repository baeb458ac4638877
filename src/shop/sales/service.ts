// POS sales, priced by the engine (src/shop/pricing/service.ts priceSale, the same function the quote
// route calls) and written as ONE D1 batch (D1's only transaction). Each guard is a statement that
// fails — rolling the whole batch back — when its rule does not hold, so a refused sale writes
// nothing and consumes no invoice number (no stock change, sale, lines, tenders, ledger entry,
// idempotency record, series bump):
//   1. the Idempotency-Key record (idempotency.ts): its primary key refuses a second claim;
//   2. the document series (documents/series.ts): bumped here, read back by the sale row, so invoice
//      numbers are consecutive in commit order;
//   3. the sale row: a cashier's discount is read back through the shop's cashier_discount_limit_bp
//      and is NULL (refused by NOT NULL) when over it; any discount's audit entry follows it;
//   4. per count line, `stock = stock - q` for the shop's active product: the products CHECK
//      (stock >= 0) refuses an oversell; per piece line, the piece moves to `sold` only while in stock;
//   5. the lines, whose product_id is read back as "this shop's active product" (count lines) or as
//      "the product of the piece this sale just took" (piece lines) and is NULL (refused by NOT NULL)
//      otherwise — so a piece sells once under any concurrency;
//   6. a named customer's cash tender is read back only while their cash today stays under the
//      shop's limit (Income-tax Act s.269ST), NULL (refused) otherwise;
//   7. the khata tender: the ledger entry and balance (khata/service), whose NOT NULL balance_after
//      refuses a credit over the customer's limit.
// SQLite's RAISE() only works in triggers, so constraint failures are the guards; their messages name
// the constraint, which maps each one to its error code deterministically. Reads before the batch only
// price the sale and give early refusals; reads after a refusal only choose the error's details.

import { and, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQuery, auditQueryWhen } from '../../audit/record';
import { hasRole } from '../../auth/roles';
import { dbOf } from '../../db/client';
import { inList, inRange } from '../../db/conditions';
import { isConstraintViolation } from '../../db/errors';
import { type Page, pageQueries, toPage } from '../../db/list';
import {
  auditLog,
  type BuyerSnapshot,
  customers,
  khataEntries,
  oldGoldLines,
  payments,
  pieces,
  products,
  saleItems,
  sales,
  shops,
} from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import { completeQuery, idempotencyOf, recordQueries, throwIfKeyTaken } from '../../http/idempotency';
import type { AppEnv } from '../../http/types';
import { newId, nowIso } from '../../lib/id';
import {
  cashIn,
  checkBuyerDetails,
  checkCashLimit,
  checkPan,
  checkPaymentsCover,
  paymentMethodOf,
  type Tender,
  tendersOf,
} from '../../pricing/payments';
import { addDays, type ShopDay, startOfShopDate } from '../../pricing/shop-day';
import { liveCustomer } from '../customers/service';
import { shopSnapshot } from '../documents/parties';
import { bumpSeries, numberOf, serialOf, seriesOn } from '../documents/series';
import { ledgerQueries, ledgerRefusal } from '../khata/service';
import { oldGoldLineRow, toOldGoldLine } from '../old-gold/lines';
import { huidRefusal } from '../pieces/huid';
import { apiErrorOf, discountOverLimit, type PricedSale, pieceSold, priceSale, quoteView } from '../pricing/service';
import { bumpCatalogVersion } from '../products/service';
import type { CreateSaleInput, Sale, SaleListOptions } from './schemas';

type C = Context<AppEnv>;
type SaleRow = typeof sales.$inferSelect;
type ItemRow = typeof saleItems.$inferSelect;
type OldGoldRow = typeof oldGoldLines.$inferSelect;
type PaymentRow = typeof payments.$inferSelect;

const toSale = (s: SaleRow, items: ItemRow[], exchange: OldGoldRow[], tenders: PaymentRow[]): Sale => ({
  id: s.id,
  customer_id: s.customerId,
  cashier_id: s.cashierId,
  items: items.map((i) => ({
    product_id: i.productId,
    piece_id: i.pieceId,
    quantity: i.quantity,
    description: i.description,
    hsn_code: i.hsnCode,
    huid: i.huid,
    metal: i.metal,
    purity: i.purity,
    gross_weight_mg: i.grossWeightMg,
    net_weight_mg: i.netWeightMg,
    stone_weight_mg: i.stoneWeightMg,
    rate_per_gram: i.ratePerGram,
    rate_date: i.rateDate,
    rate_source: i.rateSource,
    metal_value: i.metalValue,
    wastage: i.wastage,
    making: i.making,
    stones: i.stones,
    stone_lines: i.stoneLines as Record<string, unknown>[] | null,
    other_charge: i.otherCharge,
    unit_price: i.unitPrice,
    gross: i.gross,
    discount: i.discount,
    taxable: i.taxable,
    gst_rate_bp: i.gstRateBp,
    cgst: i.cgst,
    sgst: i.sgst,
    igst: i.igst,
    line_total: i.lineTotal,
  })),
  subtotal: s.subtotal,
  discount: s.discount,
  taxable: s.taxable,
  cgst: s.cgst,
  sgst: s.sgst,
  igst: s.igst,
  round_off: s.roundOff,
  total: s.total,
  exchange: exchange.map(toOldGoldLine),
  exchange_total: s.exchangeTotal,
  place_of_supply: s.placeOfSupply,
  document_type: s.documentType,
  invoice_number: s.invoiceNumber,
  business_date: s.businessDate,
  payments: tenders.map((t) => ({ method: t.method, amount: t.amount })),
  payment_method: s.paymentMethod,
  seller: s.seller,
  buyer: s.buyer,
  status: s.status,
  note: s.note,
  created_at: s.createdAt,
  voided_at: s.voidedAt,
});

/**
 * A cashier's discount as the sale row stores it: itself while within the shop's
 * `cashier_discount_limit_bp` share of the subtotal (exact integers: discount × 10000 ≤ subtotal × bp),
 * else NULL, which `sales.discount` NOT NULL refuses. Read in the batch, so the limit the sale meets
 * is the one in force when it commits.
 */
const cashierDiscount = (shopId: string, discount: number, subtotal: number) =>
  sql`(SELECT ${discount} FROM ${shops}
    WHERE ${shops.id} = ${shopId} AND ${discount} * 10000 <= ${subtotal} * ${shops.cashierDiscountLimitBp})`;

/**
 * The cash a customer has paid the shop on a shop-local day (Income-tax Act s.269ST counts "in
 * aggregate from a person in a day"): cash tenders of their completed sales, and cash paid into
 * their khata (entries carry an instant, so the day is its UTC bounds in the shop's zone). A voided
 * sale's cash was handed back and does not count.
 */
function cashToday(shopId: string, customerId: string, day: ShopDay, timeZone: string): SQL<number> {
  const from = startOfShopDate(day.date, timeZone);
  const to = startOfShopDate(addDays(day.date, 1), timeZone);
  // No JOINs: drizzle writes a single-table query's columns unqualified, so each subquery names one table.
  const completed = sql`(SELECT ${sales.id} FROM ${sales} WHERE ${inShop(sales, shopId, eq(sales.status, 'completed'), eq(sales.businessDate, day.date))})`;
  return sql<number>`(
    coalesce((SELECT sum(${payments.amount}) FROM ${payments}
      WHERE ${inShop(payments, shopId, eq(payments.customerId, customerId), eq(payments.method, 'cash'), eq(payments.businessDate, day.date))}
        AND ${payments.saleId} IN ${completed}), 0)
    + coalesce((SELECT sum(${khataEntries.amount}) FROM ${khataEntries}
      WHERE ${inShop(khataEntries, shopId, eq(khataEntries.customerId, customerId), eq(khataEntries.type, 'payment'), eq(khataEntries.method, 'cash'), gte(khataEntries.createdAt, from), lt(khataEntries.createdAt, to))}), 0))`;
}

const priceChanged = (priced: PricedSale, expected: number) =>
  new ApiError(
    409,
    'PRICE_CHANGED',
    'The total is not the one quoted (a rate or price changed); confirm the new total and send it with a new Idempotency-Key',
    [
      {
        path: 'expected_total',
        message: `expected ${expected}, now ${priced.quote.total}`,
        quote: quoteView(priced.quote),
      },
    ],
  );

/** The buyer as the invoice prints them: the body's `buyer` first, then the customer record. */
function buyerOf(body: CreateSaleInput, priced: PricedSale): BuyerSnapshot {
  const { customer, quote: q } = priced;
  return {
    customer_id: customer?.id ?? null,
    name: body.buyer?.name ?? customer?.name ?? null,
    phone: body.buyer?.phone ?? customer?.phone ?? null,
    address: body.buyer?.address ?? customer?.address ?? null,
    // The State of a registered buyer is their GSTIN's; otherwise the state of delivery, which is
    // the place of supply (CGST Rule 46(e) asks for "the name of State and its code").
    state_code: body.buyer?.state_code ?? customer?.gstin?.slice(0, 2) ?? (q.place_of_supply || null),
    pan: body.customer_pan ?? customer?.pan ?? null,
    form60_ref: body.form60_ref ?? customer?.form60Ref ?? null,
    gstin: customer?.gstin ?? null,
  };
}

/**
 * The invoice number in the stored response until the batch knows it: a NUL, which no text field can
 * hold (cleanText strips control characters), so replacing its JSON replaces only this.
 */
const NUMBER_SLOT = '\u0000invoice_number';

/** The new sale (a replay of its Idempotency-Key is the middleware's). */
export async function createSale(c: C, body: CreateSaleInput): Promise<Sale> {
  const { shopId, userId, role } = authOf(c);
  const idem = idempotencyOf(c);
  const db = dbOf(c);

  const priced = await priceSale(c, body, (day, shop) =>
    body.customer_id === undefined
      ? []
      : [
          db
            .select({ cash: cashToday(shopId, body.customer_id, day, shop.timezone) })
            .from(shops)
            .where(eq(shops.id, shopId)),
        ],
  );
  const { quote: q, shop, day, lines, manager } = priced;
  if (body.expected_total !== undefined && body.expected_total !== q.total)
    throw priceChanged(priced, body.expected_total);

  // BIS: a hallmarked gold article is sold with its HUID (checked when selling, not quoting).
  for (const [index, { piece, product }] of lines.entries()) {
    const huid =
      piece &&
      huidRefusal(
        { tag: piece.tag, huid: piece.huid, huid_exempt: piece.huidExempt, gross_weight_mg: piece.grossWeightMg },
        product,
        { huid_required: shop.huidRequired },
      );
    if (huid) {
      const key = body.items[index] && 'tag' in body.items[index] ? 'tag' : 'piece_id';
      throw apiErrorOf({ ...huid, details: huid.details.map((d) => ({ ...d, path: `items.${index}.${key}` })) });
    }
  }

  const due = q.total - q.exchange_total;
  const tenders = tendersOf(body, due);
  if (!tenders.ok) throw apiErrorOf(tenders.refusal);
  const paid: Tender[] = tenders.value.filter((t) => t.amount > 0);
  const buyer = buyerOf(body, priced);
  const cashBefore = Number((priced.dayReads[0] as { cash: number }[] | undefined)?.[0]?.cash ?? 0);
  const refusal =
    checkPaymentsCover(q, tenders.value) ??
    checkCashLimit({ cash: cashIn(paid), cash_today: cashBefore, cash_limit_paise: shop.cashLimitPaise }) ??
    checkPan({
      total: q.total,
      pan_threshold_paise: shop.panThresholdPaise,
      pan: buyer.pan,
      form60_ref: buyer.form60_ref,
    }) ??
    checkBuyerDetails({
      document_type: q.document_type,
      taxable: q.taxable,
      buyer_details_threshold_paise: shop.buyerDetailsThresholdPaise,
      buyer,
    });
  if (refusal) throw apiErrorOf(refusal);

  const saleId = newId();
  const createdAt = nowIso();
  const { key: series, lockedUntil } = seriesOn(shopId, q.document_type, day, shop.timezone);
  const row: SaleRow = {
    id: saleId,
    shopId,
    customerId: body.customer_id ?? null,
    cashierId: userId,
    subtotal: q.subtotal,
    discount: q.discount,
    total: q.total,
    paymentMethod: paymentMethodOf(paid.length ? paid : tenders.value),
    status: 'completed',
    note: body.note || null,
    voidedAt: null,
    voidedBy: null,
    createdAt,
    documentType: q.document_type,
    invoiceNumber: null,
    financialYear: day.financial_year.label,
    invoiceSerial: null,
    businessDate: day.date,
    placeOfSupply: q.place_of_supply || null,
    taxable: q.taxable,
    cgst: q.cgst,
    sgst: q.sgst,
    igst: q.igst,
    roundOff: q.round_off,
    exchangeTotal: q.exchange_total,
    seller: shopSnapshot(shop),
    buyer,
  };
  const items: ItemRow[] = q.items.map((l, index) => {
    const line = lines[index];
    const stoneLines = line?.piece
      ? line.piece.stones
      : line?.product.pricingMode === 'weight'
        ? line.product.stones
        : [];
    return {
      id: newId(),
      shopId,
      saleId,
      productId: l.product_id ?? '',
      pieceId: l.piece_id,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      lineTotal: l.line_total,
      description: l.description,
      hsnCode: l.hsn_code,
      huid: l.huid,
      metal: l.metal as ItemRow['metal'],
      purity: l.purity,
      grossWeightMg: l.gross_weight_mg,
      netWeightMg: l.net_weight_mg,
      stoneWeightMg: l.stone_weight_mg,
      ratePerGram: l.rate_per_gram,
      rateDate: l.rate_date,
      rateSource: l.rate_source,
      metalValue: l.metal_value,
      wastage: l.wastage,
      making: l.making,
      stones: l.stones,
      stoneLines: l.stones === null ? null : stoneLines,
      otherCharge: l.other_charge,
      gross: l.gross,
      discount: l.discount,
      taxable: l.taxable,
      gstRateBp: l.gst_rate_bp,
      cgst: l.cgst,
      sgst: l.sgst,
      igst: l.igst,
    };
  });
  const exchange = q.exchange.map((l) =>
    oldGoldLineRow(l, { id: newId(), shopId, saleId, purchaseId: null, createdAt }),
  );
  const tenderRows: PaymentRow[] = paid.map((t) => ({
    id: newId(),
    shopId,
    saleId,
    purchaseId: null,
    customerId: row.customerId,
    method: t.method,
    amount: t.amount,
    businessDate: day.date,
    createdAt,
  }));
  const sale = toSale(row, items, exchange, tenderRows);
  const onKhata = paid.filter((t) => t.method === 'khata').reduce((sum, t) => sum + t.amount, 0);
  const move = {
    shopId,
    customerId: row.customerId ?? '',
    type: 'credit' as const,
    amount: onKhata,
    method: null,
    note: null,
    saleId,
    createdBy: userId,
  };
  const limited = row.discount > 0 && !hasRole(role, 'manager');
  const countLines = items.filter((i) => i.pieceId === null);
  const pieceIds = items.flatMap((i) => (i.pieceId ? [i.pieceId] : []));
  const audits = [
    ...(row.discount > 0
      ? [
          {
            action: 'sale.discounted',
            details: { discount: row.discount, subtotal: row.subtotal, total: row.total, role },
          },
        ]
      : []),
    ...q.items.flatMap((l, index) =>
      body.items[index]?.unit_price !== undefined
        ? [
            {
              action: 'sale.price_overridden',
              details: { line: index, unit_price: l.unit_price, product_id: l.product_id, piece_id: l.piece_id },
            },
          ]
        : [],
    ),
    ...q.exchange.flatMap((l, index) =>
      l.rate_source === 'given'
        ? [
            {
              action: 'sale.exchange_rate_given',
              details: { line: index, metal: l.metal, purity: l.purity, rate_per_gram: l.rate_per_gram },
            },
          ]
        : [],
    ),
    ...(manager && body.place_of_supply !== undefined && body.place_of_supply !== shop.stateCode
      ? [{ action: 'sale.place_of_supply', details: { place_of_supply: body.place_of_supply, address: buyer.address } }]
      : []),
  ];
  const cashGuard = (amount: number) =>
    row.customerId === null
      ? amount
      : sql`(SELECT ${amount} FROM ${shops} WHERE ${shops.id} = ${shopId}
          AND ${amount} + ${cashToday(shopId, row.customerId, day, shop.timezone)} < ${shops.cashLimitPaise})`;

  const first = [...recordQueries(db, idem), ...bumpSeries(db, series, lockedUntil)] as const;
  let numbered: { invoiceNumber: string | null }[];
  try {
    [, , , , numbered] = await db.batch([
      ...first,
      db
        .insert(sales)
        .values({
          ...row,
          invoiceNumber: numberOf(series),
          invoiceSerial: serialOf(series),
          ...(limited ? { discount: cashierDiscount(shopId, row.discount, row.subtotal) } : {}),
        })
        .returning({ invoiceNumber: sales.invoiceNumber }),
      ...audits.map((a) => auditQuery(c, { ...a, targetType: 'sale', targetId: saleId })),
      ...countLines.map((i) =>
        db
          .update(products)
          .set({ stock: sql`${products.stock} - ${i.quantity}` })
          .where(inShop(products, shopId, eq(products.id, i.productId), eq(products.active, true))),
      ),
      ...pieceIds.map((id) =>
        db
          .update(pieces)
          .set({ status: 'sold', saleId, updatedAt: createdAt })
          .where(inShop(pieces, shopId, eq(pieces.id, id), eq(pieces.status, 'in_stock'))),
      ),
      // One INSERT per line: a multi-row INSERT binds every column of every line in one statement,
      // past D1's 100 parameters.
      ...items.map((i) =>
        db.insert(saleItems).values({
          ...i,
          productId: i.pieceId
            ? sql`(SELECT ${pieces.productId} FROM ${pieces}
                WHERE ${inShop(pieces, shopId, eq(pieces.id, i.pieceId), eq(pieces.saleId, saleId), eq(pieces.status, 'sold'))})`
            : sql`(SELECT ${products.id} FROM ${products}
                WHERE ${inShop(products, shopId, eq(products.id, i.productId), eq(products.active, true))})`,
        }),
      ),
      ...exchange.map((l) => db.insert(oldGoldLines).values(l)),
      ...tenderRows.map((t) =>
        db.insert(payments).values(t.method === 'cash' ? { ...t, amount: cashGuard(t.amount) } : t),
      ),
      ...(onKhata > 0 ? ledgerQueries(db, move).queries : []),
      // The storefront shows in_stock: a product sold out, or a piece sold, must not stay on sale in its cache.
      bumpCatalogVersion(
        db,
        shopId,
        pieceIds.length
          ? undefined
          : sql`EXISTS (SELECT 1 FROM ${products} WHERE ${inShop(
              products,
              shopId,
              inList(
                products.id,
                countLines.map((i) => i.productId),
              ),
              eq(products.stock, 0),
            )})`,
      ),
      completeQuery(
        db,
        idem,
        201,
        sql`replace(${JSON.stringify({ success: true, data: { ...sale, invoice_number: NUMBER_SLOT } })}, ${JSON.stringify(NUMBER_SLOT)}, json_quote(${numberOf(series)}))`,
      ),
    ]);
  } catch (err) {
    throwIfKeyTaken(err);
    if (isConstraintViolation(err, 'NOT NULL', 'sales.discount'))
      throw discountOverLimit(shop, row.discount, row.subtotal);
    if (isConstraintViolation(err, 'CHECK', 'products_stock_nonneg')) throw await insufficientStock(c, items);
    if (isConstraintViolation(err, 'NOT NULL', 'sale_items.product_id')) throw await lineGone(c, items, body);
    if (isConstraintViolation(err, 'NOT NULL', 'payments.amount')) {
      const [now] = await db
        .select({ cash: cashToday(shopId, row.customerId ?? '', day, shop.timezone) })
        .from(shops)
        .where(eq(shops.id, shopId));
      const again = checkCashLimit({
        cash: cashIn(paid),
        cash_today: Number(now?.cash ?? 0),
        cash_limit_paise: shop.cashLimitPaise,
      });
      if (again) throw apiErrorOf(again);
    }
    if (isConstraintViolation(err, 'CHECK', 'document_series_number_len')) {
      throw new ApiError(
        409,
        'CONFLICT',
        `The ${series.series} series has no numbers left this financial year (16 characters)`,
      );
    }
    await ledgerRefusal(c, err, move);
    throw err;
  }
  return { ...sale, invoice_number: numbered[0]?.invoiceNumber ?? null };
}

/** Which line lost its product or piece between pricing and writing: PIECE_SOLD or 404. */
async function lineGone(c: C, items: ItemRow[], body: CreateSaleInput) {
  const ids = items.flatMap((i) => (i.pieceId ? [i.pieceId] : []));
  const now = ids.length
    ? await dbOf(c)
        .select({ id: pieces.id, tag: pieces.tag, status: pieces.status })
        .from(pieces)
        .where(inShop(pieces, authOf(c).shopId, inList(pieces.id, ids)))
    : [];
  const index = items.findIndex((i) => i.pieceId && now.find((p) => p.id === i.pieceId)?.status !== 'in_stock');
  const taken = index >= 0 ? now.find((p) => p.id === items[index]?.pieceId) : undefined;
  if (taken) return pieceSold(index, body.items[index] && 'tag' in body.items[index] ? 'tag' : 'piece_id', taken);
  return notFound('Product');
}

/** The 409, naming each line whose product has less stock now than the line asked for. */
async function insufficientStock(c: C, items: ItemRow[]) {
  const counted = items.map((i, index) => ({ ...i, index })).filter((i) => i.pieceId === null);
  const stock = await dbOf(c)
    .select({ id: products.id, stock: products.stock })
    .from(products)
    .where(
      inShop(
        products,
        authOf(c).shopId,
        inList(
          products.id,
          counted.map((i) => i.productId),
        ),
      ),
    );
  const available = new Map(stock.map((p) => [p.id, p.stock]));
  const short = counted.filter((i) => (available.get(i.productId) ?? 0) < i.quantity);
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

/** The lines, old gold and tenders of these sales, in one round trip. */
async function partsOf(c: C, saleIds: string[]) {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  const group = <T extends { saleId: string | null }>(rows: T[]) => {
    const bySale = new Map<string, T[]>();
    for (const r of rows) if (r.saleId) bySale.set(r.saleId, [...(bySale.get(r.saleId) ?? []), r]);
    return bySale;
  };
  if (saleIds.length === 0)
    return { items: group<ItemRow>([]), exchange: group<OldGoldRow>([]), tenders: group<PaymentRow>([]) };
  // Rows in the order they were sent (inserted in that order, so rowid follows the request).
  const [items, exchange, tenders] = await db.batch([
    db
      .select()
      .from(saleItems)
      .where(inShop(saleItems, shopId, inList(saleItems.saleId, saleIds)))
      .orderBy(sql`rowid`),
    db
      .select()
      .from(oldGoldLines)
      .where(inShop(oldGoldLines, shopId, inList(oldGoldLines.saleId, saleIds)))
      .orderBy(sql`rowid`),
    db
      .select()
      .from(payments)
      .where(inShop(payments, shopId, inList(payments.saleId, saleIds)))
      .orderBy(sql`rowid`),
  ]);
  return { items: group(items), exchange: group(exchange), tenders: group(tenders) };
}

const assemble = (rows: SaleRow[], parts: Awaited<ReturnType<typeof partsOf>>) =>
  rows.map((r) =>
    toSale(r, parts.items.get(r.id) ?? [], parts.exchange.get(r.id) ?? [], parts.tenders.get(r.id) ?? []),
  );

/** `from`/`to`: the range [from, to) of ISO timestamps that the query's `timeRange` parsed. */
export async function listSales(c: C, o: SaleListOptions): Promise<Page<Sale>> {
  const db = dbOf(c);
  const where = visible(
    c,
    o.customer_id ? eq(sales.customerId, o.customer_id) : undefined,
    inRange(sales.createdAt, o),
  );
  const page = toPage(
    await db.batch(pageQueries(db, { ...o, table: sales, where, orderBy: [desc(sales.createdAt), desc(sales.id)] })),
    o,
  );
  const parts = await partsOf(
    c,
    page.items.map((r) => r.id),
  );
  return { ...page, items: assemble(page.items, parts) };
}

async function findSale(c: C, id: string) {
  const [row] = await dbOf(c)
    .select()
    .from(sales)
    .where(visible(c, eq(sales.id, id)));
  if (!row) throw notFound('Sale');
  const parts = await partsOf(c, [id]);
  return { row, parts, sale: assemble([row], parts)[0] as Sale };
}

export async function getSale(c: C, id: string): Promise<Sale> {
  return (await findSale(c, id)).sale;
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
 * stock and piece restores and the khata reversal that follow copy only when it exists (the technique
 * of auth/sessions), so a losing void writes nothing. The invoice keeps its number and shows the sale
 * cancelled; its tenders stay recorded (the day book shows the void as money handed back).
 *
 * A khata sale is voided only while its customer is live: the reversal would leave a balance (usually
 * negative: the shop owes the customer) on a deleted row no list shows. That is 409 CUSTOMER_DELETED,
 * decided by the same UPDATE, so a deletion racing the void cannot slip between check and write.
 */
export async function voidSale(c: C, id: string): Promise<Sale> {
  const { shopId, userId } = authOf(c);
  const db = dbOf(c);
  const { row, parts, sale } = await findSale(c, id);
  if (row.status !== 'completed') throw alreadyVoided();

  const now = nowIso();
  const auditId = newId();
  const marker = sql`EXISTS (SELECT 1 FROM ${auditLog} WHERE ${inShop(auditLog, shopId, eq(auditLog.id, auditId))})`;
  const credited = sale.payments.filter((t) => t.method === 'khata').reduce((sum, t) => sum + t.amount, 0);
  const reverseKhata = credited > 0 && row.customerId !== null;
  const customerId = row.customerId ?? '';
  const items = parts.items.get(id) ?? [];

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
        details: {
          total: row.total,
          invoice_number: row.invoiceNumber,
          payment_method: row.paymentMethod,
          customer_id: row.customerId,
        },
      },
      sql`changes() = 1`,
    ),
    ...items
      .filter((i) => i.pieceId === null)
      .map((i) =>
        db
          .update(products)
          .set({ stock: sql`${products.stock} + ${i.quantity}` })
          .where(inShop(products, shopId, eq(products.id, i.productId), marker)),
      ),
    // Its pieces go back to stock (API.md "Pieces").
    db
      .update(pieces)
      .set({ status: 'in_stock', saleId: null, updatedAt: now })
      .where(inShop(pieces, shopId, eq(pieces.saleId, id), marker)),
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
                amount: sql`${credited}`.as('amount'),
                // A reversal, not money received: it has no tender.
                method: sql`NULL`.as('method'),
                balanceAfter: sql`${customers.khataBalance} - ${credited}`.as('balance_after'),
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
            .set({ khataBalance: sql`${customers.khataBalance} - ${credited}`, updatedAt: now })
            .where(inShop(customers, shopId, eq(customers.id, customerId), marker)),
        ]
      : []),
    // Restocked products and pieces may be back in stock: the storefront's cache must not keep them sold out.
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
  return { ...sale, status: 'voided', voided_at: now };
}
