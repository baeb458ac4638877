// Accounts and sessions: the rules behind /auth. Handlers parse and call; these decide.
import { and, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQuery, auditQueryForEmail, auditQueryWhen, recordAudit } from '../audit/record';
import { dbOf } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { type Role, shops, users } from '../db/schema';
import { authOf } from '../http/caller';
import { ApiError } from '../http/errors';
import type { AppEnv } from '../http/types';
import { newId, nowIso } from '../lib/id';
import { burnVerification, checkPasswordPolicy, hashPassword, verifyPassword } from './password';
import { keepPreviousPasswordQueries, passwordChangedConcurrently, refuseReuse } from './password-history';
import { revokeAccessToken, revokeFamilyAccess, revokeOtherSessionsAccess, revokeUserAccess } from './revocation';
import { toShop, toUser } from './schemas';
import { familyOf, revokeFamilyQuery, revokeUserFamiliesQuery, rotate, startFamily } from './sessions';
import { signAccessToken } from './tokens';

type C = Context<AppEnv>;
type UserRow = typeof users.$inferSelect;

const invalidCredentials = () => new ApiError(401, 'INVALID_CREDENTIALS', 'Email or password is incorrect');

/** `issuedAtMs`: taken before the D1 read of `user` (see signAccessToken). */
async function tokensFor(c: C, user: UserRow, familyId: string, refreshToken: string, issuedAtMs: number) {
  const config = c.get('config');
  const access = await signAccessToken(
    config,
    { userId: user.id, shopId: user.shopId, role: user.role, familyId },
    issuedAtMs,
  );
  return {
    access_token: access.token,
    refresh_token: refreshToken,
    token_type: 'Bearer' as const,
    expires_in: config.accessTokenTtl,
  };
}

async function newSession(c: C, user: UserRow, issuedAtMs: number) {
  const { refreshToken, familyId } = await startFamily(dbOf(c), c.get('config'), user);
  return tokensFor(c, user, familyId, refreshToken, issuedAtMs);
}

