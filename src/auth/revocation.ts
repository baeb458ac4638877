// KV-backed revocation, read on every authenticated request with ONE bulk read of four keys:
//   rv:jti:<jti>          one access token (logout); lives as long as the token could
//   rv:fam:<familyId>     every access token of one login (logout, refresh-token reuse)
//   rv:user:<userId>      {before, keep?}: tokens issued before `before` (ms) are dead, except
//                         family `keep` (password change keeps the session that made it)
//   rv:shop:<shopId>      {before}: shop suspended
// A mark only has to outlive the access tokens it kills, so every mark expires after the access
// TTL. Refresh tokens are checked in D1 (the source of truth), never here.
import type { Config } from '../config';
import { ApiError } from '../http/errors';

/** KV refuses expirations under 60 s. */
const MIN_KV_TTL = 60;

/** Exported for the admin CLI (scripts/admin), which writes the same keys. */
export const keys = {
  jti: (jti: string) => `rv:jti:${jti}`,
  family: (familyId: string) => `rv:fam:${familyId}`,
  user: (userId: string) => `rv:user:${userId}`,
  shop: (shopId: string) => `rv:shop:${shopId}`,
};

interface BeforeMark {
  before: number;
  keep?: string;
}

/** A `rv:user` / `rv:shop` value: tokens issued before `before` (epoch ms) are dead, except family `keep`. */
export const beforeMark = (before: number, keep?: string) => JSON.stringify({ before, keep } satisfies BeforeMark);

/** Seconds a mark lives: as long as the access tokens it could kill. */
export const markTtl = (accessTokenTtl: number) => Math.max(MIN_KV_TTL, accessTokenTtl);

export interface TokenIdentity {
  jti: string;
  familyId: string;
  userId: string;
  shopId: string;
  issuedAtMs: number;
}

const killedBy = (raw: string | null | undefined, token: TokenIdentity) => {
  if (!raw) return false;
  const mark = JSON.parse(raw) as BeforeMark;
  return token.issuedAtMs < mark.before && mark.keep !== token.familyId;
};

/** True when the token was revoked. KV failing is not "not revoked": it fails closed. */
export async function isRevoked(kv: KVNamespace, token: TokenIdentity): Promise<boolean> {
  const names = [keys.jti(token.jti), keys.family(token.familyId), keys.user(token.userId), keys.shop(token.shopId)];
  let found: Map<string, string | null>;
  try {
    found = await kv.get(names, 'text');
  } catch (err) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'revocation check failed', error: String(err) }));
    throw new ApiError(503, 'AUTH_UNAVAILABLE', 'Cannot verify the session right now; retry shortly', undefined, {
      'Retry-After': '1',
    });
  }
  return (
    found.get(names[0]!) != null ||
    found.get(names[1]!) != null ||
    killedBy(found.get(names[2]!), token) ||
    killedBy(found.get(names[3]!), token)
  );
}

const ttl = (config: Config) => markTtl(config.accessTokenTtl);

/**
 * Writes one mark. The D1 side of the change (a revoked family, a deactivated user) is already
 * committed when this runs, so a failing KV is a 503 the client can retry (every revoking request is
 * idempotent, and the still-live access token lets it), never a 500 that reads as "done or not".
 */
async function mark(kv: KVNamespace, key: string, value: string, expirationTtl: number) {
  try {
    await kv.put(key, value, { expirationTtl });
  } catch (err) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'revocation write failed', error: String(err) }));
    throw new ApiError(503, 'AUTH_UNAVAILABLE', 'The sign-out is not recorded yet; retry shortly', undefined, {
      'Retry-After': '1',
    });
  }
}

export const revokeAccessToken = (kv: KVNamespace, jti: string, expEpochSeconds: number) =>
  mark(kv, keys.jti(jti), '1', Math.max(MIN_KV_TTL, Math.ceil(expEpochSeconds - Date.now() / 1000)));

export const revokeFamilyAccess = (kv: KVNamespace, config: Config, familyId: string) =>
  mark(kv, keys.family(familyId), '1', ttl(config));

/** Every access token of the user issued before now dies, except those of `keepFamily`. */
export const revokeUserAccess = (kv: KVNamespace, config: Config, userId: string, keepFamily?: string) =>
  mark(kv, keys.user(userId), beforeMark(Date.now(), keepFamily), ttl(config));
