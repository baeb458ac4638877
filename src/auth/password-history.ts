// Password reuse: a new password may equal neither the current one nor the 4 before it (API.md
// "Images and passwords"; OWASP ASVS 4.0 V2.1.10 leaves history optional, NIST SP 800-63B §5.1.1.2
// asks only for a blocklist — this is the shops' own policy). Only hashes are kept, each salted on
// its own, so every candidate costs one scrypt verification per kept hash.
import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { passwordHistory } from '../db/schema';
import { ApiError } from '../http/errors';
import { newId, nowIso } from '../lib/id';
import { verifyPassword } from './password';

/** Passwords before the current one that are kept and refused again. */
export const PREVIOUS_PASSWORDS_KEPT = 4;

/** The kept hashes before the current one, newest first. */
export const previousPasswordsQuery = (db: Db, userId: string) =>
  db
    .select({ hash: passwordHistory.passwordHash })
    .from(passwordHistory)
    .where(eq(passwordHistory.userId, userId))
    .orderBy(desc(passwordHistory.createdAt), desc(passwordHistory.id))
    .limit(PREVIOUS_PASSWORDS_KEPT);

/** Whether `candidate` is the password of any of `hashes` (the current one and the kept ones). */
export async function isReused(candidate: string, hashes: string[]): Promise<boolean> {
  // One at a time, stopping at the first match: scrypt runs on the isolate's one thread anyway.
  for (const hash of hashes) if ((await verifyPassword(candidate, hash)).ok) return true;
  return false;
}

export const REUSE_MESSAGE = `The new password must differ from the current one and the ${PREVIOUS_PASSWORDS_KEPT} before it`;

/** 422 PASSWORD_REUSED when `candidate` is the user's current password or one of the kept ones. */
export async function refuseReuse(db: Db, user: { id: string; passwordHash: string }, candidate: string) {
  const kept = await previousPasswordsQuery(db, user.id);
  if (await isReused(candidate, [user.passwordHash, ...kept.map((k) => k.hash)])) {
    throw new ApiError(422, 'PASSWORD_REUSED', REUSE_MESSAGE);
  }
}

/**
 * For the batch that replaces the user's password hash `previous`: it joins the history and the
 * history is cut to the kept ones, only if `onlyIf` (the replacing UPDATE went through) holds at
 * their place in the batch.
 */
export const keepPreviousPasswordQueries = (db: Db, userId: string, previous: string, onlyIf: SQL) =>
  [
    db.insert(passwordHistory).select(sql`SELECT ${newId()}, ${userId}, ${previous}, ${nowIso()} WHERE ${onlyIf}`),
    db.delete(passwordHistory).where(
      and(
        eq(passwordHistory.userId, userId),
        sql`${passwordHistory.id} NOT IN (SELECT ${passwordHistory.id} FROM ${passwordHistory}
              WHERE ${passwordHistory.userId} = ${userId}
              ORDER BY ${passwordHistory.createdAt} DESC, ${passwordHistory.id} DESC LIMIT ${PREVIOUS_PASSWORDS_KEPT})`,
      ),
    ),
  ] as const;

export const passwordChangedConcurrently = () =>
  new ApiError(409, 'CONCURRENT_UPDATE', 'The password was changed at the same time; sign in again and retry');
