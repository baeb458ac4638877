// The one way to add a route: declare it once with request and response schemas; validation,
// typed handlers and /openapi.json all come from that declaration.
import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from './errors';
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

export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.object({
      status: z.number().int(),
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() }).loose()).optional(),
      request_id: z.string(),
    }),
  })
  .openapi('Error');

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

const error = (description: string) => jsonContent(ErrorSchema, description);

const COMMON_ERRORS = {
  400: error('Invalid request (validation details in `error.details`)'),
  404: error('Not found (also for another shop’s ids)'),
  413: error('Body over 64 KiB'),
  415: error('Body is not JSON'),
  429: error('Rate limited'),
  500: error('Internal error'),
} as const;

/** createRoute plus the error responses every route can give. */
export const defineRoute = <R extends RouteConfig>(route: R) =>
  createRoute({ ...route, responses: { ...COMMON_ERRORS, ...route.responses } });

/** Wrap data in the success envelope. */
export const ok = <T, S extends ContentfulStatusCode = 200>(c: Context<AppEnv>, data: T, status?: S) =>
  c.json({ success: true as const, data }, status ?? (200 as S));

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  limit: number;
}

/** Wrap one page of a list in the success envelope with its meta. */
export const okPage = <T>(c: Context<AppEnv>, p: Page<T>) =>
  c.json(
    {
      success: true as const,
      data: p.items,
      meta: { page: p.page, limit: p.limit, total: p.total, total_pages: Math.ceil(p.total / p.limit) },
    },
    200,
  );
