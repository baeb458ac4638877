// The tax invoice of a sale (issue 13 item 7, issue 14's exchange line): GET /sales/:id/invoice and
// its printable page, through the Worker with real D1 — the document is the sale as recorded, its
// taxes by rate add up to the sale's, the README's exchange example holds, and it is seen only by
// those who may see the sale.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dataOf } from '../../../src/http/openapi';
import { DOCUMENT_CSP } from '../../../src/http/security-headers';
import { InvoiceSchema } from '../../../src/shop/documents/invoice';
import { totalsFields } from '../../../src/shop/pricing/schemas';
import { SaleSchema } from '../../../src/shop/sales/schemas';
import { newShop, newStaff, type Session } from '../fixtures';
import { call, callData, callJson, callTyped, type Json } from '../helpers';
import { addRate, GSTIN_27, patchShop, registeredShop } from './billing-fixtures';
import { addProduct } from './catalog-fixtures';
import { chain, readmeTable } from './readme-tables';
import { sold as recordSale, voided } from './sales-fixtures';

const buyer = { name: 'Asha Patil', address: '4 Linking Road, Mumbai' };

async function sold(s: Session, json: Json) {
  const { res, body } = await recordSale(s, { payment_method: 'upi', ...json });
  expect(res.status).toBe(201);
  return body.data;
}

/** GET the invoice; for refusals. */
const invoice = (s: Session, saleId: string) => callJson(`/api/v1/sales/${saleId}/invoice`, { token: s.access });

/** An invoice that must be there, typed by the route's schema. */
const invoiceOf = (s: Session, saleId: string) =>
  callData(InvoiceSchema, 200, `/api/v1/sales/${saleId}/invoice`, { token: s.access });

const page = (s: Session, saleId: string) => call(`/api/v1/sales/${saleId}/invoice.html`, { token: s.access });

/** The invoice line fields that are the sale line's own snapshot. */
const LINE_FIELDS = [
  'description',
  'hsn_code',
  'huid',
  'metal',
  'purity',
  'quantity',
  'gross_weight_mg',
  'net_weight_mg',
  'stone_weight_mg',
  'rate_per_gram',
  'rate_date',
  'metal_value',
  'wastage',
  'making',
  'stones',
  'other_charge',
  'gross',
  'discount',
  'taxable',
  'gst_rate_bp',
  'cgst',
  'sgst',
  'igst',
  'line_total',
];
const only = (o: object, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (o as Json)[k]]));
const total = (rows: readonly object[], key: string) => rows.reduce<number>((acc, r) => acc + (r as Json)[key], 0);

