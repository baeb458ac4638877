// A shop that upgrades keeps its data and keeps selling (issue 14 item 3). A database of its own
// (UPGRADE_DB) is migrated as production was: the previous version's migrations (0000–0001), data
// written as that version's code wrote it, then the next version's (0002–0005) and its data, then
// the rest (0006 backfills sales for invoices, 0007 turns weight-priced stock into pieces). The
// old rows are written with SQL in the old shapes, naming only the columns each version had. Then
// the current Worker runs against that database and reads it back through the API.
import { applyD1Migrations, env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/auth/password';
import { PASSWORD, randomIp } from '../fixtures';
import { callJson, type Json } from '../helpers';
import { newKey } from '../shop/sales-fixtures';

const db = env.UPGRADE_DB;
const run = Math.random().toString(36).slice(2, 8);
const id = (name: string) => `up-${run}-${name}`;

/** The migrations up to (not including) the one whose name starts with `before`. */
const migrationsBefore = (before: string) => {
  const at = env.TEST_MIGRATIONS.findIndex((m) => m.name.startsWith(before));
  expect(at).toBeGreaterThan(0);
  return env.TEST_MIGRATIONS.slice(0, at);
};

const insert = (table: string, row: Record<string, unknown>) =>
  db
    .prepare(
      `INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
        .map(() => '?')
        .join(', ')})`,
    )
    .bind(...Object.values(row).map((v) => (typeof v === 'boolean' ? Number(v) : v)));

const all = async <T = Json>(sql: string, ...params: unknown[]) =>
  (
    await db
      .prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;

const SHOP = id('shop');
const OTHER_SHOP = id('shop2');
const OWNER = id('owner');
const CASHIER = id('cashier');
const CUSTOMER = id('customer');
const ownerEmail = `${id('owner')}@example.com`;

/** v1 products (fixed price, the only kind then). */
const BAND = id('band'); // stock 5, sold 2 + 1 → 2
const COIN = id('coin'); // stock 1, sold on khata → 0
/** Products of the version that priced by weight and added pieces (0004, 0005). */
const CHAIN = id('chain'); // weight, stock 4, sold 1 → 3 pieces
const ANKLET = id('anklet'); // weight, silver, stock 2 → 2 pieces
const SOLD_OUT = id('soldout'); // weight, stock 0 → nothing
const RETIRED = id('retired'); // weight, inactive, stock 4 → nothing
const TAGGED = id('tagged'); // weight, stock 2, already has hand-tagged pieces (one sold) → untouched
const OTHER = id('other'); // weight, the other shop, stock 2 → 2 pieces numbered in that shop

const CHAIN_STONES = [{ kind: 'ruby', count: 2, weight_mg: 250, value_paise: 300_000 }];

const product = (over: Json) => ({
  shop_id: SHOP,
  description: null,
  category: 'ring',
  metal: 'gold',
  purity: 916,
  gross_weight_mg: 5_000,
  net_weight_mg: 5_000,
  stone_weight_mg: 0,
  making_charge_bp: 1_000,
  base_price: 1_000_000,
  active: 1,
  updated_at: over.created_at,
  ...over,
});

const sale = (over: Json) => ({
  shop_id: SHOP,
  customer_id: null,
  cashier_id: CASHIER,
  discount: 0,
  status: 'completed',
  note: null,
  ...over,
});

/** What the previous version (0000–0001) wrote: the shop, its users, fixed products, sales, the khata, rates. */
async function writeV1() {
  const hash = await hashPassword(PASSWORD);
  const t0 = '2026-11-20T09:00:00.000Z';
  await db.batch([
    insert('shops', {
      id: SHOP,
      slug: id('shop'),
      name: 'Purani Dukan',
      status: 'active',
      catalog_version: 3,
      created_at: t0,
      updated_at: t0,
    }),
    insert('shops', {
      id: OTHER_SHOP,
      slug: id('shop2'),
      name: 'Doosri Dukan',
      status: 'active',
      catalog_version: 1,
      created_at: t0,
      updated_at: t0,
    }),
    ...[
      [OWNER, ownerEmail, 'owner'],
      [CASHIER, `${id('cashier')}@example.com`, 'cashier'],
    ].map(([uid, email, role]) =>
      insert('users', {
        id: uid,
        shop_id: SHOP,
        name: role,
        email,
        password_hash: hash,
        role,
        active: 1,
        created_at: t0,
        updated_at: t0,
      }),
    ),
    insert('customers', {
      id: CUSTOMER,
      shop_id: SHOP,
      name: 'Sunita Devi',
      phone: '+919800000001',
      credit_limit: 10_000_000,
      khata_balance: 500_000,
      created_at: t0,
      updated_at: t0,
    }),
    insert(
      'products',
      product({
        id: BAND,
        sku: 'PT-BAND',
        name: 'Platinum band',
        metal: 'platinum',
        purity: 950,
        base_price: 1_000_000,
        stock: 2,
        created_at: '2026-11-20T10:00:00.000Z',
      }),
    ),
    insert(
      'products',
      product({
        id: COIN,
        sku: 'GC-10',
        name: 'Gold coin 10 g',
        category: 'coin',
        purity: 999,
        base_price: 500_000,
        stock: 0,
        created_at: '2026-11-20T10:01:00.000Z',
      }),
    ),
    insert('metal_rates', {
      id: id('rate1'),
      shop_id: SHOP,
      metal: 'gold',
      purity: 916,
      rate_per_gram: 700_000,
      effective_date: '2026-11-20',
      created_by: OWNER,
      created_at: t0,
      updated_at: t0,
    }),
    // A cash sale with a discount, sold in the evening in India (19:00 UTC is 00:30 the next day in
    // Mumbai): v1 reported its day as the UTC date, which 0006 keeps.
    insert(
      'sales',
      sale({
        id: id('sale-cash'),
        subtotal: 2_000_000,
        discount: 100_000,
        total: 1_900_000,
        payment_method: 'cash',
        created_at: '2026-11-20T19:00:00.000Z',
      }),
    ),
    insert('sale_items', {
      id: id('line-cash'),
      shop_id: SHOP,
      sale_id: id('sale-cash'),
      product_id: BAND,
      quantity: 2,
      unit_price: 1_000_000,
      line_total: 2_000_000,
    }),
    // A khata sale: the credit is posted in the same batch, as v1 did.
    insert(
      'sales',
      sale({
        id: id('sale-khata'),
        customer_id: CUSTOMER,
        subtotal: 500_000,
        total: 500_000,
        payment_method: 'khata',
        created_at: '2026-11-21T06:00:00.000Z',
      }),
    ),
    insert('sale_items', {
      id: id('line-khata'),
      shop_id: SHOP,
      sale_id: id('sale-khata'),
      product_id: COIN,
      quantity: 1,
      unit_price: 500_000,
      line_total: 500_000,
    }),
    insert('khata_entries', {
      id: id('khata1'),
      shop_id: SHOP,
      customer_id: CUSTOMER,
      type: 'credit',
      amount: 500_000,
      balance_after: 500_000,
      sale_id: id('sale-khata'),
      created_by: CASHIER,
      created_at: '2026-11-21T06:00:00.000Z',
    }),
    // Given away (a full discount): a sale of total 0, so no tender.
    insert(
      'sales',
      sale({
        id: id('sale-free'),
        subtotal: 1_000_000,
        discount: 1_000_000,
        total: 0,
        payment_method: 'cash',
        cashier_id: OWNER,
        created_at: '2026-11-21T07:00:00.000Z',
      }),
    ),
    insert('sale_items', {
      id: id('line-free'),
      shop_id: SHOP,
      sale_id: id('sale-free'),
      product_id: BAND,
      quantity: 1,
      unit_price: 1_000_000,
      line_total: 1_000_000,
    }),
  ]);
}

/** What the next version (0002–0005) wrote: products priced by weight, a hand-tagged piece, a sale of one, buy rates. */
async function writeWeightVersion() {
  const t = '2026-11-25T09:00:00.000Z';
  const weight = {
    pricing_mode: 'weight',
    wastage_bp: 800,
    making_charge_type: 'per_gram',
    making_charge_paise: 45_000,
  };
  await db.batch([
    insert(
      'products',
      product({
        id: CHAIN,
        sku: 'GN-22-01',
        name: 'Chain 22K',
        category: 'chain',
        gross_weight_mg: 10_000,
        net_weight_mg: 9_500,
        stone_weight_mg: 500,
        stones: JSON.stringify(CHAIN_STONES),
        stock: 3,
        ...weight,
        created_at: '2026-11-25T10:00:00.000Z',
      }),
    ),
    insert(
      'products',
      product({
        id: ANKLET,
        sku: 'SA-925',
        name: 'Payal',
        category: 'anklet',
        metal: 'silver',
        purity: 925,
        gross_weight_mg: 40_000,
        net_weight_mg: 40_000,
        stock: 2,
        ...weight,
        created_at: '2026-11-25T11:00:00.000Z',
      }),
    ),
    insert(
      'products',
      product({
        id: SOLD_OUT,
        sku: 'GR-SOLD',
        name: 'Sold out ring',
        stock: 0,
        ...weight,
        created_at: '2026-11-25T12:00:00.000Z',
      }),
    ),
    insert(
      'products',
      product({
        id: RETIRED,
        sku: 'GR-OLD',
        name: 'Retired ring',
        active: 0,
        stock: 4,
        ...weight,
        created_at: '2026-11-25T13:00:00.000Z',
      }),
    ),
    insert(
      'products',
      product({
        id: TAGGED,
        sku: 'GR-TAG',
        name: 'Tagged ring',
        stock: 2,
        ...weight,
        created_at: '2026-11-25T14:00:00.000Z',
      }),
    ),
    // Tagged by hand in the migration's own shape, and sold: the new tags count on after it.
    insert('pieces', {
      id: id('piece-typed'),
      shop_id: SHOP,
      product_id: TAGGED,
      tag: 'MG000002',
      gross_weight_mg: 4_900,
      net_weight_mg: 4_900,
      stone_weight_mg: 0,
      stones: '[]',
      status: 'sold',
      created_at: t,
      updated_at: t,
    }),
    insert('pieces', {
      id: id('piece-tagged'),
      shop_id: SHOP,
      product_id: TAGGED,
      tag: 'RING0001',
      huid: 'AB12CD',
      gross_weight_mg: 5_100,
      net_weight_mg: 5_100,
      stone_weight_mg: 0,
      stones: '[]',
      status: 'in_stock',
      created_at: t,
      updated_at: t,
    }),
    insert(
      'products',
      product({
        id: OTHER,
        shop_id: OTHER_SHOP,
        sku: 'GR-916',
        name: 'Another shop’s ring',
        stock: 2,
        ...weight,
        created_at: '2026-11-25T09:30:00.000Z',
      }),
    ),
    insert('metal_rates', {
      id: id('rate2'),
      shop_id: SHOP,
      metal: 'gold',
      purity: 916,
      kind: 'buy',
      rate_per_gram: 640_000,
      effective_date: '2026-11-25',
      created_by: OWNER,
      created_at: t,
      updated_at: t,
    }),
    // The weight-era code priced a weight product's line with the engine and still sold by count.
    insert(
      'sales',
      sale({
        id: id('sale-chain'),
        subtotal: 8_014_500,
        total: 8_014_500,
        payment_method: 'upi',
        created_at: '2026-11-25T20:30:00.000Z',
      }),
    ),
    insert('sale_items', {
      id: id('line-chain'),
      shop_id: SHOP,
      sale_id: id('sale-chain'),
      product_id: CHAIN,
      quantity: 1,
      unit_price: 8_014_500,
      line_total: 8_014_500,
    }),
  ]);
}

const UNTOUCHED = [BAND, COIN, SOLD_OUT, RETIRED, TAGGED];
let before: { products: Json[]; pieces: Json[] };

beforeAll(async () => {
  await applyD1Migrations(db, migrationsBefore('0002'));
  await writeV1();
  await applyD1Migrations(db, migrationsBefore('0006'));
  await writeWeightVersion();
  before = {
    products: await all(
      `SELECT * FROM products WHERE id IN (${UNTOUCHED.map(() => '?').join(', ')}) ORDER BY id`,
      ...UNTOUCHED,
    ),
    pieces: await all('SELECT * FROM pieces ORDER BY id'),
  };
  await applyD1Migrations(db, env.TEST_MIGRATIONS);
});

/** A request to the current Worker, on the upgraded database. */
const upgraded = (path: string, init: Parameters<typeof callJson>[1] = {}) =>
  callJson(path, { ...init, headers: { 'CF-Connecting-IP': randomIp(), ...init.headers }, env: { DB: db } });

async function signIn() {
  const { res, body } = await upgraded('/api/v1/auth/login', {
    method: 'POST',
    json: { email: ownerEmail, password: PASSWORD },
  });
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.data.tokens.access_token as string;
}

describe('upgrade: stock becomes pieces (0007)', () => {
  it('each active weight-priced product without pieces has one in-stock piece per unit, with its weights and stones', async () => {
    const made = await all<Json>(
      `SELECT product_id, tag, huid, huid_exempt, purity, gross_weight_mg, net_weight_mg, stone_weight_mg, stones, status, sale_id,
              id, created_at, updated_at
         FROM pieces WHERE product_id IN (?, ?, ?) ORDER BY shop_id, tag`,
      CHAIN,
      ANKLET,
      OTHER,
    );
    const piece = (productId: string, tag: string, weights: Json, stones: unknown[] = []) => ({
      product_id: productId,
      tag,
      huid: null,
      huid_exempt: null,
      purity: null,
      ...weights,
      stones: JSON.stringify(stones),
      status: 'in_stock',
      sale_id: null,
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.any(String),
    });
    const chain = { gross_weight_mg: 10_000, net_weight_mg: 9_500, stone_weight_mg: 500 };
    const anklet = { gross_weight_mg: 40_000, net_weight_mg: 40_000, stone_weight_mg: 0 };
    const other = { gross_weight_mg: 5_000, net_weight_mg: 5_000, stone_weight_mg: 0 };
    // Numbered per shop in the order the products were created, after the shop's MG000002 typed by
    // hand; the other shop counts from 1.
    expect(made).toEqual([
      piece(CHAIN, 'MG000003', chain, CHAIN_STONES),
      piece(CHAIN, 'MG000004', chain, CHAIN_STONES),
      piece(CHAIN, 'MG000005', chain, CHAIN_STONES),
      piece(ANKLET, 'MG000006', anklet),
      piece(ANKLET, 'MG000007', anklet),
      piece(OTHER, 'MG000001', other),
      piece(OTHER, 'MG000002', other),
    ]);
    expect(new Set(made.map((p) => p.id)).size).toBe(made.length);

    // Their count moved into the pieces: nothing counts those units twice.
    const stock = await all<{ id: string; stock: number }>(
      'SELECT id, stock FROM products WHERE id IN (?, ?, ?)',
      CHAIN,
      ANKLET,
      OTHER,
    );
    expect(stock.map((p) => p.stock)).toEqual([0, 0, 0]);
  });

  it('fixed-price, sold-out, retired and already tagged products, and the pieces there were, are untouched', async () => {
    expect(
      await all(
        `SELECT * FROM products WHERE id IN (${UNTOUCHED.map(() => '?').join(', ')}) ORDER BY id`,
        ...UNTOUCHED,
      ),
    ).toEqual(before.products);
    const kept = await all(`SELECT * FROM pieces WHERE product_id NOT IN (?, ?, ?) ORDER BY id`, CHAIN, ANKLET, OTHER);
    expect(kept).toEqual(before.pieces);
    expect(kept).toHaveLength(2);
  });
});

describe('upgrade: sales recorded before invoices (0006 backfill)', () => {
  it('keep their day (the UTC date v1 reported), taxable = total, one tender per paid sale, and lines described from their product', async () => {
    const sales = await all<Json>(
      'SELECT id, business_date, taxable, total, cgst, sgst, igst, round_off, invoice_number, document_type FROM sales WHERE shop_id = ? ORDER BY created_at',
      SHOP,
    );
    const none = { cgst: 0, sgst: 0, igst: 0, round_off: 0, invoice_number: null, document_type: null };
    expect(sales).toEqual([
      { id: id('sale-cash'), business_date: '2026-11-20', taxable: 1_900_000, total: 1_900_000, ...none },
      { id: id('sale-khata'), business_date: '2026-11-21', taxable: 500_000, total: 500_000, ...none },
      { id: id('sale-free'), business_date: '2026-11-21', taxable: 0, total: 0, ...none },
      { id: id('sale-chain'), business_date: '2026-11-25', taxable: 8_014_500, total: 8_014_500, ...none },
    ]);

    const payments = await all<Json>(
      'SELECT sale_id, purchase_id, customer_id, method, amount, business_date, created_at FROM payments WHERE shop_id = ? ORDER BY created_at',
      SHOP,
    );
    expect(payments).toEqual([
      {
        sale_id: id('sale-cash'),
        purchase_id: null,
        customer_id: null,
        method: 'cash',
        amount: 1_900_000,
        business_date: '2026-11-20',
        created_at: '2026-11-20T19:00:00.000Z',
      },
      {
        sale_id: id('sale-khata'),
        purchase_id: null,
        customer_id: CUSTOMER,
        method: 'khata',
        amount: 500_000,
        business_date: '2026-11-21',
        created_at: '2026-11-21T06:00:00.000Z',
      },
      {
        sale_id: id('sale-chain'),
        purchase_id: null,
        customer_id: null,
        method: 'upi',
        amount: 8_014_500,
        business_date: '2026-11-25',
        created_at: '2026-11-25T20:30:00.000Z',
      },
    ]);

    const lines = await all<Json>(
      `SELECT id, gross, line_total, description, metal, purity, hsn_code, piece_id, huid, gst_rate_bp, cgst, sgst, igst
         FROM sale_items WHERE shop_id = ? ORDER BY id`,
      SHOP,
    );
    const untaxed = { piece_id: null, huid: null, gst_rate_bp: 0, cgst: 0, sgst: 0, igst: 0 };
    expect(lines).toEqual(
      [
        {
          id: id('line-cash'),
          gross: 2_000_000,
          line_total: 2_000_000,
          description: 'Platinum band',
          metal: 'platinum',
          purity: 950,
          hsn_code: '7113',
          ...untaxed,
        },
        {
          id: id('line-khata'),
          gross: 500_000,
          line_total: 500_000,
          description: 'Gold coin 10 g',
          metal: 'gold',
          purity: 999,
          hsn_code: '7118',
          ...untaxed,
        },
        {
          id: id('line-free'),
          gross: 1_000_000,
          line_total: 1_000_000,
          description: 'Platinum band',
          metal: 'platinum',
          purity: 950,
          hsn_code: '7113',
          ...untaxed,
        },
        {
          id: id('line-chain'),
          gross: 8_014_500,
          line_total: 8_014_500,
          description: 'Chain 22K',
          metal: 'gold',
          purity: 916,
          hsn_code: '7113',
          ...untaxed,
        },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });
});

describe('upgrade: the current Worker on the upgraded database', () => {
  it('signs the old owner in and reports stock: pieces for the converted and tagged products, the count for the rest', async () => {
    const token = await signIn();
    const { res, body } = await upgraded('/api/v1/products?limit=100&include_inactive=true', { token });
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(Object.fromEntries(body.data.map((p: Json) => [p.id, p.stock]))).toEqual({
      [BAND]: 2,
      [COIN]: 0,
      [CHAIN]: 3,
      [ANKLET]: 2,
      [SOLD_OUT]: 0,
      [RETIRED]: 4,
      [TAGGED]: 1,
    });

    const pieces = await upgraded(`/api/v1/pieces?product_id=${CHAIN}`, { token });
    expect(pieces.body.data.map((p: Json) => p.tag).sort()).toEqual(['MG000003', 'MG000004', 'MG000005']);
    const scanned = await upgraded('/api/v1/pieces/by-tag/mg000004', { token });
    expect(scanned.res.status).toBe(200);
    expect(scanned.body.data).toMatchObject({
      product_id: CHAIN,
      gross_weight_mg: 10_000,
      stones: CHAIN_STONES,
      purity: null,
    });

    // The storefront shows the converted products in stock and the sold-out one not.
    const storefront = await upgraded(`/api/v1/storefront/${id('shop')}/products?limit=100`);
    expect(storefront.res.status, JSON.stringify(storefront.body)).toBe(200);
    expect(Object.fromEntries(storefront.body.data.map((p: Json) => [p.id, p.in_stock]))).toEqual({
      [BAND]: true,
      [COIN]: false,
      [CHAIN]: true,
      [ANKLET]: true,
      [SOLD_OUT]: false,
      [TAGGED]: true,
    });
  });

  it('reads the sales history and the khata as they were, and keeps selling', async () => {
    const token = await signIn();
    const list = await upgraded('/api/v1/sales?limit=100', { token });
    expect(list.res.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.data.map((s: Json) => [s.id, s.total, s.payment_method, s.status]).sort()).toEqual(
      [
        [id('sale-cash'), 1_900_000, 'cash', 'completed'],
        [id('sale-khata'), 500_000, 'khata', 'completed'],
        [id('sale-free'), 0, 'cash', 'completed'],
        [id('sale-chain'), 8_014_500, 'upi', 'completed'],
      ].sort(),
    );
    const cash = await upgraded(`/api/v1/sales/${id('sale-cash')}`, { token });
    expect(cash.body.data).toMatchObject({
      subtotal: 2_000_000,
      discount: 100_000,
      total: 1_900_000,
      customer_id: null,
      cashier_id: CASHIER,
      created_at: '2026-11-20T19:00:00.000Z',
      items: [{ product_id: BAND, quantity: 2, unit_price: 1_000_000, line_total: 2_000_000 }],
    });

    const ledger = await upgraded(`/api/v1/customers/${CUSTOMER}/khata`, { token });
    expect(ledger.body.data.balance).toBe(500_000);
    expect(ledger.body.data.entries).toMatchObject([
      { type: 'credit', amount: 500_000, balance_after: 500_000, sale_id: id('sale-khata') },
    ]);

    const sold = await upgraded('/api/v1/sales', {
      method: 'POST',
      token,
      headers: { 'Idempotency-Key': newKey() },
      json: { items: [{ product_id: BAND, quantity: 1 }], payment_method: 'cash' },
    });
    expect(sold.res.status, JSON.stringify(sold.body)).toBe(201);
    expect(sold.body.data.total).toBeGreaterThan(0);
    const band = await upgraded(`/api/v1/products/${BAND}`, { token });
    expect(band.body.data.stock).toBe(1);
  });
});
