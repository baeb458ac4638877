// Demo data for local development: the "demo" shop, one user per role, ~30 products (most priced by
// weight at the day's rate, with wastage, making of each type and stones; platinum at fixed prices),
// a few customers, two weeks of gold and silver sell and buy rates ending today, a tax-invoiced sale
// with old gold in exchange and one old gold purchase voucher, written to the local D1 with
// `wrangler d1 execute DB --local --file`. The statements are Drizzle queries on src/db/schema.ts's
// tables, inlined into that file's text (scripts/lib/sql.ts): a renamed column fails the type check.
//   npm run seed                               the default local state (.wrangler/state)
//   npm run seed -- --persist-to <dir>         the state of a `wrangler dev --persist-to <dir>`
// Idempotent: every row has a fixed id and goes in with ON CONFLICT DO NOTHING, so a second run changes
// nothing (a later day only adds that day's rates), and a password changed since is never reset.
// The database must be migrated first (`npm start` does both: migrate, seed, serve).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, exists, gt, isNull, lt, notExists, notLike, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { hashPassword } from '../src/auth/password';
import {
  type BuyerSnapshot,
  customers as customersTable,
  documentSeries,
  metalRates,
  oldGoldLines,
  oldGoldPurchases,
  payments,
  pieces as piecesTable,
  products as productsTable,
  type SellerSnapshot,
  type StoneLine,
  saleItems,
  sales,
  shops,
  users as usersTable,
} from '../src/db/schema';
import { type OldGoldLine, priceOldGold, quote } from '../src/pricing/engine';
import { shopDay } from '../src/pricing/shop-day';
import { numberOf, numberSql, serialOf, seriesOn } from '../src/shop/documents/series';
import { oldGoldLineRow } from '../src/shop/old-gold/lines';
import { offline as db, type EveryColumn, inlined, rowsWhere } from './lib/sql';
import { d1File } from './lib/wrangler';

const SHOP_ID = 'demo-shop';

/**
 * The demo shop's profile: a GST-registered jeweller in Maharashtra (state 27). The GSTIN is made up
 * (PAN AADCD2026J, a company) with a correct GSTN check character, so invoices look real.
 */
const DEMO_PROFILE = {
  legal_name: 'Demo Jewellers Private Limited',
  gstin: '27AADCD2026J1ZV',
  address: '14 Zaveri Bazaar, Kalbadevi, Mumbai 400002',
  state_code: '27',
} satisfies SellerSnapshot;
/** The profile as the shop's columns. */
const PROFILE_COLUMNS = {
  legalName: DEMO_PROFILE.legal_name,
  gstin: DEMO_PROFILE.gstin,
  address: DEMO_PROFILE.address,
  stateCode: DEMO_PROFILE.state_code,
};

/** Demo-only credentials, printed at the end; documented in the README. */
const DEMO_USERS = [
  {
    id: 'demo-user-owner',
    role: 'owner',
    name: 'Meera Soni',
    email: 'owner@demo.tijori.app',
    password: 'Demo-Owner-2026!',
  },
  {
    id: 'demo-user-manager',
    role: 'manager',
    name: 'Arjun Verma',
    email: 'manager@demo.tijori.app',
    password: 'Demo-Manager-2026!',
  },
  {
    id: 'demo-user-cashier',
    role: 'cashier',
    name: 'Kavya Iyer',
    email: 'cashier@demo.tijori.app',
    password: 'Demo-Cashier-2026!',
  },
] as const;

/** Today's rates, paise per gram at each purity; the fortnight before walks back from these. */
const TODAYS_RATES: { metal: 'gold' | 'silver'; purity: number; rate: number }[] = [
  { metal: 'gold', purity: 999, rate: 1_268_000 },
  { metal: 'gold', purity: 916, rate: 1_161_500 },
  { metal: 'gold', purity: 750, rate: 951_000 },
  { metal: 'silver', purity: 999, rate: 16_200 },
  { metal: 'silver', purity: 925, rate: 14_990 },
];
/**
 * What the shop pays for old metal, below its sell rate: the buy rate is the sell rate less this share
 * (a common spread; each shop posts its own).
 */
const BUY_SPREAD_BP = 350;
/** The buy rate for a day's sell rate. */
const buyRate = (sell: number) => Math.round((sell * (10_000 - BUY_SPREAD_BP)) / 10_000);
/**
 * Platinum is priced from a fixed 950 rate (the shop does not post platinum rates daily), so its
 * pieces are sold at a fixed base_price, not by weight.
 */
const PLATINUM_950 = 468_000;
const RATE_DAYS = 14;

/** How a weight-priced piece's making is charged when not as a share of metal value (`makingBp`). */
type Making = { type: 'per_gram'; paisePerGram: number } | { type: 'flat'; paise: number };

