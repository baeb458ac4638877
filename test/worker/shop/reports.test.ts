// Reports (issue 17): the day book, sales summary, stock, GSTR-1 and the accounting export, through
// the Worker with real D1. One shop's month of business is made through the real API (sales of every
// kind, a void, a khata collection) plus a purchase voucher written as its batch writes it; every
// report's totals are then checked against sums over those rows read straight from D1.
import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from '../../../src/http/openapi';
import { gstinCheckChar } from '../../../src/lib/gstin';
import { PurchaseSchema, StockSchema } from '../../../src/shop/old-gold/schemas';
import { csvCell, csvLine } from '../../../src/shop/reports/csv';
import { Gstr1Schema } from '../../../src/shop/reports/gstr1';
import { DayBookSchema, SalesSummarySchema, StockReportSchema, VoucherSchema } from '../../../src/shop/reports/schemas';
import {
  dayBookQueries,
  exportPurchasesPage,
  exportSalesPage,
  gstr1Queries,
  salesSummaryQueries,
  stockQueries,
} from '../../../src/shop/reports/service';
import { newShop, newStaff, type Session } from '../fixtures';
import { call, callData, callJson, type Json, queryPlan } from '../helpers';
import { addPiece, addRate, chainBody, registeredShop } from './billing-fixtures';
import { addProduct } from './catalog-fixtures';
import { addCustomer, khataEntry, newKey, sold as recordSale, voided } from './sales-fixtures';

/** A Karnataka GSTIN with a valid check character. */
const GSTIN_29 = `29AAPFU0939F1Z${gstinCheckChar('29AAPFU0939F1Z')}`;
/** Everything a CSV cell must survive: a comma, a quote, a line break and a leading `=`. */
const NASTY = '=Sharma, "Raju"\nJr';

interface World {
  owner: Session;
  day: string;
  period: string;
  chain: Awaited<ReturnType<typeof addProduct>>;
  ring: Awaited<ReturnType<typeof addProduct>>;
  sales: Record<string, Awaited<ReturnType<typeof sold>>>;
  purchaseTotal: number;
}
let w: World;
let purchaseNumber: string;

async function sold(s: Session, body: Json) {
  const { res, body: out } = await recordSale(s, body);
  expect(res.status).toBe(201);
  return out.data;
}

/** An old gold purchase voucher through the API, paid in cash; returns it. */
const purchaseVoucher = (owner: Session, lines: Json[], amount: number) =>
  callData(PurchaseSchema, 201, '/api/v1/old-gold/purchases', {
    method: 'POST',
    token: owner.access,
    headers: { 'Idempotency-Key': newKey() },
    json: { seller: { name: NASTY, address: 'Dadar, Mumbai' }, lines, payments: [{ method: 'cash', amount }] },
  });

