import { contextStorage } from 'hono/context-storage';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './types';

// Echo a caller's id only when it is safe to put in logs and headers.
const VALID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The request's context, for the logger (src/http/logger.ts) to find its request id. */
const storage = contextStorage();

export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('X-Request-Id');
  const id = incoming && VALID.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', id);
  await storage(c, next);
  c.header('X-Request-Id', id);
});
