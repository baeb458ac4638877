// Which recorded rate prices (metal, purity, kind) on day D (contract: Rates). Pure selection over
// rates the caller read; it never invents a rate from another kind, because a shop's buy rate for
// old gold and its sell rate for new jewellery are different prices, not the same price scaled.
import { mulDivRound } from './money';

export type RateKind = 'sell' | 'buy';
export type RateSource = 'exact' | `scaled_from_${number}`;

export interface RateCandidate {
  metal: string;
  purity: number;
  kind: RateKind;
  effective_date: string;
  rate_per_gram: number;
}

export interface RateWanted {
  metal: string;
  purity: number;
  kind: RateKind;
  /** The shop-local day, `YYYY-MM-DD`. */
  day: string;
}

/** The rate a line is priced with, as its snapshot records it. */
export interface RateOnDay {
  rate_per_gram: number;
  rate_date: string;
  rate_source: RateSource;
}

function latest(rates: readonly RateCandidate[]): RateCandidate | undefined {
  let best: RateCandidate | undefined;
  for (const r of rates) if (!best || r.effective_date > best.effective_date) best = r;
  return best;
}

/**
 * That purity's latest rate on or before the day (`exact`); else the latest on or before the day of
 * the same metal's and kind's highest purity that has one, scaled by purity ÷ that purity and
 * rounded to the paisa (`scaled_from_<purity>`); else null (the route's 422 RATE_UNAVAILABLE).
 */
export function rateOnDay(candidates: readonly RateCandidate[], want: RateWanted): RateOnDay | null {
  const usable = candidates.filter(
    (r) => r.metal === want.metal && r.kind === want.kind && r.effective_date <= want.day,
  );
  const exact = latest(usable.filter((r) => r.purity === want.purity));
  if (exact) return { rate_per_gram: exact.rate_per_gram, rate_date: exact.effective_date, rate_source: 'exact' };
  // The highest purity first, then its newest date.
  let source: RateCandidate | undefined;
  for (const r of usable) {
    if (!source || r.purity > source.purity || (r.purity === source.purity && r.effective_date > source.effective_date))
      source = r;
  }
  if (!source) return null;
  return {
    rate_per_gram: mulDivRound(source.rate_per_gram, want.purity, source.purity),
    rate_date: source.effective_date,
    rate_source: `scaled_from_${source.purity}`,
  };
}
