// The one error type and the one place it becomes the contract's error envelope.

import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { log } from './logger';
import type { AppEnv } from './types';

export interface ErrorDetail {
  path?: string;
  message: string;
  [key: string]: unknown;
}

/**
 * Every error code the API answers with, and its one status. Closed: a code is added here before it
 * is thrown, and the type below makes `new ApiError(status, code, …)` a type error when the status is
 * not the code's. /openapi.json documents each route's codes under their status from this table.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  WEAK_PASSWORD: 400,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  IDEMPOTENCY_KEY_INVALID: 400,
  UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_REFRESH_TOKEN: 401,
  REFRESH_TOKEN_EXPIRED: 401,
  REFRESH_TOKEN_REVOKED: 401,
  REFRESH_TOKEN_REUSED: 401,
  FORBIDDEN: 403,
  SIGNUP_DISABLED: 403,
  ACCOUNT_DISABLED: 403,
  INVALID_CURRENT_PASSWORD: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  EMAIL_TAKEN: 409,
  SLUG_TAKEN: 409,
  SKU_TAKEN: 409,
  PHONE_TAKEN: 409,
  RATE_EXISTS: 409,
  LAST_OWNER: 409,
  KHATA_BALANCE_NOT_ZERO: 409,
  ALREADY_VOIDED: 409,
  INSUFFICIENT_STOCK: 409,
  CONCURRENT_UPDATE: 409,
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  CUSTOMER_DELETED: 409,
  INVOICE_PREFIX_LOCKED: 409,
  TAG_TAKEN: 409,
  HUID_TAKEN: 409,
  PIECE_NOT_IN_STOCK: 409,
  PIECE_SOLD: 409,
  PRICE_CHANGED: 409,
  NO_INVOICE: 409,
  PAYLOAD_TOO_LARGE: 413,
  IMAGE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNSUPPORTED_IMAGE: 415,
  UNPROCESSABLE_ENTITY: 422,
  AMOUNT_TOO_LARGE: 422,
  INVALID_DISCOUNT: 422,
  CREDIT_LIMIT_EXCEEDED: 422,
  PAYMENT_EXCEEDS_BALANCE: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_UNAVAILABLE: 422,
  FORECAST_UNAVAILABLE: 422,
  EXCHANGE_EXCEEDS_TOTAL: 422,
  PRODUCT_INACTIVE: 422,
  HUID_MISSING: 422,
  SELL_BY_PIECE: 422,
  PAYMENT_INVALID: 422,
  PAYMENT_MISMATCH: 422,
  CASH_LIMIT_EXCEEDED: 422,
  PAN_REQUIRED: 422,
  BUYER_DETAILS_REQUIRED: 422,
  PASSWORD_REUSED: 422,
  NOT_GST_REGISTERED: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  MISCONFIGURED: 500,
  SERVICE_UNAVAILABLE: 503,
  AUTH_UNAVAILABLE: 503,
  RATE_LIMITER_UNAVAILABLE: 503,
  MODEL_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly status: (typeof ERROR_STATUS)[C],
    readonly code: C,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * A middleware that names the codes it can answer with, so a route declaring it documents them
 * (defineRoute reads `errors`): the enforcement and its documentation are one declaration.
 */
export const errorsOf = <M extends object>(errors: readonly ErrorCode[], middleware: M) =>
  Object.assign(middleware, { errors });

export const notFound = (what = 'Resource') => new ApiError(404, 'NOT_FOUND', `${what} not found`);

/** What a framework HTTPException (not thrown by our code) answers with: its status's generic code. */
const GENERIC_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNPROCESSABLE_ENTITY',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
] as const satisfies readonly ErrorCode[];

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
    const code = GENERIC_CODES.find((c) => ERROR_STATUS[c] === err.status) ?? 'BAD_REQUEST';
    return new ApiError(ERROR_STATUS[code], code, err.message || 'Bad request');
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
    log('error', 'unhandled error', { code: apiError.code, error: e.message, stack: e.stack });
  }
  return errorResponse(c, apiError);
}
