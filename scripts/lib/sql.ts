// SQL text for `wrangler d1 execute`, which binds no parameters: every value goes through literal().
export type Value = string | number | boolean | null | undefined;

/** A SQLite literal: strings quoted with '' doubled (SQLite has no backslash escapes), booleans 1/0. */
export function literal(v: Value): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a SQL number: ${v}`);
    return String(v);
  }
  if (v.includes('\0')) throw new Error('a NUL character cannot go into SQL text');
  return `'${v.replaceAll("'", "''")}'`;
}

/** One multi-row INSERT (the columns are the first row's keys). */
export function insert(table: string, rows: Record<string, Value>[], verb: 'INSERT' | 'INSERT OR IGNORE' = 'INSERT') {
  const columns = Object.keys(rows[0]!);
  const values = rows.map((r) => `(${columns.map((c) => literal(r[c])).join(', ')})`).join(',\n  ');
  return `${verb} INTO ${table} (${columns.join(', ')}) VALUES\n  ${values}`;
}

/** INSERT OR IGNORE of rows, only while `condition` (a SQL expression) holds. */
export function insertWhere(table: string, rows: Record<string, Value>[], condition: string) {
  const columns = Object.keys(rows[0]!);
  const values = rows.map((r) => `(${columns.map((c) => literal(r[c])).join(', ')})`).join(',\n  ');
  return `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) SELECT * FROM (VALUES\n  ${values}) WHERE ${condition}`;
}

/**
 * A Drizzle query of the Worker's own (built, never run, by a client without a database) as SQL text:
 * each `?` becomes its parameter's literal. Drizzle writes values only as parameters, so every `?`
 * in its text is one.
 */
export function inlined(query: { toSQL(): { sql: string; params: unknown[] } }): string {
  const { sql, params } = query.toSQL();
  let i = 0;
  return sql.replace(/\?/g, () => literal(params[i++] as Value));
}
