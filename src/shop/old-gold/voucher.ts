// The purchase voucher as a printable A4 page: what the shop bought, from whom, at what rate and
// how it paid, signed by both. Everything shown is the voucher as recorded (its snapshots).
import { documentPage, escapeHtml, headerBlock, oldGoldTable, paragraphs, paymentsTable } from '../documents/page';
import type { Purchase } from './schemas';

export function voucherPage(p: Purchase): string {
  const s = p.seller;
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
${oldGoldTable(p.lines, 'Total', p.total)}
<p class="words">${escapeHtml(p.total_in_words)}</p>
${paymentsTable(p.payments, 'Paid by')}
${p.note ? `<p class="note">${escapeHtml(p.note)}</p>` : ''}
<p class="note">Purity is as tested at the counter, in parts per thousand. Net = gross − less (stones, dirt); value = net × rate, less the deduction.</p>
<div class="sign"><p>Seller's signature</p><p>For ${escapeHtml(p.buyer.legal_name)}</p></div>`;
  return documentPage(`Purchase voucher ${p.voucher_number}`, body);
}
