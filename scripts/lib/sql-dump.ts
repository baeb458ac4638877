// Reading a `wrangler d1 export` dump: its statements (split outside quotes), the rows it holds per
// table, and the order a fresh database can load it in.

/**
 * The dump's statements, each with its `;`. A `;` inside '…', "…" or `…` (values, identifiers)
 * does not end one; a doubled quote inside them is an escaped quote, which the toggling handles.
 * The dumps Tijori makes have no triggers (whose bodies would hold `;`): migrations create none.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
    } else if (ch === ';') {
      const statement = sql.slice(start, i + 1).trim();
      if (statement !== ';') statements.push(statement);
      start = i + 1;
    }
  }
  if (sql.slice(start).trim()) statements.push(sql.slice(start).trim());
  return statements;
}

const CREATE_TABLE = /^CREATE TABLE\s+(?:IF NOT EXISTS\s+)?[`"[]?([A-Za-z0-9_]+)/i;
const INSERT_INTO = /^INSERT INTO\s+[`"[]?([A-Za-z0-9_]+)/i;

/** SQLite's and Cloudflare's own tables: they come with every database and are never counted. */
const internal = (table: string) => table.startsWith('sqlite_') || table.startsWith('_cf_');

/** Rows per table (every table the dump creates, empty ones as 0), sorted by name. */
export function rowCounts(statements: string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const s of statements) {
    const created = CREATE_TABLE.exec(s)?.[1];
    if (created && !internal(created)) counts.set(created, counts.get(created) ?? 0);
    const into = INSERT_INTO.exec(s)?.[1];
    if (into && !internal(into)) counts.set(into, (counts.get(into) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The dump reordered for a fresh database: its PRAGMAs, every CREATE TABLE, then the rest in dump
 * order. wrangler exports tables by name, so a table's rows can come before the table its foreign
 * key names; D1 enforces foreign keys, and even deferred checks need the parent table to exist.
 */
export function schemaFirst(statements: string[]): string[] {
  const pragmas = statements.filter((s) => /^PRAGMA\b/i.test(s));
  const tables = statements.filter((s) => CREATE_TABLE.test(s));
  const rest = statements.filter((s) => !pragmas.includes(s) && !tables.includes(s));
  return [...pragmas, ...tables, ...rest];
}
