// Request bodies: at most 64 KiB, JSON only, parsed once here so a malformed one is a clear 400.
// PUT is the one method that carries raw bytes (an image upload, API.md "Images and passwords"):
// its route reads the body itself, with its own limit and its own check of what the bytes are.
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { ApiError, errorsOf } from './errors';
import type { AppEnv } from './types';

export const MAX_BODY_BYTES = 64 * 1024;

const limit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  },
});

export const takesRawBody = (method: string) => method.toUpperCase() === 'PUT';

const hasBody = (req: Request) => req.body !== null && (req.headers.get('content-length') ?? '') !== '0';

export const jsonBody = errorsOf(
  ['MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'],
  createMiddleware<AppEnv>((c, next) =>
    takesRawBody(c.req.method)
      ? next()
      : limit(c, async () => {
          if (!hasBody(c.req.raw) || c.req.method === 'GET' || c.req.method === 'HEAD') return next();
          const type = c.req.header('Content-Type') ?? '';
          if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
            throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json');
          }
          // Hono caches the parsed body, so the route's validator reads this same result.
          await c.req.json().catch(() => {
            throw new ApiError(400, 'MALFORMED_JSON', 'Request body is not valid JSON');
          });
          return next();
        }),
  ),
);
