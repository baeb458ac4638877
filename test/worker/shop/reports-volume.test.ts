// A busy shop's month (issue 17 item 6): 10,000 tax invoices generated in D1 by SQL (one INSERT …
// SELECT over a recursive counter per table, so the month takes a fraction of a second to write), then
// every report of the month answers, its totals equal the rows' sums, and the queries behind it read
// through shop-first indexes with the data in place. No timing is asserted: the Worker's own
// Server-Timing of each report is logged (`--silent=false`) and recorded in bench/reports.md.
import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { gstinCheckChar } from '../../../src/lib/gstin';
import { Gstr1Schema } from '../../../src/shop/reports/gstr1';
import { dayBookQueries, exportSalesPage, gstr1Queries, salesSummaryQueries } from '../../../src/shop/reports/service';
import type { Session } from '../fixtures';
import { call, type Json, queryPlan } from '../helpers';
import { registeredShop } from './billing-fixtures';
import { addProduct } from './catalog-fixtures';

const SALES = 10_000;
const GSTIN_29 = `29AAPFU0939F1Z${gstinCheckChar('29AAPFU0939F1Z')}`;

let owner: Session;

/** The month's sales: every 50th voided, every 20th to a registered buyer, every 10th inter-State. */
async function generate(shopId: string, cashierId: string, productId: string) {
  const counter = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SALES})`;
  const taxable = '(1000000 + (i % 97) * 10000)';
  const inter = '(i % 10 = 0)';
  const half = `(${taxable} * 150 / 10000)`;
  const day = `date('2026-11-01', '+' || (i % 30) || ' days')`;
  const total = `(${taxable} + 2 * ${half})`;
  await env.DB.batch([
    env.DB.prepare(
      `${counter} INSERT INTO sales (id, shop_id, cashier_id, subtotal, discount, total, payment_method, status,
         voided_at, created_at, document_type, invoice_number, financial_year, invoice_serial, business_date,
         place_of_supply, taxable, cgst, sgst, igst, round_off, exchange_total, seller, buyer)
       SELECT 'vol-' || i, ?1, ?2, ${taxable}, 0, ${total}, 'cash',
         CASE WHEN i % 50 = 0 THEN 'voided' ELSE 'completed' END,
         CASE WHEN i % 50 = 0 THEN ${day} || 'T12:00:00.000Z' END,
         ${day} || 'T06:00:00.000Z', 'tax_invoice', 'INV/2627/' || i, '2627', i, ${day},
         CASE WHEN ${inter} THEN '29' ELSE '27' END, ${taxable},
         CASE WHEN ${inter} THEN 0 ELSE ${half} END, CASE WHEN ${inter} THEN 0 ELSE ${half} END,
         CASE WHEN ${inter} THEN 2 * ${half} ELSE 0 END, 0, 0, '{}',
         json_object('name', 'Buyer ' || i, 'gstin', CASE WHEN i % 20 = 0 THEN ?3 END)
       FROM n`,
    ).bind(shopId, cashierId, GSTIN_29),
    env.DB.prepare(
      `${counter} INSERT INTO sale_items (id, shop_id, sale_id, product_id, quantity, unit_price, line_total,
         description, hsn_code, metal, purity, gross_weight_mg, net_weight_mg, stone_weight_mg, gross, discount,
         taxable, gst_rate_bp, cgst, sgst, igst)
       SELECT 'voli-' || i, ?1, 'vol-' || i, ?2, 1, ${taxable}, ${total}, 'Chain', '7113', 'gold', 916,
         10000 + i % 7, 10000 + i % 7, 0, ${taxable}, 0, ${taxable}, 300,
         CASE WHEN ${inter} THEN 0 ELSE ${half} END, CASE WHEN ${inter} THEN 0 ELSE ${half} END,
         CASE WHEN ${inter} THEN 2 * ${half} ELSE 0 END
       FROM n`,
    ).bind(shopId, productId),
    env.DB.prepare(
      `${counter} INSERT INTO payments (id, shop_id, sale_id, method, amount, business_date, created_at)
       SELECT 'volp-' || i, ?1, 'vol-' || i,
         CASE i % 4 WHEN 0 THEN 'cash' WHEN 1 THEN 'upi' WHEN 2 THEN 'card' ELSE 'bank' END,
         ${total}, ${day}, ${day} || 'T06:00:00.000Z'
       FROM n`,
    ).bind(shopId),
  ]);
}

beforeAll(async () => {
  owner = await registeredShop();
  const chain = await addProduct(owner, { category: 'chain' });
  await generate(owner.shop.id, owner.user.id, chain.id);
});

const one = async (sql: string, ...binds: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...binds)
    .first<{ n: number }>())!.n;

/** A report, and the Worker's own time for it (Server-Timing `total`), logged for bench/reports.md. */
async function report(path: string) {
  const started = performance.now();
  const res = await call(path, { token: owner.access });
  expect(res.status, path).toBe(200);
  const text = await res.text();
  const total = /total;(?:desc="[^"]*";)?dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1];
  // Server-Timing stops at the headers; a streamed export's body is read after, hence the second number.
  const read = Math.round(performance.now() - started);
  console.info(`${path}: Server-Timing total ${total} ms, body read by ${read} ms, ${text.length} bytes`);
  return text;
}

describe('reports: a month of 10,000 sales', () => {
  it('every report of the month answers, with totals equal to the rows', async () => {
    const shop = owner.shop.id;
    expect(await one('SELECT count(*) AS n FROM sales WHERE shop_id = ?', shop)).toBe(SALES);

    const g = JSON.parse(await report('/api/v1/reports/gstr1?period=2026-11')).data;
    expect(Gstr1Schema.safeParse(g).error).toBeUndefined();
    expect(g.doc_issue.doc_det[0].docs[0]).toEqual({
      num: 1,
      from: 'INV/2627/1',
      to: `INV/2627/${SALES}`,
      totnum: SALES,
      cancel: SALES / 50,
      net_issue: SALES - SALES / 50,
    });
    const taxable = await one("SELECT sum(taxable) AS n FROM sales WHERE shop_id = ? AND status = 'completed'", shop);
    const hsn = [...g.hsn.hsn_b2b, ...g.hsn.hsn_b2c];
    expect(hsn.reduce((a: number, h: Json) => a + Math.round(h.txval * 100), 0)).toBe(taxable);

    const summary = JSON.parse(await report('/api/v1/reports/sales?from=2026-11-01&to=2026-11-30&group=day')).data;
    expect(summary.groups).toHaveLength(30);
    expect(summary.totals.completed.total).toBe(
      await one("SELECT sum(total) AS n FROM sales WHERE shop_id = ? AND status = 'completed'", shop),
    );
    expect(summary.totals.voided.invoices).toBe(SALES / 50);

    const book = JSON.parse(await report('/api/v1/reports/day-book?date=2026-11-15')).data;
    expect(book.totals.amount_in).toBe(
      await one("SELECT sum(amount) AS n FROM payments WHERE shop_id = ? AND business_date = '2026-11-15'", shop),
    );

    // The export streams 500 vouchers a page: every completed sale once, in date and id order.
    const csv = await report('/api/v1/reports/export?from=2026-11-01&to=2026-11-30&format=csv');
    const rows = csv.trimEnd().split('\r\n').slice(1);
    expect(rows).toHaveLength(SALES - SALES / 50);
    expect(new Set(rows.map((r) => r.split(',')[2])).size).toBe(rows.length);
    const xml = await report('/api/v1/reports/export?from=2026-11-01&to=2026-11-30&format=tally');
    expect(xml.split('<VOUCHER ').length - 1).toBe(SALES - SALES / 50);

    await report('/api/v1/reports/stock');
  });

  it('with the month in place, the reports still read through the shop-first indexes', async () => {
    const db = drizzle(env.DB);
    const shop = owner.shop.id;
    const uses = (plan: string, index: string) => expect(plan).toMatch(new RegExp(`INDEX ${index} \\(shop_id=\\?`));
    const [invoices, lines] = gstr1Queries(db, shop, '2026-11');
    uses(await queryPlan(invoices), 'sales_shop_business_date_idx');
    uses(await queryPlan(lines), 'sales_shop_business_date_idx');
    for (const group of ['day', 'category', 'cashier', 'metal'] as const) {
      uses(
        await queryPlan(salesSummaryQueries(db, shop, '2026-11-01', '2026-11-30', group).lines),
        'sales_shop_business_date_idx',
      );
    }
    const day = dayBookQueries(db, shop, '2026-11-15', 'Asia/Kolkata');
    uses(await queryPlan(day[0]), 'payments_shop_date_idx');
    uses(await queryPlan(day[2]), 'sales_shop_voided_at_idx');
    const page = await queryPlan(
      exportSalesPage(db, shop, '2026-11-01', '2026-11-30', { date: '2026-11-10', id: 'vol-1' }),
    );
    uses(page, 'sales_shop_business_date_idx');
    // The page sorts only within a day (the index gives the days in order), so LIMIT stops early.
    expect(page).not.toContain('USE TEMP B-TREE FOR ORDER BY');
  });
});
