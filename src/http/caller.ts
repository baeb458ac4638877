// Who is calling an authenticated route: what requireAuth() put on the context.
import type { Context } from 'hono';
import type { AppEnv, AuthContext } from './types';

/** The caller of an authenticated route; throws (a 500: a route declaration bug) when the guard did not run. */
export const authOf = (c: Context<AppEnv>): AuthContext => {
  const auth = c.get('auth');
  if (!auth) throw new Error('authOf needs requireAuth() earlier in the route middleware');
  return auth;
};