beforeAll(async () => {
  const owner = await registeredShop();
  await addRate(owner, { rate_per_gram: 600_000 });
  await addRate(owner, { rate_per_gram: 550_000, kind: 'buy' });
  const chain = await addProduct(owner, chainBody());
  const ring = await addProduct(owner, chainBody({ category: 'ring', stock: 0, purity: 750 }));
  const ringPieces = [
    await addPiece(owner, ring.id, { gross_weight_mg: 4_200, net_weight_mg: 4_000, huid: 'AB12C3' }),
    await addPiece(owner, ring.id, { gross_weight_mg: 5_100, net_weight_mg: 5_000, huid: 'AB12C4' }),
    await addPiece(owner, ring.id, { gross_weight_mg: 3_000, net_weight_mg: 3_000, purity: 916, huid: 'AB12C5' }),
  ];
  const trader = await addCustomer(owner, { name: 'Kaveri Traders', gstin: GSTIN_29 });
  const regular = await addCustomer(owner, { name: NASTY, address: '9 Hill Road', credit_limit: 50_000_000 });
  const buyer = { name: NASTY, address: '4 Linking Road, Mumbai', state_code: '27' };
  const line = (quantity = 1) => [{ product_id: chain.id, quantity }];

  const sales: World['sales'] = {
    cash: await sold(owner, { items: line(), buyer, payment_method: 'cash' }),
    b2b: await sold(owner, {
      items: line(),
      customer_id: trader.id,
      payments: [
        { method: 'upi', amount: 4_000_000 },
        { method: 'card', amount: 3_142_500 },
      ],
      customer_pan: 'AAPFU0939F',
    }),
    large: await sold(owner, {
      items: line(2),
      buyer: { ...buyer, state_code: '29' },
      place_of_supply: '29',
      payment_method: 'bank',
      customer_pan: 'AAPFU0939F',
    }),
    interSmall: await sold(owner, {
      items: [{ piece_id: ringPieces[0]!.id }],
      buyer: { ...buyer, state_code: '29' },
      place_of_supply: '29',
      payment_method: 'upi',
    }),
    exchange: await sold(owner, {
      items: line(),
      buyer,
      exchange: [{ metal: 'gold', purity: 916, gross_weight_mg: 5_000, less_weight_mg: 200 }],
      payment_method: 'cash',
    }),
    onKhata: await sold(owner, { items: line(), customer_id: regular.id, payment_method: 'khata' }),
    voided: await sold(owner, {
      items: line(),
      buyer,
      exchange: [{ metal: 'gold', purity: 916, gross_weight_mg: 2_000 }],
      payment_method: 'cash',
    }),
  };
  const v = await voided(owner, sales.voided!.id);
  expect(v.res.status).toBe(200);
  const paid = await khataEntry(owner, regular.id, { type: 'payment', amount: 1_000_000, method: 'cash' });
  expect(paid.res.status).toBe(201);
  const day = sales.cash!.business_date;
  // 8 g of 916 at the 916 buy rate, and 1 g of 999 at that rate scaled to 999.
  const voucher = await purchaseVoucher(
    owner,
    [
      { metal: 'gold', purity: 916, gross_weight_mg: 8_000 },
      { metal: 'gold', purity: 999, gross_weight_mg: 1_000 },
    ],
    4_400_000 + Math.round((550_000 * 999) / 916),
  );
  const purchaseTotal = voucher.total;
  purchaseNumber = voucher.voucher_number;
  w = { owner, day, period: day.slice(0, 7), chain, ring, sales, purchaseTotal };
});

/** GET as the owner unless told; for refusals. */
const get = (path: string, s: Session = w.owner) => callJson(path, { token: s.access });

/** A report's `data`, typed by the route's schema. */
const data = <S extends z.ZodType>(schema: S, path: string, s: Session = w.owner) =>
  callData(schema, 200, path, { token: s.access });

/** One number from D1. */
const one = async (sql: string, ...binds: unknown[]) =>
  (await env.DB.prepare(sql)
    .bind(...binds)
    .first<{ n: number }>())!.n;

