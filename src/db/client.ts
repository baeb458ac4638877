import type { BatchItem } from 'drizzle-orm/batch';
import { drizzle } from 'drizzle-orm/d1';
import type { Context } from 'hono';
import type { AppEnv } from '../http/types';

export type Db = ReturnType<typeof drizzle>;
/** One statement of a `db.batch([...])` (D1's only transaction). */
export type BatchQuery = BatchItem<'sqlite'>;

/** The request's Drizzle client (no relational schema: plain query builders, cheap to create). */
export const dbOf = (c: Context<AppEnv>): Db => drizzle(c.env.DB);
