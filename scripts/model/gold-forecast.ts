// `npm run model:train:gold-forecast [-- --version 1.0.0]`: the rate-forecast model from
// data/gold-monthly-usd.csv (gold-prices data package, PDDL; see data/README.md). Linear quantile
// regressions of the cumulative log-return 1–6 months ahead (p10, p50, p90) on scale-free inputs,
// exported as one ONNX MatMul + Add, with a rolling-origin backtest over 2015–2024 in the card, the
// shipped world series the Worker falls back to, and the parity fixture. Deterministic: no random
// draws in the fit; the fixture's synthetic histories come from a fixed seed.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  FORECAST_FEATURE_COUNT,
  FORECAST_FEATURES,
  forecastFeatures,
  forecastsFrom,
  HORIZONS,
  LAGS,
  OUTPUT_COUNT,
  outputColumn,
  QUANTILES,
  WINDOW,
} from '../../src/ml/forecast';
import { createdAt, trainerArgs } from './cli';
import { encodeModel, f32, IR_VERSION, OPSETS, op, tensorType } from './onnx';
import { createRng } from './rng';

const args = trainerArgs('20261130', { data: 'data/gold-monthly-usd.csv' });

const NAME = 'tijori-gold-forecast';
const { version, seed } = args;
/**
 * The floating price: the US closed the gold window on 15 August 1971 (before that the official
 * price was $35 and the monthly figures before 1960 are annual values repeated), so the model
 * learns from 1971-08 on.
 */
const FIRST_MONTH = '1971-08';
/** Backtest: forecasts whose target month is in these years are made by models that never saw them. */
const BACKTEST_FROM = '2015-01';
/** Ridge on the slopes: keeps the solve well posed; small against ~600 rows of squared returns. */
const RIDGE = 1e-4;

const csv = readFileSync(String(args.data), 'utf8').trim().split('\n').slice(1);
const series = csv.map((l) => l.split(',')).filter(([m]) => m! >= FIRST_MONTH);
const months = series.map(([m]) => m!);
const prices = series.map(([, p]) => Number(p));
const T = prices.length;
const lastMonth = months[T - 1]!;

/**
 * The summaries a model is fitted on: [1, r1, r1+r2+r3, r1+…+r12, vol]. Few inputs are what ~600
 * overlapping monthly samples can support; being sums of the lagged returns, they are still a
 * linear function of the ONNX input (12 returns and the volatility), so the export is exact.
 */
const SUMMARY = 5;
const summarize = (f: number[]) => {
  let s3 = 0;
  let s12 = 0;
  for (let k = 0; k < LAGS; k++) {
    if (k < 3) s3 += f[k]!;
    s12 += f[k]!;
  }
  return [1, f[0]!, s3, s12, f[LAGS]!];
};
/** Weights on the ONNX inputs [r1…r12, vol] and the bias, from summary weights. */
function expand(beta: number[]): { w: number[]; b: number } {
  const w = Array.from(
    { length: LAGS },
    (_, k) => beta[1]! * (k === 0 ? 1 : 0) + beta[2]! * (k < 3 ? 1 : 0) + beta[3]!,
  );
  return { w: [...w, beta[4]!], b: beta[0]! };
}

