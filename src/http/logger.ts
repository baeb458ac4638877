// One structured JSON line per event, the same shape everywhere: time, level, msg, the request id of
// the request being served (and its shop and user once signed in), then the event's own fields.
// The request is found through hono's context storage (AsyncLocalStorage, nodejs_compat), entered by
// the requestId middleware, so code without the context at hand (KV marks, model loading) logs alike.
// Never bodies, credentials or query strings (they may hold search terms).
import { tryGetContext } from 'hono/context-storage';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './types';

type Level = 'info' | 'warn' | 'error';

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}) {
  const c = tryGetContext<AppEnv>();
  const auth = c?.get('auth');
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    msg,
    ...(c ? { request_id: c.get('requestId') } : {}),
    ...(auth ? { shop: auth.shopId, user: auth.userId } : {}),
    ...fields,
  });
  // Looked up on each call, not bound once, so a test's spy on console sees it.
  console[level === 'info' ? 'log' : level](line);
}

/** What an error says, without its stack (a 500's stack is logged by onError alone). */
export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const start = performance.now();
  await next();
  const status = c.res.status;
  log(status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info', 'request', {
    method: c.req.method,
    path: c.req.path,
    status,
    duration_ms: Math.round((performance.now() - start) * 100) / 100,
  });
});
