// The exact sliding log behind every limiter: admission times in a window, no storage. Used by the
// RateLimiter Durable Object (one log per policy and key) and by the bench's equal-work Node peer,
// so both admit exactly the same requests.

export interface HitResult {
  allowed: boolean;
  /** Requests still allowed in the current window after this one. */
  remaining: number;
  /**
   * Milliseconds until more quota is available: when refused, until the next request would be
   * admitted (the basis of Retry-After); when allowed, until the oldest counted request leaves
   * the window.
   */
  resetMs: number;
}

export class SlidingLog {
  /** Admission times in ms, oldest first; entries before `#head` have expired. */
  #log: number[] = [];
  #head = 0;
  #last = 0;

  /** Counts one request at `clock` ms against `limit` per `windowSeconds` (integers >= 1). */
  hit(clock: number, limit: number, windowSeconds: number): HitResult {
    const now = this.#now(clock);
    const windowMs = windowSeconds * 1000;
    const log = this.#log;

    this.expire(now, windowMs);
    const count = log.length - this.#head;
    if (count < limit) {
      log.push(now);
      return { allowed: true, remaining: limit - count - 1, resetMs: log[this.#head]! + windowMs - now };
    }
    // Another request fits once all but limit - 1 of the counted ones have left the window
    // (usually just the oldest; more if the policy was lowered while entries were live).
    const blocker = log[this.#head + count - limit]!;
    return { allowed: false, remaining: 0, resetMs: blocker + windowMs - now };
  }

  /** Drops the entries that left the window by `clock` (amortised O(1) per hit). */
  expire(clock: number, windowMs: number) {
    const now = this.#now(clock);
    const log = this.#log;
    while (this.#head < log.length && log[this.#head]! + windowMs <= now) this.#head++;
    if (this.#head > 0 && this.#head * 2 >= log.length) {
      log.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Admissions still in the window at `clock`. */
  count(clock: number, windowMs: number) {
    this.expire(clock, windowMs);
    return this.#log.length - this.#head;
  }

  /**
   * Records admissions decided elsewhere (an isolate's local decisions, reported in one call) at
   * the times they were made — none later than now — and answers the window's count and how long
   * until it is below `limit` again.
   */
  record(clock: number, admittedAt: readonly number[], limit: number, windowSeconds: number) {
    const now = this.#now(clock);
    const windowMs = windowSeconds * 1000;
    const log = this.#log;
    for (const at of admittedAt) {
      const t = Math.min(at, now);
      // Keep the log sorted: an isolate's admissions may be older than others' already recorded.
      let i = log.length;
      while (i > this.#head && log[i - 1]! > t) i--;
      log.splice(i, 0, t);
    }
    const count = this.count(now, windowMs);
    const blockedMs = count < limit ? 0 : log[this.#head + count - limit]! + windowMs - now;
    return { count, blockedMs };
  }

  /** Milliseconds until the newest entry leaves the window (0 when none is live). */
  liveFor(clock: number, windowMs: number) {
    const newest = this.#log[this.#log.length - 1];
    return newest === undefined ? 0 : Math.max(0, newest + windowMs - this.#now(clock));
  }

  /** Never lets time run backwards, so the log stays sorted. */
  #now(clock: number) {
    this.#last = Math.max(clock, this.#last);
    return this.#last;
  }
}