interface Item {
  sku: string;
  name: string;
  category: 'ring' | 'necklace' | 'earring' | 'bangle' | 'bracelet' | 'chain' | 'pendant' | 'anklet' | 'coin' | 'other';
  metal: 'gold' | 'silver' | 'platinum';
  purity: number;
  /** Grams (gross); stones in grams; stone value in rupees. */
  gross: number;
  stone?: number;
  stoneValue?: number;
  /** What the stones are and how many: their weight and value are `stone` and `stoneValue` split. */
  stones?: { kind: string; count: number };
  makingBp: number;
  making?: Making;
  /** Basis points of metal value; default by category (WASTAGE_BP). */
  wastageBp?: number;
  /** Rupees per unit, e.g. hallmarking. */
  otherCharge?: number;
  stock: number;
  description?: string;
}

const ITEMS: Item[] = [
  {
    sku: 'GR-916-001',
    name: 'Classic Plain Band',
    category: 'ring',
    metal: 'gold',
    purity: 916,
    gross: 4.12,
    makingBp: 1200,
    stock: 6,
  },
  {
    sku: 'GR-916-002',
    name: 'Floral Filigree Ring',
    category: 'ring',
    metal: 'gold',
    purity: 916,
    gross: 5.35,
    makingBp: 1600,
    stock: 3,
  },
  {
    sku: 'GR-750-003',
    name: 'Solitaire Diamond Ring',
    category: 'ring',
    metal: 'gold',
    purity: 750,
    gross: 3.48,
    stone: 0.1,
    stoneValue: 58_000,
    makingBp: 1800,
    stones: { kind: 'diamond', count: 1 },
    stock: 2,
    description: '0.50 ct round brilliant, VS2/G, in 18K yellow gold',
  },
  {
    sku: 'GR-585-004',
    name: 'Stackable Twist Ring',
    category: 'ring',
    metal: 'gold',
    purity: 585,
    gross: 2.21,
    makingBp: 1400,
    stock: 8,
  },
  {
    sku: 'PR-950-005',
    name: 'Platinum Couple Band',
    category: 'ring',
    metal: 'platinum',
    purity: 950,
    gross: 6.02,
    makingBp: 1500,
    stock: 4,
  },
  {
    sku: 'SR-925-006',
    name: 'Oxidised Toe Ring Pair',
    category: 'ring',
    metal: 'silver',
    purity: 925,
    gross: 3.6,
    makingBp: 2500,
    stock: 25,
  },
  {
    sku: 'GN-916-007',
    name: 'Temple Lakshmi Necklace',
    category: 'necklace',
    metal: 'gold',
    purity: 916,
    gross: 38.64,
    makingBp: 1400,
    stock: 1,
    description: 'South Indian temple work with Lakshmi coin motifs',
  },
  {
    sku: 'GN-916-008',
    name: 'Kundan Bridal Choker',
    category: 'necklace',
    metal: 'gold',
    purity: 916,
    gross: 52.8,
    stone: 6.4,
    stoneValue: 42_000,
    makingBp: 2000,
    stones: { kind: 'polki', count: 24 },
    wastageBp: 1_500,
    stock: 1,
  },
  {
    sku: 'GN-916-009',
    name: 'Mangalsutra Black Bead',
    category: 'necklace',
    metal: 'gold',
    purity: 916,
    gross: 12.35,
    makingBp: 1100,
    otherCharge: 45,
    stock: 5,
  },
  {
    sku: 'GN-750-010',
    name: 'Diamond Tennis Necklace',
    category: 'necklace',
    metal: 'gold',
    purity: 750,
    gross: 18.9,
    stone: 1.2,
    stoneValue: 385_000,
    makingBp: 1800,
    stones: { kind: 'diamond', count: 42 },
    stock: 1,
  },
  {
    sku: 'SN-925-011',
    name: 'Sterling Bead Necklace',
    category: 'necklace',
    metal: 'silver',
    purity: 925,
    gross: 24.5,
    makingBp: 2200,
    stock: 10,
  },
  {
    sku: 'GE-916-012',
    name: 'Jhumka Drop Earrings',
    category: 'earring',
    metal: 'gold',
    purity: 916,
    gross: 8.76,
    makingBp: 1500,
    stock: 4,
  },
  {
    sku: 'GE-916-013',
    name: 'Chandbali Earrings',
    category: 'earring',
    metal: 'gold',
    purity: 916,
    gross: 11.2,
    makingBp: 1700,
    stock: 3,
  },
  {
    sku: 'GE-750-014',
    name: 'Diamond Stud Earrings',
    category: 'earring',
    metal: 'gold',
    purity: 750,
    gross: 2.1,
    stone: 0.12,
    stoneValue: 64_000,
    makingBp: 1500,
    stones: { kind: 'diamond', count: 2 },
    stock: 5,
  },
  {
    sku: 'SE-925-015',
    name: 'Silver Hoop Earrings',
    category: 'earring',
    metal: 'silver',
    purity: 925,
    gross: 6.3,
    makingBp: 2000,
    stock: 18,
  },
  {
    sku: 'GB-916-016',
    name: 'Kada Bangle (pair)',
    category: 'bangle',
    metal: 'gold',
    purity: 916,
    gross: 31.4,
    makingBp: 1000,
    stock: 2,
  },
  {
    sku: 'GB-916-017',
    name: 'Meenakari Bangle',
    category: 'bangle',
    metal: 'gold',
    purity: 916,
    gross: 14.85,
    makingBp: 1600,
    stock: 3,
  },
  {
    sku: 'SB-925-018',
    name: 'Silver Kada',
    category: 'bangle',
    metal: 'silver',
    purity: 925,
    gross: 42.0,
    makingBp: 1500,
    stock: 7,
  },
  {
    sku: 'GL-750-019',
    name: 'Rose Gold Chain Bracelet',
    category: 'bracelet',
    metal: 'gold',
    purity: 750,
    gross: 5.9,
    makingBp: 1300,
    stock: 4,
  },
  {
    sku: 'PL-950-020',
    name: 'Platinum Link Bracelet',
    category: 'bracelet',
    metal: 'platinum',
    purity: 950,
    gross: 14.2,
    makingBp: 1400,
    stock: 2,
  },
  {
    sku: 'GC-916-021',
    name: 'Rope Chain 20 in',
    category: 'chain',
    metal: 'gold',
    purity: 916,
    gross: 10.05,
    makingBp: 800,
    making: { type: 'per_gram', paisePerGram: 45_000 },
    otherCharge: 45,
    stock: 6,
  },
  {
    sku: 'GC-916-022',
    name: 'Box Chain 18 in',
    category: 'chain',
    metal: 'gold',
    purity: 916,
    gross: 7.62,
    makingBp: 800,
    making: { type: 'per_gram', paisePerGram: 40_000 },
    otherCharge: 45,
    stock: 7,
  },
  {
    sku: 'PC-950-023',
    name: 'Platinum Curb Chain',
    category: 'chain',
    metal: 'platinum',
    purity: 950,
    gross: 9.8,
    makingBp: 1200,
    stock: 2,
  },
  {
    sku: 'GP-916-024',
    name: 'Ganesha Pendant',
    category: 'pendant',
    metal: 'gold',
    purity: 916,
    gross: 3.25,
    makingBp: 1400,
    stock: 9,
  },
  {
    sku: 'GP-585-025',
    name: 'Heart Pendant with Ruby',
    category: 'pendant',
    metal: 'gold',
    purity: 585,
    gross: 2.4,
    stone: 0.2,
    stoneValue: 6_500,
    makingBp: 1500,
    stones: { kind: 'ruby', count: 1 },
    stock: 5,
  },
  {
    sku: 'SP-925-026',
    name: 'Om Silver Pendant',
    category: 'pendant',
    metal: 'silver',
    purity: 925,
    gross: 4.1,
    makingBp: 2200,
    stock: 20,
  },
  {
    sku: 'SA-925-027',
    name: 'Ghungroo Payal (pair)',
    category: 'anklet',
    metal: 'silver',
    purity: 925,
    gross: 58.3,
    makingBp: 1800,
    stock: 8,
  },
  {
    sku: 'SA-925-028',
    name: 'Chain Payal (pair)',
    category: 'anklet',
    metal: 'silver',
    purity: 925,
    gross: 32.6,
    makingBp: 1600,
    stock: 12,
  },
  {
    sku: 'GK-999-029',
    name: 'Lakshmi Gold Coin 10 g',
    category: 'coin',
    metal: 'gold',
    purity: 999,
    gross: 10.0,
    makingBp: 300,
    making: { type: 'flat', paise: 50_000 },
    wastageBp: 0,
    stock: 15,
  },
  {
    sku: 'SK-999-030',
    name: 'Silver Coin 20 g',
    category: 'coin',
    metal: 'silver',
    purity: 999,
    gross: 20.0,
    makingBp: 500,
    making: { type: 'flat', paise: 10_000 },
    wastageBp: 0,
    stock: 40,
  },
  {
    sku: 'GO-916-031',
    name: 'Nose Pin Floral',
    category: 'other',
    metal: 'gold',
    purity: 916,
    gross: 0.62,
    makingBp: 2500,
    making: { type: 'flat', paise: 60_000 },
    otherCharge: 45,
    stock: 10,
  },
];

