// A per-isolate memo with a stated staleness bound: values read from a binding are kept for at
// most `ttlMs` in this isolate, and a write made through this isolate forgets them at once. Other
// isolates see a write within `ttlMs`; that bound is the only staleness the memo adds.

interface Held<V> {
  value: Promise<V>;
  at: number;
  settled?: { value: V };
}

export class IsolateMemo<V> {
  #held = new Map<string, Held<V>>();
  /** The isolate's clock; tests replace it to move time without sleeping. */
  clock: () => number = Date.now;

  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
  ) {}

  /** The value for `key`, loaded at most once per `ttlMs` (concurrent callers share a load; a failed one is not kept). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock();
    const held = this.#held.get(key);
    if (held && now - held.at < this.ttlMs) return held.value;
    if (!held && this.#held.size >= this.maxEntries) this.#held.delete(this.#held.keys().next().value!);
    const entry: Held<V> = { value: load(), at: now };
    this.#held.set(key, entry);
    entry.value.then(
      (value) => {
        entry.settled = { value };
      },
      () => {
        if (this.#held.get(key) === entry) this.#held.delete(key);
      },
    );
    return entry.value;
  }

  /** Forgets every value `matches` picks, and every load still pending (a write in this isolate). */
  forget(matches: (value: V) => boolean) {
    for (const [key, held] of this.#held) {
      if (!held.settled || matches(held.settled.value)) this.#held.delete(key);
    }
  }
}