describe('the invoice document', () => {
  it('the README’s exchange example: the chain with old gold, shown as a deduction, and the amount due', async () => {
    const owner = await registeredShop();
    const p = await addProduct(owner, chain({ stock: 2 }));
    await addRate(owner, { rate_per_gram: 700_000 });
    await addRate(owner, { rate_per_gram: 640_000, kind: 'buy' });
    const x = readmeTable('Exchange');
    const intra = readmeTable('Intra-State');

    const old = {
      metal: 'gold',
      purity: x.purity,
      gross_weight_mg: x.gross_weight_mg,
      less_weight_mg: x.less_weight_mg,
      deduction_bp: x.deduction_bp,
    };
    const sale = await sold(owner, { items: [{ product_id: p.id, quantity: 1 }], exchange: [old], buyer });
    const inv = await invoiceOf(owner, sale.id);

    expect(inv.exchange).toEqual([
      {
        ...old,
        net_weight_mg: x.net_weight_mg,
        rate_per_gram: x.rate_per_gram,
        rate_date: '2026-01-01',
        rate_source: 'exact',
        value: x.value,
      },
    ]);
    // The README's intermediate steps are the contract's formula on the API's own weights and rate.
    expect(x.metal_value).toBe((inv.exchange[0]!.net_weight_mg * inv.exchange[0]!.rate_per_gram) / 1000);
    expect(x.metal_value! - x.deduction!).toBe(inv.exchange[0]!.value);
    expect(inv).toMatchObject({
      total: x.total,
      round_off: intra.round_off,
      cgst: intra.cgst,
      sgst: intra.sgst,
      exchange_total: x.value,
      amount_due: x.due,
      payments: [{ method: 'upi', amount: x.due }],
      total_in_words: 'Rupees Eighty Two Thousand Five Hundred Forty Nine Only',
    });

    const html = await (await page(owner, sale.id)).text();
    for (const text of [
      'Less old gold taken in exchange',
      '−₹30,105.60',
      'Amount due',
      '₹52,443.40',
      '4.800 g',
      '2.00%',
    ]) {
      expect(html).toContain(text);
    }
  });

  it('is the sale as recorded: parties, number, date, every line, taxes by rate that add up to the sale’s', async () => {
    const owner = await registeredShop();
    const manager = await newStaff(owner, 'manager');
    await addRate(owner, { rate_per_gram: 700_000 });
    const a = await addProduct(owner, chain({ stock: 5 }));
    const b = await addProduct(owner, {
      name: 'Gold coin 1 g',
      category: 'coin',
      hsn_code: '7118',
      base_price: 700_001,
    });
    // A silver article at another rate: the taxes come in two rates.
    const c = await addProduct(owner, {
      name: 'Silver lamp',
      metal: 'silver',
      purity: 925,
      base_price: 250_003,
      gst_rate_bp: 1200,
    });
    const items = [
      { product_id: a.id, quantity: 2 },
      { product_id: b.id, quantity: 1 },
      { product_id: c.id, quantity: 1 },
    ];

    for (const [who, place] of [
      [owner, undefined],
      [manager, '29'],
    ] as const) {
      const sale = await sold(who, { items, buyer, discount: 1_001, ...(place ? { place_of_supply: place } : {}) });
      const inv = await invoiceOf(owner, sale.id);
      expect(inv).toMatchObject({
        sale_id: sale.id,
        document_type: 'tax_invoice',
        title: 'Tax Invoice',
        cancelled: false,
        composition: false,
        number: sale.invoice_number,
        date: sale.business_date,
        seller: { ...sale.seller, state_name: 'Maharashtra' },
        reverse_charge: false,
        sgst_label: 'SGST',
        ...only(sale, [...Object.keys(totalsFields), 'payments', 'note']),
      });
      expect(inv.seller?.gstin).toBe(GSTIN_27);
      expect(inv.buyer).toMatchObject({ name: buyer.name, address: buyer.address, state_code: place ?? '27' });
      expect(inv.place_of_supply).toEqual(
        place ? { state_code: '29', state_name: 'Karnataka' } : { state_code: '27', state_name: 'Maharashtra' },
      );
      expect(inv.inter_state).toBe(place !== undefined);
      expect(inv.lines).toEqual(sale.items.map((l) => only(l, LINE_FIELDS)));
      expect(inv.lines.map((l) => l.hsn_code)).toEqual(['7113', '7118', '7113']);

      expect(inv.taxes_by_rate.map((t) => t.gst_rate_bp)).toEqual([300, 1200]);
      for (const key of ['taxable', 'cgst', 'sgst', 'igst'] as const) {
        expect(total(inv.taxes_by_rate, key), key).toBe(sale[key]);
      }
      const at300 = inv.lines.filter((l) => l.gst_rate_bp === 300);
      expect(inv.taxes_by_rate[0]?.taxable).toBe(total(at300, 'taxable'));
      expect(inv.amount_due).toBe(sale.total);
      expect(sale.igst > 0).toBe(place !== undefined);
      // Two rates: each tax names the value it is on.
      const html = await (await page(owner, sale.id)).text();
      expect(html).toContain(place ? 'IGST @ 12.00% on ₹' : 'CGST @ 6.00% on ₹');
      expect(html).toContain(place ? 'Inter-State supply: IGST' : 'Intra-State supply: CGST + SGST');
    }
  });

  it('a shop without a GSTIN issues a bill of supply, without tax, its total in words to the paisa', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { base_price: 10_230_450 });
    const sale = await sold(owner, { items: [{ product_id: p.id, quantity: 1 }] });
    const inv = await invoiceOf(owner, sale.id);
    expect(inv).toMatchObject({
      document_type: 'bill_of_supply',
      title: 'Bill of Supply',
      composition: false,
      number: sale.invoice_number,
      cgst: 0,
      sgst: 0,
      igst: 0,
      round_off: 0,
      total: 10_230_450,
      total_in_words: 'Rupees One Lakh Two Thousand Three Hundred Four and Fifty Paise Only',
    });
    expect(inv.number).toMatch(/^INVB\//);
    const html = await (await page(owner, sale.id)).text();
    expect(html).toContain('Bill of Supply');
    expect(html).toContain('₹1,02,304.50');
    expect(html).not.toContain('CGST @');

    // Registered under composition: still a bill of supply, which says why it carries no tax.
    await patchShop(owner, { gstin: GSTIN_27, state_code: '27', gst_scheme: 'composition' });
    const later = await sold(owner, { items: [{ product_id: p.id, quantity: 1 }] });
    expect(await invoiceOf(owner, later.id)).toMatchObject({ title: 'Bill of Supply', composition: true, cgst: 0 });
    expect(await (await page(owner, later.id)).text()).toContain(
      'Composition taxable person, not eligible to collect tax on supplies',
    );
  });

  it('a voided sale keeps its number and its invoice says CANCELLED', async () => {
    const owner = await registeredShop();
    await addRate(owner, { rate_per_gram: 700_000 });
    const p = await addProduct(owner, chain({ stock: 1 }));
    const sale = await sold(owner, { items: [{ product_id: p.id, quantity: 1 }], buyer });
    expect((await invoiceOf(owner, sale.id)).cancelled).toBe(false);
    expect(await (await page(owner, sale.id)).text()).not.toContain('CANCELLED');
    expect((await voided(owner, sale.id)).res.status).toBe(200);

    const inv = await invoiceOf(owner, sale.id);
    expect(inv).toMatchObject({ cancelled: true, number: sale.invoice_number, total: sale.total });
    const html = await (await page(owner, sale.id)).text();
    expect(html).toContain('<p class="stamp">CANCELLED</p>');
    expect(html).toContain(sale.invoice_number);
  });

  it('a sale recorded before invoices existed has none: 409 NO_INVOICE on both routes', async () => {
    const owner = await newShop();
    const p = await addProduct(owner, { base_price: 100_000 });
    const sale = await sold(owner, { items: [{ product_id: p.id, quantity: 1 }] });
    // What the migration left on a v1 sale: no document, number or party snapshots.
    await env.DB.prepare(
      'UPDATE sales SET document_type = NULL, invoice_number = NULL, financial_year = NULL, invoice_serial = NULL, seller = NULL, buyer = NULL WHERE id = ?',
    )
      .bind(sale.id)
      .run();
    expect((await callTyped(dataOf(SaleSchema), `/api/v1/sales/${sale.id}`, { token: owner.access })).res.status).toBe(
      200,
    );
    const json = await invoice(owner, sale.id);
    expect([json.res.status, json.body.error.code]).toEqual([409, 'NO_INVOICE']);
    const res = await page(owner, sale.id);
    expect([res.status, ((await res.json()) as Json).error.code]).toEqual([409, 'NO_INVOICE']);
  });
});