/** Value addition by kind of piece: intricate work loses more metal in the making. */
const WASTAGE_BP: Record<Item['category'], number> = {
  ring: 800,
  necklace: 1_200,
  earring: 1_000,
  bangle: 1_000,
  bracelet: 900,
  chain: 800,
  pendant: 900,
  anklet: 600,
  coin: 0,
  other: 1_000,
};

const CUSTOMERS = [
  {
    id: 'demo-cust-01',
    name: 'Priya Sharma',
    phone: '+919820012345',
    email: 'priya.sharma@example.com',
    address: 'Andheri West, Mumbai',
    // Made up, in PAN's format: a buyer of a large piece (Rule 114B) has one on file.
    pan: 'ABKPS4821M',
    limit: 50_000_00,
  },
  {
    id: 'demo-cust-02',
    name: 'Rahul Mehta',
    phone: '+919811098765',
    email: null,
    address: 'Karol Bagh, New Delhi',
    limit: 25_000_00,
  },
  {
    id: 'demo-cust-03',
    name: 'Lakshmi Narayanan',
    phone: '+919444055501',
    email: 'lakshmi.n@example.com',
    address: 'T. Nagar, Chennai',
    limit: 1_00_000_00,
  },
  { id: 'demo-cust-04', name: 'Imran Qureshi', phone: '+919900112233', email: null, address: null, limit: 0 },
  {
    id: 'demo-cust-05',
    name: 'Anjali Deshpande',
    phone: '+919765432100',
    email: 'anjali.d@example.com',
    address: 'Kothrud, Pune',
    limit: 15_000_00,
  },
];

