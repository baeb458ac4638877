// The printable tax invoice in a real browser: a sale of the seeded demo shop with eight lines (two
// hallmarked rings sold by piece, six silver articles by count) and old gold in exchange, recorded
// through the API, renders from the Worker alone (every other request blocked), without one CSP
// violation, and prints on ONE A4 page that holds the invoice number, the shop's GSTIN, every line
// total, the grand total and the amount due after the exchange.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { demoOwnerToken, documentBrowser, printDocument, rupees } from './documents';

interface Invoice {
  number: string;
  seller: { gstin: string };
  lines: { line_total: number; huid: string | null }[];
  exchange: unknown[];
  total: number;
  amount_due: number;
  total_in_words: string;
}

let browser: Browser;
let context: BrowserContext;
let saleId: string;
let invoice: Invoice;

async function api<T>(token: string, path: string, init: RequestInit = {}): Promise<{ status: number; data: T }> {
  const res = await fetch(`${inject('workerUrl')}/api/v1${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...init.headers },
  });
  const body = (await res.json()) as { data: T };
  return { status: res.status, data: body.data };
}

beforeAll(async () => {
  const token = await demoOwnerToken();
  const products = (await api<{ id: string; sku: string }[]>(token, '/products?limit=100')).data;
  const idOf = (sku: string) => {
    const p = products.find((x) => x.sku === sku);
    expect(p, sku).toBeDefined();
    return p!.id;
  };
  const pieceOf = async (sku: string) => {
    const pieces = (await api<{ id: string }[]>(token, `/pieces?product_id=${idOf(sku)}&status=in_stock`)).data;
    expect(pieces.length, sku).toBeGreaterThan(0);
    return { piece_id: pieces[0]!.id };
  };
  const items = [
    await pieceOf('GR-916-001'),
    await pieceOf('GR-916-002'),
    ...['SR-925-006', 'SN-925-011', 'SE-925-015', 'SB-925-018', 'SP-925-026', 'SA-925-027'].map((sku) => ({
      product_id: idOf(sku),
      quantity: 1,
    })),
  ];
  const sale = await api<{ id: string }>(token, '/sales', {
    method: 'POST',
    headers: { 'Idempotency-Key': `browser-invoice-${Date.now()}` },
    body: JSON.stringify({
      items,
      buyer: { name: 'Rahul Mehta', address: '22 Marine Drive, Mumbai 400020', phone: '+919820012345' },
      customer_pan: 'ABCPM1234D',
      exchange: [{ metal: 'gold', purity: 916, gross_weight_mg: 3_000, less_weight_mg: 150, deduction_bp: 200 }],
      payment_method: 'upi',
    }),
  });
  expect(sale.status, JSON.stringify(sale.data)).toBe(201);
  saleId = sale.data.id;
  invoice = (await api<Invoice>(token, `/sales/${saleId}/invoice`)).data;
  ({ browser, context } = await documentBrowser(token));
});
afterAll(async () => {
  await browser?.close();
});

describe('the tax invoice page', () => {
  it('renders offline under its CSP and prints 8 lines and an exchange on one A4 page', async () => {
    expect(invoice.lines).toHaveLength(8);
    expect(invoice.lines.filter((l) => l.huid !== null)).toHaveLength(2);
    expect(invoice.exchange).toHaveLength(1);
    expect(invoice.amount_due).toBeLessThan(invoice.total);

    const { text, pages } = await printDocument(context, `/api/v1/sales/${saleId}/invoice.html`, 'invoice');
    expect(pages).toBe(1);
    expect(text).toContain(invoice.number);
    expect(text).toContain(invoice.seller.gstin);
    for (const line of invoice.lines) expect(text).toContain(rupees(line.line_total));
    expect(text).toContain(rupees(invoice.total));
    expect(text).toContain(rupees(invoice.amount_due));
    expect(text).toContain(invoice.total_in_words);
    expect(text).toContain('Reverse charge: No');
  });
});
