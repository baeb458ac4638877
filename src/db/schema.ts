// The single source of Tijori's data model. Money is integer paise, weights integer milligrams,
// timestamps ISO 8601 UTC text (they sort as they read), dates YYYY-MM-DD text.
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { DiamondItem } from '../lib/diamond';

export const ROLES = ['owner', 'manager', 'cashier'] as const;
export const METALS = ['gold', 'silver', 'platinum'] as const;
export const CATEGORIES = [
  'ring',
  'necklace',
  'earring',
  'bangle',
  'bracelet',
  'chain',
  'pendant',
  'anklet',
  'coin',
  'other',
] as const;
/** A tender of a sale or a purchase voucher (API.md "Payments, exchange and compliance on a sale"). */
export const TENDER_METHODS = ['cash', 'card', 'upi', 'bank', 'khata'] as const;
/** A sale's v1 `payment_method`: its single tender's method, or `split`. */
export const PAYMENT_METHODS = [...TENDER_METHODS, 'split'] as const;
/** What a sale's document is; NULL on sales recorded before invoices existed. */
export const DOCUMENT_TYPES = ['tax_invoice', 'bill_of_supply'] as const;
/** Each series numbers its documents from 1 in every financial year. */
export const DOCUMENT_SERIES = ['tax_invoice', 'bill_of_supply', 'purchase_voucher'] as const;
export const KHATA_TYPES = ['credit', 'payment'] as const;
/** How money came into the khata; cash counts towards the day's cash limit (Income-tax Act s.269ST). */
export const KHATA_PAYMENT_METHODS = ['cash', 'card', 'upi', 'bank'] as const;
export const GST_SCHEMES = ['regular', 'composition'] as const;
/** `sell`: what the shop charges for new metal; `buy`: what it pays for old metal (API.md "Rates"). */
export const RATE_KINDS = ['sell', 'buy'] as const;
/** `weight`: priced from the day's rate; `fixed`: sold at `base_price` (API.md "Product pricing"). */
export const PRICING_MODES = ['weight', 'fixed'] as const;
export const MAKING_CHARGE_TYPES = ['percent', 'per_gram', 'flat'] as const;

/**
 * The stones of one unit of a product or piece; `value_paise` is all `count` of them together. A
 * line the diamond model valued keeps the stone it was given and the model that valued it: the
 * value was computed once, when the product or piece was written, and a later model never changes it.
 */
export interface StoneLine {
  kind: string;
  count: number;
  weight_mg: number;
  value_paise: number;
  diamond?: DiamondItem;
  valued_by?: { name: string; version: string };
}
export const SALE_STATUSES = ['completed', 'voided'] as const;
export const SHOP_STATUSES = ['active', 'suspended'] as const;

export type Role = (typeof ROLES)[number];
export type Metal = (typeof METALS)[number];
export type Category = (typeof CATEGORIES)[number];

const id = () => text('id').primaryKey();
const shopId = () =>
  text('shop_id')
    .notNull()
    .references(() => shops.id);
const createdAt = () => text('created_at').notNull();
const updatedAt = () => text('updated_at').notNull();

