// The one error type and the one place it becomes the contract's error envelope.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './types';

export interface ErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what = 'Resource') => new ApiError(404, 'NOT_FOUND', `${what} not found`);

const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
  return c.json(
    {
      success: false as const,
      error: {
        status: err.status,
        code: err.code,
        message: err.message,
        ...(err.details?.length ? { details: err.details } : {}),
        request_id: c.get('requestId'),
      },
    },
    err.status,
  );
}

function toApiError(err: unknown, revealInternals: boolean): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException && err.status < 500) {
    const status = err.status as ContentfulStatusCode;
    return new ApiError(status, CODES_BY_STATUS[status] ?? 'BAD_REQUEST', err.message || 'Bad request');
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return new ApiError(
    500,
    'INTERNAL_ERROR',
    revealInternals ? e.message : 'Internal server error',
    revealInternals ? [{ message: e.message, stack: e.stack }] : undefined,
  );
}

/** Hono's onError: every thrown thing leaves as the envelope; only 5xx are logged with a stack. */
export function onError(err: unknown, c: Context<AppEnv>): Response {
  const apiError = toApiError(err, c.get('config')?.isDevelopment ?? false);
  if (apiError.status >= 500) {
    const e = err instanceof Error ? err : new Error(String(err));
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'unhandled error',
        request_id: c.get('requestId'),
        code: apiError.code,
        error: e.message,
        stack: e.stack,
      }),
    );
  }
  return errorResponse(c, apiError);
}
