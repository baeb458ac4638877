// The RateLimiter Durable Object: one instance per (policy, key), an exact sliding log kept in memory.
//
// Algorithm: a sliding log of admission times. A request is admitted iff fewer than `limit`
// requests were admitted in the last `windowSeconds` (the half-open interval (now - w, now]).
// That is exact: no error bound beyond the object's clock (Date.now(), millisecond resolution),
// unlike the two-window weighted counter, which assumes the previous window's hits were spread
// evenly and can admit up to ~2x the limit in a true window under bursty traffic. The price is
// memory: at most `limit` timestamps (8 bytes each) per key, e.g. 4.8 KB for the 600/60 API
// policy. Each hit is amortised O(1): expired entries are dropped from the front.
//
// Refused requests are not recorded, so a client that waits out Retry-After gets in, and one
// that keeps hammering does not push its own reset further away.
//
// Because one object serialises its key and `hit` never awaits, concurrent hits are applied one
// at a time: N concurrent requests against limit L admit exactly L.
//
// State lives only in memory: no storage write per hit (a write would also hold the response
// until it is durable). An object with nothing pending is hibernated out of memory after about
// 10 s idle, which would forget a 60 s window after 10 s; so while the log holds live entries the
// object keeps a timer pending (which makes it non-hibernateable) until the newest entry expires.
// It is then evicted only after 70-140 s without hits, or by a deploy/restart. What eviction
// loses: the key starts afresh. Why that is acceptable: for the 60 s windows of the hot policies
// (login, refresh, api, public, predict) idle eviction comes after every entry has expired, so
// nothing live is lost; a deploy or restart forgets live entries, letting a key through at most
// `limit` extra times once per restart. Only longer windows (register, 3600 s) can lose live
// history to idle eviction: a patient client can then get `limit` per 70-140 s instead of per
// hour. Registration is off in production (SIGNUP_ENABLED=false) and its limit is a speed bump,
// not a security boundary. The cost of the timer is Durable Object duration while entries are
// live (at most one window after the last hit), never storage.
//
// Idle state needs no cleanup job: expired entries are dropped lazily on the next hit or when the
// timer fires, and an idle object's memory goes with it when it is evicted. Nothing is stored.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env';
import type { SyncResult } from './local';
import { type HitResult, SlidingLog } from './sliding-log';

export class RateLimiter extends DurableObject<Env> {
  #log = new SlidingLog();
  #keepAlive: ReturnType<typeof setTimeout> | undefined;

  /** This object's clock. Tests replace it (through runInDurableObject) to move time without sleeping. */
  clock: () => number = Date.now;

  /**
   * Counts one request against `limit` per `windowSeconds` (validated by config: integers >= 1);
   * the one RPC a limited request makes.
   */
  hit(limit: number, windowSeconds: number): HitResult {
    const result = this.#log.hit(this.clock(), limit, windowSeconds);
    if (result.allowed) this.#holdInMemory(windowSeconds * 1000);
    return result;
  }

  /**
   * The local-first policies' one call per key per isolate and SYNC_MS (local.ts): records when an
   * isolate admitted requests since its last report and answers the key's count.
   */
  sync(admittedAt: number[], limit: number, windowSeconds: number): SyncResult {
    const result = this.#log.record(this.clock(), admittedAt, limit, windowSeconds);
    if (admittedAt.length > 0) this.#holdInMemory(windowSeconds * 1000);
    return result;
  }

  /** Keeps a timer pending until the newest entry expires, so the object is not hibernated while it matters. */
  #holdInMemory(windowMs: number) {
    if (this.#keepAlive !== undefined) return;
    const wait = this.#log.liveFor(this.clock(), windowMs);
    if (wait <= 0) return;
    this.#keepAlive = setTimeout(() => {
      this.#keepAlive = undefined;
      this.#log.expire(this.clock(), windowMs);
      this.#holdInMemory(windowMs);
    }, wait);
  }
}
