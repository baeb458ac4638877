// /api/v1/rates: the shop's metal rate history (read: any role; write: manager+).
import { signedIn } from '../../auth/guard';
import { idParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, okPage, pageOf, z } from '../../http/openapi';
import { CorrectRate, CreateRate, LatestQuery, RateListQuery, RateSchema } from './schemas';
import { correctRate, createRate, getLatestRates, listRates } from './service';

const tags = ['Metal rates'];

export const rateRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'listRates',
      tags,
      ...signedIn('cashier'),
      summary: 'Rate history, newest effective date first',
      request: { query: RateListQuery },
      responses: { 200: jsonContent(pageOf(RateSchema), 'One page of rates') },
    }),
    async (c) => okPage(c, await listRates(c, c.req.valid('query'))),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/latest',
      operationId: 'getLatestRates',
      tags,
      ...signedIn('cashier'),
      summary: 'The latest rate of each metal and purity, of one kind (default `sell`)',
      request: { query: LatestQuery },
      responses: { 200: jsonContent(dataOf(z.array(RateSchema)), 'By metal, then purity (highest first)') },
    }),
    async (c) => ok(c, await getLatestRates(c, c.req.valid('query'))),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/',
      operationId: 'createRate',
      errors: ['RATE_EXISTS'],
      tags,
      ...signedIn('manager'),
      summary: 'Record a rate (one per metal, purity, kind and date)',
      request: jsonBody(CreateRate),
      responses: {
        201: jsonContent(dataOf(RateSchema), 'Created (409 RATE_EXISTS for a taken metal, purity, kind, date)'),
      },
    }),
    async (c) => ok(c, await createRate(c, c.req.valid('json')), 201),
  )
  .openapi(
    defineRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'correctRate',
      errors: ['RATE_EXISTS', 'CONCURRENT_UPDATE'],
      tags,
      ...signedIn('manager'),
      summary: 'Correct a rate',
      description:
        'Audited as `rate.corrected` with `from` and `to`. Moving it onto a taken date (or kind) is 409 `RATE_EXISTS`.',
      request: { params: idParam, ...jsonBody(CorrectRate) },
      responses: { 200: jsonContent(dataOf(RateSchema), 'Corrected') },
    }),
    async (c) => ok(c, await correctRate(c, c.req.valid('param').id, c.req.valid('json'))),
  );