/** Paise per gram of the given metal and purity today. */
function rateFor(metal: Item['metal'], purity: number): number {
  if (metal === 'platinum') return Math.round((PLATINUM_950 * purity) / 950);
  const exact = TODAYS_RATES.find((r) => r.metal === metal && r.purity === purity);
  if (exact) return exact.rate;
  const fine = TODAYS_RATES.find((r) => r.metal === metal && r.purity === 999)!;
  return Math.round((fine.rate * purity) / 1000);
}

/** Metal value + making charge (basis points of it) + stones, rounded to whole rupees. */
function basePrice(item: Item, netMg: number): number {
  const metal = (netMg * rateFor(item.metal, item.purity)) / 1000;
  const making = (metal * item.makingBp) / 10_000;
  return Math.round((metal + making) / 100 + (item.stoneValue ?? 0)) * 100;
}

/** A small deterministic day-to-day wobble (±0.6 %) so the history looks like a market. */
function wobble(seed: string): number {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (((h >>> 0) % 1201) - 600) / 100_000;
}

/**
 * Demo gold products kept as tagged pieces, one per unit of their stock, each with its own weight
 * (within ±2 % of the design's) and its BIS HUID; the kundan choker is HUID-exempt instead.
 */
const PIECED: { sku: string; huidExempt?: string; stoneKind?: string }[] = [
  { sku: 'GR-916-001' },
  { sku: 'GR-916-002' },
  { sku: 'GR-750-003' },
  { sku: 'GN-916-007' },
  { sku: 'GN-916-008', huidExempt: 'kundan', stoneKind: 'polki' },
];

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** The product's pricing columns: by weight for gold and silver, the fixed base_price for platinum. */
function pricingOf(item: Item, stoneMg: number) {
  if (item.metal === 'platinum') return { pricingMode: 'fixed' as const };
  const stones: StoneLine[] = item.stones
    ? [
        {
          kind: item.stones.kind,
          count: item.stones.count,
          weight_mg: Math.round(stoneMg / item.stones.count),
          value_paise: (item.stoneValue ?? 0) * 100,
        },
      ]
    : [];
  return {
    pricingMode: 'weight' as const,
    wastageBp: item.wastageBp ?? WASTAGE_BP[item.category],
    makingChargeType: item.making?.type ?? ('percent' as const),
    makingChargePaise: !item.making ? 0 : item.making.type === 'flat' ? item.making.paise : item.making.paisePerGram,
    stones,
    otherChargePaise: (item.otherCharge ?? 0) * 100,
  };
}

/** A statement of the seed file: the query as text (wrangler binds no parameters). */
const statement = (query: Parameters<typeof inlined>[0]) => `${inlined(query)};`;

/** Rows that go in once: a second run (and a row someone has since changed) leaves them as they are. */
const insertNew = <T extends SQLiteTable>(table: T, rows: T['$inferInsert'][]) =>
  statement(db.insert(table).values(rows).onConflictDoNothing());

/** As insertNew, only while `condition` holds; each row names every column (rowsWhere). */
const insertNewWhere = <T extends SQLiteTable>(table: T, rows: EveryColumn<T>[], condition: SQL) =>
  statement(
    db
      .insert(table)
      .select(rowsWhere(table, rows, condition))
      .onConflictDoNothing(),
  );

/** Whether a row with this id is in `table` (for NOT EXISTS / EXISTS guards). */
const rowWith = (table: typeof sales | typeof oldGoldPurchases | typeof saleItems, id: string, also?: SQL) =>
  db
    .select({ one: sql`1` })
    .from(table)
    .where(and(eq(table.id, id), also));

/**
 * A document's number in the shop's series, as the API's batch takes it (src/shop/documents/series.ts):
 * `bump` takes the next number only while the document `isNew` (the row reads it back with numberOf and
 * serialOf), and `lock` fixes the prefix for the financial year once the document is `issued`. So a
 * second run neither renumbers nor skips.
 */
