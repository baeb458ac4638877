// The tax invoice (or bill of supply) as a printable A4 page: the Invoice document (invoice.ts) laid
// out as Indian jewellers print it — the supplier and the recipient, each line with its HSN, HUID,
// purity, weights, rate and charges, the taxes by rate, the old gold taken in as a deduction, the
// amount in words, "Reverse charge: No" and the signatures (CGST Rule 46, listed in invoice.ts).

import type { Invoice } from './invoice';
import {
  amount,
  documentPage,
  escapeHtml,
  grams,
  headerBlock,
  oldGoldTable,
  paragraphs,
  paymentsTable,
  percent,
  rupees,
} from './page';

type Line = Invoice['lines'][number];

const orDash = (paise: number | null) => (paise === null ? '—' : amount(paise));

/** Stones and other charges (hallmarking) share a column: an invoice has little width to spare. */
const stonesAndOther = (l: Line) =>
  l.stones === null && l.other_charge === null ? null : (l.stones ?? 0) + (l.other_charge ?? 0);

/** CGST's (or SGST's) rate, half the GST rate: 300 bp → 1.50%, an odd 25 bp → 0.125%. */
const halfRate = (bp: number) => (bp % 2 === 0 ? percent(bp / 2) : `${percent((bp - 1) / 2).slice(0, -1)}5%`);

const stateLine = (code: string | null, name: string | null) => (code ? `State ${name ?? code} (${code})` : null);

function lineRow(l: Line, i: number, inv: Invoice): string {
  const marks = [`HSN ${l.hsn_code}`, l.huid ? `HUID ${l.huid}` : null].filter(Boolean).join(' · ');
  const tax = inv.inter_state ? amount(l.igst) : `${amount(l.cgst)}<br>${amount(l.sgst)}`;
  const each = l.quantity > 1 ? '<br><small>each</small>' : '';
  return `<tr>
<td class="n">${i + 1}</td>
<td class="item">${escapeHtml(l.description)}<br><small>${escapeHtml(marks)}</small></td>
<td class="n">${l.purity}</td>
<td class="n">${l.quantity}</td>
<td class="n">${grams(l.gross_weight_mg)}<br>${grams(l.net_weight_mg)}${each}</td>
<td class="n">${orDash(l.rate_per_gram)}</td>
<td class="n">${orDash(l.metal_value)}</td>
<td class="n">${orDash(l.wastage)}</td>
<td class="n">${orDash(l.making)}</td>
<td class="n">${orDash(stonesAndOther(l))}</td>
<td class="n">${amount(l.taxable)}${l.discount ? `<br><small>after ${amount(l.discount)} off</small>` : ''}</td>
<td class="n">${percent(l.gst_rate_bp)}</td>
<td class="n">${tax}</td>
<td class="n">${rupees(l.line_total)}</td>
</tr>`;
}

/** The taxes by rate (CGST Rule 46(l)–(m)); with more than one rate each names the value it is on. */
function taxRows(inv: Invoice): string {
  const several = inv.taxes_by_rate.length > 1;
  const on = (taxable: number) => (several ? ` on ${rupees(taxable)}` : '');
  return inv.taxes_by_rate
    .map((t) =>
      inv.inter_state
        ? `<tr><td>IGST @ ${percent(t.gst_rate_bp)}${on(t.taxable)}</td><td class="n">${rupees(t.igst)}</td></tr>`
        : `<tr><td>CGST @ ${halfRate(t.gst_rate_bp)}${on(t.taxable)}</td><td class="n">${rupees(t.cgst)}</td></tr>
<tr><td>${inv.sgst_label} @ ${halfRate(t.gst_rate_bp)}${on(t.taxable)}</td><td class="n">${rupees(t.sgst)}</td></tr>`,
    )
    .join('\n');
}

