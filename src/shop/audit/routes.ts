// /api/v1/audit (owner): the shop's append-only log of sensitive operations.
import { signedIn } from '../../auth/guard';
import { ApiError } from '../../http/errors';
import { DATE, instant, startOf } from '../../http/fields';
import { createRouter, defineRoute, jsonContent, okPage, PageQuery, pageOf, z } from '../../http/openapi';
import { listAudit } from './service';

const AuditEntrySchema = z
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
  from: instant.optional().openapi({ description: 'On or after; a date means from its start (UTC)' }),
  to: instant.optional().openapi({ description: 'On or before; a date means through its end (UTC)' }),
}).strict();

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
  async (c) => {
    const { from, to, ...q } = c.req.valid('query');
    const fromTs = from ? startOf(from) : undefined;
    // A date as `to` covers its whole day: everything before the next day's start.
    const toDay = to !== undefined && DATE.test(to);
    const toTs = to ? new Date(startOf(to).getTime() + (toDay ? 86_400_000 : 0)) : undefined;
    if (fromTs && toTs && (toDay ? fromTs >= toTs : fromTs > toTs)) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'Invalid query', [{ path: 'from', message: 'from is after to' }]);
    }
    return okPage(
      c,
      await listAudit(c, { ...q, from: fromTs?.toISOString(), to: toTs?.toISOString(), toExclusive: toDay }),
    );
  },
);
