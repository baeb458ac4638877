// /api/v1/sales: POS sales (create and read own: any role; all sales and voids: manager+).
import { signedIn } from '../../auth/guard';
import { PAYMENT_METHODS, SALE_STATUSES } from '../../db/schema';
import { ApiError } from '../../http/errors';
import { cleanText, DATE, idParam, instant, money, startOf } from '../../http/fields';
import { idempotentRequest } from '../../http/idempotency';
import {
  createRouter,
  dataOf,
  defineRoute,
  jsonBody,
  jsonContent,
  ok,
  okPage,
  PageQuery,
  pageOf,
  z,
} from '../../http/openapi';
import { createSale, getSale, listSales, type Sale, voidSale } from './service';

const tags = ['Sales'];

const SaleSchema = z
  .object({
    id: z.string(),
    customer_id: z.string().nullable(),
    cashier_id: z.string(),
    items: z.array(
      z.object({
        product_id: z.string(),
        quantity: z.number().int(),
        unit_price: z.number().int(),
        line_total: z.number().int(),
      }),
    ),
    subtotal: z.number().int(),
    discount: z.number().int(),
    total: z.number().int(),
    payment_method: z.enum(PAYMENT_METHODS),
    status: z.enum(SALE_STATUSES),
    note: z.string().nullable(),
    created_at: z.string(),
    voided_at: z.string().nullable(),
  })
  .openapi('Sale');

const id = z.string().min(1).max(64);

const CreateSale = z
  .strictObject({
    customer_id: id.optional().openapi({ description: 'Required when `payment_method` is `khata`' }),
    items: z
      .array(
        z.strictObject({
          product_id: id,
          quantity: z.number().int().min(1).max(1000),
          unit_price: money.optional().openapi({ description: 'Paise; overrides base_price (manager+ only)' }),
        }),
      )
      .min(1)
      .max(50),
    discount: money.default(0),
    payment_method: z.enum(PAYMENT_METHODS),
    note: cleanText(0, 500).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.payment_method === 'khata' && s.customer_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['customer_id'], message: 'a khata sale needs a customer' });
    }
    const seen = new Set<string>();
    s.items.forEach((item, i) => {
      if (seen.has(item.product_id)) {
        ctx.addIssue({ code: 'custom', path: ['items', i, 'product_id'], message: 'each product once; use quantity' });
      }
      seen.add(item.product_id);
    });
  })
  .openapi('CreateSale');

const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header', required: true },
      // Checked by the idempotency step (400 IDEMPOTENCY_KEY_REQUIRED / IDEMPOTENCY_KEY_INVALID), not here.
      minLength: 8,
      maxLength: 128,
      pattern: '^[A-Za-z0-9_\\-:.]{8,128}$',
      description: '8–128 of A-Z a-z 0-9 _ - : . ; unique per sale attempt, valid 24 h',
      example: 'pos-7-20261122-0042',
    }),
});

const SaleListQuery = PageQuery.extend({
  from: instant.optional().openapi({ description: 'On or after; a date means from its start (UTC)' }),
  to: instant.optional().openapi({ description: 'On or before; a date means through its end (UTC)' }),
  customer_id: id.optional(),
}).strict();

export const saleRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'post',
      path: '/',
      operationId: 'createSale',
      errors: [
        'FORBIDDEN',
        'NOT_FOUND',
        'INSUFFICIENT_STOCK',
        'AMOUNT_TOO_LARGE',
        'INVALID_DISCOUNT',
        'CREDIT_LIMIT_EXCEEDED',
        'IDEMPOTENCY_KEY_REQUIRED',
        'IDEMPOTENCY_KEY_INVALID',
        'IDEMPOTENCY_KEY_REUSED',
        'IDEMPOTENCY_KEY_IN_FLIGHT',
      ],
      tags,
      ...signedIn('cashier'),
      summary: 'Record a sale (idempotent)',
      description:
        'One atomic step: stock decrements, the sale and its lines and, for `khata`, the ledger credit under ' +
        'the credit limit; any refusal writes nothing. A cashier may give a `discount` of at most the shop’s ' +
        '`cashier_discount_limit_bp` of the subtotal (default 0); every discount is audited as `sale.discounted`. A retry with the same `Idempotency-Key` and body gets ' +
        'the first response with `Idempotent-Replayed: true`; another body is 422 IDEMPOTENCY_KEY_REUSED. ' +
        'Refused requests are not stored, so their key may be retried. `unit_price` from a cashier is 403; ' +
        'IDEMPOTENCY_KEY_IN_FLIGHT (409) means the first request is still running: retry.',
      request: { headers: IdempotencyHeader, ...jsonBody(CreateSale) },
      responses: {
        201: {
          ...jsonContent(dataOf(SaleSchema), 'The sale (or, replayed, the first response)'),
          headers: { 'Idempotent-Replayed': { schema: { type: 'string' }, description: '`true` on a replay' } },
        },
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const idem = await idempotentRequest(c);
      const sale = await createSale(c, body, idem);
      if (!(sale instanceof Response)) return ok(c, sale, 201);
      // A replay is the stored bytes of the first response; typed routes only know c.json() results.
      return sale as unknown as ReturnType<typeof ok<Sale, 201>>;
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'listSales',
      tags,
      ...signedIn('cashier'),
      summary: 'List sales, newest first (a cashier sees their own)',
      request: { query: SaleListQuery },
      responses: { 200: jsonContent(pageOf(SaleSchema), 'One page of sales') },
    }),
    async (c) => {
      const { from, to, ...q } = c.req.valid('query');
      const fromTs = from ? startOf(from) : undefined;
      const toDay = to !== undefined && DATE.test(to);
      const toTs = to ? new Date(startOf(to).getTime() + (toDay ? 86_400_000 : 0)) : undefined;
      if (fromTs && toTs && (toDay ? fromTs >= toTs : fromTs > toTs)) {
        throw new ApiError(400, 'VALIDATION_FAILED', 'Invalid query', [{ path: 'from', message: 'from is after to' }]);
      }
      return okPage(
        c,
        await listSales(c, { ...q, from: fromTs?.toISOString(), to: toTs?.toISOString(), toExclusive: toDay }),
      );
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getSale',
      tags,
      ...signedIn('cashier'),
      summary: 'One sale (a cashier: their own only)',
      request: { params: idParam },
      responses: { 200: jsonContent(dataOf(SaleSchema), 'The sale') },
    }),
    async (c) => ok(c, await getSale(c, c.req.valid('param').id)),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/{id}/void',
      operationId: 'voidSale',
      errors: ['ALREADY_VOIDED', 'CUSTOMER_DELETED'],
      tags,
      ...signedIn('manager'),
      summary: 'Void a sale: restore its stock and reverse its khata credit, once',
      description:
        'The khata credit is reversed by a `payment` entry with the sale id and the note "void of sale …". ' +
        'Audited as `sale.voided`. A khata sale whose customer was deleted is not voided (409 CUSTOMER_DELETED).',
      request: { params: idParam },
      responses: {
        200: jsonContent(dataOf(SaleSchema), 'The voided sale'),
      },
    }),
    async (c) => ok(c, await voidSale(c, c.req.valid('param').id), 200),
  );
