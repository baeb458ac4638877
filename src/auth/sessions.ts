// Refresh-token families in D1, the source of truth for sessions. Rotation is one batch whose
// conditional UPDATE decides the winner, so two concurrent refreshes of one token cannot both win.
import { and, eq, isNull, type SQL, sql } from 'drizzle-orm';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { refreshTokens, shops, users } from '../db/schema';
import { newId } from '../lib/id';
import { hashRefreshToken, newRefreshToken } from './tokens';

type UserRow = typeof users.$inferSelect;

const expiry = (config: Config) => new Date(Date.now() + config.refreshTokenTtl * 1000).toISOString();

/** A new login: a new family with its first refresh token. */
export async function startFamily(db: Db, config: Config, user: UserRow) {
  const { token, hash } = await newRefreshToken();
  const familyId = newId();
  await db.insert(refreshTokens).values({
    id: newId(),
    shopId: user.shopId,
    userId: user.id,
    familyId,
    tokenHash: hash,
    expiresAt: expiry(config),
    createdAt: new Date().toISOString(),
  });
  return { refreshToken: token, familyId };
}

export type Rotation =
  | { outcome: 'rotated'; refreshToken: string; familyId: string; user: UserRow }
  | { outcome: 'reused'; familyId: string; userId: string; shopId: string }
  | { outcome: 'invalid' | 'expired' | 'revoked' }
  | { outcome: 'disabled'; familyId: string };

export async function rotate(db: Db, config: Config, presented: string): Promise<Rotation> {
  const hash = await hashRefreshToken(presented);
  const [row] = await db
    .select({ token: refreshTokens, user: users, shopStatus: shops.status })
    .from(refreshTokens)
    .innerJoin(users, eq(users.id, refreshTokens.userId))
    .innerJoin(shops, eq(shops.id, refreshTokens.shopId))
    .where(eq(refreshTokens.tokenHash, hash));
  if (!row) return { outcome: 'invalid' };
  const { token, user } = row;
  const reused = { outcome: 'reused', familyId: token.familyId, userId: user.id, shopId: user.shopId } as const;
  if (token.revokedAt) return { outcome: 'revoked' };
  if (token.spentAt) return reused;
  const now = new Date().toISOString();
  if (token.expiresAt <= now) return { outcome: 'expired' };
  if (!user.active || row.shopStatus !== 'active') return { outcome: 'disabled', familyId: token.familyId };

  const next = await newRefreshToken();
  const nextId = newId();
  const [spend] = await db.batch([
    db
      .update(refreshTokens)
      .set({ spentAt: now, replacedBy: nextId })
      .where(and(eq(refreshTokens.id, token.id), isNull(refreshTokens.spentAt), isNull(refreshTokens.revokedAt))),
    // Copies the family forward only if the UPDATE above was this request's: the loser of a
    // race (whose nextId was not written) inserts nothing.
    db.insert(refreshTokens).select(
      db
        .select({
          id: sql`${nextId}`.as('id'),
          shopId: refreshTokens.shopId,
          userId: refreshTokens.userId,
          familyId: refreshTokens.familyId,
          tokenHash: sql`${next.hash}`.as('token_hash'),
          expiresAt: sql`${expiry(config)}`.as('expires_at'),
          spentAt: sql`NULL`.as('spent_at'),
          replacedBy: sql`NULL`.as('replaced_by'),
          revokedAt: sql`NULL`.as('revoked_at'),
          createdAt: sql`${now}`.as('created_at'),
        })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.id, token.id), eq(refreshTokens.replacedBy, nextId))),
    ),
  ]);
  if (spend.meta.changes !== 1) return reused;
  return { outcome: 'rotated', refreshToken: next.token, familyId: token.familyId, user };
}

/** Finds the family a refresh token belongs to, if it is the given user's. */
export async function familyOf(db: Db, presented: string, userId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.tokenHash, await hashRefreshToken(presented)), eq(refreshTokens.userId, userId)));
  return row?.familyId;
}

export const revokeFamilyQuery = (db: Db, familyId: string) =>
  db
    .update(refreshTokens)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));

/**
 * Every family of the user, except `keep.family`; only if `keep.onlyIf` holds when the statement
 * runs (its place in the batch), so a refused change in the same batch ends no session.
 */
export const revokeUserFamiliesQuery = (db: Db, userId: string, keep: { family?: string; onlyIf?: SQL } = {}) =>
  db
    .update(refreshTokens)
    .set({ revokedAt: new Date().toISOString() })
    .where(
      and(
        eq(refreshTokens.userId, userId),
        isNull(refreshTokens.revokedAt),
        keep.family ? sql`${refreshTokens.familyId} != ${keep.family}` : undefined,
        keep.onlyIf,
      ),
    );
