// The tax invoice (or bill of supply) of a sale: one pure function from the sale as recorded to the
// document, so the JSON route and the printable page show the same thing and nothing is recomputed
// but the tax totals by rate (the engine's taxesByRate) and the words (words.ts). Every amount is the
// sale's own snapshot: a later change to the shop, the customer, the product or the rates never
// changes an issued invoice.
//
// What a tax invoice must carry is CGST Rule 46 (CGST Rules, 2017, as amended): (a) the supplier's
// name, address and GSTIN; (b) a serial number of at most 16 characters, unique in the financial year;
// (c) the date; (d)/(e) the recipient's name, address and GSTIN or, unregistered at ₹50,000 or more,
// name, address and State with its code; (g) HSN; (h) description; (i) quantity; (j) value;
// (k) taxable value after discount; (l)/(m) rate and amount of each tax; (n) the place of supply with
// the State's name for an inter-State supply; (p) whether tax is payable on reverse charge; (q) the
// supplier's signature. A bill of supply (CGST Rule 49) carries the same parties, number, date, HSN,
// description and value, without tax; a composition taxpayer's says so at its top (CGST Rule 5(1)(g)).
import { DOCUMENT_TYPES, TENDER_METHODS } from '../../db/schema';
import { ApiError } from '../../http/errors';
import { z } from '../../http/openapi';
import { GST_STATES, isUtgstState } from '../../lib/gstin';
import { taxesByRate } from '../../pricing/engine';
import { sum } from '../../pricing/money';
import { amountInWords } from '../../pricing/words';
import { ExchangeLineSchema, QuoteLineSchema, totalsFields } from '../pricing/schemas';
import type { Sale } from '../sales/schemas';

const int = z.number().int();
const text = z.string().nullable();

const StateSchema = z.object({ state_code: z.string(), state_name: z.string() });

/** A line as the sale snapshotted it, less what only the till needs (ids, the rate's source, the unit price). */
const InvoiceLineSchema = QuoteLineSchema.omit({
  product_id: true,
  piece_id: true,
  rate_source: true,
  unit_price: true,
});

export const InvoiceSchema = z
  .object({
    sale_id: z.string(),
    document_type: z.enum(DOCUMENT_TYPES),
    title: z.enum(['Tax Invoice', 'Bill of Supply']),
    cancelled: z
      .boolean()
      .openapi({ description: 'The sale was voided: the document keeps its number, marked CANCELLED' }),
    composition: z.boolean().openapi({
      description: 'Issued by a composition taxpayer, who may not collect tax (CGST Rule 5(1)(g))',
    }),
    number: z.string(),
    date: z.string().openapi({ description: 'The shop-local date of the sale' }),
    seller: z.object({
      legal_name: z.string(),
      address: text,
      gstin: text,
      state_code: text,
      state_name: text,
    }),
    buyer: z
      .object({
        name: text,
        phone: text,
        address: text,
        state_code: text,
        state_name: text,
        gstin: text,
        pan: text,
        form60_ref: text,
      })
      .nullable(),
    place_of_supply: StateSchema.nullable(),
    inter_state: z.boolean().openapi({ description: 'IGST instead of CGST and SGST' }),
    sgst_label: z.enum(['SGST', 'UTGST']).openapi({
      description: 'UTGST where the place of supply is a union territory without a legislature',
    }),
    reverse_charge: z.literal(false).openapi({ description: 'Tax payable on reverse charge (CGST Rule 46(p)): never' }),
    lines: z.array(InvoiceLineSchema).openapi({ description: 'Weights are per unit; amounts are the whole line’s' }),
    taxes_by_rate: z.array(
      z.object({ gst_rate_bp: int, taxable: int, cgst: int, sgst: int, igst: int }).openapi({
        description: 'CGST Rule 46(l)–(m)',
      }),
    ),
    ...totalsFields,
    total_in_words: z.string(),
    exchange: z.array(ExchangeLineSchema).openapi({ description: 'Old gold taken in part payment: a deduction' }),
    exchange_total: int,
    amount_due: int.openapi({ description: '`total − exchange_total`: what the payments cover' }),
    payments: z.array(z.object({ method: z.enum(TENDER_METHODS), amount: int })),
    note: text,
  })
  .openapi('Invoice');