describe('reports: day book', () => {
  it('every tender of the day: sales in, the void handed back, the khata collection, the purchase payout; totals are the rows’ sums', async () => {
    const book = await data(DayBookSchema, `/api/v1/reports/day-book?date=${w.day}`);
    const tender = (t: string) => book.tenders.find((x) => x.tender === t);
    const shop = w.owner.shop.id;
    const salePaid = (method: string) =>
      one(
        'SELECT coalesce(sum(amount), 0) AS n FROM payments WHERE shop_id = ? AND business_date = ? AND method = ? AND sale_id IS NOT NULL',
        shop,
        w.day,
        method,
      );
    const voidedPaid = (method: string) =>
      one(
        `SELECT coalesce(sum(p.amount), 0) AS n FROM payments p JOIN sales s ON s.id = p.sale_id
         WHERE s.shop_id = ? AND s.status = 'voided' AND p.method = ?`,
        shop,
        method,
      );
    const khataCash = await one(
      "SELECT sum(amount) AS n FROM khata_entries WHERE shop_id = ? AND type = 'payment' AND sale_id IS NULL AND method = 'cash'",
      shop,
    );
    expect(tender('cash')).toMatchObject({
      amount_in: (await salePaid('cash')) + khataCash,
      amount_out: (await voidedPaid('cash')) + w.purchaseTotal,
    });
    for (const t of ['card', 'upi', 'bank', 'khata']) {
      expect(tender(t), t).toMatchObject({ amount_in: await salePaid(t), amount_out: await voidedPaid(t) });
    }
    const exchanged = await one('SELECT sum(exchange_total) AS n FROM sales WHERE shop_id = ?', shop);
    expect(tender('old_gold')).toMatchObject({
      amount_in: exchanged + w.purchaseTotal,
      amount_out: w.sales.voided!.exchange_total,
    });
    // The tenders' sums are the entries' sums, and the totals the tenders'.
    for (const t of book.tenders) {
      const mine = book.entries.filter((e) => e.tender === t.tender);
      expect(t.amount_in).toBe(mine.reduce((a, e) => a + e.amount_in, 0));
      expect(t.amount_out).toBe(mine.reduce((a, e) => a + e.amount_out, 0));
      expect(t.net).toBe(t.amount_in - t.amount_out);
    }
    expect(book.totals.amount_in).toBe(book.tenders.reduce((a, t) => a + t.amount_in, 0));
    expect(book.totals.net).toBe(book.totals.amount_in - book.totals.amount_out);
    // The voided sale shows twice: sold (in) and handed back (out), under its number.
    const voidedRows = book.entries.filter((e) => e.document === w.sales.voided!.invoice_number);
    expect(voidedRows.map((e) => [e.kind, e.tender, e.amount_in, e.amount_out])).toEqual([
      ['sale', 'cash', w.sales.voided!.payments[0]?.amount, 0],
      ['sale', 'old_gold', w.sales.voided!.exchange_total, 0],
      ['void', 'cash', 0, w.sales.voided!.payments[0]?.amount],
      ['void', 'old_gold', 0, w.sales.voided!.exchange_total],
    ]);
    expect(book.entries.filter((e) => e.kind === 'khata_payment')).toEqual([
      expect.objectContaining({ tender: 'cash', amount_in: 1_000_000, party: NASTY }),
    ]);
    expect(book.entries.filter((e) => e.kind === 'purchase').map((e) => e.tender)).toEqual(['cash', 'old_gold']);
  });

  it('another day is empty', async () => {
    const book = await data(DayBookSchema, '/api/v1/reports/day-book?date=2020-01-01');
    expect(book.entries).toEqual([]);
    expect(book.totals).toEqual({ amount_in: 0, amount_out: 0, net: 0 });
  });
});

describe('reports: sales summary', () => {
  const sum = (rows: readonly object[], k: string) => rows.reduce<number>((a, r) => a + (r as Json)[k], 0);

  it('totals equal the sales’ and lines’ sums; voids apart; every grouping adds up to the same totals', async () => {
    const shop = w.owner.shop.id;
    const q = (status: string, expr: string, table = 'sales s') =>
      one(`SELECT coalesce(sum(${expr}), 0) AS n FROM ${table} WHERE s.shop_id = ? AND s.status = ?`, shop, status);
    const joined = 'sales s JOIN sale_items i ON i.sale_id = s.id';
    for (const group of ['day', 'category', 'cashier', 'metal']) {
      const r = await data(SalesSummarySchema, `/api/v1/reports/sales?from=${w.day}&to=${w.day}&group=${group}`);
      for (const status of ['completed', 'voided'] as const) {
        const t = r.totals[status];
        expect(t.total, `${group} ${status}`).toBe(await q(status, 's.total'));
        expect(t.round_off).toBe(await q(status, 's.round_off'));
        expect(t.taxable).toBe(await q(status, 'i.taxable', joined));
        expect(t.cgst + t.sgst + t.igst).toBe(await q(status, 'i.cgst + i.sgst + i.igst', joined));
        expect(t.pieces).toBe(await q(status, 'i.quantity', joined));
        expect(t.net_weight_mg).toBe(await q(status, 'i.net_weight_mg', joined));
        expect(t.invoices).toBe(
          await one('SELECT count(*) AS n FROM sales WHERE shop_id = ? AND status = ?', shop, status),
        );
        const rows = status === 'completed' ? r.groups : r.voided;
        for (const k of ['taxable', 'cgst', 'sgst', 'igst', 'line_total', 'pieces', 'net_weight_mg'] as const) {
          expect(sum(rows, k), `${group} ${status} ${k}`).toBe(t[k]);
        }
      }
    }
    expect(
      (await data(SalesSummarySchema, `/api/v1/reports/sales?from=${w.day}&to=${w.day}`)).totals.voided.invoices,
    ).toBe(1);
    const byMetal = await data(SalesSummarySchema, `/api/v1/reports/sales?from=${w.day}&to=${w.day}&group=metal`);
    expect(byMetal.groups.map((g) => g.key)).toEqual(['gold']);
    expect(byMetal.groups[0]?.total).toBeNull();
    const byCategory = await data(SalesSummarySchema, `/api/v1/reports/sales?from=${w.day}&to=${w.day}&group=category`);
    expect(byCategory.groups.map((g) => [g.key, g.invoices])).toEqual([
      ['chain', 5],
      ['ring', 1],
    ]);
    const byCashier = await data(SalesSummarySchema, `/api/v1/reports/sales?from=${w.day}&to=${w.day}&group=cashier`);
    expect(byCashier.groups).toEqual([
      expect.objectContaining({ key: w.owner.user.id, label: 'Owner', invoices: 7 - 1 }),
    ]);
  });

  it('from after to is a 400 naming it', async () => {
    const { res, body } = await get('/api/v1/reports/sales?from=2026-02-01&to=2026-01-01');
    expect(res.status).toBe(400);
    expect(body.error.details).toEqual([{ in: 'query', path: 'from', message: 'from is after to' }]);
  });
});

