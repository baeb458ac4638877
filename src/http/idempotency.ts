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
// - A route declares `idempotent: true` (defineRoute): the middleware below checks the key, answers a
//   replay before the handler runs, and answers a lost race with the winner's outcome; the service only
//   puts `recordQueries` in its batch and calls `throwIfKeyTaken` first in its catch. Services return data.
import { z } from '@hono/zod-openapi';
import { and, eq, lte, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type Db, dbOf } from '../db/client';
import { isUniqueViolation } from '../db/errors';
import { idempotencyKeys } from '../db/schema';
import { inShop } from '../db/scope';
import { nowIso } from '../lib/id';
import { authOf } from './caller';
import { ApiError, errorsOf } from './errors';
import type { AppEnv, IdempotentRequest } from './types';

type C = Context<AppEnv>;

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY = /^[A-Za-z0-9_\-:.]{8,128}$/;

/** The header's declaration in `request.headers` of an idempotent route; the checks are the middleware's. */
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

/**
 * 409: another request holds this key, still in flight or the winner of a race this request's batch
 * lost (thrown by the service, then answered by the middleware with the holder's outcome).
 */
class KeyHeld extends ApiError {
  constructor() {
    super(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is in progress; retry');
  }
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

/** The request's key (400 when missing or malformed) and fingerprint. */
async function idempotentRequest(c: C): Promise<IdempotentRequest> {
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
async function previousOutcome(c: C, db: Db, r: IdempotentRequest): Promise<Response | null> {
  const [row] = await db.select().from(idempotencyKeys).where(liveKey(r));
  if (!row) return null;
  if (row.requestHash !== r.hash || row.userId !== r.userId) {
    throw new ApiError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used for a different request; use a new key for a new request',
    );
  }
  if (row.statusCode === null || row.responseBody === null) throw new KeyHeld();
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

/** First in a write's catch: another request's record of this key refused the batch. */
export function throwIfKeyTaken(err: unknown): void {
  if (isUniqueViolation(err, 'idempotency_keys.')) throw new KeyHeld();
}

/** The request's key and fingerprint, as the idempotency middleware checked them. */
export function idempotencyOf(c: C): IdempotentRequest {
  const r = c.get('idempotency');
  if (!r) throw new Error('idempotencyOf needs a route declared with `idempotent: true`');
  return r;
}

/**
 * The middleware of a route declared `idempotent: true`, after the guard: the key's checks, the replay
 * of an earlier request's response before the handler runs, and after it, when the handler's batch lost
 * the key to a concurrent request, that request's outcome (replay, 422 or 409).
 */
export const idempotency = errorsOf(
  ['IDEMPOTENCY_KEY_REQUIRED', 'IDEMPOTENCY_KEY_INVALID', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_FLIGHT'],
  createMiddleware<AppEnv>(async (c, next) => {
    const r = await idempotentRequest(c);
    const db = dbOf(c);
    const replay = await previousOutcome(c, db, r);
    if (replay) return replay;
    c.set('idempotency', r);
    await next();
    // Otherwise the 409 stands: the holder expired between its commit and this read, so there is
    // nothing to replay and the client may retry.
    if (c.error instanceof KeyHeld) c.res = (await previousOutcome(c, db, r)) ?? c.res;
  }),
);
