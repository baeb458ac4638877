// Idempotency-Key for POST routes (the POS retries a sale or a voucher it is unsure about), generic over routes.
//
// - A key is scoped to (shop, key) and lives 24 h; an expired key may be used again (expired rows are
//   deleted lazily by the next write of the shop that records a key).
// - The record holds a SHA-256 of the canonical request (method, path, body with sorted keys) and the
//   user who sent it. Same key + same request → the stored status and body with
//   `Idempotent-Replayed: true`; same key + another body (or another user) → 422 IDEMPOTENCY_KEY_REUSED.
// - `recordQueries` go FIRST in the route's own write batch, with the response already in them: the
//   (shop_id, key) primary key lets exactly one of two concurrent requests commit, and the loser's
//   batch aborts as a whole (no double sale) and answers with the winner's stored response. A refused
//   request (any 4xx/5xx) rolls its batch back, so it leaves no record: the key can be retried after
//   the cause is fixed (e.g. restocked). Unlike Stripe, failures are not replayed.
// - A route that cannot know its response before its batch may record the key without a result
//   (`status_code` NULL) and fill it in with `completeQuery`; while it is NULL, another request with the
//   key gets 409 IDEMPOTENCY_KEY_IN_FLIGHT (retryable).
// - A response that holds what only the batch decides (a document number) is stored as SQL that the
//   batch evaluates, so the replay is the same bytes the first caller got.
import { z } from '@hono/zod-openapi';
import { and, eq, lte, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { authOf } from '../auth/caller';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { idempotencyKeys } from '../db/schema';
import { inShop } from '../db/scope';
import { nowIso } from '../lib/id';
import { ApiError } from './errors';
import type { AppEnv } from './types';

type C = Context<AppEnv>;

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY = /^[A-Za-z0-9_\-:.]{8,128}$/;

/** The header's declaration for a route's `request.headers`; the checks are idempotentRequest's. */
export const IdempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .optional()
    .openapi({
      param: { name: 'idempotency-key', in: 'header', required: true },
      // Checked by the idempotency step (400 IDEMPOTENCY_KEY_REQUIRED / IDEMPOTENCY_KEY_INVALID), not here.
      minLength: 8,
      maxLength: 128,
      pattern: KEY.source,
      description: '8–128 of A-Z a-z 0-9 _ - : . ; unique per attempt, valid 24 h',
      example: 'pos-7-20261122-0042',
    }),
});

/** Every code the idempotency step can answer with, for a route's `errors`. */
export const IDEMPOTENCY_ERRORS = [
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_KEY_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
] as const;

export interface IdempotentRequest {
  shopId: string;
  userId: string;
  key: string;
  hash: string;
  now: string;
}

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one request. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The request's key (400 when missing or malformed) and fingerprint. Call after the body validated. */
export async function idempotentRequest(c: C): Promise<IdempotentRequest> {
  const key = c.req.header('Idempotency-Key');
  if (key === undefined || key === '') {
    throw new ApiError(400, 'IDEMPOTENCY_KEY_REQUIRED', 'This request needs an Idempotency-Key header');
  }
  if (!KEY.test(key)) {
    throw new ApiError(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 8–128 of A-Z a-z 0-9 _ - : .');
  }
  const body: unknown = await c.req.json().catch(() => null);
  const hash = await sha256Hex(`${c.req.method}\n${c.req.path}\n${canonical(body)}`);
  const { shopId, userId } = authOf(c);
  return { shopId, userId, key, hash, now: nowIso() };
}

const liveKey = (r: IdempotentRequest) =>
  inShop(idempotencyKeys, r.shopId, eq(idempotencyKeys.key, r.key), sql`${idempotencyKeys.expiresAt} > ${r.now}`);

/**
 * What an earlier request with this key decided: its stored response to replay (a Response), a
 * refusal (thrown), or null when the key is new (or expired).
 */
export async function previousOutcome(c: C, db: Db, r: IdempotentRequest): Promise<Response | null> {
  const [row] = await db.select().from(idempotencyKeys).where(liveKey(r));
  if (!row) return null;
  if (row.requestHash !== r.hash || row.userId !== r.userId) {
    throw new ApiError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used for a different request; use a new key for a new request',
    );
  }
  if (row.statusCode === null || row.responseBody === null) {
    throw new ApiError(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is in progress; retry');
  }
  return c.body(row.responseBody, row.statusCode as ContentfulStatusCode, {
    'Content-Type': 'application/json',
    'Idempotent-Replayed': 'true',
  });
}

/**
 * The statements that record the key, to put FIRST in the route's write batch: drop this shop's
 * expired keys (so an expired key can be taken again), then claim the key, which fails on the primary
 * key when a live record exists and so aborts the batch. Pass the response to store it atomically with
 * the write; without one the key is in flight until `completeQuery` runs.
 */
export function recordQueries(db: Db, r: IdempotentRequest, response?: { status: number; body: string | SQL }) {
  return [
    db.delete(idempotencyKeys).where(inShop(idempotencyKeys, r.shopId, lte(idempotencyKeys.expiresAt, r.now))),
    db.insert(idempotencyKeys).values({
      shopId: r.shopId,
      key: r.key,
      userId: r.userId,
      requestHash: r.hash,
      statusCode: response?.status ?? null,
      responseBody: response?.body ?? null,
      createdAt: r.now,
      expiresAt: new Date(Date.parse(r.now) + IDEMPOTENCY_TTL_MS).toISOString(),
    }),
  ] as const;
}

/** Stores the result of a key recorded in flight. */
export const completeQuery = (db: Db, r: IdempotentRequest, status: number, body: string | SQL) =>
  db
    .update(idempotencyKeys)
    .set({ statusCode: status, responseBody: body })
    .where(
      and(inShop(idempotencyKeys, r.shopId, eq(idempotencyKeys.key, r.key)), eq(idempotencyKeys.requestHash, r.hash)),
    );

/**
 * After a write batch failed: when another request holds the key, its outcome (replay, 422 or 409);
 * otherwise null and the caller maps the error itself.
 */
export async function outcomeOfConflict(c: C, db: Db, r: IdempotentRequest, err: unknown): Promise<Response | null> {
  if (!isUniqueViolation(err, 'idempotency_keys.')) return null;
  const outcome = await previousOutcome(c, db, r);
  if (outcome) return outcome;
  // The holder expired between its commit and this read: nothing to replay, the client may retry.
  throw new ApiError(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is in progress; retry');
}