export const shops = sqliteTable('shops', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  status: text('status', { enum: SHOP_STATUSES }).notNull().default('active'),
  // Bumped in the same batch as every catalog write; part of the storefront's cache key.
  catalogVersion: integer('catalog_version').notNull().default(0),
  // The profile and settings (API.md "Shop profile and settings"). Every column has a default or is
  // nullable so a shop created before them reads back as the contract's defaults.
  // NULL: not set yet; the API shows `name` until the owner sets a legal name.
  legalName: text('legal_name'),
  // NULL: not GST-registered (charges no GST). Validated by src/lib/gstin.ts before it is stored.
  gstin: text('gstin'),
  gstScheme: text('gst_scheme', { enum: GST_SCHEMES }).notNull().default('regular'),
  address: text('address'),
  // The 2-digit GST state code; NULL until the owner sets it.
  stateCode: text('state_code'),
  timezone: text('timezone').notNull().default('Asia/Kolkata'),
  invoicePrefix: text('invoice_prefix').notNull().default('INV'),
  // The instant (UTC) the financial year of the shop's latest invoice ends; until then the prefix may
  // not change. For the batch that numbers an invoice to set; NULL while the shop has issued none.
  invoicePrefixLockedUntil: text('invoice_prefix_locked_until'),
  gstRateBp: integer('gst_rate_bp').notNull().default(300),
  roundOff: integer('round_off', { mode: 'boolean' }).notNull().default(true),
  huidRequired: integer('huid_required', { mode: 'boolean' }).notNull().default(true),
  cashLimitPaise: integer('cash_limit_paise').notNull().default(20_000_000),
  cashPayoutLimitPaise: integer('cash_payout_limit_paise').notNull().default(1_000_000),
  panThresholdPaise: integer('pan_threshold_paise').notNull().default(20_000_000),
  buyerDetailsThresholdPaise: integer('buyer_details_threshold_paise').notNull().default(5_000_000),
  usdInrPaise: integer('usd_inr_paise').notNull().default(8400),
  stoneMarkupBp: integer('stone_markup_bp').notNull().default(0),
  // Basis points of a sale's subtotal a cashier may give as its discount; more needs manager+.
  // 0 (the default, also for shops that existed before the setting): a cashier gives no discount.
  cashierDiscountLimitBp: integer('cashier_discount_limit_bp').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = sqliteTable(
  'users',
  {
    id: id(),
    shopId: shopId(),
    name: text('name').notNull(),
    // Normalised (trimmed, lower-case) before it is stored; unique across all shops.
    email: text('email').notNull().unique(),
    // Self-describing: algorithm and parameters travel with the hash so they can be upgraded.
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('users_shop_created_idx').on(t.shopId, t.createdAt)],
);

// One row per refresh token ever issued; a family is one login's chain of rotations.
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: id(),
    shopId: shopId(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    familyId: text('family_id').notNull(),
    // SHA-256 of the opaque token; the token itself is never stored.
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: text('expires_at').notNull(),
    spentAt: text('spent_at'),
    // The token that replaced this one; also what decides a rotation race (see auth/sessions).
    replacedBy: text('replaced_by'),
    revokedAt: text('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [index('refresh_tokens_family_idx').on(t.familyId), index('refresh_tokens_user_idx').on(t.userId)],
);

export const products = sqliteTable(
  'products',
  {
    id: id(),
    shopId: shopId(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    category: text('category', { enum: CATEGORIES }).notNull(),
    metal: text('metal', { enum: METALS }).notNull(),
    purity: integer('purity').notNull(),
    grossWeightMg: integer('gross_weight_mg').notNull(),
    netWeightMg: integer('net_weight_mg').notNull(),
    stoneWeightMg: integer('stone_weight_mg').notNull().default(0),
    makingChargeBp: integer('making_charge_bp').notNull().default(0),
    basePrice: integer('base_price').notNull(),
    // Pricing by weight (API.md "Product pricing"). Every default is what a v1 product was: sold at
    // its base_price with nothing added, so products created before these columns price as before.
    pricingMode: text('pricing_mode', { enum: PRICING_MODES }).notNull().default('fixed'),
    wastageBp: integer('wastage_bp').notNull().default(0),
    makingChargeType: text('making_charge_type', { enum: MAKING_CHARGE_TYPES }).notNull().default('percent'),
    makingChargePaise: integer('making_charge_paise').notNull().default(0),
    stones: text('stones', { mode: 'json' }).$type<StoneLine[]>().notNull().default([]),
    otherChargePaise: integer('other_charge_paise').notNull().default(0),
    // NULL: the category's heading (7118 for coins, else 7113), so it follows a category change.
    hsnCode: text('hsn_code'),
    // NULL: the shop's gst_rate_bp.
    gstRateBp: integer('gst_rate_bp'),
    stock: integer('stock').notNull().default(0),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('products_shop_sku_uq').on(t.shopId, t.sku),
    // The list sorts, id last as their tiebreak so a page never needs a sort of its own.
    index('products_shop_active_name_idx').on(t.shopId, t.active, t.name, t.id),
    index('products_shop_active_price_idx').on(t.shopId, t.active, t.basePrice, t.id),
    index('products_shop_active_created_idx').on(t.shopId, t.active, t.createdAt, t.id),
    index('products_shop_category_idx').on(t.shopId, t.category),
    index('products_shop_metal_idx').on(t.shopId, t.metal),
    check('products_stock_nonneg', sql`${t.stock} >= 0`),
    check('products_weights', sql`${t.netWeightMg} <= ${t.grossWeightMg}`),
  ],
);

export const customers = sqliteTable(
  'customers',
  {
    id: id(),
    shopId: shopId(),
    name: text('name').notNull(),
    phone: text('phone').notNull(),
    email: text('email'),
    address: text('address'),
    // Stored uppercase; PAN or a Form 60 reference is what Rule 114B asks of a large sale's buyer.
    pan: text('pan'),
    form60Ref: text('form60_ref'),
    // A registered buyer's GSTIN, printed on the invoice.
    gstin: text('gstin'),
    creditLimit: integer('credit_limit').notNull().default(0),
    // What the customer owes; changed only in the same batch that appends a khata entry.
    khataBalance: integer('khata_balance').notNull().default(0),
    deletedAt: text('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // A deleted customer's phone may be used again.
    uniqueIndex('customers_shop_phone_uq').on(t.shopId, t.phone).where(sql`${t.deletedAt} IS NULL`),
    index('customers_shop_name_idx').on(t.shopId, t.name),
  ],
);

/** Who sold, as the invoice prints them (CGST Rule 46(a)); frozen in the sale. */
export interface SellerSnapshot {
  legal_name: string;
  address: string | null;
  gstin: string | null;
  state_code: string | null;
}

/** Who bought, as the invoice prints them (CGST Rule 46(d)–(e), Income-tax Rule 114B); frozen in the sale. */
export interface BuyerSnapshot {
  customer_id: string | null;
  name: string | null;
  phone: string | null;
  address: string | null;
  state_code: string | null;
  pan: string | null;
  form60_ref: string | null;
  gstin: string | null;
}

export const sales = sqliteTable(
  'sales',
  {
    id: id(),
    shopId: shopId(),
    customerId: text('customer_id').references(() => customers.id),
    cashierId: text('cashier_id')
      .notNull()
      .references(() => users.id),
    subtotal: integer('subtotal').notNull(),
    discount: integer('discount').notNull().default(0),
    total: integer('total').notNull(),
    paymentMethod: text('payment_method', { enum: PAYMENT_METHODS }).notNull(),
    status: text('status', { enum: SALE_STATUSES }).notNull().default('completed'),
    note: text('note'),
    voidedAt: text('voided_at'),
    voidedBy: text('voided_by').references(() => users.id),
    createdAt: createdAt(),
    // The document (API.md "Invoices"). NULL on sales recorded before invoices existed: they were
    // never issued a number, and giving them one now would put documents in a series no buyer saw.
    documentType: text('document_type', { enum: DOCUMENT_TYPES }),
    // `{prefix}/{YYYY}/{n}`, and its parts for the gap-free check and the reports.
    invoiceNumber: text('invoice_number'),
    financialYear: text('financial_year'),
    invoiceSerial: integer('invoice_serial'),
    // The shop-local date of the sale: the invoice date, the day of the cash limit, the GSTR-1 period.
    // Sales recorded before it have their UTC date (what v1 called the sale's day).
    businessDate: text('business_date').notNull(),
    placeOfSupply: text('place_of_supply'),
    taxable: integer('taxable').notNull().default(0),
    cgst: integer('cgst').notNull().default(0),
    sgst: integer('sgst').notNull().default(0),
    igst: integer('igst').notNull().default(0),
    roundOff: integer('round_off').notNull().default(0),
    exchangeTotal: integer('exchange_total').notNull().default(0),
    seller: text('seller', { mode: 'json' }).$type<SellerSnapshot>(),
    buyer: text('buyer', { mode: 'json' }).$type<BuyerSnapshot>(),
  },
  (t) => [
    index('sales_shop_created_idx').on(t.shopId, t.createdAt),
    index('sales_shop_cashier_created_idx').on(t.shopId, t.cashierId, t.createdAt),
    index('sales_shop_customer_created_idx').on(t.shopId, t.customerId, t.createdAt),
    // Reports by the shop's day (day book, sales summary, GSTR-1).
    index('sales_shop_business_date_idx').on(t.shopId, t.businessDate),
    // The day book's voids: sales voided within a shop-local day, whatever day they were sold.
    index('sales_shop_voided_at_idx').on(t.shopId, t.voidedAt).where(sql`${t.voidedAt} IS NOT NULL`),
    // One document per number: the series can neither repeat nor skip without this failing or a gap showing.
    uniqueIndex('sales_shop_invoice_number_uq')
      .on(t.shopId, t.invoiceNumber)
      .where(sql`${t.invoiceNumber} IS NOT NULL`),
    check('sales_total_nonneg', sql`${t.total} >= 0`),
  ],
);

/** A stone line as a sale line snapshots it: the line as stored, `valued_by` included. */
export type SoldStoneLine = StoneLine;

export const saleItems = sqliteTable(
  'sale_items',
  {
    id: id(),
    shopId: shopId(),
    saleId: text('sale_id')
      .notNull()
      .references(() => sales.id),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
    unitPrice: integer('unit_price').notNull(),
    lineTotal: integer('line_total').notNull(),
    // The snapshot (API.md "Tax on a sale"): what the line was priced with. Lines recorded before it
    // carry what is known (description, metal and purity of their product, gross = line total) and
    // NULL where it is not (weights, rate, components, discount share).
    pieceId: text('piece_id').references(() => pieces.id),
    description: text('description').notNull().default(''),
    hsnCode: text('hsn_code'),
    huid: text('huid'),
    metal: text('metal', { enum: METALS }),
    purity: integer('purity'),
    grossWeightMg: integer('gross_weight_mg'),
    netWeightMg: integer('net_weight_mg'),
    stoneWeightMg: integer('stone_weight_mg'),
    ratePerGram: integer('rate_per_gram'),
    rateDate: text('rate_date'),
    rateSource: text('rate_source'),
    metalValue: integer('metal_value'),
    wastage: integer('wastage'),
    making: integer('making'),
    stones: integer('stones'),
    stoneLines: text('stone_lines', { mode: 'json' }).$type<SoldStoneLine[]>(),
    otherCharge: integer('other_charge'),
    gross: integer('gross').notNull().default(0),
    discount: integer('discount'),
    taxable: integer('taxable'),
    gstRateBp: integer('gst_rate_bp').notNull().default(0),
    cgst: integer('cgst').notNull().default(0),
    sgst: integer('sgst').notNull().default(0),
    igst: integer('igst').notNull().default(0),
  },
  (t) => [
    index('sale_items_sale_idx').on(t.saleId),
    index('sale_items_product_idx').on(t.productId),
    index('sale_items_piece_idx').on(t.pieceId),
  ],
);

// The last number each series of a shop gave in a financial year. A sale (or voucher) batch bumps
// its row first and reads the number back, so numbers follow commit order; a refused batch rolls
// the bump back with everything else, so it consumes none (API.md "Invoices").
export const documentSeries = sqliteTable(
  'document_series',
  {
    shopId: shopId(),
    series: text('series', { enum: DOCUMENT_SERIES }).notNull(),
    financialYear: text('financial_year').notNull(),
    lastSerial: integer('last_serial').notNull(),
    // The document number `last_serial` made, which the document copies.
    lastNumber: text('last_number').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.series, t.financialYear] }),
    // CGST Rule 46(b): a serial number "not exceeding sixteen characters". A series that has run out
    // of digits refuses the next document rather than print a longer number.
    check('document_series_number_len', sql`length(${t.lastNumber}) <= 16`),
  ],
);

// Old-gold purchase vouchers (API.md "Old gold"): the shop pays for old metal.
export const oldGoldPurchases = sqliteTable(
  'old_gold_purchases',
  {
    id: id(),
    shopId: shopId(),
    voucherNumber: text('voucher_number').notNull(),
    financialYear: text('financial_year').notNull(),
    voucherSerial: integer('voucher_serial').notNull(),
    businessDate: text('business_date').notNull(),
    customerId: text('customer_id').references(() => customers.id),
    seller: text('seller', { mode: 'json' }).$type<BuyerSnapshot>().notNull(),
    buyer: text('buyer', { mode: 'json' }).$type<SellerSnapshot>().notNull(),
    total: integer('total').notNull(),
    note: text('note'),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('old_gold_purchases_shop_number_uq').on(t.shopId, t.voucherNumber),
    index('old_gold_purchases_shop_created_idx').on(t.shopId, t.createdAt, t.id),
    index('old_gold_purchases_shop_business_date_idx').on(t.shopId, t.businessDate),
  ],
);

// Old metal taken in: an exchange line of a sale, or a line of a purchase voucher.
export const oldGoldLines = sqliteTable(
  'old_gold_lines',
  {
    id: id(),
    shopId: shopId(),
    saleId: text('sale_id').references(() => sales.id),
    purchaseId: text('purchase_id').references(() => oldGoldPurchases.id),
    metal: text('metal', { enum: METALS }).notNull(),
    purity: integer('purity').notNull(),
    grossWeightMg: integer('gross_weight_mg').notNull(),
    lessWeightMg: integer('less_weight_mg').notNull(),
    netWeightMg: integer('net_weight_mg').notNull(),
    deductionBp: integer('deduction_bp').notNull(),
    ratePerGram: integer('rate_per_gram').notNull(),
    rateDate: text('rate_date'),
    rateSource: text('rate_source').notNull(),
    value: integer('value').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('old_gold_lines_sale_idx').on(t.saleId),
    index('old_gold_lines_purchase_idx').on(t.purchaseId),
    index('old_gold_lines_shop_metal_idx').on(t.shopId, t.metal),
    check('old_gold_lines_one_owner', sql`(${t.saleId} IS NULL) <> (${t.purchaseId} IS NULL)`),
  ],
);

// Money in (a sale's tenders) or out (a voucher's payouts), one row per tender: the day book, and the
// day's cash from or to one person (Income-tax Act s.269ST, s.40A(3)).
export const payments = sqliteTable(
  'payments',
  {
    id: id(),
    shopId: shopId(),
    saleId: text('sale_id').references(() => sales.id),
    purchaseId: text('purchase_id').references(() => oldGoldPurchases.id),
    customerId: text('customer_id').references(() => customers.id),
    method: text('method', { enum: TENDER_METHODS }).notNull(),
    amount: integer('amount').notNull(),
    businessDate: text('business_date').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('payments_sale_idx').on(t.saleId),
    index('payments_purchase_idx').on(t.purchaseId),
    index('payments_shop_date_idx').on(t.shopId, t.businessDate),
    index('payments_shop_customer_date_idx').on(t.shopId, t.customerId, t.businessDate),
    check('payments_amount_positive', sql`${t.amount} > 0`),
    check('payments_one_owner', sql`(${t.saleId} IS NULL) <> (${t.purchaseId} IS NULL)`),
  ],
);

export const khataEntries = sqliteTable(
  'khata_entries',
  {
    id: id(),
    shopId: shopId(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id),
    type: text('type', { enum: KHATA_TYPES }).notNull(),
    amount: integer('amount').notNull(),
    // Payments only; NULL on credits and on payments recorded before methods were kept.
    method: text('method', { enum: KHATA_PAYMENT_METHODS }),
    balanceAfter: integer('balance_after').notNull(),
    note: text('note'),
    saleId: text('sale_id').references(() => sales.id),
    createdBy: text('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('khata_entries_customer_created_idx').on(t.shopId, t.customerId, t.createdAt),
    // The day book's khata payments: every customer's entries within a shop-local day.
    index('khata_entries_shop_created_idx').on(t.shopId, t.createdAt),
    check('khata_amount_positive', sql`${t.amount} > 0`),
  ],
);

// A POS retry with the same Idempotency-Key gets the first response back; expires after 24 h.
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    shopId: shopId(),
    key: text('key').notNull(),
    userId: text('user_id').notNull(),
    requestHash: text('request_hash').notNull(),
    // NULL while the first request is still in flight.
    statusCode: integer('status_code'),
    responseBody: text('response_body'),
    createdAt: createdAt(),
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.key] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);

