// /api/v1/sales: POS sales (create and read own: any role; all sales and voids: manager+).
import { signedIn } from '../../auth/guard';
import { idParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, okPage, pageOf, z } from '../../http/openapi';
import { InvoiceSchema, invoiceOf } from '../documents/invoice';
import { invoicePage } from '../documents/invoice-page';
import { htmlDocument } from '../documents/page';
import { CreateSale, SaleListQuery, SaleSchema } from './schemas';
import { createSale, getSale, listSales, voidSale } from './service';

const tags = ['Sales'];

export const saleRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'post',
      path: '/',
      operationId: 'createSale',
      errors: [
        'FORBIDDEN',
        'NOT_FOUND',
        'CONFLICT',
        'INSUFFICIENT_STOCK',
        'PIECE_SOLD',
        'PRICE_CHANGED',
        'AMOUNT_TOO_LARGE',
        'INVALID_DISCOUNT',
        'RATE_UNAVAILABLE',
        'SELL_BY_PIECE',
        'HUID_MISSING',
        'EXCHANGE_EXCEEDS_TOTAL',
        'PAYMENT_INVALID',
        'PAYMENT_MISMATCH',
        'CASH_LIMIT_EXCEEDED',
        'PAN_REQUIRED',
        'BUYER_DETAILS_REQUIRED',
        'CREDIT_LIMIT_EXCEEDED',
      ],
      tags,
      ...signedIn('cashier'),
      summary: 'Record a sale (idempotent)',
      description:
        'Priced exactly as POST /pricing/quote prices the same body (the day’s sell rate in the shop’s timezone, ' +
        'charges, GST, round-off), then one atomic step: stock and pieces taken, the sale with its line snapshots, ' +
        'its invoice number (consecutive per shop, series and financial year; a refused sale consumes none), ' +
        'old gold lines, tenders and, for a khata tender, the ledger credit under the credit limit; any refusal ' +
        'writes nothing. Send `expected_total` (the quoted total): a different total is 409 PRICE_CHANGED with ' +
        'the current quote in `details`. Legal checks: cash from one person below `cash_limit_paise` in the sale ' +
        'and the shop-local day (Income-tax Act s.269ST), PAN or Form 60 above `pan_threshold_paise` (Rule 114B), ' +
        'buyer name/address/state on a tax invoice at `buyer_details_threshold_paise` (CGST Rule 46(e)). ' +
        'A cashier may give a `discount` of at most the shop’s `cashier_discount_limit_bp` of the subtotal; unit ' +
        'price overrides, given old gold rates and another place of supply need a manager (403) and are audited. ' +
        'A retry with the same `Idempotency-Key` and body gets the first response with `Idempotent-Replayed: true`; ' +
        'another body is 422 IDEMPOTENCY_KEY_REUSED. Refused requests are not stored, so their key may be retried. ' +
        'IDEMPOTENCY_KEY_IN_FLIGHT (409) means the first request is still running: retry.',
      idempotent: true,
      request: { ...jsonBody(CreateSale) },
      responses: { 201: jsonContent(dataOf(SaleSchema), 'The sale (or, replayed, the first response)') },
    }),
    async (c) => ok(c, await createSale(c, c.req.valid('json')), 201),
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
    async (c) => okPage(c, await listSales(c, c.req.valid('query'))),
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
      method: 'get',
      path: '/{id}/invoice',
      operationId: 'getSaleInvoice',
      errors: ['NO_INVOICE'],
      tags,
      ...signedIn('cashier'),
      summary: 'The sale’s tax invoice (or bill of supply) as a document (a cashier: their own sales only)',
      description:
        'Everything the printed invoice shows (CGST Rule 46; a bill of supply, Rule 49), from the sale as recorded: ' +
        'the seller and buyer snapshots, number and date, place of supply with its State’s name, each line’s HSN, ' +
        'HUID, purity, weights, rate, charges, taxable value and taxes, the taxes by rate, the old gold taken in ' +
        'as a deduction, tenders, round-off, total, the amount due after the exchange, and the total in words ' +
        '(lakh, crore). A voided sale’s invoice keeps its number and says `cancelled`. A sale recorded before ' +
        'invoices existed has no number and no invoice: 409 `NO_INVOICE`.',
      request: { params: idParam },
      responses: { 200: jsonContent(dataOf(InvoiceSchema), 'The invoice') },
    }),
    async (c) => ok(c, invoiceOf(await getSale(c, c.req.valid('param').id))),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{id}/invoice.html',
      operationId: 'getSaleInvoicePage',
      errors: ['NO_INVOICE'],
      tags,
      ...signedIn('cashier'),
      summary: 'The invoice as a printable A4 page',
      description:
        'The same document as GET /sales/{id}/invoice, self-contained HTML (no script, image, font or other ' +
        'request); its Content-Security-Policy adds only `style-src` for its inline styles to the JSON routes’ ' +
        "`default-src 'none'`. A voided sale's page is stamped CANCELLED.",
      request: { params: idParam },
      responses: {
        200: { content: { 'text/html': { schema: z.string() } }, description: 'The invoice page' },
      },
    }),
    async (c) => htmlDocument(c, invoicePage(invoiceOf(await getSale(c, c.req.valid('param').id)))),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/{id}/void',
      operationId: 'voidSale',
      errors: ['ALREADY_VOIDED', 'CUSTOMER_DELETED'],
      tags,
      ...signedIn('manager'),
      summary: 'Void a sale: restore its stock and pieces and reverse its khata credit, once',
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
