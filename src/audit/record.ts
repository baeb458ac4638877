// Writing the audit log. Entries are built as queries so a change and its audit entry can share
// one D1 batch (both land or neither does). Never pass passwords or tokens in `details`.
import { type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { dbOf } from '../db/client';
import { auditLog, users } from '../db/schema';
import { clientIp } from '../http/client-ip';
import type { AppEnv } from '../http/types';
import { newId, nowIso } from '../lib/id';

export interface AuditEvent {
  /** Default: a new id. Given when a later statement of the batch must find this entry (a marker). */
  id?: string;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  /** Default: the authenticated caller's shop and id. */
  shopId?: string;
  actorId?: string | null;
}

export function auditQuery(c: Context<AppEnv>, event: AuditEvent) {
  return dbOf(c).insert(auditLog).values(auditRow(c, event));
}

/**
 * The entry, written only if `when` holds at its place in the batch: after a guarded UPDATE,
 * `sql\`changes() = 1\`` audits the change only when the guard let it through.
 */
export function auditQueryWhen(c: Context<AppEnv>, event: AuditEvent, when: SQL) {
  const r = auditRow(c, event);
  // In the table's column order, as insert().select() writes the column list.
  return dbOf(c)
    .insert(auditLog)
    .select(
      sql`SELECT ${r.id}, ${r.shopId}, ${r.actorId}, ${r.action}, ${r.targetType}, ${r.targetId}, ${r.details},
                 ${r.requestId}, ${r.ip}, ${r.createdAt}
          WHERE ${when}`,
    );
}

/**
 * The entry about the user signing in with `email`, as that user, written only if the email is
 * known: the same statement runs whether it is or not, so a refused sign-in costs and writes alike
 * for known and unknown emails (nothing to tell them apart by).
 */
export function auditQueryForEmail(c: Context<AppEnv>, email: string, event: Pick<AuditEvent, 'action' | 'details'>) {
  const r = auditRow(c, { ...event, shopId: 'from-users', actorId: null });
  return dbOf(c)
    .insert(auditLog)
    .select(
      sql`SELECT ${r.id}, ${users.shopId}, ${users.id}, ${r.action}, 'user', ${users.id}, ${r.details},
                 ${r.requestId}, ${r.ip}, ${r.createdAt}
          FROM ${users} WHERE ${users.email} = ${email}`,
    );
}

function auditRow(c: Context<AppEnv>, event: AuditEvent) {
  const auth = c.get('auth');
  const shopId = event.shopId ?? auth?.shopId;
  if (!shopId) throw new Error(`audit event ${event.action} has no shop`);
  return {
    id: event.id ?? newId(),
    shopId,
    actorId: event.actorId === undefined ? (auth?.userId ?? null) : event.actorId,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
    requestId: c.get('requestId'),
    ip: clientIp(c),
    createdAt: nowIso(),
  };
}

export const recordAudit = async (c: Context<AppEnv>, event: AuditEvent) => {
  await auditQuery(c, event);
};
