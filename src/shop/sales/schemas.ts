// Wire shapes of sales (API.md "Sales" and "The sale body, the quote and the sale"): the body is a
// quote's plus how it is paid; the sale is the quote's breakdown plus its document, tenders and the
// seller and buyer as they were. The TypeScript types are inferred from these, so the docs, the
// validation and the code cannot drift apart.
import { DOCUMENT_TYPES, PAYMENT_METHODS, SALE_STATUSES, TENDER_METHODS } from '../../db/schema';
import { money, rangeInOrder, timeRange } from '../../http/fields';
import { PageQuery, z } from '../../http/openapi';
import { PersonPartySchema, ShopPartySchema } from '../documents/parties';
import { ExchangeLineSchema, QuoteLineSchema, quoteFields, totalsFields, uniqueLines } from '../pricing/schemas';

const Tender = z.strictObject({ method: z.enum(TENDER_METHODS), amount: money.min(1) });

export const CreateSale = z
  .strictObject({
    ...quoteFields,
    payment_method: z
      .enum(TENDER_METHODS)
      .optional()
      .openapi({ description: 'One tender of the whole amount due; or send `payments`' }),
    payments: z.array(Tender).max(10).optional().openapi({
      description: 'Split tenders; with the old gold they must add up to the total (422 PAYMENT_MISMATCH)',
    }),
  })
  .superRefine((s, ctx) => {
    uniqueLines(s.items, ctx);
    const onKhata = s.payment_method === 'khata' || s.payments?.some((p) => p.method === 'khata');
    if (onKhata && s.customer_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['customer_id'], message: 'a khata sale needs a customer' });
    }
  })
  .openapi('CreateSale');

export type CreateSaleInput = z.infer<typeof CreateSale>;

const int = z.number().int();

/** Lines recorded before snapshots existed carry what is known and null for the rest. */
const SaleLineSchema = QuoteLineSchema.extend({
  product_id: z.string(),
  hsn_code: z.string().nullable(),
  metal: z.string().nullable(),
  purity: int.nullable(),
  gross_weight_mg: int.nullable(),
  net_weight_mg: int.nullable(),
  stone_weight_mg: int.nullable(),
  discount: int.nullable(),
  taxable: int.nullable(),
  stone_lines: z.array(z.record(z.string(), z.unknown())).nullable().openapi({
    description: 'The stones as priced (a diamond valued by a model names it in `valued_by`)',
  }),
});

export const SaleSchema = z
  .object({
    id: z.string(),
    customer_id: z.string().nullable(),
    cashier_id: z.string(),
    items: z.array(SaleLineSchema),
    ...totalsFields,
    exchange: z.array(ExchangeLineSchema),
    exchange_total: int,
    place_of_supply: z.string().nullable(),
    document_type: z.enum(DOCUMENT_TYPES).nullable().openapi({ description: 'null: recorded before invoices existed' }),
    invoice_number: z.string().nullable().openapi({
      description: '`{prefix}/{YYYY}/{n}` (`{prefix}B/…` for a bill of supply); null before invoices existed',
    }),
    business_date: z.string().openapi({ description: 'The shop-local date of the sale: the invoice date' }),
    payments: z.array(z.object({ method: z.enum(TENDER_METHODS), amount: int })),
    payment_method: z.enum(PAYMENT_METHODS).openapi({ description: 'The single tender’s method, or `split`' }),
    seller: ShopPartySchema.nullable().openapi({
      description: 'The shop as it was at the sale; null before invoices existed',
    }),
    buyer: PersonPartySchema.nullable().openapi({
      description: 'The buyer as they were at the sale; null before invoices existed',
    }),
    status: z.enum(SALE_STATUSES),
    note: z.string().nullable(),
    created_at: z.string(),
    voided_at: z.string().nullable(),
  })
  .openapi('Sale');

export type Sale = z.infer<typeof SaleSchema>;

export const SaleListQuery = PageQuery.extend({
  ...timeRange,
  customer_id: z.string().min(1).max(64).optional(),
})
  .strict()
  .superRefine(rangeInOrder);
export type SaleListOptions = z.infer<typeof SaleListQuery>;
