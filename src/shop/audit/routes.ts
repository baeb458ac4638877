// /api/v1/audit (owner): the shop's append-only log of sensitive operations.
import { signedIn } from '../../auth/guard';
import { rangeInOrder, timeRange } from '../../http/fields';
import { createRouter, defineRoute, jsonContent, okPage, PageQuery, pageOf, z } from '../../http/openapi';
import { listAudit } from './service';

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    action: z.string().openapi({ example: 'product.price_changed' }),
    actor_id: z.string().nullable(),
    target_type: z.string().nullable(),
    target_id: z.string().nullable(),
    details: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ example: { base_price: { from: 1250000, to: 1300000 } } }),
    request_id: z.string().nullable(),
    ip: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('AuditEntry');

const AuditQuery = PageQuery.extend({
  action: z.string().min(1).max(64).optional().openapi({ example: 'rate.corrected' }),
  actor: z.string().min(1).max(64).optional().openapi({ description: 'The acting user’s id' }),
  ...timeRange,
})
  .strict()
  .superRefine(rangeInOrder);

export const auditRoutes = createRouter().openapi(
  defineRoute({
    method: 'get',
    path: '/',
    operationId: 'listAuditEntries',
    tags: ['Audit'],
    ...signedIn('owner'),
    summary: 'The audit log, newest first',
    request: { query: AuditQuery },
    responses: { 200: jsonContent(pageOf(AuditEntrySchema), 'One page of entries') },
  }),
  async (c) => okPage(c, await listAudit(c, c.req.valid('query'))),
);
