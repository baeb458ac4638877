// SQL text for `wrangler d1 execute`, which binds no parameters: the scripts build their statements
// as Drizzle queries on src/db/schema.ts's tables (so a renamed column fails the type check), and
// `inlined` turns each into text with every value a literal().
import { getTableColumns, is, SQL, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';

type Value = string | number | boolean | null | undefined;

/** A SQLite literal: strings quoted with '' doubled (SQLite has no backslash escapes), booleans 1/0. */
function literal(v: Value): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a SQL number: ${v}`);
    return String(v);
  }
  if (v.includes('\0')) throw new Error('a NUL character cannot go into SQL text');
  return `'${v.replaceAll("'", "''")}'`;
}

/** `sql` with each `?` replaced by its parameter's literal. Drizzle writes values only as parameters, so every `?` in its text is one. */
export function inline(text: string, params: unknown[]): string {
  let i = 0;
  return text.replace(/\?/g, () => literal(params[i++] as Value));
}

/** A Drizzle query (built, never run, by a client without a database such as `offline`) as SQL text. */
export function inlined(query: { toSQL(): { sql: string; params: unknown[] } }): string {
  const { sql: text, params } = query.toSQL();
  return inline(text, params);
}

/** Builds queries for `inlined`; it has no database and never runs one. */
export const offline = drizzle({} as Parameters<typeof drizzle>[0]);

/** A row for rowsWhere: every column of `table` named, a value or SQL. */
export type EveryColumn<T extends SQLiteTable> = {
  [K in keyof Required<T['$inferInsert']>]: T['$inferInsert'][K] | SQL;
};

/**
 * The SELECT for `insert(table).select(…)` that inserts `rows` only while `condition` holds at its
 * place in the batch (Drizzle's `values()` takes no WHERE). Each row names every column, so none is
 * left to a default a plain insert would fill in; a value may be SQL (e.g. a subquery). Values are
 * mapped as Drizzle maps them (JSON columns stringified, booleans 1/0) and put in the table's column
 * order, the order insert().select() lists the columns in.
 */
export function rowsWhere<T extends SQLiteTable>(table: T, rows: EveryColumn<T>[], condition: SQL): SQL {
  const columns = Object.entries(getTableColumns(table));
  const tuples = rows.map(
    (row) =>
      sql`(${sql.join(
        columns.map(([key, column]) => {
          const v = (row as Record<string, unknown>)[key];
          return is(v, SQL) ? v : sql.param(v, column);
        }),
        sql`, `,
      )})`,
  );
  return sql`SELECT * FROM (VALUES ${sql.join(tuples, sql`, `)}) WHERE ${condition}`;
}
