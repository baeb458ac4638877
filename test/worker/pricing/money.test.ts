// The one rounding rule, half away from zero, on exact integers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulDivFloor, mulDivRound, roundDiv, roundOffToRupee, sum } from '../../../src/pricing/money';
import { RUNS } from './runs';

describe('roundDiv / mulDivRound', () => {
  it('rounds halves away from zero on both sides of zero', () => {
    expect([5n, 15n, 25n, -5n, -15n, 4n, -4n, 6n, -6n].map((n) => roundDiv(n, 10n))).toEqual([
      1n,
      2n,
      3n,
      -1n,
      -2n,
      0n,
      0n,
      1n,
      -1n,
    ]);
    expect(mulDivRound(8_014_500, 300, 20_000)).toBe(120_218); // 120,217.5
    expect(mulDivRound(2_333_100, 1_250, 10_000)).toBe(291_638); // 291,637.5
  });

  it('stays exact where the float product is not (N × R beyond 2^53)', () => {
    const [n, r] = [9_007_199_833, 1_000_003];
    expect(mulDivRound(n, r, 1000)).toBe(9_007_226_854_599);
    expect(Math.round((n * r) / 1000)).not.toBe(9_007_226_854_599); // what float arithmetic would have charged
  });

  it('agrees with an independent half-away-from-zero formula for any safe inputs', () => {
    const safe = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(safe, safe, fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (a, b, d) => {
        const p = BigInt(a) * BigInt(b);
        const magnitude = ((p < 0n ? -p : p) * 2n + BigInt(d)) / (2n * BigInt(d));
        const expected = p < 0n ? -magnitude : magnitude;
        if (expected > BigInt(Number.MAX_SAFE_INTEGER) || expected < -BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(() => mulDivRound(a, b, d)).toThrow(RangeError);
        } else {
          expect(mulDivRound(a, b, d)).toBe(Number(expected));
        }
      }),
      RUNS,
    );
  });

  it('rounds every exact half away from zero and every near-half to the nearer side', () => {
    // Random products almost never land on a half; build numerators that do: q·d + d/2 (+ −1, 0, +1).
    const even = fc.bigInt({ min: 1n, max: 10n ** 12n }).map((h) => 2n * h);
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        even,
        fc.constantFrom(-1n, 0n, 1n),
        (q, d, nudge) => {
          const magnitude = (q < 0n ? -q : q) * d + d / 2n + nudge;
          const expected = (q < 0n ? -q : q) + (nudge >= 0n ? 1n : 0n);
          expect(roundDiv(q < 0n ? -magnitude : magnitude, d)).toBe(q < 0n ? -expected : expected);
        },
      ),
      RUNS,
    );
  });

  it('refuses what it cannot do exactly: unsafe inputs, a non-positive divisor', () => {
    expect(() => mulDivRound(0.5, 2, 1)).toThrow(RangeError);
    expect(() => mulDivRound(2 ** 53, 1, 1)).toThrow(RangeError);
    expect(() => roundDiv(1n, 0n)).toThrow(RangeError);
    expect(() => sum([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
  });

  it('mulDivFloor gives the quotient and remainder', () => {
    expect(mulDivFloor(7, 5, 10)).toEqual({ quotient: 3, remainder: 5 });
  });
});

describe('roundOffToRupee', () => {
  it('rounds ₹x.50 up and ₹x.49 down', () => {
    expect(roundOffToRupee(8_254_936)).toBe(-36);
    expect(roundOffToRupee(8_254_950)).toBe(50);
    expect(roundOffToRupee(8_254_949)).toBe(-49);
    expect(roundOffToRupee(0)).toBe(0);
  });
});
