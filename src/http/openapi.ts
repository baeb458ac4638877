// The one way to add a route: declare it once with request and response schemas; validation,
// typed handlers and /openapi.json all come from that declaration.
import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Page } from '../db/list';
import { jsonBody as bodyMiddleware, takesRawBody } from './body';
import { configGuard } from './config-guard';
import { ApiError, ERROR_CODES, ERROR_STATUS, type ErrorCode, errorsOf } from './errors';
import { IdempotencyHeader, idempotency } from './idempotency';
import type { AppEnv } from './types';

export { z };

export const createRouter = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(
          400,
          'VALIDATION_FAILED',
          `Invalid ${result.target}`,
          result.error.issues.map((issue) => ({
            in: result.target,
            path: issue.path.join('.'),
            message: issue.code === 'unrecognized_keys' ? `Unknown field(s): ${issue.keys.join(', ')}` : issue.message,
          })),
        );
      }
    },
  });

/** The error envelope; a response documents only the codes its status can carry on its route. */
const errorOf = (codes: readonly [ErrorCode, ...ErrorCode[]], status?: number) =>
  z.object({
    success: z.literal(false),
    error: z.object({
      status: status === undefined ? z.number().int() : z.literal(status),
      code: z.enum(codes),
      message: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() }).loose()).optional(),
      request_id: z.string(),
    }),
  });

/** Every code the API can answer with (src/http/errors.ts). */
export const ErrorSchema = errorOf(ERROR_CODES).openapi('Error');

export const PageMetaSchema = z
  .object({ page: z.number().int(), limit: z.number().int(), total: z.number().int(), total_pages: z.number().int() })
  .openapi('PageMeta');

/** `page` and `limit` for every list; a limit over 100 is refused, never clamped. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).openapi({ example: 1 }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
});

export const dataOf = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data });
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ success: z.literal(true), data: z.array(item), meta: PageMetaSchema });

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** A required, strict JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

/**
 * Refuses a query parameter with an empty name (`?=x`, `?&=1`) as a route's strict query schema
 * refuses an unknown one: Hono's query parser drops empty names, so the schema never sees them.
 */
const noEmptyQueryName = errorsOf(
  ['VALIDATION_FAILED'],
  createMiddleware<AppEnv>(async (c, next) => {
    for (const [name] of new URL(c.req.url).searchParams) {
      if (name === '') {
        throw new ApiError(400, 'VALIDATION_FAILED', 'Invalid query', [
          { in: 'query', path: '', message: 'Unknown field(s): a parameter with an empty name' },
        ]);
      }
    }
    await next();
  }),
);

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request (validation details in `error.details`)',
  401: 'No valid access token: missing, malformed, expired or revoked (`WWW-Authenticate` when missing)',
  403: 'Signed in, but this role or account may not do this',
  404: 'Not found (also for another shop’s ids)',
  405: 'This path does not serve this method (`Allow` lists the methods it does)',
  409: 'Conflicts with the current state',
  413: 'Body too large: over 64 KiB of JSON, or an image over 5 MiB',
  415: 'Body is not `application/json` (an image upload: not a JPEG, PNG or WebP by its bytes)',
  422: 'Well-formed, but refused by a business rule; nothing was written',
  429: 'Rate limited (`Retry-After`, `RateLimit`, `RateLimit-Policy`)',
  500: 'Internal error, or the Worker is misconfigured',
  503: 'A dependency cannot answer right now; retry after `Retry-After`',
};

const RESPONSE_HEADERS: Record<number, Record<string, { schema: { type: 'string' }; description: string }>> = {
  405: { Allow: { schema: { type: 'string' }, description: 'The methods this path serves' } },
  429: { 'Retry-After': { schema: { type: 'string' }, description: 'Seconds' } },
  503: { 'Retry-After': { schema: { type: 'string' }, description: 'Seconds' } },
};

