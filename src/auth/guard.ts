// The auth guard: a verified, unrevoked access token with at least the route's role, or no entry.
import { createMiddleware } from 'hono/factory';
import { endTime, startTime } from 'hono/timing';
import type { Role } from '../db/schema';
import { ApiError, type ErrorCode, errorsOf } from '../http/errors';
import type { AppEnv } from '../http/types';
import { byUser, rateLimit } from '../rate-limit/middleware';
import { checkRevocation } from './revocation';
import { hasRole, roleRefusal } from './roles';
import { verifyAccessToken } from './tokens';

/** What the guard can answer with: no, a bad or a revoked token, KV unreadable, a role too low. */
const guardErrors = (minRole: Role): ErrorCode[] => [
  'UNAUTHENTICATED',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'TOKEN_REVOKED',
  'AUTH_UNAVAILABLE',
  ...(hasRole('cashier', minRole) ? [] : (['FORBIDDEN'] as const)),
];

/**
 * Declared in a route's `middleware`; `minRole` follows the contract's role table. `alsoRead`: KV keys
 * the route needs, read in the same bulk read as the revocation marks (`c.get('kvRead')`).
 */
export const requireAuth = (minRole: Role = 'cashier', alsoRead: readonly string[] = []) =>
  errorsOf(
    guardErrors(minRole),
    createMiddleware<AppEnv>(async (c, next) => {
      const header = c.req.header('Authorization') ?? '';
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) {
        throw new ApiError(401, 'UNAUTHENTICATED', 'A Bearer access token is required', undefined, {
          'WWW-Authenticate': 'Bearer realm="tijori"',
        });
      }
      startTime(c, 'auth', 'Token check and revocation read');
      const token = await verifyAccessToken(c.get('config'), m[1]!);
      const { revoked, read } = await checkRevocation(c.env.AUTH_KV, token, alsoRead);
      endTime(c, 'auth');
      if (revoked) throw new ApiError(401, 'TOKEN_REVOKED', 'This session has been signed out');
      if (!hasRole(token.role, minRole)) {
        throw roleRefusal(minRole, 'This action');
      }
      const { userId, shopId, role, jti, exp, familyId } = token;
      c.set('auth', { userId, shopId, role, jti, exp, familyId });
      if (alsoRead.length) c.set('kvRead', read);
      await next();
    }),
  );

const perUser = rateLimit('api', byUser, { failMode: 'open' });

/**
 * What an authenticated route spreads into its declaration: the bearer scheme for the OpenAPI
 * document and the middleware that enforces it, so the two cannot disagree — the guard with the
 * route's minimum role, then its rate-limit policy: the per-user `api` policy unless the route names
 * another (one limiter call per request, so a route with its own policy is not also counted under `api`).
 * Each middleware carries the error codes it can answer with; defineRoute documents them.
 * `alsoRead`: KV keys the route needs, read with the revocation marks in one KV call.
 * `x-min-role` states the minimum role in the document, from the same argument the guard enforces.
 */
export const signedIn = (minRole: Role = 'cashier', limit = perUser, alsoRead: readonly string[] = []) => ({
  security: [{ bearer: [] }],
  'x-min-role': minRole,
  middleware: [requireAuth(minRole, alsoRead), limit],
});
