// Wire shapes of the audit log as the owner reads it.
import { z } from '@hono/zod-openapi';
import { rangeInOrder, timeRange } from '../../http/fields';
import { PageQuery } from '../../http/openapi';

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

export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuery = PageQuery.extend({
  action: z.string().min(1).max(64).optional().openapi({ example: 'rate.corrected' }),
  actor: z.string().min(1).max(64).optional().openapi({ description: 'The acting user’s id' }),
  ...timeRange,
})
  .strict()
  .superRefine(rangeInOrder);

/** The range [from, to) is of ISO timestamps (UTC, as stored), as `timeRange` parsed them. */
export type AuditListOptions = z.infer<typeof AuditQuery>;
