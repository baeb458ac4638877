// The request's Drizzle client over a D1 Sessions API session (read replication):
// - reads may go to any replica that has caught up with the session's bookmark;
// - a request that sends back `X-D1-Bookmark` (from an earlier write) reads its own writes;
// - routes that tolerate staleness (the public storefront) start anywhere (`readAnyReplica`);
// - routes that mint tokens start at the primary whatever bookmark they are sent (`readPrimary`):
//   a stale replica would hand a just-demoted user a token of the old role, dated after the demotion.
// A response to an authenticated caller that touched D1 returns the session's latest bookmark in
// `X-D1-Bookmark`; no one else gets one (it would only tell an anonymous caller whether its request
// wrote, e.g. whether a refused sign-in's email exists).
import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/types';

export type Db = ReturnType<typeof drizzle>;
/** One statement of a `db.batch([...])` (D1's only transaction). */
export type BatchQuery = BatchItem<'sqlite'>;

/** Bookmarks are opaque; accept only what could plausibly be one. */
const BOOKMARK = /^[A-Za-z0-9._:+/=-]{1,256}$/;

const sessions = new WeakMap<Context, { session: D1DatabaseSession; db: Db }>();

export const dbOf = (c: Context<AppEnv>): Db => {
  let hit = sessions.get(c);
  if (!hit) {
    const bookmark = c.req.header('X-D1-Bookmark');
    const start = c.get('d1Start') ?? (bookmark && BOOKMARK.test(bookmark) ? bookmark : 'first-primary');
    const session = c.env.DB.withSession(start);
    // drizzle only needs prepare() and batch(), which a session has.
    hit = { session, db: drizzle(session as unknown as D1Database) };
    sessions.set(c, hit);
  }
  return hit.db;
};

/** Global middleware: hand the session's bookmark back to an authenticated caller, who can use it. */
export const d1Bookmark = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.get('auth')) return;
  const bookmark = sessions.get(c)?.session.getBookmark();
  if (bookmark) c.header('X-D1-Bookmark', bookmark);
});

const startAt = (start: NonNullable<AppEnv['Variables']['d1Start']>) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.set('d1Start', start);
    await next();
  });

/** Route middleware for reads that may be served by any replica, however stale (a sent bookmark is ignored). */
export const readAnyReplica = startAt('first-unconstrained');

/** Route middleware for routes that mint tokens: their reads of users and sessions see the primary. */
export const readPrimary = startAt('first-primary');