export const metalRates = sqliteTable(
  'metal_rates',
  {
    id: id(),
    shopId: shopId(),
    metal: text('metal', { enum: METALS }).notNull(),
    purity: integer('purity').notNull(),
    // Rates recorded before kinds existed were what the shop sold at, so they default to `sell`.
    kind: text('kind', { enum: RATE_KINDS }).notNull().default('sell'),
    // Paise per gram of metal at this purity.
    ratePerGram: integer('rate_per_gram').notNull(),
    effectiveDate: text('effective_date').notNull(),
    createdBy: text('created_by').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One rate per (metal, purity, kind, day); kind before the date, so "the latest of each kind"
    // seeks one index range per (metal, purity, kind).
    uniqueIndex('metal_rates_shop_metal_purity_kind_date_uq').on(t.shopId, t.metal, t.purity, t.kind, t.effectiveDate),
    index('metal_rates_shop_date_idx').on(t.shopId, t.effectiveDate),
  ],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: id(),
    shopId: shopId(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    // JSON object of non-secret facts (e.g. old and new price); never passwords or tokens.
    details: text('details'),
    requestId: text('request_id'),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_shop_created_idx').on(t.shopId, t.createdAt),
    index('audit_shop_action_created_idx').on(t.shopId, t.action, t.createdAt),
    index('audit_shop_actor_created_idx').on(t.shopId, t.actorId, t.createdAt),
  ],
);

