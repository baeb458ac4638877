import type { Context } from 'hono';
import { cors as honoCors } from 'hono/cors';

const ALLOW_HEADERS = ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Request-Id', 'X-D1-Bookmark'];
const EXPOSE_HEADERS = [
  'X-Request-Id',
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'Idempotent-Replayed',
  'X-D1-Bookmark',
  'Server-Timing',
  'ETag',
];

/**
 * Only origins in CORS_ORIGINS get Access-Control-Allow-Origin (config refuses `*` outside
 * development). Bearer tokens, not cookies, so no credentials mode.
 */
export const cors = honoCors({
  origin: (origin: string, c: Context) => {
    const allowed: string[] = c.get('config')?.corsOrigins ?? [];
    if (allowed.includes('*')) return '*';
    return allowed.includes(origin) ? origin : null;
  },
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders: ALLOW_HEADERS,
  exposeHeaders: EXPOSE_HEADERS,
  maxAge: 600,
});