function seriesSql(key: ReturnType<typeof seriesOn>['key'], lockedUntil: string, isNew: SQL) {
  return {
    bump: statement(
      db
        .insert(documentSeries)
        .select(rowsWhere(documentSeries, [{ ...key, lastSerial: 1, lastNumber: numberSql(key, sql`1`) }], isNew))
        .onConflictDoUpdate({
          target: [documentSeries.shopId, documentSeries.series, documentSeries.financialYear],
          set: {
            lastSerial: sql`${documentSeries.lastSerial} + 1`,
            lastNumber: numberSql(key, sql`(${documentSeries.lastSerial} + 1)`),
          },
        }),
    ),
    lock: (issued: SQL) =>
      statement(
        db
          .update(shops)
          .set({ invoicePrefixLockedUntil: lockedUntil })
          .where(
            and(
              eq(shops.id, SHOP_ID),
              or(isNull(shops.invoicePrefixLockedUntil), lt(shops.invoicePrefixLockedUntil, lockedUntil)),
              issued,
            ),
          ),
      ),
  };
}

/**
 * One sale of today with old gold in exchange: Priya Sharma buys the 20-inch rope chain and hands in
 * an old 22K bangle, paying the rest by UPI. Priced by the engine exactly as POST /sales prices it
 * (today's 916 sell rate, the chain's wastage, per-gram making and hallmarking; the bangle at today's
 * 916 buy rate less 2 %), numbered in the shop's tax invoice series, with its line, old gold, tender
 * and party snapshots.
 */
function exchangeSaleSql(now: Date, ts: string, products: { id: string; sku: string }[]): string[] {
  const SALE_ID = 'demo-sale-exchange-01';
  const item = ITEMS.find((i) => i.sku === 'GC-916-021')!;
  const productId = products.find((p) => p.sku === item.sku)!.id;
  const buyer = CUSTOMERS.find((c) => c.id === 'demo-cust-01')!;
  const day = shopDay(now, 'Asia/Kolkata');
  const { key, lockedUntil } = seriesOn(SHOP_ID, 'tax_invoice', day, 'Asia/Kolkata');
  const sell = TODAYS_RATES.find((r) => r.metal === 'gold' && r.purity === 916)!.rate;
  const net = Math.round(item.gross * 1000);
  const pricing = pricingOf(item, 0);
  const priced = quote({
    shop: { gstin: DEMO_PROFILE.gstin, gst_scheme: 'regular', state_code: DEMO_PROFILE.state_code, round_off: true },
    items: [
      {
        product_id: productId,
        piece_id: null,
        quantity: 1,
        description: item.name,
        hsn_code: '7113',
        huid: null,
        metal: item.metal,
        purity: item.purity,
        gross_weight_mg: net,
        net_weight_mg: net,
        stone_weight_mg: 0,
        gst_rate_bp: 300,
        pricing_mode: 'weight',
        rate: { rate_per_gram: sell, rate_date: day.date, rate_source: 'exact' },
        wastage_bp: pricing.wastageBp ?? 0,
        making_charge_type: 'per_gram',
        making_charge_bp: item.makingBp,
        making_charge_paise: pricing.makingChargePaise ?? 0,
        stones: [],
        other_charge_paise: pricing.otherChargePaise ?? 0,
      },
    ],
    discount: 0,
    exchange: [
      {
        metal: 'gold',
        purity: 916,
        gross_weight_mg: 6_100,
        less_weight_mg: 150,
        deduction_bp: 200,
        rate: { rate_per_gram: buyRate(sell), rate_date: day.date, rate_source: 'exact' },
      },
    ],
  });
  if (!priced.ok) throw new Error(priced.refusal.message);
  const q0 = priced.value;
  const line = q0.items[0]!;
  const due = q0.total - q0.exchange_total;
  const buyerSnapshot: BuyerSnapshot = {
    customer_id: buyer.id,
    name: buyer.name,
    phone: buyer.phone,
    address: buyer.address,
    state_code: DEMO_PROFILE.state_code,
    pan: buyer.pan ?? null,
    form60_ref: null,
    gstin: null,
  };
  const isNew = notExists(rowWith(sales, SALE_ID));
  const numbered = seriesSql(key, lockedUntil, isNew);
  const lineId = `${SALE_ID}-line-1`;
  return [
    numbered.bump,
    insertNewWhere(
      sales,
      [
        {
          id: SALE_ID,
          shopId: SHOP_ID,
          customerId: buyer.id,
          cashierId: DEMO_USERS[2].id,
          subtotal: q0.subtotal,
          discount: 0,
          total: q0.total,
          paymentMethod: 'upi',
          status: 'completed',
          note: 'Old bangle exchanged',
          voidedAt: null,
          voidedBy: null,
          createdAt: ts,
          documentType: 'tax_invoice',
          invoiceNumber: numberOf(key),
          financialYear: key.financialYear,
          invoiceSerial: serialOf(key),
          businessDate: day.date,
          placeOfSupply: q0.place_of_supply,
          taxable: q0.taxable,
          cgst: q0.cgst,
          sgst: q0.sgst,
          igst: q0.igst,
          roundOff: q0.round_off,
          exchangeTotal: q0.exchange_total,
          seller: DEMO_PROFILE,
          buyer: buyerSnapshot,
        },
      ],
      isNew,
    ),
    numbered.lock(exists(rowWith(sales, SALE_ID, eq(sales.financialYear, key.financialYear)))),
    // The chain leaves stock once, when its sale is new.
    statement(
      db
        .update(productsTable)
        .set({ stock: sql`${productsTable.stock} - 1` })
        .where(and(eq(productsTable.id, productId), gt(productsTable.stock, 0), notExists(rowWith(saleItems, lineId)))),
    ),
    insertNew(saleItems, [
      {
        id: lineId,
        shopId: SHOP_ID,
        saleId: SALE_ID,
        productId,
        quantity: line.quantity,
        unitPrice: line.unit_price,
        lineTotal: line.line_total,
        pieceId: null,
        description: line.description,
        hsnCode: line.hsn_code,
        huid: null,
        metal: item.metal,
        purity: line.purity,
        grossWeightMg: line.gross_weight_mg,
        netWeightMg: line.net_weight_mg,
        stoneWeightMg: line.stone_weight_mg,
        ratePerGram: line.rate_per_gram,
        rateDate: line.rate_date,
        rateSource: line.rate_source,
        metalValue: line.metal_value,
        wastage: line.wastage,
        making: line.making,
        stones: line.stones,
        stoneLines: [],
        otherCharge: line.other_charge,
        gross: line.gross,
        discount: line.discount,
        taxable: line.taxable,
        gstRateBp: line.gst_rate_bp,
        cgst: line.cgst,
        sgst: line.sgst,
        igst: line.igst,
      },
    ]),
    insertNew(oldGoldLines, oldGoldRows({ saleId: SALE_ID, purchaseId: null }, `${SALE_ID}-gold`, q0.exchange, ts)),
    insertNew(
      payments,
      tenders({ saleId: SALE_ID, purchaseId: null }, SALE_ID, buyer.id, [{ method: 'upi', amount: due }], day.date, ts),
    ),
  ];
}

