import { createMiddleware } from 'hono/factory';
import { loadConfig } from '../config';
import { ApiError, errorsOf } from './errors';
import type { AppEnv } from './types';

/** Puts the parsed Config on the context; a broken one refuses every route but /health. */
export const configGuard = errorsOf(
  ['MISCONFIGURED'],
  createMiddleware<AppEnv>(async (c, next) => {
    const result = loadConfig(c.env);
    if (result.ok) c.set('config', result.config);
    else if (c.req.path !== '/health') {
      throw new ApiError(500, 'MISCONFIGURED', 'The service is misconfigured and refuses to serve');
    }
    await next();
  }),
);
