// Reading the shop's audit log (owner): newest first, filtered by action, actor and time.
import { desc } from 'drizzle-orm';
import type { Context } from 'hono';
import { type Db, dbOf } from '../../db/client';
import { eqIfGiven, inRange } from '../../db/conditions';
import { type Page, pageQueries, toPage } from '../../db/list';
import { auditLog } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import type { AppEnv } from '../../http/types';
import type { AuditEntry, AuditListOptions } from './schemas';

type C = Context<AppEnv>;

/** `details` is written as a JSON object by audit/record; anything else is shown as-is, not dropped. */
function parseDetails(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { raw: text };
  }
}

export const toAuditEntry = (r: typeof auditLog.$inferSelect): AuditEntry => ({
  id: r.id,
  action: r.action,
  actor_id: r.actorId,
  target_type: r.targetType,
  target_id: r.targetId,
  details: parseDetails(r.details),
  request_id: r.requestId,
  ip: r.ip,
  created_at: r.createdAt,
});

export function auditListQueries(db: Db, shopId: string, o: AuditListOptions) {
  const where = inShop(
    auditLog,
    shopId,
    eqIfGiven(auditLog.action, o.action),
    eqIfGiven(auditLog.actorId, o.actor),
    inRange(auditLog.createdAt, o),
  );
  return pageQueries(db, { ...o, table: auditLog, where, orderBy: [desc(auditLog.createdAt), desc(auditLog.id)] });
}

export async function listAudit(c: C, o: AuditListOptions): Promise<Page<AuditEntry>> {
  const db = dbOf(c);
  return toPage(await db.batch(auditListQueries(db, authOf(c).shopId, o)), o, toAuditEntry);
}