export const PIECE_STATUSES = ['in_stock', 'sold', 'reserved'] as const;
export type PieceStatus = (typeof PIECE_STATUSES)[number];

// One physical item of a product, with its own weights, barcode tag and BIS HUID (API.md "Pieces").
export const pieces = sqliteTable(
  'pieces',
  {
    id: id(),
    shopId: shopId(),
    // The service inserts a piece only from a SELECT of an active product of the same shop.
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    // The barcode label: uppercase letters and digits, so Code 39 and Code 128 both print it.
    tag: text('tag').notNull(),
    // The 6-character BIS Hallmark Unique ID; NULL for pieces without one.
    huid: text('huid'),
    // Why a gold piece without a HUID may still be sold (e.g. kundan, polki, jadau); NULL: no reason.
    huidExempt: text('huid_exempt'),
    // NULL: the product's purity.
    purity: integer('purity'),
    grossWeightMg: integer('gross_weight_mg').notNull(),
    netWeightMg: integer('net_weight_mg').notNull(),
    stoneWeightMg: integer('stone_weight_mg').notNull().default(0),
    stones: text('stones', { mode: 'json' }).$type<StoneLine[]>().notNull().default(sql`'[]'`),
    status: text('status', { enum: PIECE_STATUSES }).notNull().default('in_stock'),
    // The sale that took the piece out of stock (set by the sales integration).
    saleId: text('sale_id').references(() => sales.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The scanner's lookup: one read of this index.
    uniqueIndex('pieces_shop_tag_uq').on(t.shopId, t.tag),
    // A HUID is on one article only; pieces without one do not collide.
    uniqueIndex('pieces_shop_huid_uq').on(t.shopId, t.huid).where(sql`${t.huid} IS NOT NULL`),
    // A product's in-stock pieces (its stock), and the list filtered by product and status, newest
    // first without a sort of its own.
    index('pieces_shop_product_status_idx').on(t.shopId, t.productId, t.status, t.createdAt, t.id),
    // The list, newest first, id as tiebreak.
    index('pieces_shop_created_idx').on(t.shopId, t.createdAt, t.id),
    check('pieces_weights', sql`${t.netWeightMg} <= ${t.grossWeightMg} AND ${t.stoneWeightMg} <= ${t.grossWeightMg}`),
  ],
);

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

// A product's photo. The bytes live in R2 under the shop and their SHA-256 (src/shop/images), so a
// photo uploaded twice is stored once; this row is what the catalog and the storefront list.
export const productImages = sqliteTable(
  'product_images',
  {
    id: id(),
    shopId: shopId(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id),
    // Hex SHA-256 of the bytes: the R2 key's last part.
    sha256: text('sha256').notNull(),
    // What the magic bytes said, never what the client's header claimed.
    contentType: text('content_type', { enum: IMAGE_TYPES }).notNull(),
    bytes: integer('bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // The same photo twice on one product is one image.
    uniqueIndex('product_images_product_sha_uq').on(t.productId, t.sha256),
    // A page of products reads its images by product, oldest first (the first is the cover).
    index('product_images_product_created_idx').on(t.productId, t.createdAt, t.id),
    // Whether any row of the shop still points at an R2 object before it is deleted.
    index('product_images_shop_sha_idx').on(t.shopId, t.sha256),
    check('product_images_size', sql`${t.width} > 0 AND ${t.height} > 0 AND ${t.bytes} > 0`),
  ],
);

// The hashes a user's password had before the current one (users.password_hash), newest kept: a
// new password may equal none of them nor the current one (API.md "Images and passwords").
export const passwordHistory = sqliteTable(
  'password_history',
  {
    id: id(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('password_history_user_created_idx').on(t.userId, t.createdAt, t.id)],
);
