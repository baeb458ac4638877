// Local-first limiting for the high-volume policies (api, public, predict): each isolate decides
// from its own exact sliding log plus what the key's Durable Object last told it about every other
// isolate's admissions, and talks to the object at most once per SYNC_MS per key — reporting when it
// admitted requests since (at most the limit's worth of timestamps) and learning the key's total —
// instead of once per request. The object stays the
// key's single record; only the decision is made locally (the way hosted limiters run an
// "ephemeral cache" in front of their store).
//
// What it costs in exactness, stated as bounds:
// - Within one isolate a key is limited exactly (its own log is exact, and what others admitted is
//   subtracted from the limit).
// - Across isolates, each decides on the others' count as of its last sync (at most SYNC_MS old):
//   if one key is hit through I isolates at once, the key can be admitted up to the limit plus
//   what the other I − 1 isolates admit within one SYNC_MS. A storefront visitor or a signed-in user
//   normally reaches one location and few isolates; login, register and refresh — the policies an
//   attacker spreads out — stay exact (one object call per request; see middleware.ts).
// - An isolate that is evicted loses at most SYNC_MS of unreported admissions (under-counting).
// Memory: at most MAX_KEYS keys per isolate; the least recently inserted is dropped first, which
// only costs that key one more sync.
import type { HitResult } from './sliding-log';
import { SlidingLog } from './sliding-log';

/** How stale an isolate's view of the other isolates' admissions may be, in milliseconds. */
export const SYNC_MS = 1000;
const MAX_KEYS = 10_000;

/** What the Durable Object answers to a sync: the key's admissions in the window, and when it frees up. */
export interface SyncResult {
  /** Admissions in the window, everywhere, including those just reported. */
  count: number;
  /** Milliseconds until the count falls below `limit` (0 when it already is). */
  blockedMs: number;
}

interface Entry {
  log: SlidingLog;
  /** The other isolates' admissions in the window, as of `syncedAt`. */
  others: number;
  othersBlockedMs: number;
  syncedAt: number;
  /** When the admissions made here since the last report were made. */
  unreported: number[];
  /** Whether a request of this isolate is syncing the key now. */
  syncing?: boolean;
}

/** Reports the admission times since the last report to the key's object; answers its count. */
export type Sync = (admittedAt: number[]) => Promise<SyncResult>;

export class LocalLimits {
  #entries = new Map<string, Entry>();
  /** The isolate's clock; tests replace it to move time without sleeping. */
  clock: () => number = Date.now;

  /**
   * Decides one request of key `name` under `limit` per `windowSeconds`, syncing first when this
   * isolate's view is older than SYNC_MS (or it has none). A failing `sync` rejects, and the caller
   * applies its fail mode; the admissions it could not report are kept for the next sync.
   */
  async hit(name: string, limit: number, windowSeconds: number, sync: Sync): Promise<HitResult> {
    let entry = this.#entries.get(name);
    if (!entry) {
      if (this.#entries.size >= MAX_KEYS) this.#entries.delete(this.#entries.keys().next().value!);
      entry = { log: new SlidingLog(), others: 0, othersBlockedMs: 0, syncedAt: -Infinity, unreported: [] };
      this.#entries.set(name, entry);
    }
    // Only the request that starts a sync awaits it: awaiting another request's promise would
    // continue in that request's I/O context, which Workers refuses. A request that finds a sync in
    // flight decides on the view it has (at most one sync's duration older than SYNC_MS).
    if (this.clock() - entry.syncedAt >= SYNC_MS && !entry.syncing) {
      entry.syncing = true;
      try {
        await this.#sync(entry, windowSeconds, sync);
      } finally {
        entry.syncing = false;
      }
    }
    const now = this.clock();
    const room = limit - entry.others;
    if (room <= 0) {
      // Full because of other isolates: free when their admissions leave the window, or sooner if
      // the next sync says so.
      const blocked = entry.othersBlockedMs - (now - entry.syncedAt);
      return { allowed: false, remaining: 0, resetMs: Math.max(1, Math.min(blocked, SYNC_MS)) };
    }
    const hit = entry.log.hit(now, room, windowSeconds);
    if (hit.allowed) entry.unreported.push(now);
    return hit;
  }

  async #sync(entry: Entry, windowSeconds: number, sync: Sync) {
    const report = entry.unreported;
    entry.unreported = [];
    let answer: SyncResult;
    try {
      answer = await sync(report);
    } catch (err) {
      entry.unreported = [...report, ...entry.unreported];
      throw err;
    }
    const now = this.clock();
    const windowMs = windowSeconds * 1000;
    const unreported = entry.unreported.filter((t) => t + windowMs > now).length;
    const mine = entry.log.count(now, windowMs) - unreported;
    entry.others = Math.max(0, answer.count - mine);
    entry.othersBlockedMs = answer.blockedMs;
    entry.syncedAt = now;
  }
}

/** The one instance per isolate. */
export const localLimits = new LocalLimits();
