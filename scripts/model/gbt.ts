// Gradient-boosted regression trees (squared error), written out here rather than taken from a
// library so every step is deterministic and the output is exactly the node arrays ONNX stores.
// Splits are searched over per-feature histograms whose edges are actual float32 feature values,
// so a threshold means the same thing to this code, the JS walk and onnxruntime.
import { FEATURE_COUNT } from '../../src/ml/features';
import { type Ensemble, leafOf, type Tree } from './ensemble';
import type { Rng } from './rng';

export interface GbtOptions {
  rounds: number;
  learningRate: number;
  maxDepth: number;
  /** Fewest rows (that carry the target's multiplier) a leaf may hold. */
  minLeaf: number;
  /** Share of rows each round sees (stochastic gradient boosting). */
  subsample: number;
  maxBins: number;
  /** Feature columns each target's trees may split on. */
  splitFeatures: readonly [readonly number[], readonly number[]];
}

/** Root mean squared relative error of the predictions after a round. */
export interface RoundReport {
  round: number;
  trainRmsre: number;
  validRmsre: number;
}

export interface Binned {
  /** Per split feature: ascending edges (float32 values); bin b holds x <= edges[b] (last bin: above all). */
  edges: Float32Array[];
  /** bins[f][i]: the bin of row i for split feature f. */
  bins: Uint16Array[];
}

/** Bins `features` of the row-major matrix `x` (`stride` columns a row) for the split search. */
export function binFeatures(
  x: Float32Array,
  n: number,
  stride: number,
  features: readonly number[],
  maxBins: number,
): Binned {
  const edges: Float32Array[] = [];
  const bins: Uint16Array[] = [];
  for (const f of features) {
    const col = new Float32Array(n);
    for (let i = 0; i < n; i++) col[i] = x[i * stride + f]!;
    const sorted = Float32Array.from(col).sort();
    const unique: number[] = [];
    for (const v of sorted) if (unique.length === 0 || unique[unique.length - 1] !== v) unique.push(v);
    let e: number[];
    if (unique.length <= maxBins) e = unique.slice(0, -1);
    else {
      // Quantile edges taken from the sorted column, deduplicated.
      e = [];
      for (let k = 1; k < maxBins; k++) {
        const v = sorted[Math.floor((k * n) / maxBins)]!;
        if (e.length === 0 || e[e.length - 1]! < v) e.push(v);
      }
      if (e[e.length - 1] === unique[unique.length - 1]) e.pop();
    }
    const fe = Float32Array.from(e);
    const fb = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      let lo = 0;
      let hi = fe.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v <= fe[mid]!) hi = mid;
        else lo = mid + 1;
      }
      fb[i] = lo;
    }
    edges.push(fe);
    bins.push(fb);
  }
  return { edges, bins };
}

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

/** Newton step statistics per row: gradient g and hessian h (the leaf value is lr · Σg / Σh). */
export interface Stats {
  g: Float64Array;
  h: Float64Array;
}

function bestSplit(
  b: Binned,
  cols: readonly number[],
  rows: Int32Array,
  st: Stats,
  minLeaf: number,
): Split | undefined {
  let gTotal = 0;
  let hTotal = 0;
  for (const i of rows) {
    gTotal += st.g[i]!;
    hTotal += st.h[i]!;
  }
  const n = rows.length;
  const parent = (gTotal * gTotal) / hTotal;
  let best: Split | undefined;
  for (const f of cols) {
    const nb = b.edges[f]!.length + 1;
    if (nb < 2) continue;
    const gs = new Float64Array(nb);
    const hs = new Float64Array(nb);
    const cnt = new Int32Array(nb);
    const fb = b.bins[f]!;
    for (const i of rows) {
      const k = fb[i]!;
      gs[k] = gs[k]! + st.g[i]!;
      hs[k] = hs[k]! + st.h[i]!;
      cnt[k] = cnt[k]! + 1;
    }
    let gl = 0;
    let hl = 0;
    let nl = 0;
    for (let k = 0; k < nb - 1; k++) {
      gl += gs[k]!;
      hl += hs[k]!;
      nl += cnt[k]!;
      if (nl < minLeaf) continue;
      if (n - nl < minLeaf) break;
      const gr = gTotal - gl;
      const gain = (gl * gl) / hl + (gr * gr) / (hTotal - hl) - parent;
      if (gain > 1e-12 && (!best || gain > best.gain)) best = { feature: f, bin: k, gain };
    }
  }
  return best;
}

export type TreeOptions = Pick<GbtOptions, 'maxDepth' | 'minLeaf' | 'learningRate'>;

/**
 * One regression tree on the binned `features` (split on the `cols` among them) over `rows`. A leaf
 * is worth lr · Σg / Σh of its rows, or what `leafValue` says for them (e.g. a quantile of residuals).
 */
