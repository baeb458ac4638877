// WHERE conditions whose size follows the request, written so that D1's per-statement limits
// (https://developers.cloudflare.com/d1/platform/limits/) never depend on it: a LIKE pattern is at
// most 50 bytes and a statement binds at most 100 parameters. Each condition below binds one
// parameter, whatever the length of the search or of the list.
import { and, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/**
 * `column` contains `needle`, ignoring ASCII case: what `lower(column) LIKE '%needle%'` meant, without
 * LIKE's 50-byte pattern limit (17 Devanagari letters) and with no wildcards, so `%` and `_` are literal.
 * SQLite's lower() folds ASCII letters only, as LIKE does (https://www.sqlite.org/lang_corefunc.html#lower,
 * https://www.sqlite.org/lang_expr.html#like); both sides go through it in SQL, so a letter outside
 * ASCII matches exactly itself, and scripts without case (Devanagari) compare as written.
 */
export const likeContains = (column: SQLiteColumn, needle: string): SQL =>
  sql`(instr(lower(${column}), lower(${needle})) > 0)`;

/** `column IN (values)` as one bound JSON array, read back by json_each, instead of one parameter per value. */
export const inList = (column: SQLiteColumn, values: readonly string[]): SQL =>
  sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

/** NULL-safe equality, for a guarded write: the row still holds what was read. */
export const still = (column: SQLiteColumn, value: string | number | null): SQL => sql`${column} IS ${value}`;

/** `column` within the half-open range [from, to) that a list's `timeRange`/`dayRange` query parsed (src/http/fields.ts). */
export const inRange = (column: SQLiteColumn, r: { from?: string; to?: string }): SQL | undefined =>
  and(r.from !== undefined ? gte(column, r.from) : undefined, r.to !== undefined ? lt(column, r.to) : undefined);

/** A list's optional filter: `column = value` when the query gave a value; none (every row) when it did not. */
export const eqIfGiven = (column: SQLiteColumn, value: string | number | undefined): SQL | undefined =>
  value === undefined ? undefined : eq(column, value);
