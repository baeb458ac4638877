// Plain gradient boosting of one target on a row-major feature matrix, with squared error (the mean)
// or pinball loss (a quantile), built from the price model's tree grower (gbt.ts) so every model's
// trees are searched, stored and exported the same way.
import type { Tree } from './ensemble';
import { leafOf } from './ensemble';
import { binFeatures, type GbtOptions, growTree, type Stats } from './gbt';
import type { Rng } from './rng';

export type Loss = { kind: 'squared' } | { kind: 'quantile'; tau: number };

export type BoostOptions = Omit<GbtOptions, 'splitFeatures'>;

export interface Matrix {
  x: Float32Array;
  /** Columns per row. */
  stride: number;
  rows: number;
}

/** The τ-quantile of `values` (the lower order statistic: deterministic, no interpolation). */
export function quantile(values: ArrayLike<number>, tau: number): number {
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(tau * s.length)))]!;
}

/**
 * Boosts `rounds` trees for target `target` of an ensemble. Squared error: Newton leaves (the mean
 * residual). Quantile: each tree is grown on the pinball loss's gradient, then its leaves are set to
 * the τ-quantile of the residuals they hold, the usual gradient-boosting step for a non-smooth loss
 * (Friedman 2001, "Greedy function approximation", section 4.2's LAD/quantile variant).
 */
export function boost(
  m: Matrix,
  y: Float64Array,
  loss: Loss,
  target: number,
  rng: Rng,
  o: BoostOptions,
): { base: number; trees: Tree[] } {
  const n = m.rows;
  const features = Array.from({ length: m.stride }, (_, f) => f);
  const binned = binFeatures(m.x, n, m.stride, features, o.maxBins);
  const base = Math.fround(loss.kind === 'squared' ? y.reduce((s, v) => s + v, 0) / n : quantile(y, loss.tau));
  const score = new Float32Array(n);
  const st: Stats = { g: new Float64Array(n), h: new Float64Array(n).fill(1) };
  const trees: Tree[] = [];
  const residual = (i: number) => y[i]! - Math.fround(score[i]! + base);
  const leafValue =
    loss.kind === 'quantile'
      ? (rows: Int32Array) => o.learningRate * quantile(Array.from(rows, residual), loss.tau)
      : undefined;
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < n; i++) {
      const r = residual(i);
      st.g[i] = loss.kind === 'squared' ? r : r > 0 ? loss.tau : loss.tau - 1;
    }
    const sample: number[] = [];
    for (let i = 0; i < n; i++) if (rng.next() < o.subsample) sample.push(i);
    const tree = growTree(binned, features, features, Int32Array.from(sample), st, target, o, leafValue);
    trees.push(tree);
    for (let i = 0; i < n; i++) score[i] = Math.fround(score[i]! + leafOf(tree, m.x, i, m.stride));
  }
  return { base, trees };
}
