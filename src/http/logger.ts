// One structured JSON line per request; never bodies, credentials or query strings (they may hold search terms).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './types';

export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const start = performance.now();
  await next();
  const status = c.res.status;
  console.log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info',
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - start) * 100) / 100,
      ...(c.get('shopId') ? { shop: c.get('shopId') } : {}),
      ...(c.get('userId') ? { user: c.get('userId') } : {}),
    }),
  );
});
