// Drive the real Worker: through its own fetch with the wrangler.toml env, or with vars overridden.

import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import type { z } from '@hono/zod-openapi';
import { expect } from 'vitest';
import type { Env } from '../../src/env';
import { dataOf } from '../../src/http/openapi';
import worker from '../../src/index';

export const BASE = 'https://tijori.test';

export type Json = Record<string, any>;

export interface CallOptions extends RequestInit {
  json?: unknown;
  token?: string;
  env?: Partial<Env> & Record<string, unknown>;
}

/** One request to the Worker; `env` overrides vars for this call (like `wrangler dev --var`). */
export async function call(path: string, { json, token, env: overrides, ...init }: CallOptions = {}) {
  const headers = new Headers(init.headers);
  if (json !== undefined) headers.set('Content-Type', 'application/json');
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const request = new Request(new URL(path, BASE), {
    ...init,
    headers,
    body: json !== undefined ? JSON.stringify(json) : init.body,
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, overrides ? { ...env, ...overrides } : env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** A request and its parsed JSON body. */
export async function callJson(path: string, options?: CallOptions) {
  const res = await call(path, options);
  const body = (await res.json()) as Json;
  return { res, body };
}

/**
 * A successful request's body, parsed with the route's own response schema (`dataOf(ProductSchema)`,
 * `pageOf(…)`): typed as the route declares it, so a wrong field name fails the type check. A body
 * the schema refuses fails here, and so does one with a field the schema does not declare (zod would
 * strip it silently): the body a test asserts on is exactly what the Worker sent.
 */
export async function callTyped<S extends z.ZodType>(schema: S, path: string, options?: CallOptions) {
  const { res, body } = await callJson(path, options);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`${path}: the body does not match its schema: ${parsed.error.message}`);
  expect(parsed.data, `${path}: fields the schema does not declare`).toStrictEqual(body);
  return { res, body: parsed.data as z.infer<S> };
}

/** A successful request's `data`, parsed with `dataOf(schema)` as callTyped does, once it answered `status`. */
export async function callData<S extends z.ZodType>(
  schema: S,
  status: number,
  path: string,
  options?: CallOptions,
): Promise<z.infer<S>> {
  const { res, body } = await callTyped(dataOf(schema), path, options);
  expect(res.status).toBe(status);
  // dataOf(S)'s output does not simplify while S is generic; it is `{ success, data: z.infer<S> }`.
  return (body as { data: z.infer<S> }).data;
}

/** SQLite's plan for a query built with Drizzle, one line per step (`EXPLAIN QUERY PLAN`). */
export async function queryPlan(q: { toSQL(): { sql: string; params: unknown[] } }) {
  const { sql, params } = q.toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join('\n');
}