describe('reports: stock', () => {
  it('pieces and counted units by metal and purity; fine weight exact; valued at today’s sell rate; old gold held', async () => {
    const s = await data(StockReportSchema, '/api/v1/reports/stock');
    const g916 = s.groups.find((g) => g.metal === 'gold' && g.purity === 916)!;
    const g750 = s.groups.find((g) => g.metal === 'gold' && g.purity === 750)!;
    const chainStock = await one('SELECT stock AS n FROM products WHERE id = ?', w.chain.id);
    expect(chainStock).toBe(50 - 1 - 1 - 2 - 1 - 1); // the void restored its unit
    // 916: the counted chains and the 916 ring piece; 750: the ring piece still in stock.
    expect(g916).toMatchObject({
      pieces: 1,
      units: chainStock,
      net_weight_mg: chainStock * 10_000 + 3_000,
      gross_weight_mg: chainStock * 10_000 + 3_000,
      rate_per_gram: 600_000,
      rate_source: 'exact',
    });
    expect(g916.fine_weight_mg).toBe(Math.round((g916.net_weight_mg * 916) / 1000));
    expect(g916.value).toBe((g916.net_weight_mg * 600_000) / 1000);
    // 750 has no rate of its own: it is scaled from the highest purity, as a sale would price it.
    expect(g750).toMatchObject({ pieces: 1, units: 0, net_weight_mg: 5_000, gross_weight_mg: 5_100 });
    expect(g750.rate_per_gram).toBe(Math.round((600_000 * 750) / 916));
    expect(g750.rate_source).toBe('scaled_from_916');
    expect(g750.fine_weight_mg).toBe(3_750);
    const metal = s.metals.find((m) => m.metal === 'gold')!;
    expect(metal.fine_weight_mg).toBe(g916.fine_weight_mg + g750.fine_weight_mg);
    expect(metal.value).toBe(g916.value! + g750.value!);
    // Old gold held is /old-gold/stock's answer: the exchange that stood (the voided one's went back)
    // and the voucher's two lines.
    const exchanged = w.sales.exchange!.exchange[0]!.net_weight_mg;
    const gold = s.old_gold.find((m) => m.metal === 'gold');
    expect(gold).toEqual({
      metal: 'gold',
      net_weight_mg: 9_000 + exchanged,
      fine_weight_mg: 999 + Math.round(((8_000 + exchanged) * 916) / 1000),
      purchased: { net_weight_mg: 9_000, fine_weight_mg: 999 + 7_328 },
      exchanged: { net_weight_mg: exchanged, fine_weight_mg: Math.round((exchanged * 916) / 1000) },
    });
    expect(s.old_gold).toEqual(await data(StockSchema, '/api/v1/old-gold/stock'));
  });
});

