// The role ladder (cashier < manager < owner) and the one check a service makes when a rule, not the
// route, needs a higher role (a credit limit, a khata credit, inactive products, an overridden price or
// given rate, another State's supply). A refusal the batch decides (a cashier's discount or cash payout
// over the shop's limit) is worded by roleRefusal alike.
import type { Context } from 'hono';
import type { Role } from '../db/schema';
import { authOf } from '../http/caller';
import { ApiError, type ErrorDetail } from '../http/errors';
import type { AppEnv, AuthContext } from '../http/types';

const RANK: Record<Role, number> = { cashier: 1, manager: 2, owner: 3 };

export const hasRole = (role: Role, atLeast: Role) => RANK[role] >= RANK[atLeast];

/**
 * 403 FORBIDDEN naming what needed the role (the guard's refusal of a route says the same); `details`
 * point at the request field that asked for it.
 */
export const roleRefusal = (minRole: Role, what: string, details?: ErrorDetail[]) =>
  new ApiError(403, 'FORBIDDEN', `${what} needs the ${minRole} role or higher`, details);

/**
 * The caller, when their role is at least `minRole`; otherwise 403 FORBIDDEN saying what needed it,
 * with `path`, when given, the request field that asked for it.
 */
export function requireRole(c: Context<AppEnv>, minRole: Role, what: string, path?: string): AuthContext {
  const auth = authOf(c);
  if (!hasRole(auth.role, minRole))
    throw roleRefusal(minRole, what, path === undefined ? undefined : [{ path, message: what }]);
  return auth;
}
