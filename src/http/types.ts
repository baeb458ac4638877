// The context every handler sees: bindings plus what the middleware chain puts on it.

import type { Config } from '../config';
import type { Role } from '../db/schema';
import type { Env } from '../env';

export interface AppVariables {
  requestId: string;
  /** Absent only on /health when the config is broken. */
  config: Config;
  /** Where this request's D1 session starts when the client sent no bookmark (see db/client). */
  d1Start?: 'first-primary' | 'first-unconstrained';
  /** Set by the auth guard on authenticated routes; the request log line reads it. */
  auth?: AuthContext;
  /** The shop a public (storefront) request is about, once known; the metrics data point reads it. */
  publicShopId?: string;
  /**
   * KV values a route asked the guard to read in its revocation read (`signedIn(…, { alsoRead })`),
   * so the route needs no KV round trip of its own; a key absent from KV maps to null.
   */
  kvRead?: ReadonlyMap<string, string | null>;
  /** Set by the idempotency middleware on routes declared `idempotent: true`. */
  idempotency?: IdempotentRequest;
}

/** An Idempotency-Key request: who sent it, the key, the fingerprint of the request, and when. */
export interface IdempotentRequest {
  shopId: string;
  userId: string;
  key: string;
  hash: string;
  now: string;
}

/** Who is calling, from a verified, unrevoked access token. */
export interface AuthContext {
  userId: string;
  shopId: string;
  role: Role;
  /** The access token's id and expiry (epoch seconds), for logout's revocation entry. */
  jti: string;
  exp: number;
  /** The login (refresh-token family) this token belongs to. */
  familyId: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
