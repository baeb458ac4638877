// The printable documents' shell (the purchase voucher and the tax invoice): one A4 page that
// needs nothing but itself. No script, no font, no image, no link: every byte is in the response and
// the only thing its CSP allows beyond the JSON routes' is the inline <style> (DOCUMENT_CSP). Every
// value that came from a person goes through `escapeHtml`.

import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { SellerSnapshot, TENDER_METHODS } from '../../db/schema';
import { DOCUMENT_CSP } from '../../http/security-headers';
import type { AppEnv } from '../../http/types';
import type { ExchangeLineSchema } from '../pricing/schemas';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML that shows it, in element content and in quoted attributes alike. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);

/** Digits grouped the Indian way: the last three, then twos (12,34,56,789). */
function indianGroups(digits: string): string {
  if (digits.length <= 3) return digits;
  const head = digits.slice(0, -3);
  const pairs = head.replace(/\B(?=(\d{2})+$)/g, ',');
  return `${pairs},${digits.slice(-3)}`;
}

/** Paise as rupees in the Indian system: 10230450 → ₹1,02,304.50; negative with a minus sign. */
export function rupees(paise: number): string {
  if (!Number.isSafeInteger(paise)) throw new RangeError(`${paise} is not an amount of paise`);
  const abs = Math.abs(paise);
  const whole = indianGroups(String(Math.floor(abs / 100)));
  return `${paise < 0 ? '−' : ''}₹${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** Paise as rupees without the ₹ sign, for tables whose header names the currency. */
export const amount = (paise: number): string => rupees(paise).replace('₹', '');

/** Milligrams as grams with three decimals, exact: 8500 → 8.500 g. */
export function grams(mg: number): string {
  if (!Number.isSafeInteger(mg) || mg < 0) throw new RangeError(`${mg} is not a weight in mg`);
  return `${indianGroups(String(Math.floor(mg / 1000)))}.${String(mg % 1000).padStart(3, '0')} g`;
}

/** Basis points as a percentage: 250 → 2.50%. */
export const percent = (bp: number): string => `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;

/** A4 portrait, printable margins, a table that fits the width; screen and print alike. */
const CSS = `
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { font: 10pt/1.35 "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #111; }
body { margin: 0 auto; max-width: 186mm; }
header { display: flex; justify-content: space-between; gap: 8mm; border-bottom: 1.5pt solid #111; padding-bottom: 3mm; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 12pt; margin: 0; text-transform: uppercase; letter-spacing: 0.05em; text-align: right; }
.meta { text-align: right; }
.parties { display: flex; gap: 8mm; margin: 4mm 0; }
.parties section { flex: 1; }
h3 { font-size: 9pt; text-transform: uppercase; color: #555; margin: 0 0 1mm; }
p { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 3mm 0; }
th, td { border: 0.5pt solid #999; padding: 1.2mm 1.5mm; vertical-align: top; }
th { background: #eee; font-size: 8.5pt; text-align: left; }
td.n, th.n { text-align: right; white-space: nowrap; }
tfoot td { font-weight: bold; }
.words { margin: 2mm 0; font-style: italic; }
.sign { display: flex; justify-content: space-between; margin-top: 14mm; break-inside: avoid; }
.sign p { border-top: 0.5pt solid #111; padding-top: 1mm; min-width: 60mm; text-align: center; }
.note { color: #444; margin-top: 2mm; }
table.lines { font-size: 7pt; line-height: 1.15; }
table.lines th, table.lines td { padding: 0.4mm 0.5mm; }
.columns { display: flex; gap: 5mm; align-items: flex-start; }
.columns > * { flex: 1; }
table.lines td.item { min-width: 24mm; }
.totals { width: auto; flex: none; }
.totals td, .totals th { white-space: nowrap; padding: 0.8mm 1.5mm; }
.stamp { border: 2pt solid #b00; color: #b00; font-size: 16pt; font-weight: bold; text-align: center; letter-spacing: 0.3em; margin: 3mm 0; padding: 1mm; }
`;

/** A whole document: `<!doctype html>`, its title and the shell's styles around `body` (already HTML). */
export const documentPage = (title: string, body: string): string =>
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>`;

/** Lines of text (empty ones left out), each escaped, as paragraphs. */
export const paragraphs = (...texts: (string | null | undefined)[]): string =>
  texts
    .filter((t): t is string => Boolean(t))
    .map((t) => `<p>${escapeHtml(t)}</p>`)
    .join('');

/**
 * The top of a document: the shop as its snapshot recorded it (CGST Rule 46(a): name, address and
 * GSTIN of the supplier), the document's title, number and date.
 */
export const headerBlock = (shop: SellerSnapshot, doc: { title: string; number: string; date: string }): string =>
  `<header>
<div>
<h1>${escapeHtml(shop.legal_name)}</h1>
${paragraphs(shop.address, shop.gstin ? `GSTIN ${shop.gstin}` : null, shop.state_code ? `State code ${shop.state_code}` : null)}
</div>
<div class="meta">
<h2>${escapeHtml(doc.title)}</h2>
<p>No. <strong>${escapeHtml(doc.number)}</strong></p>
<p>Date ${escapeHtml(doc.date)}</p>
</div>
</header>`;

/** The response for a document page: HTML under DOCUMENT_CSP, never cached (it names a customer). */
export const htmlDocument = (c: Context<AppEnv>, html: string) =>
  c.html(html, 200, { 'Content-Security-Policy': DOCUMENT_CSP, 'Cache-Control': 'private, no-store' });

/** How a document names a tender. */
export const TENDER_LABEL: Record<(typeof TENDER_METHODS)[number], string> = {
  cash: 'Cash',
  card: 'Card',
  upi: 'UPI',
  bank: 'Bank transfer',
  khata: 'Khata (credit)',
};

type OldGoldLine = z.infer<typeof ExchangeLineSchema>;

const rateNote = (l: OldGoldLine) =>
  l.rate_source === 'given' ? 'given' : l.rate_source === 'exact' ? `of ${l.rate_date}` : `${l.rate_date}, scaled`;

/**
 * Old gold as priced, one row a line with its weights, tested purity, rate and deduction: the lines
 * of a purchase voucher, the exchange lines of an invoice (a deduction from its total).
 */
export const oldGoldTable = (lines: readonly OldGoldLine[], footer: string, total: number): string =>
  `<table>
<thead><tr><th class="n">#</th><th>Metal</th><th class="n">Purity</th><th class="n">Gross</th><th class="n">Less</th><th class="n">Net</th><th class="n">Rate</th><th class="n">Deduction</th><th class="n">Value</th></tr></thead>
<tbody>
${lines
  .map(
    (l, i) => `<tr>
<td class="n">${i + 1}</td>
<td>${escapeHtml(l.metal)}</td>
<td class="n">${l.purity}</td>
<td class="n">${grams(l.gross_weight_mg)}</td>
<td class="n">${grams(l.less_weight_mg)}</td>
<td class="n">${grams(l.net_weight_mg)}</td>
<td class="n">${rupees(l.rate_per_gram)}/g<br><small>${escapeHtml(rateNote(l))}</small></td>
<td class="n">${percent(l.deduction_bp)}</td>
<td class="n">${rupees(l.value)}</td>
</tr>`,
  )
  .join('\n')}
</tbody>
<tfoot><tr><td colspan="8">${escapeHtml(footer)}</td><td class="n">${rupees(total)}</td></tr></tfoot>
</table>`;

/** The tenders as a two-column table. */
export const paymentsTable = (
  payments: readonly { method: keyof typeof TENDER_LABEL; amount: number }[],
  heading: string,
) =>
  `<table>
<thead><tr><th>${escapeHtml(heading)}</th><th class="n">Amount</th></tr></thead>
<tbody>
${payments.map((x) => `<tr><td>${escapeHtml(TENDER_LABEL[x.method])}</td><td class="n">${rupees(x.amount)}</td></tr>`).join('\n')}
</tbody>
</table>`;
