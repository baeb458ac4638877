// Optimistic writes: a change reads the row, checks its rules on the result, and writes it with an
// UPDATE that holds only while the row is still as read (D1 has no interactive transaction to lock
// it). When a concurrent change moved the row the UPDATE touches nothing, and the change is read
// and applied again; a row that keeps moving is refused rather than retried for ever.
import { ApiError } from '../http/errors';

const ATTEMPTS = 3;

/**
 * Runs `attempt` until it returns a result; `undefined` means the row moved under it (read again).
 * After three attempts: 409 CONCURRENT_UPDATE, naming `what` kept changing.
 */
export async function retryWhileRaced<T>(what: string, attempt: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const done = await attempt();
    if (done !== undefined) return done;
  }
  throw new ApiError(409, 'CONCURRENT_UPDATE', `The ${what} kept changing; read it again and retry`);
}

/** What a PATCH sets: each field it gave (not undefined) under its column's name; absent fields keep their column. */
export function changedColumns<F extends string, Row>(
  values: { [K in F]?: unknown },
  columns: Record<F, keyof Row>,
): Partial<Row> {
  const changes: Partial<Row> = {};
  for (const [field, column] of Object.entries(columns) as [F, keyof Row][]) {
    if (values[field] !== undefined) Object.assign(changes, { [column]: values[field] });
  }
  return changes;
}
