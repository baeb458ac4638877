// Wire shapes of pricing: the sale body without payments (what a quote takes, and later a sale) and
// the quote the engine returns (API.md "The sale body, the quote and the sale").
import { z } from '@hono/zod-openapi';
import { METALS } from '../../db/schema';
import { cleanText, gstStateCode, money, pan } from '../../http/fields';
import { purityField, purityIssue } from '../products/schemas';

const id = z.string().min(1).max(64);

const unitPrice = money
  .optional()
  .openapi({ description: "Paise: overrides the unit's gross, before discount and tax (manager+)" });

/**
 * A sale line names what it sells by its own key: a product sold by count, or one piece by id or by
 * its scanned tag. A product that has pieces is sold only by piece (422 SELL_BY_PIECE).
 */
const ProductLine = z.strictObject({
  product_id: id,
  quantity: z.number().int().min(1).max(1000),
  unit_price: unitPrice,
});
const PieceLine = z.strictObject({ piece_id: id, unit_price: unitPrice });
const TagLine = z.strictObject({
  tag: z.string().trim().toUpperCase().min(1).max(32).openapi({ description: 'The scanned barcode/RFID tag' }),
  unit_price: unitPrice,
});
export const SaleLineBody = z.union([ProductLine, PieceLine, TagLine]);
export type SaleLineInput = z.infer<typeof SaleLineBody>;

/** The buyer as the invoice prints them, when the sale names no customer or adds to one. */
const BuyerBody = z
  .strictObject({
    name: cleanText(1, 120),
    address: cleanText(1, 300),
    state_code: gstStateCode
      .optional()
      .openapi({ description: 'Default: the place of supply (the state of delivery)' }),
    phone: cleanText(1, 20).optional(),
  })
  .openapi('Buyer');

/** Old gold taken in as part payment, valued at the day's buy rate for its tested purity. */
export const OldGoldLineBody = z
  .strictObject({
    metal: z.enum(METALS),
    purity: purityField.openapi({ description: 'As tested' }),
    gross_weight_mg: z.number().int().min(1).max(100_000_000),
    less_weight_mg: z
      .number()
      .int()
      .min(0)
      .max(100_000_000)
      .default(0)
      .openapi({ description: 'Stones, dirt: not paid for' }),
    deduction_bp: z.number().int().min(0).max(10_000).default(0),
    rate_per_gram: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .optional()
      .openapi({ description: "Paise; instead of the day's buy rate (manager+, audited when a sale records it)" }),
  })
  .superRefine((l, ctx) => {
    const issue = purityIssue(l.metal, l.purity);
    if (issue) ctx.addIssue({ code: 'custom', path: ['purity'], message: issue });
  });

/** What a quote and a sale have in common: the sale body without its payments. */
export const quoteFields = {
  customer_id: id.optional(),
  buyer: BuyerBody.optional(),
  items: z.array(SaleLineBody).min(1).max(50),
  discount: money.default(0),
  place_of_supply: gstStateCode
    .optional()
    .openapi({ description: "Default: the shop's state_code; another state needs manager+" }),
  exchange: z.array(OldGoldLineBody).max(20).default([]),
  customer_pan: pan.optional().openapi({ description: "The buyer's PAN, when the customer record has none" }),
  form60_ref: cleanText(1, 64).optional().openapi({ description: 'A Form 60 declaration, for a buyer without a PAN' }),
  expected_total: money
    .optional()
    .openapi({ description: 'The quoted total; a different total is 409 PRICE_CHANGED and nothing is written' }),
  note: cleanText(0, 500).optional(),
};

/** Each product once per sale (use quantity), each piece once, whether by id or by tag. */
export function uniqueLines(items: readonly SaleLineInput[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const [key, value] =
      'product_id' in item
        ? ['product_id', item.product_id]
        : 'piece_id' in item
          ? ['piece_id', item.piece_id]
          : ['tag', item.tag];
    if (seen.has(`${key}:${value}`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['items', i, key],
        message: key === 'product_id' ? 'each product once; use quantity' : 'each piece once',
      });
    }
    seen.add(`${key}:${value}`);
  });
}
export type OldGoldLineInput = z.infer<typeof OldGoldLineBody>;

export const QuoteBody = z
  .strictObject(quoteFields)
  .superRefine((b, ctx) => uniqueLines(b.items, ctx))
  .openapi('QuoteRequest');

export type QuoteBodyInput = z.infer<typeof QuoteBody>;

const int = z.number().int();
const paise = int.nullable();

export const QuoteLineSchema = z.object({
  product_id: z.string().nullable(),
  piece_id: z.string().nullable(),
  quantity: int,
  description: z.string(),
  hsn_code: z.string(),
  huid: z.string().nullable(),
  metal: z.string(),
  purity: int,
  gross_weight_mg: int,
  net_weight_mg: int,
  stone_weight_mg: int,
  rate_per_gram: paise,
  rate_date: z.string().nullable(),
  rate_source: z.string().nullable().openapi({ description: '`exact` or `scaled_from_<purity>`' }),
  metal_value: paise,
  wastage: paise,
  making: paise,
  stones: paise,
  other_charge: paise,
  unit_price: int.openapi({ description: "The unit's gross: before discount and tax" }),
  gross: int,
  discount: int,
  taxable: int,
  gst_rate_bp: int,
  cgst: int,
  sgst: int,
  igst: int,
  line_total: int,
});

/** Old gold as priced: an exchange line of a quote or sale, a line of a purchase voucher. */
export const ExchangeLineSchema = z.object({
  metal: z.string(),
  purity: int,
  gross_weight_mg: int,
  less_weight_mg: int,
  net_weight_mg: int,
  deduction_bp: int,
  rate_per_gram: int,
  rate_date: z.string().nullable(),
  rate_source: z.string().openapi({ description: '`exact`, `scaled_from_<purity>` or `given`' }),
  value: int,
});

/** A sale's money, as the quote, the sale and the invoice all show it. */
export const totalsFields = {
  subtotal: int,
  discount: int,
  taxable: int,
  cgst: int,
  sgst: int,
  igst: int,
  round_off: int,
  total: int,
};

export const QuoteSchema = z
  .object({
    items: z.array(QuoteLineSchema),
    ...totalsFields,
    exchange: z.array(ExchangeLineSchema),
    exchange_total: int,
    place_of_supply: z
      .string()
      .nullable()
      .openapi({ description: 'null: neither the shop nor the body named a state' }),
    document_type: z.enum(['tax_invoice', 'bill_of_supply']),
  })
  .openapi('Quote');