export type Invoice = z.infer<typeof InvoiceSchema>;

const stateOf = (code: string | null) =>
  code === null ? null : { state_code: code, state_name: GST_STATES[code]?.name ?? code };

/** The engine wrote every snapshot field of a documented sale's lines; a null here is a broken row. */
function recorded<T>(value: T | null, field: string): T {
  if (value === null) throw new Error(`a documented sale line without ${field}`);
  return value;
}

export const noInvoice = () =>
  new ApiError(
    409,
    'NO_INVOICE',
    'This sale was recorded before invoices existed: it has no invoice number, so no invoice can be printed for it',
  );

/** The sale's document; 409 NO_INVOICE for a sale recorded before invoices existed. */
export function invoiceOf(sale: Sale): Invoice {
  const { document_type, invoice_number, seller } = sale;
  if (document_type === null || invoice_number === null || seller === null) throw noInvoice();
  const lines = sale.items.map((l) => ({
    description: l.description,
    hsn_code: recorded(l.hsn_code, 'hsn_code'),
    huid: l.huid,
    metal: recorded(l.metal, 'metal'),
    purity: recorded(l.purity, 'purity'),
    quantity: l.quantity,
    gross_weight_mg: recorded(l.gross_weight_mg, 'gross_weight_mg'),
    net_weight_mg: recorded(l.net_weight_mg, 'net_weight_mg'),
    stone_weight_mg: recorded(l.stone_weight_mg, 'stone_weight_mg'),
    rate_per_gram: l.rate_per_gram,
    rate_date: l.rate_date,
    metal_value: l.metal_value,
    wastage: l.wastage,
    making: l.making,
    stones: l.stones,
    other_charge: l.other_charge,
    gross: l.gross,
    discount: recorded(l.discount, 'discount'),
    taxable: recorded(l.taxable, 'taxable'),
    gst_rate_bp: l.gst_rate_bp,
    cgst: l.cgst,
    sgst: l.sgst,
    igst: l.igst,
    line_total: l.line_total,
  }));
  const b = sale.buyer;
  const pos = sale.place_of_supply;
  return {
    sale_id: sale.id,
    document_type,
    title: document_type === 'tax_invoice' ? 'Tax Invoice' : 'Bill of Supply',
    cancelled: sale.status === 'voided',
    composition: document_type === 'bill_of_supply' && seller.gstin !== null,
    number: invoice_number,
    date: sale.business_date,
    seller: { ...seller, state_name: stateOf(seller.state_code)?.state_name ?? null },
    buyer: b && {
      name: b.name,
      phone: b.phone,
      address: b.address,
      state_code: b.state_code,
      state_name: stateOf(b.state_code)?.state_name ?? null,
      gstin: b.gstin,
      pan: b.pan,
      form60_ref: b.form60_ref,
    },
    place_of_supply: stateOf(pos),
    inter_state: pos !== null && seller.state_code !== null && pos !== seller.state_code,
    sgst_label: pos !== null && isUtgstState(pos) ? 'UTGST' : 'SGST',
    reverse_charge: false,
    lines,
    taxes_by_rate: taxesByRate(lines),
    subtotal: sale.subtotal,
    discount: sale.discount,
    taxable: sale.taxable,
    cgst: sale.cgst,
    sgst: sale.sgst,
    igst: sale.igst,
    round_off: sale.round_off,
    total: sale.total,
    total_in_words: amountInWords(sale.total),
    exchange: sale.exchange,
    exchange_total: sale.exchange_total,
    amount_due: sum([sale.total, -sale.exchange_total]),
    payments: sale.payments,
    note: sale.note,
  };
}