/** A user row for a new account; the password is checked against the policy and hashed here. */
export async function newUserRow(input: {
  shopId: string;
  name: string;
  email: string;
  password: string;
  role: Role;
}): Promise<UserRow> {
  checkPasswordPolicy(input.password, input.email);
  const now = nowIso();
  return {
    id: newId(),
    shopId: input.shopId,
    name: input.name,
    email: input.email,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
}

/** The same words whether the account is in the caller's shop or another: nothing says which. */
export const emailTaken = () => new ApiError(409, 'EMAIL_TAKEN', 'This email cannot be used for a new account');

export async function register(
  c: C,
  body: { shop: { name: string; slug: string }; name: string; email: string; password: string },
) {
  if (!c.get('config').signupEnabled) throw new ApiError(403, 'SIGNUP_DISABLED', 'Sign-up is disabled');
  const issuedAtMs = Date.now();
  const now = nowIso();
  const shop = {
    id: newId(),
    slug: body.shop.slug,
    name: body.shop.name,
    status: 'active' as const,
    createdAt: now,
    updatedAt: now,
  };
  const user = await newUserRow({
    shopId: shop.id,
    name: body.name,
    email: body.email,
    password: body.password,
    role: 'owner',
  });
  const db = dbOf(c);
  try {
    await db.batch([
      db.insert(shops).values(shop),
      db.insert(users).values(user),
      auditQuery(c, {
        shopId: shop.id,
        actorId: user.id,
        action: 'shop.registered',
        targetType: 'shop',
        targetId: shop.id,
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, 'shops.slug')) throw new ApiError(409, 'SLUG_TAKEN', 'This shop slug is taken');
    if (isUniqueViolation(err, 'users.email')) throw emailTaken();
    throw err;
  }
  return { user: toUser(user), shop: toShop(shop), tokens: await newSession(c, user, issuedAtMs) };
}

export async function login(c: C, body: { email: string; password: string }) {
  const issuedAtMs = Date.now();
  const db = dbOf(c);
  const [row] = await db
    .select({ user: users, shop: shops })
    .from(users)
    .innerJoin(shops, eq(shops.id, users.shopId))
    .where(eq(users.email, body.email));
  if (!row) await burnVerification(body.password);
  const verdict = row && (await verifyPassword(body.password, row.user.passwordHash));
  if (!row || !verdict?.ok) {
    await auditQueryForEmail(c, body.email, { action: 'auth.login_failed' });
    throw invalidCredentials();
  }
  const { user, shop } = row;
  if (!user.active || shop.status !== 'active') {
    await recordAudit(c, {
      shopId: user.shopId,
      actorId: user.id,
      action: 'auth.login_refused',
      targetType: 'user',
      targetId: user.id,
      details: { reason: user.active ? 'shop_suspended' : 'user_inactive' },
    });
    throw new ApiError(403, 'ACCOUNT_DISABLED', 'This account or its shop is not active');
  }
  const audit = auditQuery(c, {
    shopId: user.shopId,
    actorId: user.id,
    action: 'auth.login',
    targetType: 'user',
    targetId: user.id,
  });
  if (verdict.needsRehash) {
    await db.batch([
      db
        .update(users)
        .set({ passwordHash: await hashPassword(body.password) })
        .where(eq(users.id, user.id)),
      audit,
    ]);
  } else {
    await audit;
  }
  return { user: toUser(user), shop: toShop(shop), tokens: await newSession(c, user, issuedAtMs) };
}

export async function refresh(c: C, refreshToken: string) {
  const db = dbOf(c);
  const config = c.get('config');
  const issuedAtMs = Date.now();
  const result = await rotate(db, config, refreshToken);
  switch (result.outcome) {
    case 'rotated':
      return { tokens: await tokensFor(c, result.user, result.familyId, result.refreshToken, issuedAtMs) };
    case 'reused':
      // RFC 9700 §4.14.2: a spent token presented again means it leaked; end the whole login.
      await db.batch([
        revokeFamilyQuery(db, result.familyId),
        auditQuery(c, {
          shopId: result.shopId,
          actorId: result.userId,
          action: 'auth.refresh_token_reused',
          targetType: 'session',
          targetId: result.familyId,
        }),
      ]);
      await revokeFamilyAccess(c.env.AUTH_KV, config, result.familyId);
      throw new ApiError(
        401,
        'REFRESH_TOKEN_REUSED',
        'This refresh token was already used; the session has been revoked',
      );
    case 'disabled':
      await db.batch([revokeFamilyQuery(db, result.familyId)]);
      throw new ApiError(403, 'ACCOUNT_DISABLED', 'This account or its shop is not active');
    case 'expired':
      throw new ApiError(401, 'REFRESH_TOKEN_EXPIRED', 'Refresh token has expired; sign in again');
    case 'revoked':
      throw new ApiError(401, 'REFRESH_TOKEN_REVOKED', 'This session has been signed out');
    case 'invalid':
      throw new ApiError(401, 'INVALID_REFRESH_TOKEN', 'Refresh token is not valid');
  }
}

export async function logout(c: C, refreshToken?: string) {
  const auth = authOf(c);
  const db = dbOf(c);
  const config = c.get('config');
  const familyId = refreshToken ? await familyOf(db, refreshToken, auth.userId) : auth.familyId;
  if (!familyId) throw new ApiError(401, 'INVALID_REFRESH_TOKEN', 'That refresh token is not one of your sessions');
  await db.batch([
    revokeFamilyQuery(db, familyId),
    auditQuery(c, { action: 'auth.logout', targetType: 'session', targetId: familyId }),
  ]);
  await Promise.all([
    revokeAccessToken(c.env.AUTH_KV, auth.jti, auth.exp),
    revokeFamilyAccess(c.env.AUTH_KV, config, familyId),
    ...(familyId !== auth.familyId ? [revokeFamilyAccess(c.env.AUTH_KV, config, auth.familyId)] : []),
  ]);
}

export async function logoutAll(c: C) {
  const auth = authOf(c);
  const db = dbOf(c);
  await db.batch([
    revokeUserFamiliesQuery(db, auth.userId),
    auditQuery(c, { action: 'auth.logout_all', targetType: 'user', targetId: auth.userId }),
  ]);
  await revokeUserAccess(c.env.AUTH_KV, c.get('config'), auth.userId);
}

export async function me(c: C) {
  const auth = authOf(c);
  const db = dbOf(c);
  const [row] = await db
    .select({ user: users, shop: shops })
    .from(users)
    .innerJoin(shops, eq(shops.id, users.shopId))
    .where(and(eq(users.id, auth.userId), eq(users.shopId, auth.shopId)));
  if (!row) throw new ApiError(401, 'TOKEN_REVOKED', 'This session has been signed out');
  return { user: toUser(row.user), shop: toShop(row.shop) };
}

export async function changePassword(c: C, body: { current_password: string; new_password: string }) {
  const auth = authOf(c);
  const db = dbOf(c);
  const [user] = await db.select().from(users).where(eq(users.id, auth.userId));
  if (!user) throw new ApiError(401, 'TOKEN_REVOKED', 'This session has been signed out');
  if (!(await verifyPassword(body.current_password, user.passwordHash)).ok) {
    // A stolen access token guessing the password: the route's `login` limit slows it, this shows it.
    await recordAudit(c, { action: 'auth.password_change_failed', targetType: 'user', targetId: user.id });
    throw new ApiError(403, 'INVALID_CURRENT_PASSWORD', 'The current password is not correct');
  }
  checkPasswordPolicy(body.new_password, user.email);
  await refuseReuse(db, user, body.new_password);
  const hash = await hashPassword(body.new_password);
  // Salts make the new hash unique: this is true, later in the batch, only if this UPDATE went through.
  const landed = sql`(SELECT ${users.passwordHash} FROM ${users} WHERE ${users.id} = ${user.id}) = ${hash}`;
  // Other sessions end; the one that changed the password keeps going. Its mark is a soft one, under
  // its own key, so it cannot lift a harder mark (a demotion's) that is already there. A concurrent
  // change of the same password wins; this one then changes nothing.
  const [updated] = await db.batch([
    db
      .update(users)
      .set({ passwordHash: hash, updatedAt: nowIso() })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash))),
    ...keepPreviousPasswordQueries(db, user.id, user.passwordHash, landed),
    auditQueryWhen(c, { action: 'auth.password_changed', targetType: 'user', targetId: user.id }, landed),
    revokeUserFamiliesQuery(db, user.id, { family: auth.familyId, onlyIf: landed }),
  ]);
  if (updated.meta.changes !== 1) throw passwordChangedConcurrently();
  await revokeOtherSessionsAccess(c.env.AUTH_KV, c.get('config'), user.id, auth.familyId);
}
