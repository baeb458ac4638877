// The shop's staff accounts (owner only). The last active owner can never be demoted or deactivated,
// checked inside the UPDATE itself so two owners demoting each other at once cannot both succeed.

import { desc, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQuery, auditQueryWhen, recordAudit } from '../../audit/record';
import { dbOf } from '../../db/client';
import { isUniqueViolation } from '../../db/errors';
import { type PageOptions, pageQueries, toPage } from '../../db/list';
import { users } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { nowIso } from '../../lib/id';
import { checkPasswordPolicy, hashPassword } from '../password';
import { keepPreviousPasswordQueries, passwordChangedConcurrently, refuseReuse } from '../password-history';
import { revokeUserAccess } from '../revocation';
import { toUser } from '../schemas';
import { emailTaken, newUserRow } from '../service';
import { revokeUserFamiliesQuery } from '../sessions';
import type { CreateUserInput, UpdateUserInput } from './schemas';

type C = Context<AppEnv>;

export async function listUsers(c: C, o: PageOptions) {
  const db = dbOf(c);
  const where = inShop(users, authOf(c).shopId);
  const orderBy = [desc(users.createdAt), desc(users.id)];
  return toPage(await db.batch(pageQueries(db, { ...o, table: users, where, orderBy })), o, toUser);
}

export async function createUser(c: C, body: CreateUserInput) {
  const { shopId } = authOf(c);
  const user = await newUserRow({ ...body, shopId });
  const db = dbOf(c);
  try {
    await db.batch([
      db.insert(users).values(user),
      auditQuery(c, { action: 'user.created', targetType: 'user', targetId: user.id, details: { role: user.role } }),
    ]);
  } catch (err) {
    if (!isUniqueViolation(err, 'users.email')) throw err;
    // Emails are unique across shops (they alone sign in), so this refusal tells an owner that the
    // address has an account somewhere; it says nothing of where, and leaves a trail (SECURITY.md).
    await recordAudit(c, { action: 'user.create_refused', details: { reason: 'email_taken' } });
    throw emailTaken();
  }
  return toUser(user);
}

/** A staff member's new password, checked as one the user picks, hashed. */
async function resetHash(c: C, user: typeof users.$inferSelect, password: string) {
  checkPasswordPolicy(password, user.email);
  await refuseReuse(dbOf(c), user, password);
  return hashPassword(password);
}

export async function updateUser(c: C, id: string, { password, ...patch }: UpdateUserInput) {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  const [before] = await db
    .select()
    .from(users)
    .where(inShop(users, shopId, eq(users.id, id)));
  if (!before) throw notFound('User');
  // An owner's password is changed only by that owner, knowing the current one (/auth/password).
  if (password !== undefined && before.role === 'owner') {
    throw new ApiError(403, 'FORBIDDEN', 'An owner changes their own password with POST /auth/password');
  }
  const passwordHash = password === undefined ? undefined : await resetHash(c, before, password);

  const losesOwnership = (patch.role !== undefined && patch.role !== 'owner') || patch.active === false;
  const guard = losesOwnership
    ? sql`((SELECT count(*) FROM users WHERE shop_id = ${shopId} AND role = 'owner' AND active = 1 AND id != ${id}) > 0
          OR NOT (${users.role} = 'owner' AND ${users.active} = 1))`
    : undefined;
  // A reset holds only over the password it read: a concurrent change of it wins.
  const samePassword = passwordHash ? eq(users.passwordHash, before.passwordHash) : undefined;
  const changes = { ...patch, ...(passwordHash ? { passwordHash } : {}), updatedAt: nowIso() };
  // Tokens carry the role, so a role change, a deactivation or a password reset ends every session of the user: the
  // refresh families in this batch (only if the guarded UPDATE went through: the row then carries
  // this request's updated_at), the live access tokens by a hard mark after it. The user signs in
  // again and gets the new role; no refresh can mint a token of the old one.
  const endsSessions =
    (patch.role !== undefined && patch.role !== before.role) ||
    (patch.active === false && before.active) ||
    passwordHash !== undefined;
  const updated = sql`(SELECT ${users.updatedAt} FROM ${users} WHERE ${users.id} = ${id}) = ${changes.updatedAt}`;
  const [result] = await db.batch([
    db
      .update(users)
      .set(changes)
      .where(inShop(users, shopId, eq(users.id, id), guard, samePassword)),
    auditQueryWhen(
      c,
      {
        action: 'user.updated',
        targetType: 'user',
        targetId: id,
        details: {
          ...(patch.role !== undefined && patch.role !== before.role
            ? { role: { from: before.role, to: patch.role } }
            : {}),
          ...(patch.active !== undefined && patch.active !== before.active
            ? { active: { from: before.active, to: patch.active } }
            : {}),
          ...(patch.name !== undefined && patch.name !== before.name ? { name_changed: true } : {}),
          ...(passwordHash ? { password_reset: true } : {}),
        },
      },
      // Only when the guarded UPDATE went through: a refused LAST_OWNER change is not audited.
      sql`changes() = 1`,
    ),
    ...(passwordHash ? keepPreviousPasswordQueries(db, id, before.passwordHash, updated) : []),
    ...(endsSessions ? [revokeUserFamiliesQuery(db, id, { onlyIf: updated })] : []),
  ]);
  if (result.meta.changes !== 1) {
    // Refused: only now read which guard said no, to word the error.
    const [now] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, id));
    if (passwordHash && now?.passwordHash !== before.passwordHash) throw passwordChangedConcurrently();
    throw new ApiError(409, 'LAST_OWNER', 'A shop must keep at least one active owner');
  }
  if (endsSessions) await revokeUserAccess(c.env.AUTH_KV, c.get('config'), id);
  return toUser({ ...before, ...changes });
}
