// Counts the binding round trips one request makes, by wrapping the bindings the Worker is handed
// (D1, KV, the rate limiter's Durable Object namespace) and the Cache API it reaches through the
// global `caches`. Used by the bench's counting Worker (bench/counting-worker.ts) and by the
// workerd tests that hold the hot reads' budgets (test/worker/perf/round-trips.test.ts), so both
// count the same way. Requests are counted one at a time: the Cache API is a global, so its calls
// are charged to whichever count is current.
import type { Env } from '../../src/env';

export interface RoundTrips {
  /** D1 statements run one by one (`first`/`all`/`run`/`raw`) and `batch` calls (one each). */
  d1: number;
  kv_get: number;
  kv_put: number;
  cache_match: number;
  cache_put: number;
  /** Calls to a Durable Object stub (RPC methods and `fetch`). */
  do: number;
}

export const zero = (): RoundTrips => ({ d1: 0, kv_get: 0, kv_put: 0, cache_match: 0, cache_put: 0, do: 0 });

/** `d1=1 kv_get=1 …`, the kinds that were called, for a table cell or a header. */
export const format = (t: RoundTrips) =>
  (Object.entries(t) as [keyof RoundTrips, number][])
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ') || 'none';

export const total = (t: RoundTrips) => Object.values(t).reduce((a, b) => a + b, 0);

let current: RoundTrips | undefined;

/** A proxy whose listed methods count one `kind` before calling through (bound to the real object). */
function counting<T extends object>(
  target: T,
  count: (prop: string) => keyof RoundTrips | undefined,
  wrapResult?: (prop: string, result: unknown) => unknown,
): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        const kind = count(prop);
        if (kind && current) current[kind] += 1;
        const result = Reflect.apply(value as (...a: unknown[]) => unknown, t, args);
        return wrapResult ? wrapResult(prop, result) : result;
      };
    },
  });
}

// D1: a statement proxy must not reach `batch`, which wants the real statements back.
const realStatement = new WeakMap<object, D1PreparedStatement>();
const RUNS = new Set(['first', 'all', 'run', 'raw']);

function statement(s: D1PreparedStatement): D1PreparedStatement {
  const proxy = counting(
    s,
    (p) => (RUNS.has(p) ? 'd1' : undefined),
    (p, r) => (p === 'bind' ? statement(r as D1PreparedStatement) : r),
  );
  realStatement.set(proxy, s);
  return proxy;
}

function database<T extends D1Database | D1DatabaseSession>(db: T): T {
  return new Proxy(db, {
    get(t, prop) {
      if (prop === 'prepare') return (sql: string) => statement(t.prepare(sql));
      if (prop === 'batch') {
        return (statements: D1PreparedStatement[]) => {
          if (current) current.d1 += 1;
          return t.batch(statements.map((s) => realStatement.get(s) ?? s));
        };
      }
      if (prop === 'withSession') {
        return (start?: string) => database((t as D1Database).withSession(start));
      }
      const value = Reflect.get(t, prop, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

const KV = { get: 'kv_get', getWithMetadata: 'kv_get', put: 'kv_put', delete: 'kv_put' } as const;

function durableObjects<T extends DurableObjectNamespace<any>>(ns: T): T {
  return counting(
    ns,
    () => undefined,
    (p, r) => (p === 'get' ? counting(r as object, (m) => (m === 'id' || m === 'name' ? undefined : 'do')) : r),
  );
}

let cachePatched = false;

/** Counts `caches.default` match/put against the current request (installed once per isolate). */
function patchCache() {
  if (cachePatched) return;
  cachePatched = true;
  const cache = caches.default;
  const match = cache.match.bind(cache);
  const put = cache.put.bind(cache);
  Object.assign(cache, {
    match: (...a: Parameters<Cache['match']>) => {
      if (current) current.cache_match += 1;
      return match(...a);
    },
    put: (...a: Parameters<Cache['put']>) => {
      if (current) current.cache_put += 1;
      return put(...a);
    },
  });
}

/**
 * The env to hand one request, with its bindings counted into the returned `trips`; the counting
 * lasts until the next call of `countRoundTrips`.
 */
export function countRoundTrips<E extends Env>(env: E): { env: E; trips: RoundTrips } {
  patchCache();
  const trips = zero();
  current = trips;
  return {
    trips,
    env: {
      ...env,
      DB: database(env.DB),
      AUTH_KV: counting(env.AUTH_KV, (p) => KV[p as keyof typeof KV]),
      RATE_LIMITER: durableObjects(env.RATE_LIMITER),
    },
  };
}
