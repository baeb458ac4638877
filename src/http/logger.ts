// One structured JSON line per request; never bodies, credentials or query strings (they may hold search terms).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './types';

export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const start = performance.now();
  await next();
  const status = c.res.status;
  const auth = c.get('auth');
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - start) * 100) / 100,
      ...(auth ? { shop: auth.shopId, user: auth.userId } : {}),
    }),
  );
});
