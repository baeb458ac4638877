// The purchase voucher as a printable A4 page: what the shop bought, from whom, at what rate and
// how it paid, signed by both. Everything shown is the voucher as recorded (its snapshots).
import { documentPage, escapeHtml, grams, headerBlock, paragraphs, percent, rupees } from '../documents/page';
import type { Purchase } from './schemas';

const METHOD: Record<Purchase['payments'][number]['method'], string> = {
  cash: 'Cash',
  card: 'Card',
  upi: 'UPI',
  bank: 'Bank transfer',
};

const rateNote = (l: Purchase['lines'][number]) =>
  l.rate_source === 'given' ? 'given' : l.rate_source === 'exact' ? `of ${l.rate_date}` : `${l.rate_date}, scaled`;

export function voucherPage(p: Purchase): string {
  const s = p.seller;
  const rows = p.lines
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
    .join('\n');
  const paid = p.payments
    .map((x) => `<tr><td>${escapeHtml(METHOD[x.method])}</td><td class="n">${rupees(x.amount)}</td></tr>`)
    .join('\n');
  const body = `${headerBlock(p.buyer, { title: 'Purchase voucher', number: p.voucher_number, date: p.date })}
<div class="parties">
<section>
<h3>Bought from</h3>
${paragraphs(s.name, s.address, s.phone ? `Phone ${s.phone}` : null, s.pan ? `PAN ${s.pan}` : null, s.form60_ref ? `Form 60 ${s.form60_ref}` : null, s.gstin ? `GSTIN ${s.gstin}` : null)}
</section>
<section>
<h3>Bought by</h3>
${paragraphs(p.buyer.legal_name, p.buyer.gstin ? `GSTIN ${p.buyer.gstin}` : 'Not GST-registered')}
</section>
</div>
<table>
<thead><tr><th class="n">#</th><th>Metal</th><th class="n">Purity</th><th class="n">Gross</th><th class="n">Less</th><th class="n">Net</th><th class="n">Rate</th><th class="n">Deduction</th><th class="n">Value</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td colspan="8">Total</td><td class="n">${rupees(p.total)}</td></tr></tfoot>
</table>
<p class="words">${escapeHtml(p.total_in_words)}</p>
<table>
<thead><tr><th>Paid by</th><th class="n">Amount</th></tr></thead>
<tbody>
${paid}
</tbody>
</table>
${p.note ? `<p class="note">${escapeHtml(p.note)}</p>` : ''}
<p class="note">Purity is as tested at the counter, in parts per thousand. Net = gross − less (stones, dirt); value = net × rate, less the deduction.</p>
<div class="sign"><p>Seller's signature</p><p>For ${escapeHtml(p.buyer.legal_name)}</p></div>`;
  return documentPage(`Purchase voucher ${p.voucher_number}`, body);
}
