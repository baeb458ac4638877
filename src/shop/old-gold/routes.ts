// /api/v1/old-gold: old gold bought from customers (vouchers: any role, a cashier reads their own)
// and the fine metal taken in (manager+).
import { signedIn } from '../../auth/guard';
import { idParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, okPage, pageOf, z } from '../../http/openapi';
import { htmlDocument } from '../documents/page';
import { CreatePurchase, PurchaseListQuery, PurchaseSchema, StockSchema } from './schemas';
import { createPurchase, getPurchase, listPurchases, oldGoldStock } from './service';
import { voucherPage } from './voucher';

const tags = ['Old gold'];

export const oldGoldRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'post',
      path: '/purchases',
      operationId: 'createOldGoldPurchase',
      errors: ['FORBIDDEN', 'NOT_FOUND', 'RATE_UNAVAILABLE', 'PAYMENT_MISMATCH', 'PAN_REQUIRED', 'CONFLICT'],
      tags,
      ...signedIn('cashier'),
      summary: 'Buy old gold: a purchase voucher (idempotent)',
      description:
        'The seller is a customer (`customer_id`) or a walk-in `seller`, exactly one. Each line is valued at the ' +
        "shop-local day's **buy** rate for its metal and tested purity (422 `RATE_UNAVAILABLE`), or at a manager's " +
        '`rate_per_gram` (403 for a cashier; audited as `old_gold_purchase.rate_given`): ' +
        '`value = round(round(net × rate / 1000) × (10000 − deduction_bp) / 10000)`. `Σ payments` must equal the ' +
        'value (422 `PAYMENT_MISMATCH`); a total above `pan_threshold_paise` needs `seller_pan`, `form60_ref` or the ' +
        "customer's own (422 `PAN_REQUIRED`). Cash paid to one seller in the shop-local day (this voucher's and " +
        "that customer's earlier vouchers') above `cash_payout_limit_paise` needs a manager (403 for a cashier; " +
        'audited as `old_gold_purchase.cash_over_limit`). The voucher takes the next number of its gap-free series, ' +
        '`{invoice_prefix}P/{YYYY}/{n}` per financial year; a refused voucher takes none (409 `CONFLICT` when the ' +
        "year's numbers would pass 16 characters). Audited as `old_gold_purchase.created`. A retry with the same " +
        '`Idempotency-Key` and body gets the first response with `Idempotent-Replayed: true`.',
      idempotent: true,
      request: { ...jsonBody(CreatePurchase) },
      responses: { 201: jsonContent(dataOf(PurchaseSchema), 'The voucher (or, replayed, the first response)') },
    }),
    async (c) => ok(c, await createPurchase(c, c.req.valid('json')), 201),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/purchases',
      operationId: 'listOldGoldPurchases',
      tags,
      ...signedIn('cashier'),
      summary: 'List purchase vouchers, newest first (a cashier sees their own)',
      description: '`from` and `to` are shop-local dates, inclusive.',
      request: { query: PurchaseListQuery },
      responses: { 200: jsonContent(pageOf(PurchaseSchema), 'One page of vouchers') },
    }),
    async (c) => okPage(c, await listPurchases(c, c.req.valid('query'))),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/purchases/{id}',
      operationId: 'getOldGoldPurchase',
      tags,
      ...signedIn('cashier'),
      summary: 'One purchase voucher (a cashier: their own only)',
      request: { params: idParam },
      responses: { 200: jsonContent(dataOf(PurchaseSchema), 'The voucher') },
    }),
    async (c) => ok(c, await getPurchase(c, c.req.valid('param').id)),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/purchases/{id}/voucher.html',
      operationId: 'getOldGoldPurchaseVoucherPage',
      tags,
      ...signedIn('cashier'),
      summary: 'The voucher as a printable A4 page',
      description:
        'Self-contained HTML (no script, image, font or other request); its Content-Security-Policy adds only ' +
        '`style-src` for its inline styles to the JSON routes’ `default-src ' +
        "'none'`.",
      request: { params: idParam },
      responses: {
        200: { content: { 'text/html': { schema: z.string() } }, description: 'The voucher page' },
      },
    }),
    async (c) => htmlDocument(c, voucherPage(await getPurchase(c, c.req.valid('param').id))),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/stock',
      operationId: 'getOldGoldStock',
      tags,
      ...signedIn('manager'),
      summary: 'Fine metal taken in, by metal',
      description:
        'From purchase vouchers and from the exchange lines of completed sales (a voided sale’s old gold is not ' +
        'counted). Each purity’s net weight is summed, then made fine once: `round(Σ net × purity / 1000)` mg.',
      responses: { 200: jsonContent(dataOf(StockSchema), 'One entry per metal') },
    }),
    async (c) => ok(c, await oldGoldStock(c)),
  );
