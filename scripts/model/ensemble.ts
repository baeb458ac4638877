// A regression tree ensemble in the shape ONNX's TreeEnsembleRegressor stores it (the price model's
// two targets are a = price per paise of metal value and b = price per mg of stone; the diamond
// model's three are log price and its interval), and the plain JS walk of it: the trainers'
// predictions, the parity fixtures' expected values and the bench's baseline all come from these
// functions.
import { COLUMN, FEATURE_COUNT } from '../../src/ml/features';

export interface Tree {
  /** Which target this tree adds to (price model: 0 = a (metal), 1 = b (stone)). */
  target: number;
  /** Per node: the feature compared, or -1 for a leaf. */
  feature: Int32Array;
  /** `x <= threshold` goes to `left` (ONNX BRANCH_LEQ, the "true" branch). */
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf value (already scaled by the learning rate); 0 on branch nodes. */
  value: Float32Array;
}

export interface Ensemble {
  /** Base value of each target (its length is the number of targets). */
  base: number[];
  trees: Tree[];
}

/** The leaf value `t` gives row `row` of the row-major matrix `x` of `stride` columns. */
export function leafOf(t: Tree, x: Float32Array, row: number, stride: number): number {
  const o = row * stride;
  let n = 0;
  while (t.feature[n]! >= 0) n = x[o + t.feature[n]!]! <= t.threshold[n]! ? t.left[n]! : t.right[n]!;
  return t.value[n]!;
}

/** Every target's value for `row` of `x`, accumulated in float32 in tree order as onnxruntime does. */
export function targets(e: Ensemble, x: Float32Array, row: number, stride: number): number[] {
  const s = e.base.map(() => 0);
  for (const t of e.trees) s[t.target] = Math.fround(s[t.target]! + leafOf(t, x, row, stride));
  return s.map((v, k) => Math.fround(v + e.base[k]!));
}

/** The price model's two coefficients for `row` of `x`. */
export const coefficients = (e: Ensemble, x: Float32Array, row: number) =>
  targets(e, x, row, FEATURE_COUNT) as [number, number];

const F32_MILLI = Math.fround(0.001);

/** What the graph outputs as `price`: (net × rate × 0.001) × a + stone × b, each step in float32. */
export function graphPrice(x: Float32Array, row: number, [a, b]: [number, number]): number {
  const o = row * FEATURE_COUNT;
  const mv = Math.fround(Math.fround(x[o + COLUMN.net]! * x[o + COLUMN.rate]!) * F32_MILLI);
  return Math.fround(Math.fround(mv * a) + Math.fround(x[o + COLUMN.stone]! * b));
}

/** Graph prices for every row of `x`. */
export function predictAll(e: Ensemble, x: Float32Array): Float32Array {
  const n = x.length / FEATURE_COUNT;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = graphPrice(x, i, coefficients(e, x, i));
  return out;
}

export const nodeCount = (e: Ensemble) => e.trees.reduce((s, t) => s + t.feature.length, 0);