/** One response per status, each listing the codes it carries: `codes` grouped by their status. */
function errorResponses(codes: Iterable<ErrorCode>) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        ...jsonContent(errorOf(list.sort() as [ErrorCode, ...ErrorCode[]], status), STATUS_TEXT[status] ?? 'Error'),
        ...(RESPONSE_HEADERS[status] ? { headers: RESPONSE_HEADERS[status] } : {}),
      },
    ]),
  );
}

type Middleware = MiddlewareHandler & { errors?: readonly ErrorCode[] };

/** An idempotent route's success responses, each saying when it is a replay. */
const replayable = (responses: RouteConfig['responses']) =>
  Object.fromEntries(
    Object.entries(responses).map(([status, r]) => [
      status,
      status.startsWith('2')
        ? {
            ...r,
            headers: { 'Idempotent-Replayed': { schema: { type: 'string' }, description: '`true` on a replay' } },
          }
        : r,
    ]),
  );

/**
 * createRoute plus every error response the route can give, derived from what enforces it: the
 * app's middleware (config, body for methods that take one, 405 for another method on the path),
 * the route's own middleware (the guard, the limiter: each carries its codes), its validators
 * (400; 404 for a path with ids), and `errors`, the codes its handler and service throw. A route
 * without a query schema gets an empty strict one: a query name no route declares is refused alike.
 * `idempotent`: the route takes an `Idempotency-Key` (the header, its middleware after the route's own,
 * and `Idempotent-Replayed` on its success responses); see http/idempotency.
 */
export const defineRoute = <
  R extends RouteConfig & { operationId: string; errors?: readonly ErrorCode[]; idempotent?: true },
>({
  errors = [],
  idempotent,
  ...route
}: R) => {
  const middleware = [
    ...([route.middleware ?? []].flat() as Middleware[]),
    noEmptyQueryName,
    ...(idempotent ? [idempotency] : []),
  ];
  const codes: ErrorCode[] = [
    ...(configGuard.errors ?? []),
    'INTERNAL_ERROR',
    'METHOD_NOT_ALLOWED',
    ...(route.method === 'get' || takesRawBody(route.method) ? [] : bodyMiddleware.errors),
    ...middleware.flatMap((m) => m.errors ?? []),
    ...(route.request?.params ? (['NOT_FOUND'] as const) : []),
    ...errors,
  ];
  const config = {
    ...route,
    request: {
      ...route.request,
      query: route.request?.query ?? z.strictObject({}),
      ...(idempotent ? { headers: IdempotencyHeader } : {}),
    },
    middleware,
    responses: { ...errorResponses(codes), ...(idempotent ? replayable(route.responses) : route.responses) },
  };
  // Typed as declared: handlers return the route's own (success) responses; errors are thrown, and
  // the empty strict query gives a handler nothing to read.
  return createRoute(config as unknown as Omit<R, 'errors' | 'idempotent'>);
};

/** The success envelope around `data`. */
export const envelope = <T>(data: T) => ({ success: true as const, data });

/** A page's `meta`. */
const pageMeta = (p: Omit<Page<unknown>, 'items'>) => ({
  page: p.page,
  limit: p.limit,
  total: p.total,
  total_pages: Math.ceil(p.total / p.limit),
});

/** One page of a list in the success envelope with its meta; `shape` puts the items into a larger `data`. */
export const pageEnvelope = <T, D = T[]>(p: Page<T>, shape?: (items: T[]) => D) => ({
  ...envelope(shape ? shape(p.items) : (p.items as D)),
  meta: pageMeta(p),
});

/** Answer data in the success envelope. */
export const ok = <T, S extends ContentfulStatusCode = 200>(c: Context<AppEnv>, data: T, status?: S) =>
  c.json(envelope(data), status ?? (200 as S));

/** Answer one page of a list in the success envelope. */
export const okPage = <T, D = T[]>(c: Context<AppEnv>, p: Page<T>, shape?: (items: T[]) => D) =>
  c.json(pageEnvelope(p, shape), 200);
