// /api/v1/customers/{id}/khata: a customer's credit ledger (read and payments: any role; credits: manager+).
import { signedIn } from '../../auth/guard';
import { idParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, okPage, PageQuery } from '../../http/openapi';
import { KhataEntrySchema, KhataPage, PostKhata } from './schemas';
import { listKhata, postKhata } from './service';

const tags = ['Khata'];

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
      return okPage(c, page, (entries) => ({ balance, entries }));
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
    async (c) => ok(c, await postKhata(c, c.req.valid('param').id, c.req.valid('json')), 201),
  );
