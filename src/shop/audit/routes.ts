// /api/v1/audit (owner): the shop's append-only log of sensitive operations.
import { signedIn } from '../../auth/guard';
import { createRouter, defineRoute, jsonContent, okPage, pageOf } from '../../http/openapi';
import { AuditEntrySchema, AuditQuery } from './schemas';
import { listAudit } from './service';

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