/**
 * One old gold purchase voucher of today: Rahul Mehta's broken 22K chain, bought at today's 22K buy
 * rate and paid partly in cash (within the ₹10,000 a day a cashier may pay out), the rest by bank.
 * Priced by the engine and numbered in the shop's purchase series as the API would: the series is
 * bumped only when the voucher is new, so a second run neither renumbers nor skips.
 */
function voucherSql(now: Date, ts: string): string[] {
  const VOUCHER_ID = 'demo-voucher-01';
  const seller = CUSTOMERS.find((c) => c.id === 'demo-cust-02')!;
  const day = shopDay(now, 'Asia/Kolkata');
  const { key, lockedUntil } = seriesOn(SHOP_ID, 'purchase_voucher', day, 'Asia/Kolkata');
  const fy = key.financialYear;
  const sell = TODAYS_RATES.find((r) => r.metal === 'gold' && r.purity === 916)!.rate;
  const priced = priceOldGold(
    [
      {
        metal: 'gold',
        purity: 916,
        gross_weight_mg: 8_540,
        less_weight_mg: 320,
        deduction_bp: 150,
        rate: { rate_per_gram: buyRate(sell), rate_date: isoDate(now), rate_source: 'exact' },
      },
    ],
    'lines',
  );
  if (!priced.ok) throw new Error(priced.refusal.message);
  const { lines, total } = priced.value;
  const cash = 9_000_00;
  const sellerSnapshot: BuyerSnapshot = {
    customer_id: seller.id,
    name: seller.name,
    phone: seller.phone,
    address: seller.address,
    state_code: null,
    pan: null,
    form60_ref: null,
    gstin: null,
  };
  const buyer: SellerSnapshot = DEMO_PROFILE;
  const isNew = notExists(rowWith(oldGoldPurchases, VOUCHER_ID));
  const numbered = seriesSql(key, lockedUntil, isNew);
  return [
    numbered.bump,
    insertNewWhere(
      oldGoldPurchases,
      [
        {
          id: VOUCHER_ID,
          shopId: SHOP_ID,
          voucherNumber: numberOf(key),
          financialYear: fy,
          voucherSerial: serialOf(key),
          businessDate: day.date,
          customerId: seller.id,
          seller: sellerSnapshot,
          buyer,
          total,
          note: 'Broken chain, tested at the counter',
          createdBy: DEMO_USERS[2].id,
          createdAt: ts,
        },
      ],
      isNew,
    ),
    numbered.lock(exists(rowWith(oldGoldPurchases, VOUCHER_ID, eq(oldGoldPurchases.financialYear, fy)))),
    insertNew(oldGoldLines, oldGoldRows({ saleId: null, purchaseId: VOUCHER_ID }, `${VOUCHER_ID}-line`, lines, ts)),
    insertNew(
      payments,
      tenders(
        { saleId: null, purchaseId: VOUCHER_ID },
        VOUCHER_ID,
        seller.id,
        [
          { method: 'cash', amount: cash },
          { method: 'bank', amount: total - cash },
        ],
        day.date,
        ts,
      ),
    ),
  ];
}

