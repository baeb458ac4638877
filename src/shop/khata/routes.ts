// /api/v1/customers/{id}/khata: a customer's credit ledger (read and payments: any role; credits: manager+).
import { authOf } from '../../auth/caller';
import { hasRole, signedIn } from '../../auth/guard';
import { KHATA_PAYMENT_METHODS, KHATA_TYPES } from '../../db/schema';
import { ApiError } from '../../http/errors';
import { cleanText, idParam } from '../../http/fields';
import {
  createRouter,
  dataOf,
  defineRoute,
  jsonBody,
  jsonContent,
  ok,
  PageMetaSchema,
  PageQuery,
  pageMeta,
  z,
} from '../../http/openapi';
import { listKhata, postKhata } from './service';

const tags = ['Khata'];

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

const PostKhata = z
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

export const khataRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{id}/khata',
      operationId: 'listKhataEntries',
      tags,
      ...signedIn('cashier'),
      summary: 'The customer’s balance and ledger, newest first',
      request: { params: idParam, query: PageQuery.strict() },
      responses: { 200: jsonContent(KhataPage, 'The balance and one page of entries') },
    }),
    async (c) => {
      const { balance, ...page } = await listKhata(c, c.req.valid('param').id, c.req.valid('query'));
      return c.json({ success: true as const, data: { balance, entries: page.items }, meta: pageMeta(page) }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/{id}/khata',
      operationId: 'createKhataEntry',
      errors: ['FORBIDDEN', 'CREDIT_LIMIT_EXCEEDED', 'PAYMENT_EXCEEDS_BALANCE'],
      tags,
      ...signedIn('cashier'),
      summary: 'Record a payment (any role) or a credit (manager+)',
      description:
        'Append-only: a mistake is corrected by a new entry. A credit may not take the balance over the ' +
        'credit limit (422 CREDIT_LIMIT_EXCEEDED); a payment may not exceed the balance ' +
        '(422 PAYMENT_EXCEEDS_BALANCE); nothing is written on a refusal. A credit by a cashier is 403. Credits are ' +
        'audited as `khata.credit`.',
      request: { params: idParam, ...jsonBody(PostKhata) },
      responses: {
        201: jsonContent(dataOf(KhataEntrySchema), 'The entry; `balance_after` is the new balance'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.type === 'credit' && !hasRole(authOf(c).role, 'manager')) {
        throw new ApiError(403, 'FORBIDDEN', 'A khata credit needs the manager role or higher');
      }
      return ok(c, await postKhata(c, c.req.valid('param').id, body), 201);
    },
  );
