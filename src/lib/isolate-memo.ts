// A per-isolate memo with a stated staleness bound: values read from a binding are kept for at
// most `ttlMs` in this isolate, and a write made through this isolate forgets them at once. Other
// isolates see a write within `ttlMs`; that bound is the only staleness the memo adds.
//
// Only settled values are shared between requests, never a load in flight: a request that awaited
// another request's promise would continue in that request's I/O context, and Workers refuses I/O
// across requests ("Cannot perform I/O on behalf of a different request"). Two requests that miss
// at once both load; the later value wins.

interface Held<V> {
  value: V;
  at: number;
}

export class IsolateMemo<V> {
  #held = new Map<string, Held<V>>();
  /** Writes forgotten while a load was in flight: such a load must not store what it read before. */
  #generation = 0;
  /** The isolate's clock; tests replace it to move time without sleeping. */
  clock: () => number = Date.now;

  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
  ) {}

  /** The value for `key`: a settled one under `ttlMs` old, else `load()`ed by this request and kept. */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock();
    const held = this.#held.get(key);
    if (held && now - held.at < this.ttlMs) return held.value;
    const generation = this.#generation;
    const value = await load();
    if (generation === this.#generation) {
      if (!this.#held.has(key) && this.#held.size >= this.maxEntries) {
        this.#held.delete(this.#held.keys().next().value!);
      }
      this.#held.set(key, { value, at: now });
    }
    return value;
  }

  /** Forgets every value `matches` picks, and whatever loads are in flight (a write in this isolate). */
  forget(matches: (value: V) => boolean) {
    this.#generation += 1;
    for (const [key, held] of this.#held) if (matches(held.value)) this.#held.delete(key);
  }
}
