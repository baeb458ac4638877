// Reading the shop's audit log (owner): newest first, filtered by action, actor and time.
import { desc, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { type Db, dbOf } from '../../db/client';
import { inRange } from '../../db/conditions';
import { type Page, pageQueries, toPage } from '../../db/list';
import { auditLog } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
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
  /** The range [from, to) of ISO timestamps (UTC, as stored) that the query's `timeRange` parsed. */
  from?: string;
  to?: string;
  page: number;
  limit: number;
}

export function auditListQueries(db: Db, shopId: string, o: AuditListOptions) {
  const where = inShop(
    auditLog,
    shopId,
    o.action ? eq(auditLog.action, o.action) : undefined,
    o.actor ? eq(auditLog.actorId, o.actor) : undefined,
    inRange(auditLog.createdAt, o),
  );
  return pageQueries(db, { ...o, table: auditLog, where, orderBy: [desc(auditLog.createdAt), desc(auditLog.id)] });
}

export async function listAudit(c: C, o: AuditListOptions): Promise<Page<AuditEntry>> {
  const db = dbOf(c);
  return toPage(await db.batch(auditListQueries(db, authOf(c).shopId, o)), o, toAuditEntry);
}
