// `npm run model:train -- --from-d1` on a local D1 state of its own (a temp --persist-to, migrated
// like any other): sale lines inserted with `wrangler d1 execute`, the trainer run as a user runs it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shippedPriceVersions } from '../../scripts/lib/price-models';
import { inlined, offline } from '../../scripts/lib/sql';
import { d1File, wrangler } from '../../scripts/lib/wrangler';
import { MIN_SALE_LINES } from '../../scripts/model/shop-sales';
import { products, saleItems, sales as salesTable, shops, users } from '../../src/db/schema';
import { type Json, runScript } from './helpers';

const ROOT = path.resolve(import.meta.dirname, '../..');

let state: string;
let out: string;
const target = () => ({ remote: false as const, persistTo: state });

const train = () =>
  runScript('scripts/model/train.ts', ['--from-d1', '--persist-to', state, '--out', out, '--fixtures', out]);

/** Runs the statements through `wrangler d1 execute --file` on the test's state. */
function execute(statements: Parameters<typeof inlined>[0][]) {
  const file = path.join(state, 'insert.sql');
  writeFileSync(file, `${statements.map(inlined).join(';\n')};\n`);
  d1File(target(), file);
}

const SHOP = 'shop-model-train';
const CASHIER = 'user-model-train';
const CATEGORIES = ['ring', 'chain', 'bangle', 'earring', 'necklace'] as const;
const RATE_916 = 700_000;
let serial = 0;

/**
 * `n` lines, one per sale, on consecutive days from `firstDay`, priced as the engine prices a weight
 * line (metal value, making as a percent, 8% wastage, GST 3%) with a margin by category. `kind`
 * makes lines the trainer must skip: a voided sale, a sale from before invoices (no document
 * type), and a fixed-price line (no rate or metal value).
 */
function sales(n: number, firstDay: string, kind: 'priced' | 'voided' | 'pre_invoice' | 'fixed' = 'priced') {
  const sale: (typeof salesTable.$inferInsert)[] = [];
  const items: (typeof saleItems.$inferInsert)[] = [];
  for (let i = 0; i < n; i++) {
    const k = serial++;
    const category = CATEGORIES[k % CATEGORIES.length]!;
    const day = new Date(Date.parse(firstDay) + i * 86_400_000).toISOString().slice(0, 10);
    const quantity = 1 + (k % 2);
    const net = 2_000 + ((k * 7_919) % 40_000);
    const stone = k % 3 === 0 ? 200 + (k % 500) : 0;
    const bp = 800 + ((k * 131) % 1_200);
    const metalValue = Math.round((net * RATE_916) / 1000);
    const making = Math.round((metalValue * bp) / 10_000);
    const wastage = Math.round(metalValue * 0.08);
    const stones = stone * 900;
    const unitGross = Math.round((metalValue + making + wastage + stones) * (1 + 0.02 * (k % CATEGORIES.length)));
    const gross = quantity * unitGross;
    const gst = Math.round(gross * 0.015);
    const lineTotal = gross + 2 * gst;
    const fixed = kind === 'fixed';
    const saleId = `sale-${k}`;
    sale.push({
      id: saleId,
      shopId: SHOP,
      cashierId: CASHIER,
      subtotal: gross,
      total: lineTotal,
      paymentMethod: 'cash',
      status: kind === 'voided' ? 'voided' : 'completed',
      createdAt: `${day}T10:00:00.000Z`,
      businessDate: day,
      documentType: kind === 'pre_invoice' ? null : 'tax_invoice',
    });
    items.push({
      id: `line-${k}`,
      shopId: SHOP,
      saleId,
      productId: `product-${category}`,
      quantity,
      unitPrice: unitGross,
      lineTotal,
      metal: 'gold',
      purity: 916,
      grossWeightMg: net + stone,
      netWeightMg: net,
      stoneWeightMg: stone,
      ratePerGram: fixed ? null : RATE_916,
      metalValue: fixed ? null : quantity * metalValue,
      wastage: fixed ? null : quantity * wastage,
      making: fixed ? null : quantity * making,
      stones: fixed ? null : quantity * stones,
      gross,
      taxable: gross,
      gstRateBp: 300,
      cgst: gst,
      sgst: gst,
    });
  }
  return [offline.insert(salesTable).values(sale), offline.insert(saleItems).values(items)];
}