export function growTree(
  b: Binned,
  features: readonly number[],
  cols: readonly number[],
  rows: Int32Array,
  st: Stats,
  target: number,
  o: TreeOptions,
  leafValue?: (rows: Int32Array) => number,
): Tree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const add = () => {
    feature.push(-1);
    threshold.push(0);
    left.push(0);
    right.push(0);
    value.push(0);
    return feature.length - 1;
  };
  // Depth-first with an explicit stack; node ids are assigned in creation order.
  const stack: { id: number; rows: Int32Array; depth: number }[] = [{ id: add(), rows, depth: 0 }];
  while (stack.length) {
    const { id, rows: r, depth } = stack.pop()!;
    const split = depth < o.maxDepth && r.length >= 2 * o.minLeaf ? bestSplit(b, cols, r, st, o.minLeaf) : undefined;
    if (!split) {
      if (leafValue) {
        value[id] = Math.fround(leafValue(r));
        continue;
      }
      let g = 0;
      let h = 0;
      for (const i of r) {
        g += st.g[i]!;
        h += st.h[i]!;
      }
      value[id] = h > 0 ? Math.fround((o.learningRate * g) / h) : 0;
      continue;
    }
    const fb = b.bins[split.feature]!;
    const l: number[] = [];
    const rr: number[] = [];
    for (const i of r) (fb[i]! <= split.bin ? l : rr).push(i);
    feature[id] = features[split.feature]!;
    threshold[id] = b.edges[split.feature]![split.bin]!;
    const li = add();
    const ri = add();
    left[id] = li;
    right[id] = ri;
    stack.push({ id: ri, rows: Int32Array.from(rr), depth: depth + 1 });
    stack.push({ id: li, rows: Int32Array.from(l), depth: depth + 1 });
  }
  return {
    target,
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float32Array.from(value),
  };
}

/** One data set as the booster sees it: features, the price/metal-value ratio, and stone mg per paise of metal. */
export interface BoostData {
  x: Float32Array;
  ratio: Float64Array;
  stonePerValue: Float64Array;
}

const rmsre = (d: BoostData, a: Float32Array, b: Float32Array, base: [number, number]) => {
  let s = 0;
  for (let i = 0; i < d.ratio.length; i++) {
    const p = Math.fround(a[i]! + base[0]) + d.stonePerValue[i]! * Math.fround(b[i]! + base[1]);
    s += ((p - d.ratio[i]!) / d.ratio[i]!) ** 2;
  }
  return Math.sqrt(s / d.ratio.length);
};

/**
 * Fits price / metal value = a(x) + (stone mg / metal paise) · b(x), a varying-coefficient model
 * whose two coefficients are boosted tree sums (one a-tree and one b-tree per round), minimising
 * squared *relative* error (weights 1/ratio²): plain squared error lets a few stone-heavy pieces,
 * whose ratio is large and noisy, dominate every split. Each tree is a Newton step on its own
 * coefficient: with multiplier m (1 for a, stone/value for b), g = w·r·m and h = w·m².
 */
export function trainGbt(
  train: BoostData,
  valid: BoostData,
  rng: Rng,
  o: GbtOptions,
  onRound: (r: RoundReport) => void,
): Ensemble {
  const n = train.ratio.length;
  const features = [...new Set([...o.splitFeatures[0], ...o.splitFeatures[1]])].sort((p, q) => p - q);
  const colsOf = (fs: readonly number[]) => fs.map((f) => features.indexOf(f));
  const cols: [number[], number[]] = [colsOf(o.splitFeatures[0]), colsOf(o.splitFeatures[1])];
  const binned = binFeatures(train.x, n, FEATURE_COUNT, features, o.maxBins);
  const w = Float64Array.from(train.ratio, (v) => 1 / (v * v));
  const u = train.stonePerValue;

  // Starting point: a = the weighted mean ratio of stone-free pieces, b = the least-squares stone price.
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++)
    if (u[i] === 0) {
      num += w[i]! * train.ratio[i]!;
      den += w[i]!;
    }
  const a0 = Math.fround(num / den);
  num = 0;
  den = 0;
  for (let i = 0; i < n; i++) {
    num += w[i]! * (train.ratio[i]! - a0) * u[i]!;
    den += w[i]! * u[i]! * u[i]!;
  }
  const base: [number, number] = [a0, Math.fround(num / den)];

  // Float32 running sums, as the JS walk and onnxruntime accumulate.
  const score: [Float32Array, Float32Array] = [new Float32Array(n), new Float32Array(n)];
  const vScore: [Float32Array, Float32Array] = [
    new Float32Array(valid.ratio.length),
    new Float32Array(valid.ratio.length),
  ];
  const st: Stats = { g: new Float64Array(n), h: new Float64Array(n) };
  const trees: Tree[] = [];
  const withStones: number[] = [];
  for (let i = 0; i < n; i++) if (u[i]! > 0) withStones.push(i);

  for (let round = 1; round <= o.rounds; round++) {
    for (const target of [0, 1] as const) {
      const multiplier = (i: number) => (target === 0 ? 1 : u[i]!);
      for (let i = 0; i < n; i++) {
        const pred = Math.fround(score[0][i]! + base[0]) + u[i]! * Math.fround(score[1][i]! + base[1]);
        const m = multiplier(i);
        st.g[i] = w[i]! * (train.ratio[i]! - pred) * m;
        st.h[i] = w[i]! * m * m;
      }
      const pool = target === 0 ? null : withStones;
      const sample: number[] = [];
      if (pool) {
        for (const i of pool) if (rng.next() < o.subsample) sample.push(i);
      } else for (let i = 0; i < n; i++) if (rng.next() < o.subsample) sample.push(i);
      const tree = growTree(binned, features, cols[target], Int32Array.from(sample), st, target, o);
      trees.push(tree);
      for (let i = 0; i < n; i++)
        score[target][i] = Math.fround(score[target][i]! + leafOf(tree, train.x, i, FEATURE_COUNT));
      for (let i = 0; i < valid.ratio.length; i++)
        vScore[target][i] = Math.fround(vScore[target][i]! + leafOf(tree, valid.x, i, FEATURE_COUNT));
    }
    onRound({
      round,
      trainRmsre: rmsre(train, score[0], score[1], base),
      validRmsre: rmsre(valid, vScore[0], vScore[1], base),
    });
  }
  return { base, trees };
}
