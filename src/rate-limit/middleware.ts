// rateLimit(): the one way to limit a route. Declare it in the route's `middleware`, e.g.
//   defineRoute({ ..., middleware: [rateLimit('login', byIpAndEmail, { failMode: 'closed' })] })
//   defineRoute({ ..., middleware: [requireAuth(), rateLimit('api', byUser, { failMode: 'open' })] })

import { createMiddleware } from 'hono/factory';
import type { Config } from '../config';
import type { Env } from '../env';
import { ApiError, errorsOf } from '../http/errors';
import { errorText, log } from '../http/logger';
import type { AppEnv } from '../http/types';
import type { KeyFn } from './keys';
import { localLimits } from './local';
import type { HitResult } from './sliding-log';

export { byIp, byIpAndEmail, byShop, byUser, ipKey, type KeyFn } from './keys';

export type PolicyName = keyof Config['rateLimits'];

export interface RateLimitOptions {
  /**
   * What to do when the limiter cannot answer (binding failing, object erroring, or slower than
   * its RATE_LIMITER_TIMEOUT_MS): `closed` refuses with 503 (auth routes: an unlimited password guesser
   * is worse than a short outage), `open` lets the request through unlimited (read routes).
   */
  failMode: 'open' | 'closed';
}

/**
 * How long a limited request waits for its object before the limiter counts as unavailable. A hit
 * is a few in-memory operations, so a warm object answers in single-digit milliseconds; a new
 * object (a first request from a new address) must first be placed and started, which under load
 * took past 100 ms here about once in a few thousand. Fail-open routes give up early (they lose
 * only the limit, never the request); fail-closed routes, whose refusal is a 503 for a real user
 * and which already spend ~200 ms hashing a password, wait longer.
 */
export const RATE_LIMITER_TIMEOUT_MS = { open: 100, closed: 1000 } as const;

/**
 * How each policy decides. `exact`: one object call per request, so N concurrent requests anywhere
 * admit exactly the limit — the auth policies, which an attacker spreads across locations.
 * `local`: decided in the isolate from its own log and the other isolates' count as of at most
 * SYNC_MS ago, with one object call per key per isolate per SYNC_MS (local.ts states the bound) —
 * the high-volume policies, whose requests then make no object call when the view is fresh.
 */
export const POLICY_MODE: Record<PolicyName, 'exact' | 'local'> = {
  login: 'exact',
  register: 'exact',
  refresh: 'exact',
  api: 'local',
  public: 'local',
  predict: 'local',
};

/** One object per (policy, key): a key's hits are serialised by its own object, never a global one. */
export const limiterName = (policy: PolicyName, key: string) => `${policy}:${key}`;

const limiterFor = (env: Env, policy: PolicyName, key: string) =>
  env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(limiterName(policy, key)));

/** `call`'s answer, or a rejection once `timeoutMs` pass without one. */
async function within<T>(timeoutMs: number, call: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The policy's decision for one request: one object call (exact), or the isolate's (local). */
function decide(
  env: Env,
  policy: PolicyName,
  key: string,
  p: { limit: number; windowSeconds: number },
  timeoutMs: number,
) {
  const limiter = () => limiterFor(env, policy, key);
  if (POLICY_MODE[policy] === 'exact') return within(timeoutMs, async () => limiter().hit(p.limit, p.windowSeconds));
  return localLimits.hit(limiterName(policy, key), p.limit, p.windowSeconds, (admittedAt) =>
    within(timeoutMs, async () => limiter().sync(admittedAt, p.limit, p.windowSeconds)),
  );
}

/** draft-ietf-httpapi-ratelimit-headers: RateLimit-Policy and RateLimit, as structured fields. */
function rateLimitHeaders(policy: PolicyName, p: { limit: number; windowSeconds: number }, hit: HitResult) {
  // Rounded up: a client that waits t seconds is never early.
  const reset = Math.max(0, Math.ceil(hit.resetMs / 1000));
  return {
    'RateLimit-Policy': `"${policy}";q=${p.limit};w=${p.windowSeconds}`,
    RateLimit: `"${policy}";r=${hit.remaining};t=${reset}`,
    reset,
  };
}

function warnUnavailable(policy: PolicyName, failMode: 'open' | 'closed', err: unknown) {
  // Never the key: it may hold an email address.
  log('warn', `rate limiter unavailable, failing ${failMode}`, { policy, fail_mode: failMode, error: errorText(err) });
}

/**
 * Counts the request against `policy` (configured by RATE_LIMIT_<POLICY>; "off" skips the limiter
 * entirely) under the key `key` picks, as the policy's mode says (POLICY_MODE). Allowed requests carry the
 * RateLimit headers, also when the handler later fails; refused ones are 429 RATE_LIMITED with
 * Retry-After.
 */
export const rateLimit = (policy: PolicyName, key: KeyFn, { failMode }: RateLimitOptions) =>
  errorsOf(
    failMode === 'closed' ? ['RATE_LIMITED', 'RATE_LIMITER_UNAVAILABLE'] : ['RATE_LIMITED'],
    createMiddleware<AppEnv>(async (c, next) => {
      const p = c.get('config').rateLimits[policy];
      if (!p) return next();

      // Outside the try: a key function's bug (byUser before requireAuth) is a 500, not an outage.
      const k = await key(c);
      let hit: HitResult;
      try {
        hit = await decide(c.env, policy, k, p, RATE_LIMITER_TIMEOUT_MS[failMode]);
      } catch (err) {
        warnUnavailable(policy, failMode, err);
        if (failMode === 'closed') {
          throw new ApiError(503, 'RATE_LIMITER_UNAVAILABLE', 'Rate limiting is unavailable; try again shortly');
        }
        return next();
      }

      const { reset, ...headers } = rateLimitHeaders(policy, p, hit);
      if (!hit.allowed) {
        throw new ApiError(429, 'RATE_LIMITED', `Too many requests; retry in ${Math.max(1, reset)} s`, undefined, {
          ...headers,
          'Retry-After': String(Math.max(1, reset)),
        });
      }
      // Set before the handler runs, so an error response it ends in still carries them.
      for (const [name, value] of Object.entries(headers)) c.header(name, value);
      await next();
    }),
  );