function solve(a: number[][], y: number[]): number[] {
  const n = y.length;
  const m = a.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Linear quantile regression by iteratively reweighted least squares: the pinball loss
 * Σ ρτ(y − xβ) equals Σ wᵢ(y − xβ)² at wᵢ = ρτ(rᵢ)/rᵢ², so each step solves weighted least squares
 * with the weights of the last residuals (floored to keep them finite).
 */
function quantileRegression(x: number[][], y: number[], tau: number): number[] {
  let beta = new Array(SUMMARY).fill(0);
  for (let iter = 0; iter < 60; iter++) {
    const a = Array.from({ length: SUMMARY }, () => new Array(SUMMARY).fill(0));
    const v = new Array(SUMMARY).fill(0);
    x.forEach((xi, i) => {
      const r = y[i]! - xi.reduce((s, xv, k) => s + xv * beta[k]!, 0);
      const w = (r > 0 ? tau : 1 - tau) / Math.max(Math.abs(r), 1e-4);
      for (let p = 0; p < SUMMARY; p++) {
        v[p] += w * xi[p]! * y[i]!;
        for (let q = 0; q < SUMMARY; q++) a[p]![q] += w * xi[p]! * xi[q]!;
      }
    });
    for (let p = 1; p < SUMMARY; p++) a[p]![p] += RIDGE * x.length;
    beta = solve(a, v);
  }
  return beta;
}

/** Origins t (index of the last known price) usable for horizon h with targets up to index `upTo`. */
function samples(h: number, upTo: number) {
  const x: number[][] = [];
  const y: number[] = [];
  for (let t = WINDOW - 1; t + h <= upTo; t++) {
    x.push(summarize(forecastFeatures(prices, t + 1)));
    y.push(Math.log(prices[t + h]! / prices[t]!));
  }
  return { x, y };
}

interface Linear {
  /** [FORECAST_FEATURE_COUNT][OUTPUT_COUNT], float32 values. */
  w: number[][];
  b: number[];
}

/** Every (horizon, quantile) model from the prices up to index `upTo`, as one weight matrix. */
function fitAll(upTo: number): Linear {
  const w = Array.from({ length: FORECAST_FEATURE_COUNT }, () => new Array(OUTPUT_COUNT).fill(0));
  const b = new Array(OUTPUT_COUNT).fill(0);
  for (let h = 1; h <= HORIZONS; h++) {
    const { x, y } = samples(h, upTo);
    QUANTILES.forEach((tau, q) => {
      const e = expand(quantileRegression(x, y, tau));
      const col = outputColumn(h, q);
      e.w.forEach((v, f) => {
        w[f]![col] = Math.fround(v);
      });
      b[col] = Math.fround(e.b);
    });
  }
  return { w, b };
}

/** The graph's `log_return` row for features `f` (float32 inputs and weights, as onnxruntime sees them). */
const evaluate = (m: Linear, f: number[]) =>
  m.b.map((bias, col) => Math.fround(bias + f.reduce((s, v, k) => s + Math.fround(v) * m.w[k]![col]!, 0)));

// Rolling-origin backtest: at each origin from 2014-12 on, refit on everything known then (expanding
// window) and forecast 1–6 months ahead, for every target month up to the last one in the data.
const firstOrigin = months.indexOf(BACKTEST_FROM) - 1;
type Acc = {
  n: number;
  model: number;
  naive: number;
  drift: number;
  seasonal: number;
  logModel: number;
  covered: number;
  width: number;
};
const acc: Acc[] = Array.from({ length: HORIZONS }, () => ({
  n: 0,
  model: 0,
  naive: 0,
  drift: 0,
  seasonal: 0,
  logModel: 0,
  covered: 0,
  width: 0,
}));
const started = performance.now();
for (let t = firstOrigin; t < T - 1; t++) {
  const m = fitAll(t);
  const out = evaluate(m, forecastFeatures(prices, t + 1));
  const drift = Math.log(prices[t]! / prices[0]!) / t;
  const fc = forecastsFrom(prices[t]!, out, Math.min(HORIZONS, T - 1 - t));
  for (const f of fc) {
    const actual = prices[t + f.horizon]!;
    const a = acc[f.horizon - 1]!;
    a.n++;
    a.model += Math.abs(f.p50 - actual);
    a.logModel += Math.abs(Math.log(f.p50 / actual));
    a.naive += Math.abs(prices[t]! - actual);
    a.drift += Math.abs(prices[t]! * Math.exp(drift * f.horizon) - actual);
    a.seasonal += Math.abs(prices[t + f.horizon - 12]! - actual);
    if (f.p10 <= actual && actual <= f.p90) a.covered++;
    a.width += (f.p90 - f.p10) / f.p50;
  }
}
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const backtest = acc.map((a, k) => ({
  horizon: k + 1,
  forecasts: a.n,
  mae_usd: {
    model_p50: r4(a.model / a.n),
    naive: r4(a.naive / a.n),
    drift: r4(a.drift / a.n),
    seasonal_naive: r4(a.seasonal / a.n),
  },
  mae_p50_over_naive: r4(a.model / a.naive),
  mean_abs_log_error_p50: r4(a.logModel / a.n),
  p10_p90_coverage: r4(a.covered / a.n),
  mean_p10_p90_width_relative: r4(a.width / a.n),
}));
console.log(
  `${NAME} ${version}: ${FIRST_MONTH}…${lastMonth} (${T} months); backtest ${BACKTEST_FROM}…${lastMonth}, refit at every origin (${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
for (const b of backtest)
  console.log(
    `  h=${b.horizon}: MAE $${b.mae_usd.model_p50.toFixed(1)} (naive ${b.mae_usd.naive.toFixed(1)}, drift ${b.mae_usd.drift.toFixed(1)}, seasonal ${b.mae_usd.seasonal_naive.toFixed(1)}) ` +
      `p10–p90 coverage ${(b.p10_p90_coverage * 100).toFixed(1)}% width ${(b.mean_p10_p90_width_relative * 100).toFixed(1)}%`,
  );

// The shipped model: every month through the last.
const model = fitAll(T - 1);
const onnx = encodeModel(
  {
    name: NAME,
    version,
    producerVersion: 'gold-monthly-usd.csv',
    doc: 'Quantiles (p10, p50, p90) of the cumulative log-return 1–6 months ahead of a monthly price series.',
  },
  {
    name: NAME,
    doc_string:
      'log_return = features · weights + bias; column (h − 1) · 3 + q is horizon h, quantile q of [p10, p50, p90]',
    input: [
      {
        name: 'features',
        type: tensorType(['N', FORECAST_FEATURE_COUNT]),
        doc_string: FORECAST_FEATURES.map((f) => `${f.name} (${f.unit})`).join('; '),
      },
    ],
    output: [
      {
        name: 'log_return',
        type: tensorType(['N', OUTPUT_COUNT]),
        doc_string: 'ln(price[t + h] / price[t]) quantiles',
      },
    ],
    initializer: [
      f32('weights', [FORECAST_FEATURE_COUNT, OUTPUT_COUNT], model.w.flat()),
      f32('bias', [OUTPUT_COUNT], model.b),
    ],
    node: [op('MatMul', 'linear', ['features', 'weights']), op('Add', 'log_return', ['linear', 'bias'])],
  },
  { features: FORECAST_FEATURES.map((f) => f.name).join(',') },
);
const sha256 = createHash('sha256').update(onnx).digest('hex');
const base = `gold-forecast-${version}`;
mkdirSync(args.out, { recursive: true });
writeFileSync(path.join(args.out, `${base}.onnx`), onnx);
// The series the Worker forecasts from when a shop has too little history of its own.
writeFileSync(
  path.join(args.out, 'world-gold-usd.json'),
  `${JSON.stringify({
    source: 'gold-prices data package (PDDL): World Bank Pink Sheet monthly averages; data/gold-monthly-usd.csv',
    unit: 'US dollars per troy ounce',
    first_month: FIRST_MONTH,
    last_month: lastMonth,
    prices,
  })}\n`,
);

const h1 = backtest[0]!;
const h6 = backtest[HORIZONS - 1]!;
const created = createdAt();
const card = {
  name: NAME,
  version,
  created,
  data: `real: monthly world gold price, US dollars per troy ounce, ${FIRST_MONTH}…${lastMonth} (gold-prices data package, PDDL; World Bank Pink Sheet), data/gold-monthly-usd.csv`,
  description:
    'p10, p50 and p90 of a monthly price series 1–6 months ahead, relative to its last value. The inputs are log-returns, so one model serves any currency, unit and purity.',
  file: `${base}.onnx`,
  sha256,
  bytes: onnx.byteLength,
  ir_version: IR_VERSION,
  opset: Object.fromEntries(OPSETS.map((o) => [o.domain || 'ai.onnx', o.version])),
  inputs: [{ name: 'features', dtype: 'float32', shape: ['N', FORECAST_FEATURE_COUNT] }],
  outputs: [
    {
      name: 'log_return',
      dtype: 'float32',
      shape: ['N', OUTPUT_COUNT],
      unit: 'ln(price[t+h] / price[t]); column (h−1)·3 + q, q over [p10, p50, p90]',
    },
  ],
  features: FORECAST_FEATURES.map((f, index) => ({ index, ...f, role: 'linear input' })),
  algorithm: {
    type: 'linear quantile regression (pinball loss, IRLS) per horizon and quantile, on [r1, r1+r2+r3, r1+…+r12, 24-month volatility]',
    why: 'About 600 overlapping monthly samples cannot support trees or many inputs; a linear model on a few summaries of the recent returns and their volatility widens the interval when the market is volatile, extrapolates in proportion, and exports to one MatMul. The p50 is close to a drift: monthly gold returns carry little predictable signal, and the card says so.',
    window_months: WINDOW,
    ridge: RIDGE,
    first_month: FIRST_MONTH,
    fitted_through: lastMonth,
  },
  backtest: {
    method: `rolling origin, expanding window: at every month from ${months[firstOrigin]} to ${months[T - 2]} refit on what was known then and forecast 1–6 months ahead; targets ${BACKTEST_FROM}…${lastMonth}`,
    baselines: {
      naive: 'the last value',
      drift: 'the last value × exp(h × the mean monthly log-return since 1971-08 up to the origin)',
      seasonal_naive: 'the value 12 months before the target month',
    },
    by_horizon: backtest,
    summary: `p50 MAE ÷ naive MAE: ${h1.mae_p50_over_naive} at 1 month, ${h6.mae_p50_over_naive} at 6; p10–p90 coverage ${h1.p10_p90_coverage} at 1 month, ${h6.p10_p90_coverage} at 6 (nominal 0.8)`,
  },
  world_series: 'models/world-gold-usd.json',
  parity_fixture: `test/fixtures/${base}-parity.json`,
  retrain: `npm run model:train:gold-forecast -- --version ${version}`,
};
writeFileSync(path.join(args.out, `${base}.json`), `${JSON.stringify(card, null, 2)}\n`);

// Parity fixture: 1,000 histories — every 24-month window of the real series, then seeded random
// walks of 24–60 months in other units and volatilities — and the trainer's evaluation of each.
const rng = createRng(seed);
const histories: number[][] = [];
for (let end = WINDOW; end <= T && histories.length < 1000; end++) histories.push(prices.slice(end - WINDOW, end));
while (histories.length < 1000) {
  const n = rng.int(WINDOW, 60);
  const sigma = rng.uniform(0.005, 0.12);
  let p = 10 ** rng.uniform(0, 7);
  histories.push(
    Array.from({ length: n }, () => {
      p *= Math.exp(sigma * rng.normal() + 0.003);
      return Math.round(p * 1000) / 1000 || 0.001;
    }),
  );
}
mkdirSync(args.fixtures, { recursive: true });
writeFileSync(
  path.join(args.fixtures, `${base}-parity.json`),
  `${JSON.stringify({
    model: { name: NAME, version, sha256 },
    cases: histories.map((history) => ({ history, log_return: evaluate(model, forecastFeatures(history)) })),
  })}\n`,
);
console.log(
  `wrote ${args.out}/${base}.onnx (${onnx.byteLength} bytes, sha256 ${sha256.slice(0, 16)}…), .json, world-gold-usd.json`,
);
console.log(`wrote ${args.fixtures}/${base}-parity.json`);
