// Reading the shop's audit log (owner): newest first, filtered by action, actor and time.
import { count, desc, eq, gte, lt, lte } from 'drizzle-orm';
import type { Context } from 'hono';
import { authOf } from '../../auth/caller';
import { type Db, dbOf } from '../../db/client';
import { auditLog } from '../../db/schema';
import { inShop } from '../../db/scope';
import type { Page } from '../../http/openapi';
import type { AppEnv } from '../../http/types';

type C = Context<AppEnv>;

export interface AuditEntry {
  id: string;
  action: string;
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  details: Record<string, unknown> | null;
  request_id: string | null;
  ip: string | null;
  created_at: string;
}

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

export interface AuditListOptions {
  action?: string;
  actor?: string;
  /** Inclusive lower bound, an ISO timestamp (UTC, as stored). */
  from?: string;
  /** Upper bound, an ISO timestamp: inclusive, or exclusive when `toExclusive` (a whole day was given). */
  to?: string;
  toExclusive?: boolean;
  page: number;
  limit: number;
}

export function auditListQueries(db: Db, shopId: string, o: AuditListOptions) {
  const where = inShop(
    auditLog,
    shopId,
    o.action ? eq(auditLog.action, o.action) : undefined,
    o.actor ? eq(auditLog.actorId, o.actor) : undefined,
    o.from ? gte(auditLog.createdAt, o.from) : undefined,
    o.to ? (o.toExclusive ? lt(auditLog.createdAt, o.to) : lte(auditLog.createdAt, o.to)) : undefined,
  );
  return [
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(o.limit)
      .offset((o.page - 1) * o.limit),
    db.select({ n: count() }).from(auditLog).where(where),
  ] as const;
}

export async function listAudit(c: C, o: AuditListOptions): Promise<Page<AuditEntry>> {
  const db = dbOf(c);
  const [rows, [total]] = await db.batch(auditListQueries(db, authOf(c).shopId, o));
  return { items: rows.map(toAuditEntry), total: total?.n ?? 0, page: o.page, limit: o.limit };
}
