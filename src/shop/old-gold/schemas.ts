// Wire shapes of old gold bought from a customer (API.md "Old gold"): the voucher request, the
// voucher, its list and the stock of fine metal taken in.
import { z } from '@hono/zod-openapi';
import { METALS } from '../../db/schema';
import { cleanText, dayRange, money, pan, rangeInOrder } from '../../http/fields';
import { PageQuery } from '../../http/openapi';
import { phone } from '../customers/schemas';
import { PersonPartySchema, ShopPartySchema } from '../documents/parties';
import { ExchangeLineSchema, OldGoldLineBody } from '../pricing/schemas';

const id = z.string().min(1).max(64);

/** How the shop pays for old gold. Not `khata`: that is credit a sale gives, not money paid out. */
export const PAYOUT_METHODS = ['cash', 'card', 'upi', 'bank'] as const;

export const CreatePurchase = z
  .strictObject({
    customer_id: id.optional().openapi({ description: 'The seller, a customer of the shop; or give `seller`' }),
    seller: z
      .strictObject({ name: cleanText(1, 200), address: cleanText(1, 500), phone: phone.optional() })
      .optional()
      .openapi({ description: 'A walk-in seller who is not a customer; or give `customer_id`' }),
    lines: z.array(OldGoldLineBody).min(1).max(20),
    payments: z
      .array(z.strictObject({ method: z.enum(PAYOUT_METHODS), amount: money.min(1) }))
      .min(1)
      .max(10)
      .openapi({ description: 'What the shop pays; Σ amount = the lines’ value' }),
    seller_pan: pan.optional(),
    form60_ref: cleanText(1, 64).optional().openapi({ description: 'Form 60 reference, for a seller without a PAN' }),
    note: cleanText(0, 500).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.customer_id === undefined) === (b.seller === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['customer_id'],
        message: 'name the seller: exactly one of customer_id and seller',
      });
    }
  })
  .openapi('CreateOldGoldPurchase');

export type CreatePurchaseInput = z.infer<typeof CreatePurchase>;

const int = z.number().int();

export const PurchaseSchema = z
  .object({
    id: z.string(),
    voucher_number: z.string().openapi({ example: 'INVP/2627/1' }),
    financial_year: z.string().openapi({ example: '2627' }),
    date: z.string().openapi({ description: 'The shop-local date of the voucher', example: '2026-11-30' }),
    customer_id: z.string().nullable(),
    seller: PersonPartySchema.openapi({ description: 'Who sold the old gold, as recorded' }),
    buyer: ShopPartySchema.openapi({ description: 'The shop, as recorded' }),
    lines: z.array(ExchangeLineSchema),
    payments: z.array(z.object({ method: z.enum(PAYOUT_METHODS), amount: int })),
    total: int,
    total_in_words: z.string(),
    note: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
  })
  .openapi('OldGoldPurchase');

export type Purchase = z.infer<typeof PurchaseSchema>;

export const PurchaseListQuery = PageQuery.extend({
  ...dayRange('Vouchers of the shop-local date'),
  customer_id: id.optional(),
})
  .strict()
  .superRefine(rangeInOrder);
export type PurchaseListOptions = z.infer<typeof PurchaseListQuery>;

const FineSchema = z.object({
  net_weight_mg: int,
  fine_weight_mg: int.openapi({ description: 'Σ over purities of round(Σ net × purity / 1000)' }),
});

export const StockSchema = z
  .array(
    FineSchema.extend({
      metal: z.enum(METALS),
      purchased: FineSchema.openapi({ description: 'From purchase vouchers' }),
      exchanged: FineSchema.openapi({ description: 'From the exchange lines of completed sales' }),
    }),
  )
  .openapi('OldGoldStock');

export type Stock = z.infer<typeof StockSchema>;
