// 404 for unknown paths and 405 (with Allow) for known paths asked with the wrong method. Routes
// match strictly, so `/health/` is not `/health`: a trailing slash is 404 for every route, as the
// router answers it, never a 405 (PatternRouter, which finds the allowed methods, ignores the slash).
import type { Context } from 'hono';
import { PatternRouter } from 'hono/router/pattern-router';
import { ApiError, errorResponse } from './errors';
import type { AppEnv } from './types';

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

export function notFoundHandler(routes: () => { method: string; path: string }[]) {
  let router: PatternRouter<true> | undefined;
  const allowedMethods = (path: string) => {
    if (!router) {
      router = new PatternRouter<true>();
      for (const r of routes()) if (r.method !== 'ALL') router.add(r.method, r.path, true);
    }
    const found = router;
    return METHODS.filter((m) => found.match(m, path)[0].length > 0);
  };

  return (c: Context<AppEnv>): Response => {
    const allowed = c.req.path.endsWith('/') ? [] : allowedMethods(c.req.path);
    if (allowed.length > 0) {
      const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
      return errorResponse(
        c,
        new ApiError(405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on this path`, undefined, {
          Allow: allow,
        }),
      );
    }
    return errorResponse(c, new ApiError(404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`));
  };
}