beforeAll(() => {
  state = mkdtempSync(path.join(tmpdir(), 'tijori-train-d1-'));
  out = mkdtempSync(path.join(tmpdir(), 'tijori-train-out-'));
  wrangler(['d1', 'migrations', 'apply', 'DB'], target());
  const now = '2026-01-01T00:00:00.000Z';
  execute([
    offline
      .insert(shops)
      .values({ id: SHOP, slug: SHOP, name: 'Model Train Jewellers', createdAt: now, updatedAt: now }),
    offline.insert(users).values({
      id: CASHIER,
      shopId: SHOP,
      name: 'Cashier',
      email: 'cashier@model-train.example',
      passwordHash: 'x',
      role: 'cashier',
      createdAt: now,
      updatedAt: now,
    }),
    offline.insert(products).values(
      CATEGORIES.map((category) => ({
        id: `product-${category}`,
        shopId: SHOP,
        sku: category,
        name: category,
        category,
        metal: 'gold' as const,
        purity: 916,
        grossWeightMg: 10_000,
        netWeightMg: 10_000,
        basePrice: 1,
        pricingMode: 'weight' as const,
        createdAt: now,
        updatedAt: now,
      })),
    ),
  ]);
});

afterAll(() => {
  rmSync(state, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('model:train --from-d1', () => {
  it('with fewer engine-priced lines than the minimum: one line saying how many it found, exit 1, nothing written', async () => {
    const counted = MIN_SALE_LINES - 50;
    execute([
      ...sales(counted, '2026-02-01'),
      // Lines it must not count: 50 of each would reach the minimum.
      ...sales(50, '2026-02-01', 'voided'),
      ...sales(50, '2026-02-01', 'pre_invoice'),
      ...sales(50, '2026-02-01', 'fixed'),
    ]);
    const r = await train();
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `tijori-price: found ${counted} engine-priced sale lines in completed sales in D1 local (${state}); training needs at least ${MIN_SALE_LINES} — nothing written`,
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it('with enough lines: the next price version, and a card saying it learned from those shop sales', async () => {
    // 150 priced lines are in from the refusal; 100 more make 250.
    execute(sales(100, '2026-07-02'));
    const last = new Date(Date.parse('2026-07-02') + 99 * 86_400_000).toISOString().slice(0, 10);
    const r = await train();
    expect(r.code, r.stdout + r.stderr).toBe(0);

    const shipped = shippedPriceVersions();
    const [major, minor] = shipped
      .map((v) => v.split('.').map(Number))
      .sort((a, b) => b[0]! - a[0]! || b[1]! - a[1]!)[0]!;
    const version = `${major}.${minor! + 1}.0`;
    const base = `price-${version}`;
    expect(readdirSync(out).sort()).toEqual([`${base}-parity.json`, `${base}.json`, `${base}.onnx`, `${base}.svg`]);

    const card = JSON.parse(readFileSync(path.join(out, `${base}.json`), 'utf8')) as Json;
    expect(card).toMatchObject({ name: 'tijori-price', version, file: `${base}.onnx` });
    expect(card.data).toBe(
      `shop sales: 250 sale lines of 250 completed sales priced by the engine (1 shop), business dates 2026-02-01 to ${last}, read from D1 local (${state}); real sales, not synthetic`,
    );
    expect(card.training_data).toMatchObject({
      lines: 250,
      sales: 250,
      shops: 1,
      business_dates: { from: '2026-02-01', to: last },
      minimum_lines: MIN_SALE_LINES,
      train_rows: 200,
      holdout_rows: 50,
    });
    expect(card).not.toHaveProperty('generator');
    // The holdout is the latest 50 lines, measured against the counter formula as for the synthetic model.
    expect(card.metrics.holdout.model.mape).toBeLessThan(card.metrics.holdout.baseline_formula.mape);

    // The shipped model's card says plainly that it is synthetic.
    const synthetic = JSON.parse(readFileSync(path.join(ROOT, 'models', 'price-1.0.0.json'), 'utf8')) as Json;
    expect(synthetic.data).toMatch(/^synthetic: .*not real shop data/);
  });
});
