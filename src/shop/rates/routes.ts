// /api/v1/rates: the shop's metal rate history (read: any role; write: manager+).
import { signedIn } from '../../auth/guard';
import { METALS, RATE_KINDS } from '../../db/schema';
import { dayRange, idParam, isoDate, queryInt, rangeInOrder } from '../../http/fields';
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
import { purityField, purityIssue } from '../products/schemas';
import { correctRate, createRate, latestRates, listRates, toRate } from './service';

const tags = ['Metal rates'];

export const RateSchema = z
  .object({
    id: z.string(),
    metal: z.enum(METALS),
    purity: z.number().int().openapi({ example: 916 }),
    kind: z.enum(RATE_KINDS),
    rate_per_gram: z.number().int().openapi({ description: 'Paise per gram at this purity', example: 712000 }),
    effective_date: z.string().openapi({ example: '2026-11-22' }),
    created_by: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('MetalRate');

/** ₹1,00,000 a gram: far above any metal's price, low enough to catch a rupees/paise mix-up upward. */
const ratePerGram = z.number().int().min(1).max(10_000_000);

const kind = z.enum(RATE_KINDS).openapi({
  description: '`sell`: what the shop charges for new metal; `buy`: what it pays for old metal',
});

const CreateRate = z
  .strictObject({
    metal: z.enum(METALS),
    purity: purityField,
    kind: kind.default('sell'),
    rate_per_gram: ratePerGram,
    effective_date: isoDate,
  })
  .superRefine((r, ctx) => {
    const issue = purityIssue(r.metal, r.purity);
    if (issue) ctx.addIssue({ code: 'custom', path: ['purity'], message: issue });
  })
  .openapi('CreateMetalRate');

const CorrectRate = z
  .strictObject({ rate_per_gram: ratePerGram.optional(), kind: kind.optional(), effective_date: isoDate.optional() })
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .openapi('CorrectMetalRate');

const RateListQuery = PageQuery.extend({
  metal: z.enum(METALS).optional(),
  kind: kind.optional().openapi({ description: 'Default: both kinds' }),
  ...dayRange('Effective'),
})
  .strict()
  .superRefine(rangeInOrder);

const LatestQuery = z.strictObject({
  metal: z.enum(METALS).optional(),
  purity: queryInt.optional(),
  kind: kind.default('sell'),
  as_of: isoDate
    .optional()
    .openapi({ description: "Latest on or before this date; default the shop's today, in its timezone" }),
});

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
    async (c) => {
      const { metal, purity, kind, as_of } = c.req.valid('query');
      return ok(
        c,
        (await latestRates(c, { metals: metal && [metal], purity, kinds: [kind], asOf: as_of })).map(toRate),
      );
    },
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
