// The khata's wire shapes: an entry, the balance with a page of entries, and a new entry.
import { KHATA_PAYMENT_METHODS, KHATA_TYPES } from '../../db/schema';
import { cleanText } from '../../http/fields';
import { PageMetaSchema, z } from '../../http/openapi';

export const KhataEntrySchema = z
  .object({
    id: z.string(),
    type: z.enum(KHATA_TYPES),
    amount: z.number().int().openapi({ description: 'Paise, positive' }),
    method: z.enum(KHATA_PAYMENT_METHODS).nullable().openapi({
      description: 'How a payment was made; null on credits (and on payments recorded before methods were kept)',
    }),
    balance_after: z.number().int().openapi({ description: 'The customer’s balance once this entry applied' }),
    note: z.string().nullable(),
    sale_id: z.string().nullable(),
    created_by: z.string(),
    created_at: z.string(),
  })
  .openapi('KhataEntry');

export const KhataPage = z
  .object({
    success: z.literal(true),
    data: z.object({ balance: z.number().int(), entries: z.array(KhataEntrySchema) }),
    meta: PageMetaSchema,
  })
  .openapi('KhataPage');

export const PostKhata = z
  .strictObject({
    type: z.enum(KHATA_TYPES),
    amount: z.number().int().min(1).max(1_000_000_000_000).openapi({ description: 'Paise, positive' }),
    method: z.enum(KHATA_PAYMENT_METHODS).optional().openapi({
      description: 'Payments only, default `cash`: cash paid into the khata counts towards the day’s cash limit',
    }),
    note: cleanText(0, 500).optional(),
  })
  .refine((v) => v.type === 'payment' || v.method === undefined, {
    path: ['method'],
    message: 'only a payment has a method',
  })
  .openapi('PostKhataEntry');

export type KhataEntry = z.infer<typeof KhataEntrySchema>;
export type PostKhataInput = z.infer<typeof PostKhata>;
