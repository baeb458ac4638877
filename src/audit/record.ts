// Writing the audit log. Entries are built as queries so a change and its audit entry can share
// one D1 batch (both land or neither does). Never pass passwords or tokens in `details`.
import type { Context } from 'hono';
import { dbOf } from '../db/client';
import { auditLog } from '../db/schema';
import { clientIp } from '../http/client-ip';
import type { AppEnv } from '../http/types';
import { newId, nowIso } from '../lib/id';

export interface AuditEvent {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  /** Default: the authenticated caller's shop and id. */
  shopId?: string;
  actorId?: string | null;
}

export function auditQuery(c: Context<AppEnv>, event: AuditEvent) {
  const auth = c.get('auth');
  const shopId = event.shopId ?? auth?.shopId;
  if (!shopId) throw new Error(`audit event ${event.action} has no shop`);
  return dbOf(c)
    .insert(auditLog)
    .values({
      id: newId(),
      shopId,
      actorId: event.actorId === undefined ? (auth?.userId ?? null) : event.actorId,
      action: event.action,
      targetType: event.targetType ?? null,
      targetId: event.targetId ?? null,
      details: event.details ? JSON.stringify(event.details) : null,
      requestId: c.get('requestId'),
      ip: clientIp(c),
      createdAt: nowIso(),
    });
}

export const recordAudit = async (c: Context<AppEnv>, event: AuditEvent) => {
  await auditQuery(c, event);
};
