// Every list is one page plus its total, read in one batch so both come from the same snapshot.
// Written once here: the scope (the WHERE, built with inShop), the order (ending on the id, so a page
// boundary is stable among equal keys), the offset and the count.

import { count, getTableColumns, type SQL } from 'drizzle-orm';
import type { SelectedFields, SQLiteColumn, SQLiteSelect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

export interface PageOptions {
  page: number;
  limit: number;
}

export interface Page<T> extends PageOptions {
  items: T[];
  total: number;
}

/**
 * The two statements of one page of `table` (`columns`, by default all of them): to run in a
 * `db.batch`, alone or beside other reads of the same snapshot; `toPage` reads their results.
 */
export function pageQueries<T extends SQLiteTable, S extends SelectedFields = T['_']['columns']>(
  db: Db,
  o: PageOptions & { table: T; columns?: S; where: SQL; orderBy: readonly (SQLiteColumn | SQL)[] },
) {
  const rows = db
    .select((o.columns ?? getTableColumns(o.table)) as SelectedFields)
    .from(o.table as SQLiteTable)
    .where(o.where)
    .orderBy(...o.orderBy)
    .limit(o.limit)
    .offset((o.page - 1) * o.limit);
  return [
    // What drizzle infers for a named table, which it cannot while the table is a type parameter.
    rows as unknown as SQLiteSelect<T['_']['name'], 'async', D1Result, S, 'partial', Record<string, 'not-null'>>,
    db
      .select({ n: count() })
      .from(o.table as SQLiteTable)
      .where(o.where),
  ] as const;
}

type PageResult<R> = readonly [R[], { n: number }[]];

/** The batch results of `pageQueries` as a `Page`, each row mapped to what the contract shows (or kept as read). */
export function toPage<R>(result: PageResult<R>, o: PageOptions): Page<R>;
export function toPage<R, T>(result: PageResult<R>, o: PageOptions, map: (row: R) => T): Page<T>;
export function toPage<R>([rows, [total]]: PageResult<R>, o: PageOptions, map?: (row: R) => unknown) {
  return { items: map ? rows.map(map) : rows, total: total?.n ?? 0, page: o.page, limit: o.limit };
}
