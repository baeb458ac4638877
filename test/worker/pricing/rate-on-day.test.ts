// The rate on a day: the purity's own latest rate, else the metal's highest purity scaled, never
// another kind's.
import { describe, expect, it } from 'vitest';
import { type RateCandidate, rateOnDay } from '../../../src/pricing/rate-on-day';

const rate = (
  purity: number,
  effective_date: string,
  rate_per_gram: number,
  kind: 'sell' | 'buy' = 'sell',
): RateCandidate => ({
  metal: 'gold',
  purity,
  kind,
  effective_date,
  rate_per_gram,
});

const rates = [
  rate(999, '2026-11-28', 750_000),
  rate(999, '2026-11-29', 760_000),
  rate(999, '2026-12-02', 770_000),
  rate(916, '2026-11-30', 700_000),
  rate(750, '2026-11-29', 560_000),
  rate(916, '2026-11-29', 640_000, 'buy'),
  { ...rate(925, '2026-11-29', 9_000), metal: 'silver' },
];

describe('rateOnDay', () => {
  it("takes the purity's latest rate on or before the day", () => {
    expect(rateOnDay(rates, { metal: 'gold', purity: 916, kind: 'sell', day: '2026-12-01' })).toEqual({
      rate_per_gram: 700_000,
      rate_date: '2026-11-30',
      rate_source: 'exact',
    });
  });

  it("else scales the metal's highest purity that has a rate by purity ÷ that purity, rounded", () => {
    // 916 has no sell rate until 30 Nov: 999's latest (29 Nov) × 916 / 999 = 696,856.86 → 696,857
    expect(rateOnDay(rates, { metal: 'gold', purity: 916, kind: 'sell', day: '2026-11-29' })).toEqual({
      rate_per_gram: 696_857,
      rate_date: '2026-11-29',
      rate_source: 'scaled_from_999',
    });
    // A rate entered ahead (2 Dec) is not used early: 585 on 1 Dec scales 999's 29 Nov rate.
    expect(rateOnDay(rates, { metal: 'gold', purity: 585, kind: 'sell', day: '2026-12-01' })).toMatchObject({
      rate_per_gram: 445_045, // 760,000 × 585 / 999 = 445,045.05
      rate_source: 'scaled_from_999',
    });
    // On 27 Nov no 999 exists yet and no other purity either: nothing.
    expect(rateOnDay(rates, { metal: 'gold', purity: 916, kind: 'sell', day: '2026-11-27' })).toBeNull();
  });

  it('never lets one kind or metal stand in for another', () => {
    expect(rateOnDay(rates, { metal: 'gold', purity: 750, kind: 'buy', day: '2026-12-01' })).toEqual({
      // Scaled from the buy rates only: 640,000 × 750 / 916 = 524,017.47 → 524,017
      rate_per_gram: 524_017,
      rate_date: '2026-11-29',
      rate_source: 'scaled_from_916',
    });
    expect(rateOnDay(rates, { metal: 'platinum', purity: 950, kind: 'sell', day: '2026-12-01' })).toBeNull();
    expect(rateOnDay(rates, { metal: 'silver', purity: 925, kind: 'buy', day: '2026-12-01' })).toBeNull();
  });
});
