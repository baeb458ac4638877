const messageOf = (err: unknown) =>
  `${err instanceof Error ? err.message : String(err)} ${
    err instanceof Error && err.cause instanceof Error ? err.cause.message : ''
  }`;

/** True when D1 refused a write on the named UNIQUE constraint column(s), e.g. "users.email". */
export function isUniqueViolation(err: unknown, column: string): boolean {
  const text = messageOf(err);
  return text.includes('UNIQUE constraint failed') && text.includes(column);
}

/**
 * True when D1 refused a write on a CHECK constraint (by name, e.g. "products_stock_nonneg") or a
 * NOT NULL column ("khata_entries.balance_after"). Batches use these as guards: the failed
 * statement rolls the whole batch back.
 */
export function isConstraintViolation(err: unknown, kind: 'CHECK' | 'NOT NULL', name: string): boolean {
  const text = messageOf(err);
  return text.includes(`${kind} constraint failed: ${name}`);
}
