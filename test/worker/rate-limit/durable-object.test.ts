// The RateLimiter object through its RPC stub: exact admission, a sliding (not fixed) window, reset times.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../../src/rate-limit/durable-object';

let n = 0;
const freshStub = () => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:do:${++n}:${crypto.randomUUID()}`));

/** A stub whose object reads time from `clock.now` instead of Date.now(). */
async function stubWithClock() {
  const stub = freshStub();
  const clock = { now: 1_000_000 };
  await runInDurableObject(stub, (instance: RateLimiter) => {
    instance.clock = () => clock.now;
  });
  return { stub, clock };
}

describe('RateLimiter', () => {
  it('admits exactly the limit out of 30 concurrent hits', async () => {
    const stub = freshStub();
    const results = await Promise.all(Array.from({ length: 30 }, () => stub.hit(5, 60)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(
      results
        .filter((r) => r.allowed)
        .map((r) => r.remaining)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(results.filter((r) => !r.allowed).every((r) => r.remaining === 0)).toBe(true);
  });

  it('slides: each request is readmitted when the oldest counted one leaves the window', async () => {
    const { stub, clock } = await stubWithClock();
    const t0 = clock.now;
    for (const dt of [0, 1000, 2000]) {
      clock.now = t0 + dt;
      expect((await stub.hit(3, 10)).allowed).toBe(true);
    }
    clock.now = t0 + 3000;
    expect(await stub.hit(3, 10)).toEqual({ allowed: false, remaining: 0, resetMs: 7000 });
    clock.now = t0 + 9999;
    expect(await stub.hit(3, 10)).toEqual({ allowed: false, remaining: 0, resetMs: 1 });
    // At t0 + 10 s only the first hit has left: one slot, not a whole fresh window.
    clock.now = t0 + 10_000;
    expect(await stub.hit(3, 10)).toEqual({ allowed: true, remaining: 0, resetMs: 1000 });
    clock.now = t0 + 10_001;
    expect(await stub.hit(3, 10)).toEqual({ allowed: false, remaining: 0, resetMs: 999 });
    clock.now = t0 + 11_000;
    expect((await stub.hit(3, 10)).allowed).toBe(true);
  });

  it('does not count refused hits, so hammering does not push the reset away', async () => {
    const { stub, clock } = await stubWithClock();
    const t0 = clock.now;
    expect((await stub.hit(1, 5)).allowed).toBe(true);
    for (let dt = 100; dt < 5000; dt += 700) {
      clock.now = t0 + dt;
      expect((await stub.hit(1, 5)).allowed).toBe(false);
    }
    clock.now = t0 + 5000;
    expect((await stub.hit(1, 5)).allowed).toBe(true);
  });

  it('reports when the next request fits, even after the limit was lowered', async () => {
    const { stub, clock } = await stubWithClock();
    const t0 = clock.now;
    for (let i = 0; i < 5; i++) {
      clock.now = t0 + i * 1000;
      await stub.hit(5, 10);
    }
    clock.now = t0 + 5000;
    // Five live entries against a limit of 2: the fourth-oldest (at t0 + 3 s) must leave first.
    expect(await stub.hit(2, 10)).toEqual({ allowed: false, remaining: 0, resetMs: 8000 });
    clock.now = t0 + 13_000;
    expect((await stub.hit(2, 10)).allowed).toBe(true);
  });

  it('keys are independent objects', async () => {
    const a = freshStub();
    const b = freshStub();
    expect((await a.hit(1, 60)).allowed).toBe(true);
    expect((await a.hit(1, 60)).allowed).toBe(false);
    expect((await b.hit(1, 60)).allowed).toBe(true);
  });
});
