/** True when D1 refused a write on the named UNIQUE constraint column(s), e.g. "users.email". */
export function isUniqueViolation(err: unknown, column: string): boolean {
  const text = `${err instanceof Error ? err.message : String(err)} ${
    err instanceof Error && err.cause instanceof Error ? err.cause.message : ''
  }`;
  return text.includes('UNIQUE constraint failed') && text.includes(column);
}