/** The old gold lines of a sale's exchange or of a voucher, ids `${prefix}-${n}`. */
function oldGoldRows(
  owner: { saleId: string; purchaseId: null } | { saleId: null; purchaseId: string },
  prefix: string,
  lines: OldGoldLine[],
  ts: string,
) {
  return lines.map((l, i) => oldGoldLineRow(l, { id: `${prefix}-${i + 1}`, shopId: SHOP_ID, ...owner, createdAt: ts }));
}

/** The tenders of a sale, or the payouts of a voucher, ids `${documentId}-payment-${n}`. */
function tenders(
  owner: { saleId: string; purchaseId: null } | { saleId: null; purchaseId: string },
  documentId: string,
  customerId: string,
  paid: Pick<typeof payments.$inferInsert, 'method' | 'amount'>[],
  businessDate: string,
  ts: string,
): (typeof payments.$inferInsert)[] {
  return paid.map((p, i) => ({
    id: `${documentId}-payment-${i + 1}`,
    shopId: SHOP_ID,
    ...owner,
    customerId,
    method: p.method,
    amount: p.amount,
    businessDate,
    createdAt: ts,
  }));
}

async function buildSql(now: Date): Promise<string> {
  const ts = now.toISOString();
  const owner = DEMO_USERS[0].id;
  const users = await Promise.all(
    DEMO_USERS.map(async (u) => ({
      id: u.id,
      shopId: SHOP_ID,
      name: u.name,
      email: u.email,
      passwordHash: await hashPassword(u.password),
      role: u.role,
      active: true,
      createdAt: ts,
      updatedAt: ts,
    })),
  );

  const products = ITEMS.map((item, i) => {
    const gross = Math.round(item.gross * 1000);
    const stone = Math.round((item.stone ?? 0) * 1000);
    const net = gross - stone;
    return {
      id: `demo-prod-${String(i + 1).padStart(2, '0')}`,
      shopId: SHOP_ID,
      sku: item.sku,
      name: item.name,
      description: item.description ?? null,
      category: item.category,
      metal: item.metal,
      purity: item.purity,
      grossWeightMg: gross,
      netWeightMg: net,
      stoneWeightMg: stone,
      makingChargeBp: item.makingBp,
      basePrice: basePrice(item, net),
      ...pricingOf(item, stone),
      stock: item.stock,
      active: true,
      createdAt: ts,
      updatedAt: ts,
    };
  });

  const pieces = PIECED.flatMap(({ sku, huidExempt, stoneKind = 'diamond' }, k) => {
    const product = products.find((p) => p.sku === sku)!;
    const item = ITEMS.find((i) => i.sku === sku)!;
    const stones = item.stoneValue
      ? [{ kind: stoneKind, count: 1, weight_mg: product.stoneWeightMg, value_paise: item.stoneValue * 100 }]
      : [];
    return Array.from({ length: product.stock }, (_, n) => {
      const label = `${String(k + 1).padStart(2, '0')}${String(n + 1).padStart(2, '0')}`;
      const grossMg = Math.round(product.grossWeightMg * (1 + (wobble(`${sku}${n}`) * 10) / 3));
      return {
        id: `demo-piece-${label}`,
        shopId: SHOP_ID,
        productId: product.id,
        tag: `DEMO${label}`,
        // Made-up HUIDs of the real format: six characters A–Z 0–9.
        huid: huidExempt ? null : `DJ${label}`,
        huidExempt: huidExempt ?? null,
        purity: null,
        grossWeightMg: grossMg,
        netWeightMg: grossMg - product.stoneWeightMg,
        stoneWeightMg: product.stoneWeightMg,
        stones,
        status: 'in_stock' as const,
        saleId: null,
        createdAt: ts,
        updatedAt: ts,
      };
    });
  });

  const customers = CUSTOMERS.map((c) => ({
    id: c.id,
    shopId: SHOP_ID,
    name: c.name,
    phone: c.phone,
    email: c.email,
    address: c.address,
    pan: 'pan' in c ? c.pan : null,
    creditLimit: c.limit,
    khataBalance: 0,
    deletedAt: null,
    createdAt: ts,
    updatedAt: ts,
  }));

  const rates: (typeof metalRates.$inferInsert)[] = [];
  for (let back = RATE_DAYS - 1; back >= 0; back--) {
    const date = isoDate(new Date(now.getTime() - back * 86_400_000));
    for (const r of TODAYS_RATES) {
      // A gentle upward drift into today, plus the daily wobble; today is exactly TODAYS_RATES.
      const factor = back === 0 ? 1 : 1 - back * 0.0012 + wobble(`${r.metal}${r.purity}${date}`);
      const sell = Math.round(r.rate * factor);
      const row = {
        shopId: SHOP_ID,
        metal: r.metal,
        purity: r.purity,
        effectiveDate: date,
        createdBy: owner,
        createdAt: ts,
        updatedAt: ts,
      };
      rates.push(
        { id: `demo-rate-${r.metal}-${r.purity}-${date}`, ...row, kind: 'sell', ratePerGram: sell },
        {
          id: `demo-rate-buy-${r.metal}-${r.purity}-${date}`,
          ...row,
          kind: 'buy',
          ratePerGram: buyRate(sell),
        },
      );
    }
  }

  return [
    insertNew(shops, [
      {
        id: SHOP_ID,
        slug: 'demo',
        name: 'Demo Jewellers',
        status: 'active',
        catalogVersion: 0,
        ...PROFILE_COLUMNS,
        createdAt: ts,
        updatedAt: ts,
      },
    ]),
    // A demo shop seeded before shops had a profile gets it once; one its owner has edited is left alone.
    statement(
      db
        .update(shops)
        .set(PROFILE_COLUMNS)
        .where(
          and(
            eq(shops.id, SHOP_ID),
            isNull(shops.legalName),
            isNull(shops.gstin),
            isNull(shops.address),
            isNull(shops.stateCode),
          ),
        ),
    ),
    insertNew(usersTable, users),
    insertNew(productsTable, products),
    // A product's demo pieces go in only while it has no pieces of its own: a database migrated from
    // before pieces already turned its stock into pieces (migration 0007), which would count twice.
    ...PIECED.map(({ sku }) => {
      const product = products.find((p) => p.sku === sku)!;
      const ownPieces = db
        .select({ one: sql`1` })
        .from(piecesTable)
        .where(and(eq(piecesTable.productId, product.id), notLike(piecesTable.id, 'demo-piece-%')));
      return insertNewWhere(
        piecesTable,
        pieces.filter((p) => p.productId === product.id),
        notExists(ownPieces),
      );
    }),
    // New products change the storefront, whose cache key is the catalog version (see storefront).
    statement(
      db
        .update(shops)
        .set({ catalogVersion: sql`${shops.catalogVersion} + 1` })
        .where(and(eq(shops.id, SHOP_ID), sql`changes() > 0`)),
    ),
    insertNew(customersTable, customers),
    ...customers
      .filter((c) => c.pan)
      .map((c) =>
        statement(
          db
            .update(customersTable)
            .set({ pan: c.pan })
            .where(
              and(
                eq(customersTable.id, c.id),
                isNull(customersTable.pan),
                isNull(customersTable.form60Ref),
                eq(customersTable.updatedAt, customersTable.createdAt),
              ),
            ),
        ),
      ),
    // Products seeded before pricing by weight get it once, unless someone has changed them since.
    ...products.flatMap((p, i) =>
      p.pricingMode === 'weight'
        ? [
            statement(
              db
                .update(productsTable)
                .set(pricingOf(ITEMS[i]!, p.stoneWeightMg))
                .where(
                  and(
                    eq(productsTable.id, p.id),
                    eq(productsTable.pricingMode, 'fixed'),
                    eq(productsTable.updatedAt, productsTable.createdAt),
                  ),
                ),
            ),
          ]
        : [],
    ),
    insertNew(metalRates, rates),
    ...voucherSql(now, ts),
    ...exchangeSaleSql(now, ts, products),
    '',
  ].join('\n');
}

