// Access tokens: HS256 JWTs (jose) with pinned algorithm, explicit typ and a kid naming the secret,
// so JWT_SECRET_PREVIOUS still verifies during a rotation but never signs.
// Refresh tokens are opaque random strings, never JWTs, so neither can pass for the other.
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Config } from '../config';
import type { Role } from '../db/schema';
import { ApiError } from '../http/errors';
import type { AuthContext } from '../http/types';
import { randomToken, sha256Base64Url } from '../lib/encoding';

export const ISSUER = 'tijori';
export const AUDIENCE = 'tijori-api';
export const ACCESS_TOKEN_TYP = 'at+jwt';
const ALG = 'HS256';

interface SigningKey {
  kid: string;
  key: Uint8Array;
}

const keyCache = new Map<string, Promise<SigningKey>>();

/** kid = a short hash of the secret: names it without revealing it. */
function signingKey(secret: string): Promise<SigningKey> {
  let hit = keyCache.get(secret);
  if (!hit) {
    hit = sha256Base64Url(secret).then((h) => ({ kid: h.slice(0, 12), key: new TextEncoder().encode(secret) }));
    keyCache.set(secret, hit);
  }
  return hit;
}

export interface AccessClaims {
  userId: string;
  shopId: string;
  role: Role;
  familyId: string;
}

/**
 * How far in the future a token's `iat` may be: Cloudflare's machines keep NTP time, so a real token
 * is never ahead by more than a few seconds. Anything further was not made by this API: a token
 * "issued" in the future would outlive every revocation mark, which compares `iat`.
 */
export const CLOCK_SKEW_SECONDS = 5;

/**
 * `issuedAtMs` must be taken BEFORE the D1 read that authorised the claims (the user row, the
 * refresh token): a revocation mark's time is taken AFTER its D1 write, so a token minted from a row
 * read before a demotion is always older than the demotion's mark, however slowly it was signed.
 */
export async function signAccessToken(config: Config, claims: AccessClaims, issuedAtMs: number) {
  const { kid, key } = await signingKey(config.jwtSecret);
  const jti = crypto.randomUUID();
  // iat keeps milliseconds (NumericDate may be fractional, RFC 7519 §2), so a mark and a token of
  // the same second still compare in the right order.
  const iat = issuedAtMs / 1000;
  const token = await new SignJWT({ shop: claims.shopId, role: claims.role, fam: claims.familyId })
    .setProtectedHeader({ alg: ALG, typ: ACCESS_TOKEN_TYP, kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.userId)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(Math.floor(iat) + config.accessTokenTtl)
    .sign(key);
  return { token, jti };
}

export interface VerifiedAccess extends AuthContext {
  familyId: string;
  issuedAtMs: number;
}

const ROLES = new Set(['owner', 'manager', 'cashier']);

/** `config` needs only the secrets (the bench's equal-work Node peer verifies with this same function). */
export async function verifyAccessToken(
  config: Pick<Config, 'jwtSecret' | 'jwtSecretPrevious' | 'accessTokenTtl'>,
  token: string,
): Promise<VerifiedAccess> {
  const current = await signingKey(config.jwtSecret);
  const previous = config.jwtSecretPrevious ? await signingKey(config.jwtSecretPrevious) : undefined;
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        if (header.kid === current.kid) return current.key;
        if (previous && header.kid === previous.kid) return previous.key;
        throw new errors.JWSSignatureVerificationFailed('unknown kid');
      },
      {
        algorithms: [ALG],
        issuer: ISSUER,
        audience: AUDIENCE,
        typ: ACCESS_TOKEN_TYP,
        requiredClaims: ['exp', 'iat', 'jti', 'sub'],
      },
    );
    const { sub, jti, exp, iat, shop, role, fam } = payload;
    if (typeof shop !== 'string' || typeof fam !== 'string' || typeof role !== 'string' || !ROLES.has(role)) {
      throw new errors.JWTClaimValidationFailed('missing claims', payload);
    }
    // Only a holder of the secret can mint these; a real token has exp - iat = the TTL it was issued
    // with (less the fraction of a second iat keeps), so a lowered ACCESS_TOKEN_TTL also ends longer ones.
    if (iat! > Date.now() / 1000 + CLOCK_SKEW_SECONDS || exp! - iat! > config.accessTokenTtl) {
      throw new errors.JWTClaimValidationFailed('iat or lifetime out of bounds', payload);
    }
    return {
      userId: sub!,
      shopId: shop,
      role: role as Role,
      jti: jti!,
      exp: exp!,
      familyId: fam,
      issuedAtMs: Math.round(iat! * 1000),
    };
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new ApiError(401, 'TOKEN_EXPIRED', 'Access token has expired');
    if (err instanceof errors.JOSEError) throw new ApiError(401, 'INVALID_TOKEN', 'Access token is not valid');
    throw err;
  }
}

/** An opaque refresh token and the hash that is all the database keeps of it. */
export async function newRefreshToken(): Promise<{ token: string; hash: string }> {
  const token = `rt_${randomToken(32)}`;
  return { token, hash: await hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string) => sha256Base64Url(token);