describe('reports: GSTR-1', () => {
  it('the month in the portal’s format: valid against the schema, every section summing to the invoices', async () => {
    const g = await data(Gstr1Schema, `/api/v1/reports/gstr1?period=${w.period}`);
    expect(Gstr1Schema.safeParse(g).error).toBeUndefined();
    expect(g.fp).toBe(`${w.period.slice(5)}${w.period.slice(0, 4)}`);
    const s = w.sales;
    // B2B by the buyer's GSTIN; B2CL the inter-State invoice over ₹1,00,000; the small one in B2CS.
    expect(g.b2b).toEqual([
      {
        ctin: GSTIN_29,
        inv: [expect.objectContaining({ inum: s.b2b!.invoice_number, val: s.b2b!.total / 100, pos: '27', rchrg: 'N' })],
      },
    ]);
    expect(g.b2cl).toEqual([
      {
        pos: '29',
        inv: [
          {
            inum: s.large!.invoice_number,
            idt: `${w.day.slice(8)}-${w.day.slice(5, 7)}-${w.day.slice(0, 4)}`,
            val: s.large!.total / 100,
            itms: [{ num: 1, itm_det: { rt: 3, txval: s.large!.taxable / 100, iamt: s.large!.igst / 100, csamt: 0 } }],
          },
        ],
      },
    ]);
    const intra = ['cash', 'exchange', 'onKhata'].map((k) => s[k]!);
    expect(g.b2cs).toEqual([
      {
        sply_ty: 'INTRA',
        pos: '27',
        typ: 'OE',
        rt: 3,
        txval: intra.reduce((a, x) => a + x.taxable, 0) / 100,
        iamt: 0,
        camt: intra.reduce((a, x) => a + x.cgst, 0) / 100,
        samt: intra.reduce((a, x) => a + x.sgst, 0) / 100,
        csamt: 0,
      },
      {
        sply_ty: 'INTER',
        pos: '29',
        typ: 'OE',
        rt: 3,
        txval: s.interSmall!.taxable / 100,
        iamt: s.interSmall!.igst / 100,
        camt: 0,
        samt: 0,
        csamt: 0,
      },
    ]);
    // Every section together, and the HSN summary alone, equal the completed tax invoices.
    const shop = w.owner.shop.id;
    const taxable = await one(
      "SELECT sum(taxable) AS n FROM sales WHERE shop_id = ? AND status = 'completed' AND document_type = 'tax_invoice'",
      shop,
    );
    const paise = (x: number) => Math.round(x * 100);
    const itemsTxval = [
      ...g.b2b.flatMap((b) => b.inv.flatMap((i) => i.itms.map((t) => t.itm_det.txval))),
      ...g.b2cl.flatMap((b) => b.inv.flatMap((i) => i.itms.map((t) => t.itm_det.txval))),
      ...g.b2cs.map((b) => b.txval),
    ];
    expect(itemsTxval.reduce((a, x) => a + paise(x), 0)).toBe(taxable);
    const hsn = [...g.hsn.hsn_b2b, ...g.hsn.hsn_b2c];
    expect(hsn.reduce((a, h) => a + paise(h.txval), 0)).toBe(taxable);
    expect(g.hsn.hsn_b2b).toEqual([expect.objectContaining({ hsn_sc: '7113', uqc: 'GMS', qty: 10, rt: 3 })]);
    const netMg = await one(
      `SELECT sum(i.net_weight_mg) AS n FROM sales s JOIN sale_items i ON i.sale_id = s.id
       WHERE s.shop_id = ? AND s.status = 'completed' AND s.buyer ->> '$.gstin' IS NULL`,
      shop,
    );
    expect(g.hsn.hsn_b2c.reduce((a, h) => a + h.qty * 1000, 0)).toBe(netMg);
    // The voided invoice is only a cancelled document: 7 issued from the first number to the last.
    const numbers = Object.values(s).map((x) => x.invoice_number);
    expect(g.doc_issue.doc_det).toEqual([
      {
        doc_num: 1,
        doc_typ: 'Invoices for outward supply',
        docs: [{ num: 1, from: numbers[0], to: numbers[6], totnum: 7, cancel: 1, net_issue: 6 }],
      },
    ]);
    const { doc_issue: _, ...supplies } = g;
    expect(JSON.stringify(supplies)).not.toContain(s.voided!.invoice_number);
  });

  it('an unregistered shop has no GSTR-1: 422 NOT_GST_REGISTERED; a bad period is 400', async () => {
    const other = await newShop();
    const { res, body } = await get(`/api/v1/reports/gstr1?period=${w.period}`, other);
    expect(res.status).toBe(422);
    expect(body.error.code).toBe('NOT_GST_REGISTERED');
    expect((await get('/api/v1/reports/gstr1?period=2026-13')).res.status).toBe(400);
  });

  it('the schema refuses what the portal refuses (a date in ISO form, an amount in paise fractions)', () => {
    const base = {
      gstin: '27AAPFU0939F1ZV',
      fp: '112026',
      version: 'GST3.2.4',
      hash: 'hash',
      b2b: [],
      b2cl: [],
      b2cs: [],
    };
    const ok = { ...base, hsn: { hsn_b2b: [], hsn_b2c: [] }, doc_issue: { doc_det: [] } };
    expect(Gstr1Schema.safeParse(ok).success).toBe(true);
    const b2cl = [{ pos: '29', inv: [{ inum: 'INV/2627/1', idt: '2026-11-30', val: 1, itms: [] }] }];
    expect(Gstr1Schema.safeParse({ ...ok, b2cl }).success).toBe(false);
    const b2cs = [{ sply_ty: 'INTRA', pos: '27', typ: 'OE', rt: 3, txval: 1.005, iamt: 0, camt: 0, samt: 0, csamt: 0 }];
    expect(Gstr1Schema.safeParse({ ...ok, b2cs }).success).toBe(false);
  });
});

