// The rate-forecast model's input and output, shared by the trainer (scripts/model/gold-forecast.ts)
// and the Worker. Everything the model sees is a log-return, so a series in dollars per ounce,
// paise per gram of 22K or any other unit gives the same forecast relative to its last value.

/** Monthly prices the features are computed from (the route's minimum history). */
export const WINDOW = 24;
/** The last LAGS monthly log-returns are inputs, newest first. */
export const LAGS = 12;
export const HORIZONS = 6;
export const QUANTILES = [0.1, 0.5, 0.9] as const;

export const FORECAST_FEATURES = [
  ...Array.from({ length: LAGS }, (_, k) => ({
    name: `r${k + 1}`,
    unit: `log-return of the month ${k} month(s) before the last (r1 = ln(p[t] / p[t-1]))`,
  })),
  { name: 'vol', unit: `standard deviation of the ${WINDOW - 1} monthly log-returns in the last ${WINDOW} months` },
] as const;
export const FORECAST_FEATURE_COUNT = FORECAST_FEATURES.length;

/** Output column of (horizon h = 1…HORIZONS, quantile index q): horizon-major. */
export const outputColumn = (h: number, q: number) => (h - 1) * QUANTILES.length + q;
export const OUTPUT_COUNT = HORIZONS * QUANTILES.length;

/** The features of the series ending at `end` (exclusive) of `prices`; needs WINDOW prices before `end`. */
export function forecastFeatures(prices: ArrayLike<number>, end = prices.length): number[] {
  const r: number[] = [];
  for (let i = end - WINDOW + 1; i < end; i++) r.push(Math.log(prices[i]! / prices[i - 1]!));
  const mean = r.reduce((s, v) => s + v, 0) / r.length;
  const vol = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / (r.length - 1));
  const lags = Array.from({ length: LAGS }, (_, k) => r[r.length - 1 - k]!);
  return [...lags, vol];
}

export interface Forecast {
  horizon: number;
  p10: number;
  p50: number;
  p90: number;
}

/**
 * The forecasts for horizons 1…`horizon` from one row of the graph's `log_return` output
 * (cumulative log-returns from the last price), as prices in the series' unit. Each horizon's three
 * quantiles come from separate linear models, so they are sorted (monotone rearrangement,
 * Chernozhukov, Fernández-Val & Galichon 2010) to never cross.
 */
export function forecastsFrom(last: number, out: ArrayLike<number>, horizon: number): Forecast[] {
  return Array.from({ length: horizon }, (_, k) => {
    const q = QUANTILES.map((_, j) => out[outputColumn(k + 1, j)]!).sort((a, b) => a - b);
    return { horizon: k + 1, p10: last * Math.exp(q[0]!), p50: last * Math.exp(q[1]!), p90: last * Math.exp(q[2]!) };
  });
}