describe('who sees an invoice', () => {
  it('as GET /sales/:id: a cashier their own sales, a manager all, another shop none (404)', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const other = await newStaff(owner, 'cashier');
    const manager = await newStaff(owner, 'manager');
    const p = await addProduct(owner, { base_price: 100_000 });
    const sale = await sold(cashier, { items: [{ product_id: p.id, quantity: 1 }] });
    const stranger = await newShop();

    for (const who of [cashier, manager, owner]) {
      await invoiceOf(who, sale.id);
      expect((await page(who, sale.id)).status).toBe(200);
    }
    for (const who of [other, stranger]) {
      const json = await invoice(who, sale.id);
      expect([json.res.status, json.body.error.code]).toEqual([404, 'NOT_FOUND']);
      expect((await page(who, sale.id)).status).toBe(404);
    }
    expect((await call(`/api/v1/sales/${sale.id}/invoice.html`)).status).toBe(401);
  });
});

describe('the invoice page', () => {
  it('is self-contained under the document CSP, holds Rule 46’s fields and escapes every name', async () => {
    const owner = await registeredShop();
    await addRate(owner, { rate_per_gram: 700_000 });
    const p = await addProduct(owner, chain({ name: `Rani's "Haar" & Co`, stock: 1 }));
    const sale = await sold(owner, {
      items: [{ product_id: p.id, quantity: 1 }],
      buyer: { name: `D'Souza & "Sons"`, address: 'Bandra <West>, Mumbai' },
      customer_pan: 'ABCPD1234E',
      note: 'a < b & "c"',
    });
    const res = await page(owner, sale.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(DOCUMENT_CSP);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    for (const text of [
      'Tax Invoice',
      sale.invoice_number,
      `GSTIN ${GSTIN_27}`,
      'Place of supply: Maharashtra (27)',
      'Reverse charge: No',
      'HSN 7113',
      '7,000.00',
      '10.000 g',
      'Taxable value</td><td class="n">₹80,145.00',
      'CGST @ 1.50%</td><td class="n">₹1,202.18',
      'SGST @ 1.50%</td><td class="n">₹1,202.18',
      '₹82,549.00',
      '−₹0.36',
      'Rupees Eighty Two Thousand Five Hundred Forty Nine Only',
      'PAN ABCPD1234E',
      'Authorised signatory',
      'Rani&#39;s &quot;Haar&quot; &amp; Co',
      'D&#39;Souza &amp; &quot;Sons&quot;',
    ]) {
      expect(html).toContain(text);
    }
    expect(html).not.toContain(`D'Souza`);
    expect(html).not.toContain(`Rani's`);
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(|@import/i);
  });
});