describe('reports: accounting export', () => {
  it('JSON: every issued sale and the purchase voucher, each balanced; totals equal the documents', async () => {
    const vouchers = await data(z.array(VoucherSchema), `/api/v1/reports/export?from=${w.day}&to=${w.day}`);
    const sales = vouchers.filter((v) => v.type === 'sales');
    expect(sales.map((v) => v.number).sort()).toEqual(
      Object.entries(w.sales)
        .filter(([k]) => k !== 'voided')
        .map(([, s]) => s.invoice_number)
        .sort(),
    );
    const shop = w.owner.shop.id;
    expect(sales.reduce((a, v) => a + v.total, 0)).toBe(
      await one("SELECT sum(total) AS n FROM sales WHERE shop_id = ? AND status = 'completed'", shop),
    );
    for (const v of vouchers) {
      expect(
        v.entries.reduce((a, e) => a + e.debit, 0),
        v.number,
      ).toBe(0);
    }
    const purchase = vouchers.find((v) => v.type === 'purchase')!;
    expect(purchase).toMatchObject({ number: purchaseNumber, total: w.purchaseTotal, party: NASTY });
    expect(purchase.entries).toEqual([
      { ledger: 'Old Gold Purchase', debit: w.purchaseTotal },
      { ledger: 'Cash', debit: -w.purchaseTotal },
    ]);
  });

  it('Tally XML: the import envelope, one VOUCHER per voucher, ledger amounts that balance, names escaped', async () => {
    const res = await call(`/api/v1/reports/export?from=${w.day}&to=${w.day}&format=tally`, { token: w.owner.access });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/xml');
    const xml = await res.text();
    expect(xml).toMatch(
      /^<ENVELOPE>\n<HEADER>\n<TALLYREQUEST>Import Data<\/TALLYREQUEST>\n<\/HEADER>\n<BODY>\n<IMPORTDATA>\n<REQUESTDESC>\n<REPORTNAME>Vouchers<\/REPORTNAME>/,
    );
    expect(xml.endsWith('</REQUESTDATA>\n</IMPORTDATA>\n</BODY>\n</ENVELOPE>\n')).toBe(true);
    const vouchers = xml.split('<VOUCHER ').slice(1);
    expect(vouchers).toHaveLength(7);
    for (const v of vouchers) {
      const amounts = [...v.matchAll(/<AMOUNT>(-?\d+\.\d{2})<\/AMOUNT>/g)].map((m) => Math.round(Number(m[1]) * 100));
      expect(amounts.reduce((a, x) => a + x, 0)).toBe(0);
      // A debit is negative and deemed positive.
      for (const [, yes, amount] of v.matchAll(/<ISDEEMEDPOSITIVE>(\w+)<\/ISDEEMEDPOSITIVE>\n<AMOUNT>(-?[\d.]+)</g)) {
        expect(yes === 'Yes').toBe(Number(amount) < 0);
      }
    }
    expect(xml).toContain('<NARRATION>=Sharma, &quot;Raju&quot;\nJr</NARRATION>');
    expect(xml).toContain(`<VOUCHERNUMBER>${w.sales.cash!.invoice_number}</VOUCHERNUMBER>`);
  });

  it('CSV: a row per voucher in rupees', async () => {
    const res = await call(`/api/v1/reports/export?from=${w.day}&to=${w.day}&format=csv`, { token: w.owner.access });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await res.text();
    expect(
      text.startsWith('voucher_type,date,number,party,party_gstin,taxable,cgst,sgst,igst,round_off,total,cash,'),
    ).toBe(true);
    const cash = w.sales.cash!;
    expect(text).toContain(
      `sales,${w.day},${cash.invoice_number},"'=Sharma, ""Raju""\nJr",,${(cash.taxable / 100).toFixed(2)},`,
    );
  });
});

