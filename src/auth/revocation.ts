// KV-backed revocation, read on every authenticated request with ONE bulk read of five keys:
//   rv:jti:<jti>          one access token (logout); lives as long as the token could
//   rv:fam:<familyId>     every access token of one login (logout, refresh-token reuse)
//   rv:user:<userId>      {before}: HARD mark — every token of the user issued at or before `before`
//                         (ms) is dead, no exception (role change, deactivation, logout-all, admin)
//   rv:pw:<userId>        {before, keep}: SOFT mark — tokens issued before `before` are dead except
//                         those of family `keep` (a password change keeps the session that made it)
//   rv:shop:<shopId>      {before}: HARD mark — shop suspended
// Hard and soft marks live under different keys so neither can overwrite the other: a password
// change after a demotion can never revive a token the demotion killed (issue 11). Writers of a key
// always write a later `before` than the one there (it is the writer's clock after its D1 change),
// so a rewrite only widens what a mark kills.
// A mark only has to outlive the access tokens it kills, so every mark expires after the access
// TTL. Refresh tokens are checked in D1 (the source of truth), never here: every change that writes
// a mark revokes the user's refresh families in the same D1 batch as the change itself.

import type { Config } from '../config';
import { ApiError } from '../http/errors';
import { errorText, log } from '../http/logger';

/** KV refuses expirations under 60 s. */
const MIN_KV_TTL = 60;

/**
 * KV takes about one write per second per key and answers a faster second write with 429
 * (https://developers.cloudflare.com/kv/platform/limits/): two changes to one user within a second
 * (demote, then deactivate) wait this long and write again once before answering 503.
 */
const KV_SAME_KEY_INTERVAL_MS = 1000;

/** Exported for the admin CLI (scripts/admin), which writes the same keys. */
export const keys = {
  jti: (jti: string) => `rv:jti:${jti}`,
  family: (familyId: string) => `rv:fam:${familyId}`,
  user: (userId: string) => `rv:user:${userId}`,
  password: (userId: string) => `rv:pw:${userId}`,
  shop: (shopId: string) => `rv:shop:${shopId}`,
};

interface BeforeMark {
  before: number;
  keep?: string;
}

/** A hard `rv:user` / `rv:shop` value: tokens issued at or before `before` (epoch ms) are dead. */
export const beforeMark = (before: number) => JSON.stringify({ before } satisfies BeforeMark);

const softMark = (before: number, keep: string) => JSON.stringify({ before, keep } satisfies BeforeMark);

/** Seconds a mark lives: as long as the access tokens it could kill. */
export const markTtl = (accessTokenTtl: number) => Math.max(MIN_KV_TTL, accessTokenTtl);

export interface TokenIdentity {
  jti: string;
  familyId: string;
  userId: string;
  shopId: string;
  /** Stamped before the D1 read that authorised the token's claims (see signAccessToken). */
  issuedAtMs: number;
}

const parse = (raw: string | null | undefined) => (raw ? (JSON.parse(raw) as BeforeMark) : undefined);

/**
 * Hard marks kill a token issued in the very millisecond of the change too: a token's time is
 * stamped before its D1 read and a mark's after its D1 write, so equal times cannot prove the token
 * saw the change. Any `keep` in a hard key (written there before soft marks had their own key) is
 * ignored: the safe reading, at worst one more sign-in.
 */
const killedByHard = (raw: string | null | undefined, token: TokenIdentity) => {
  const mark = parse(raw);
  return mark !== undefined && token.issuedAtMs <= mark.before;
};

/** A soft mark spares its own family, and a new login a moment after it (strictly before only). */
const killedBySoft = (raw: string | null | undefined, token: TokenIdentity) => {
  const mark = parse(raw);
  return mark !== undefined && token.issuedAtMs < mark.before && mark.keep !== token.familyId;
};

/**
 * Whether the token was revoked, from ONE bulk KV read of its marks, which also reads the `alsoRead`
 * keys a route needs (handed back, so the route makes no KV round trip of its own). KV failing is
 * not "not revoked": it fails closed.
 */
export async function checkRevocation(
  kv: KVNamespace,
  token: TokenIdentity,
  alsoRead: readonly string[] = [],
): Promise<{ revoked: boolean; read: Map<string, string | null> }> {
  const [jti, family, user, password, shop] = [
    keys.jti(token.jti),
    keys.family(token.familyId),
    keys.user(token.userId),
    keys.password(token.userId),
    keys.shop(token.shopId),
  ];
  let found: Map<string, string | null>;
  try {
    found = await kv.get([jti, family, user, password, shop, ...alsoRead], 'text');
  } catch (err) {
    log('warn', 'revocation check failed', { error: errorText(err) });
    throw new ApiError(503, 'AUTH_UNAVAILABLE', 'Cannot verify the session right now; retry shortly', undefined, {
      'Retry-After': '1',
    });
  }
  const revoked =
    found.get(jti) != null ||
    found.get(family) != null ||
    killedByHard(found.get(user), token) ||
    killedByHard(found.get(shop), token) ||
    killedBySoft(found.get(password), token);
  return { revoked, read: new Map(alsoRead.map((k) => [k, found.get(k) ?? null])) };
}

const ttl = (config: Config) => markTtl(config.accessTokenTtl);

const put = (kv: KVNamespace, key: string, value: string, expirationTtl: number) =>
  kv.put(key, value, { expirationTtl });

/**
 * Writes one mark. The D1 side of the change (revoked families, a new role, a deactivated user) is
 * already committed when this runs, so a failing KV is a 503 the client can retry, never a 500 that
 * reads as "done or not". A first failure is retried once after KV's per-key interval: the usual
 * cause is a second change to the same user within a second, and the later `before` covers both.
 */
async function mark(kv: KVNamespace, key: string, value: () => string, expirationTtl: number) {
  try {
    await put(kv, key, value(), expirationTtl).catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, KV_SAME_KEY_INTERVAL_MS));
      await put(kv, key, value(), expirationTtl);
    });
  } catch (err) {
    log('warn', 'revocation write failed', { error: errorText(err) });
    throw new ApiError(503, 'AUTH_UNAVAILABLE', 'The sign-out is not recorded yet; retry shortly', undefined, {
      'Retry-After': '1',
    });
  }
}

export const revokeAccessToken = (kv: KVNamespace, jti: string, expEpochSeconds: number) =>
  mark(kv, keys.jti(jti), () => '1', Math.max(MIN_KV_TTL, Math.ceil(expEpochSeconds - Date.now() / 1000)));

export const revokeFamilyAccess = (kv: KVNamespace, config: Config, familyId: string) =>
  mark(kv, keys.family(familyId), () => '1', ttl(config));

/** Every access token of the user issued up to now dies, whatever is written later. */
export const revokeUserAccess = (kv: KVNamespace, config: Config, userId: string) =>
  mark(kv, keys.user(userId), () => beforeMark(Date.now()), ttl(config));

/** Every access token of the user issued before now dies, except those of `keepFamily`. */
export const revokeOtherSessionsAccess = (kv: KVNamespace, config: Config, userId: string, keepFamily: string) =>
  mark(kv, keys.password(userId), () => softMark(Date.now(), keepFamily), ttl(config));