export function invoicePage(inv: Invoice): string {
  const s = inv.seller;
  const b = inv.buyer;
  const taxed = inv.document_type === 'tax_invoice';
  const pos = inv.place_of_supply;
  const totals = [
    `<tr><td>Value of goods</td><td class="n">${rupees(inv.subtotal)}</td></tr>`,
    inv.discount ? `<tr><td>Less discount</td><td class="n">${rupees(-inv.discount)}</td></tr>` : '',
    `<tr><td>Taxable value</td><td class="n">${rupees(inv.taxable)}</td></tr>`,
    taxed ? taxRows(inv) : '',
    `<tr><td>Round-off</td><td class="n">${rupees(inv.round_off)}</td></tr>`,
    `<tr><th>${taxed ? 'Invoice total' : 'Total'}</th><th class="n">${rupees(inv.total)}</th></tr>`,
    inv.exchange.length
      ? `<tr><td>Less old gold taken in exchange</td><td class="n">${rupees(-inv.exchange_total)}</td></tr>
<tr><th>Amount due</th><th class="n">${rupees(inv.amount_due)}</th></tr>`
      : '',
  ].join('\n');
  const taxHeader = inv.inter_state ? 'IGST ₹' : `CGST ₹<br>${inv.sgst_label} ₹`;
  const body = `${headerBlock(s, { title: inv.title, number: inv.number, date: inv.date })}
${inv.cancelled ? '<p class="stamp">CANCELLED</p>' : ''}
${inv.composition ? '<p class="note"><strong>Composition taxable person, not eligible to collect tax on supplies</strong></p>' : ''}
<div class="parties">
<section>
<h3>Billed to</h3>
${
  b
    ? paragraphs(
        b.name ?? 'Walk-in customer',
        b.address,
        stateLine(b.state_code, b.state_name),
        b.phone ? `Phone ${b.phone}` : null,
        [
          b.gstin ? `GSTIN ${b.gstin}` : 'Unregistered',
          b.pan ? `PAN ${b.pan}` : null,
          b.form60_ref ? `Form 60 ${b.form60_ref}` : null,
        ]
          .filter(Boolean)
          .join(' · '),
      )
    : paragraphs('Walk-in customer')
}
</section>
<section>
<h3>Supply</h3>
${paragraphs(
  stateLine(s.state_code, s.state_name) && `Supplier's ${stateLine(s.state_code, s.state_name)}`,
  pos ? `Place of supply: ${pos.state_name} (${pos.state_code})` : null,
  taxed ? (inv.inter_state ? 'Inter-State supply: IGST' : `Intra-State supply: CGST + ${inv.sgst_label}`) : null,
  'Reverse charge: No',
)}
</section>
</div>
<table class="lines">
<thead><tr><th class="n">#</th><th>Item</th><th class="n">Purity</th><th class="n">Qty</th><th class="n">Gross /<br>net wt</th><th class="n">Rate<br>₹/g</th><th class="n">Metal<br>value ₹</th><th class="n">Wastage<br>₹</th><th class="n">Making<br>₹</th><th class="n">Stones,<br>other ₹</th><th class="n">Taxable<br>₹</th><th class="n">GST</th><th class="n">${taxHeader}</th><th class="n">Amount</th></tr></thead>
<tbody>
${inv.lines.map((l, i) => lineRow(l, i, inv)).join('\n')}
</tbody>
</table>
${inv.exchange.length ? oldGoldTable(inv.exchange, 'Old gold taken in exchange', inv.exchange_total) : ''}
<div class="columns">
<div>
${inv.payments.length ? paymentsTable(inv.payments, 'Paid by') : ''}
<p class="words">${escapeHtml(inv.total_in_words)}</p>
${inv.note ? `<p class="note">${escapeHtml(inv.note)}</p>` : ''}
<p class="note">Weights are per piece, purity in parts per thousand (916 = 22K). ${
    taxed ? 'GST is charged on the full value of the new jewellery; old gold is a payment towards it. ' : ''
  }Certified that the particulars given above are true and correct.</p>
</div>
<table class="totals">
<tbody>
${totals}
</tbody>
</table>
</div>
<div class="sign"><p>Customer's signature</p><p>For ${escapeHtml(s.legal_name)}<br>Authorised signatory</p></div>`;
  return documentPage(`${inv.title} ${inv.number}${inv.cancelled ? ' (cancelled)' : ''}`, body);
}