describe('reports: CSV', () => {
  it('escapes every cell a spreadsheet could misread, and only those', () => {
    expect(csvCell(NASTY)).toBe(`"'=Sharma, ""Raju""\nJr"`);
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}1+1`)).toMatch(/^"?'/);
    expect(csvCell('Asha Patil')).toBe('Asha Patil');
    expect(csvCell(-1250)).toBe('-1250');
    expect(csvCell(null)).toBe('');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('every report answers CSV for ?format=csv and for Accept: text/csv; a name with = , " and a newline stays one cell', async () => {
    const paths = [
      `/api/v1/reports/day-book?date=${w.day}`,
      `/api/v1/reports/sales?from=${w.day}&to=${w.day}`,
      '/api/v1/reports/stock',
      `/api/v1/reports/gstr1?period=${w.period}`,
    ];
    for (const path of paths) {
      const byQuery = await call(`${path}&format=csv`.replace('stock&', 'stock?'), { token: w.owner.access });
      expect(byQuery.status, path).toBe(200);
      expect(byQuery.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(byQuery.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w-]+\.csv"$/);
      const byAccept = await call(path, { token: w.owner.access, headers: { Accept: 'text/csv' } });
      expect(await byAccept.text()).toBe(await byQuery.text());
    }
    const csv = await (
      await call(`/api/v1/reports/day-book?date=${w.day}&format=csv`, { token: w.owner.access })
    ).text();
    expect(csv.split('\r\n')[0]).toBe('at,kind,document,party,tender,amount_in,amount_out');
    expect(csv).toContain(`,khata_payment,,"'=Sharma, ""Raju""\nJr",cash,10000.00,0.00\r\n`);
    expect(csv).not.toMatch(/(^|,)=/m);
  });
});

describe('reports: access', () => {
  const paths = () => [
    `/api/v1/reports/day-book?date=${w.day}`,
    `/api/v1/reports/sales?from=${w.day}&to=${w.day}`,
    '/api/v1/reports/stock',
    `/api/v1/reports/gstr1?period=${w.period}`,
    `/api/v1/reports/export?from=${w.day}&to=${w.day}`,
  ];

  it('a cashier is refused (403); a manager reads them', async () => {
    const cashier = await newStaff(w.owner, 'cashier');
    const manager = await newStaff(w.owner, 'manager');
    for (const path of paths()) {
      const { res, body } = await get(path, cashier);
      expect(res.status, path).toBe(403);
      expect(body.error.code).toBe('FORBIDDEN');
      expect((await call(path, { token: manager.access })).status, path).toBe(200);
    }
  });

  it('another shop sees none of this shop’s business', async () => {
    const other = await registeredShop();
    const book = await data(DayBookSchema, `/api/v1/reports/day-book?date=${w.day}`, other);
    expect(book.entries).toEqual([]);
    const summary = await data(SalesSummarySchema, `/api/v1/reports/sales?from=${w.day}&to=${w.day}`, other);
    expect(summary.totals.completed.invoices).toBe(0);
    const stock = await data(StockReportSchema, '/api/v1/reports/stock', other);
    expect(stock.groups).toEqual([]);
    expect(stock.old_gold.every((m) => m.net_weight_mg === 0)).toBe(true);
    const g = await data(Gstr1Schema, `/api/v1/reports/gstr1?period=${w.period}`, other);
    expect([g.b2b, g.b2cl, g.b2cs, g.hsn.hsn_b2c, g.doc_issue.doc_det]).toEqual([[], [], [], [], []]);
    const res = await call(`/api/v1/reports/export?from=${w.day}&to=${w.day}`, { token: other.access });
    expect(await res.json()).toEqual({ success: true, data: [] });
  });
});

describe('reports: query plans', () => {
  const db = drizzle(env.DB);
  const usesIndex = (plan: string, table: string, index: string) =>
    expect(plan).toMatch(new RegExp(`SEARCH ${table}( AS \\w+)? USING (COVERING )?INDEX ${index} \\(shop_id=\\?`));

  it('each report reads through an index that starts with the shop', async () => {
    const day = dayBookQueries(db, 's', '2026-11-30', 'Asia/Kolkata');
    usesIndex(await queryPlan(day[0]), 'payments', 'payments_shop_date_idx');
    usesIndex(await queryPlan(day[1]), 'sales', 'sales_shop_business_date_idx');
    usesIndex(await queryPlan(day[2]), 'sales', 'sales_shop_voided_at_idx');
    usesIndex(await queryPlan(day[4]), 'khata_entries', 'khata_entries_shop_created_idx');
    usesIndex(await queryPlan(day[5]), 'payments', 'payments_shop_date_idx');
    usesIndex(await queryPlan(day[6]), 'old_gold_purchases', 'old_gold_purchases_shop_business_date_idx');
    for (const group of ['day', 'category', 'cashier', 'metal', 'all'] as const) {
      const { lines, whole } = salesSummaryQueries(db, 's', '2026-11-01', '2026-11-30', group);
      const plan = await queryPlan(lines);
      usesIndex(plan, 'sales', 'sales_shop_business_date_idx');
      expect(plan).toContain('sale_items_sale_idx');
      if (whole) usesIndex(await queryPlan(whole), 'sales', 'sales_shop_business_date_idx');
    }
    const [invoices, lines] = gstr1Queries(db, 's', '2026-11');
    usesIndex(await queryPlan(invoices), 'sales', 'sales_shop_business_date_idx');
    usesIndex(await queryPlan(lines), 'sales', 'sales_shop_business_date_idx');
    usesIndex(
      await queryPlan(exportSalesPage(db, 's', '2026-11-01', '2026-11-30', null)),
      'sales',
      'sales_shop_business_date_idx',
    );
    usesIndex(
      await queryPlan(exportSalesPage(db, 's', '2026-11-01', '2026-11-30', { date: '2026-11-02', id: 'x' })),
      'sales',
      'sales_shop_business_date_idx',
    );
    usesIndex(
      await queryPlan(exportPurchasesPage(db, 's', '2026-11-01', '2026-11-30', null)),
      'old_gold_purchases',
      'old_gold_purchases_shop_business_date_idx',
    );
    const [inPieces, inUnits] = stockQueries(db, 's');
    expect(await queryPlan(inPieces)).toMatch(/SEARCH pieces USING .*INDEX pieces_shop_\w+ \(shop_id=\?/);
    expect(await queryPlan(inUnits)).toMatch(/SEARCH products USING .*INDEX products_shop_\w+ \(shop_id=\?/);
  });
});