function parseArgs(argv: string[]): { persistTo?: string } {
  const at = argv.indexOf('--persist-to');
  if (at === -1) return {};
  const dir = argv[at + 1];
  if (!dir) throw new Error('--persist-to needs a directory');
  return { persistTo: dir };
}

async function main() {
  const { persistTo } = parseArgs(process.argv.slice(2));
  const sql = await buildSql(new Date());
  const dir = mkdtempSync(path.join(tmpdir(), 'tijori-seed-'));
  const file = path.join(dir, 'seed.sql');
  writeFileSync(file, sql);
  try {
    d1File({ remote: false, persistTo }, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
  console.log(`\nSeeded "Demo Jewellers" (slug demo): ${ITEMS.length} products, ${CUSTOMERS.length} customers,`);
  console.log(`tagged pieces with HUIDs of ${PIECED.map((p) => p.sku).join(', ')},`);
  console.log(`${RATE_DAYS} days of gold (999, 916, 750) and silver (999, 925) sell and buy rates ending today,`);
  console.log('a sale with old gold in exchange and a purchase voucher for old gold bought today.');
  console.log('Demo sign-ins (local development only; a password changed since is kept):');
  for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(8)} ${u.email.padEnd(width)}  ${u.password}`);
  console.log('API: http://localhost:8787  (reference: http://localhost:8787/docs)\n');
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
