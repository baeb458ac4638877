// Wire shapes of customers: what staff see (always with the khata balance) and what they may send.
import { z } from '@hono/zod-openapi';
import type { customers } from '../../db/schema';
import { cleanText, email, gstin, money, pan } from '../../http/fields';
import { PageQuery } from '../../http/openapi';

export const CustomerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    phone: z.string().openapi({ example: '+919812345678' }),
    email: z.string().nullable(),
    address: z.string().nullable(),
    pan: z.string().nullable().openapi({ description: 'Uppercase `AAAAA9999A`' }),
    form60_ref: z.string().nullable().openapi({ description: 'Form 60 reference, for a buyer without a PAN' }),
    gstin: z.string().nullable().openapi({ description: 'A registered buyer’s GSTIN, printed on the invoice' }),
    credit_limit: z.number().int().openapi({ description: 'Paise; the most the khata balance may reach' }),
    khata_balance: z.number().int().openapi({ description: 'What the customer owes, paise' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Customer');

export type Customer = z.infer<typeof CustomerSchema>;
export type CustomerRow = typeof customers.$inferSelect;

export const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  email: r.email,
  address: r.address,
  pan: r.pan,
  form60_ref: r.form60Ref,
  gstin: r.gstin,
  credit_limit: r.creditLimit,
  khata_balance: r.khataBalance,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

/** E.164: a plus, a country code that does not start with 0, 8–15 digits in all. */
export const phone = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{7,14}$/, 'an E.164 number, e.g. +919812345678')
  .openapi({ example: '+919812345678' });

const fields = {
  name: cleanText(1, 200),
  phone,
  email: email.nullable(),
  address: cleanText(0, 500).nullable(),
  pan: pan.nullable(),
  form60_ref: cleanText(1, 64).nullable(),
  // Any state: a buyer's GSTIN need not match the shop's state (an inter-state sale).
  gstin: gstin.nullable(),
  credit_limit: money.openapi({ description: 'Paise; setting a non-zero limit needs manager+' }),
};

export const CreateCustomer = z
  .strictObject({
    name: fields.name,
    phone: fields.phone,
    email: fields.email.optional(),
    address: fields.address.optional(),
    pan: fields.pan.optional(),
    form60_ref: fields.form60_ref.optional(),
    gstin: fields.gstin.optional(),
    credit_limit: fields.credit_limit.default(0),
  })
  .openapi('CreateCustomer');

export const UpdateCustomer = z
  .strictObject({
    name: fields.name.optional(),
    phone: fields.phone.optional(),
    email: fields.email.optional(),
    address: fields.address.optional(),
    pan: fields.pan.optional(),
    form60_ref: fields.form60_ref.optional(),
    gstin: fields.gstin.optional(),
    credit_limit: fields.credit_limit.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .openapi('UpdateCustomer');

export type CreateCustomerInput = z.infer<typeof CreateCustomer>;
export type UpdateCustomerInput = z.infer<typeof UpdateCustomer>;

export const CustomerListQuery = PageQuery.extend({
  q: cleanText(1, 100).optional().openapi({ description: 'Name (case-insensitive) or phone contains' }),
}).strict();
