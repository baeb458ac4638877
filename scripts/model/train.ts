// `npm run model:train [-- --version 1.0.0 --seed 20261122]`: generates the synthetic sales, fits
// the boosted trees, and writes models/price-<version>.{onnx,json,svg} plus the parity fixture the
// Worker tests replay. Same seed and options → byte-identical .onnx (the card's `created` is the
// only field that changes; set SOURCE_DATE_EPOCH to pin it too).
// `npm run model:train -- --from-d1 [--remote | --persist-to <dir>]`: the same trees on the shops'
// own engine-priced sale lines (scripts/model/shop-sales.ts), as the next price version; with fewer
// than MIN_SALE_LINES it says so and writes nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COLUMN, encode, FEATURES, metalValuePaise, type PriceItem } from '../../src/ml/features';
import { shippedPriceVersions } from '../lib/price-models';
import { describeTarget, type Target } from '../lib/wrangler';
import { createdAt, trainerArgs } from './cli';
import { coefficients, type Ensemble, nodeCount, predictAll } from './ensemble';
import { type BoostData, type GbtOptions, trainGbt } from './gbt';
import { formulaPrice, GENERATOR, generate, jewellerPrice, type Sample, sampleItem } from './generate';
import { IR_VERSION, OPSETS, toOnnx } from './onnx';
import { createRng } from './rng';
import { MIN_SALE_LINES, readShopSales, SALE_LINES_SQL } from './shop-sales';
import { scatterSvg } from './svg';

const NAME = 'tijori-price';

/** The version after the newest shipped price model: a minor step (same inputs, new data). */
function nextVersion(): string {
  const [major, minor] = shippedPriceVersions()
    .map((v) => v.split('.').map(Number) as [number, number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2])
    .at(-1) ?? [1, -1];
  return `${major}.${minor + 1}.0`;
}

const fromD1 = process.argv.slice(2).includes('--from-d1');
const args = trainerArgs(
  '20261122',
  { rows: '40000', rounds: '100', 'persist-to': undefined, ...(fromD1 ? { version: nextVersion() } : {}) },
  ['from-d1', 'remote'],
);
const { version, seed } = args;
const HOLDOUT_SHARE = 0.2;
const base = `price-${version}`;

const gbt: GbtOptions = {
  rounds: Number(args.rounds),
  learningRate: 0.1,
  maxDepth: 5,
  minLeaf: 20,
  subsample: 0.8,
  maxBins: 128,
  splitFeatures: [
    // a, price per paise of metal: the making charge, the shop's margin by category and metal, purity.
    [COLUMN.category, COLUMN.metal, COLUMN.purity, COLUMN.making],
    // b, price per mg of stone: what stones a category and metal are set with (never the gold's purity).
    [COLUMN.category, COLUMN.metal],
  ],
};

// Separate streams, so changing the row count does not reshuffle the fixture or the boosting.
const dataRng = createRng(seed);
const boostRng = createRng(seed ^ 0x5bd1e995);
const fixtureRng = createRng(seed ^ 0x27d4eb2f);

/** What the trees learn from, and what the card says about it. */
interface Source {
  /** Oldest first for shop sales, so the holdout is the latest lines: what the model will be asked next. */
  samples: Sample[];
  data: string;
  producer: string;
  /** The card's account of the data, given the split. */
  card: (split: { train_rows: number; holdout_rows: number }) => Record<string, unknown>;
}

function syntheticSource(): Source {
  const rows = Number(args.rows);
  return {
    samples: generate(dataRng, rows),
    data: `synthetic: ${rows} invented sales from scripts/model/generate.ts (${GENERATOR.name} ${GENERATOR.version}), not real shop data; its error measures how well the trees recover the generator's own constants`,
    producer: `${GENERATOR.name}-${GENERATOR.version}`,
    card: (split) => ({ generator: { ...GENERATOR, script: 'scripts/model/generate.ts', seed, rows, ...split } }),
  };
}

function shopSalesSource(): Source {
  if (args.remote && args['persist-to'] !== undefined) throw new Error('--remote and --persist-to do not mix');
  const target: Target = args.remote
    ? { remote: true }
    : { remote: false, persistTo: args['persist-to'] as string | undefined };
  const where = describeTarget(target);
  const sales = readShopSales(target);
  const n = sales.samples.length;
  if (n < MIN_SALE_LINES) {
    console.error(
      `${NAME}: found ${n} engine-priced sale lines in completed sales in D1 ${where}; training needs at least ${MIN_SALE_LINES} — nothing written`,
    );
    process.exit(1);
  }
  const out = path.join(String(args.out), `${base}.onnx`);
  if (existsSync(out)) throw new Error(`${out} exists: pass another --version (a shipped model is never overwritten)`);
  const span = `${sales.from} to ${sales.to}`;
  return {
    samples: sales.samples,
    data: `shop sales: ${n} sale lines of ${sales.sales} completed sales priced by the engine (${sales.shops} shop${sales.shops === 1 ? '' : 's'}), business dates ${span}, read from D1 ${where}; real sales, not synthetic`,
    producer: 'tijori-shop-sales',
    card: (split) => ({
      training_data: {
        source: `D1 ${where}, sale_items joined to sales and products`,
        query: SALE_LINES_SQL,
        lines: n,
        sales: sales.sales,
        shops: sales.shops,
        business_dates: { from: sales.from, to: sales.to },
        minimum_lines: MIN_SALE_LINES,
        split: `time-ordered: the latest ${HOLDOUT_SHARE * 100}% of lines held out`,
        ...split,
        target:
          'line_total ÷ quantity: what one unit was charged, after its share of the discount, with GST as charged',
        making_charge_bp: 'making ÷ metal_value × 10,000 (percent, per-gram and flat making alike)',
      },
    }),
  };
}

const source = fromD1 ? shopSalesSource() : syntheticSource();

const boostData = (set: readonly Sample[]): BoostData => ({
  x: encode(set),
  ratio: Float64Array.from(set, (s) => s.price / metalValuePaise(s.net_weight_mg, s.rate_per_gram)),
  stonePerValue: Float64Array.from(set, (s) => s.stone_weight_mg / metalValuePaise(s.net_weight_mg, s.rate_per_gram)),
});

const samples = source.samples;
const rows = samples.length;
const nHold = Math.round(rows * HOLDOUT_SHARE);
const train = samples.slice(0, rows - nHold);
const holdout = samples.slice(rows - nHold);

console.log(
  `${NAME} ${version}: ${train.length} training rows, ${holdout.length} holdout, seed ${seed}, ` +
    `${gbt.rounds} rounds of two depth-${gbt.maxDepth} trees (lr ${gbt.learningRate})`,
);
const started = performance.now();
const curve: { round: number; train_rmsre: number; holdout_rmsre: number }[] = [];
const ensemble: Ensemble = trainGbt(boostData(train), boostData(holdout), boostRng, gbt, (r) => {
  if (r.round === 1 || r.round % 25 === 0 || r.round === gbt.rounds) {
    curve.push({ round: r.round, train_rmsre: round6(r.trainRmsre), holdout_rmsre: round6(r.validRmsre) });
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `  round ${String(r.round).padStart(4)}/${gbt.rounds}  relative RMSE train ${(r.trainRmsre * 100).toFixed(3)}%  holdout ${(r.validRmsre * 100).toFixed(3)}%  (${secs} s)`,
    );
  }
});

function round6(v: number) {
  return Math.round(v * 1e6) / 1e6;
}

/** Model prices exactly as the graph computes them (float32), for a set of items. */
const modelPrices = (items: readonly PriceItem[]): Float32Array => predictAll(ensemble, encode(items));

function errors(pred: ArrayLike<number>, actual: readonly Sample[]) {
  let ae = 0;
  let ape = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!.price;
    const p = Math.round(pred[i]!);
    ae += Math.abs(p - a);
    ape += Math.abs(p - a) / a;
  }
  return { mae_paise: Math.round(ae / actual.length), mape: round6(ape / actual.length) };
}

// Baselines: the counter formula, and the same with the one markup that best fits the training set.
let num = 0;
let den = 0;
for (const s of train) {
  const f = formulaPrice(s);
  num += f * s.price;
  den += f * f;
}
const markup = num / den;
const holdPred = modelPrices(holdout);
const formula = holdout.map((s) => formulaPrice(s));
const metrics = {
  model: errors(holdPred, holdout),
  baseline_formula: {
    description: 'metal value + making charge + 3% GST (no stones, no margin)',
    ...errors(formula, holdout),
  },
  baseline_formula_with_markup: {
    description: `the formula × ${markup.toFixed(4)}, the single markup that best fits the training set`,
    ...errors(
      holdout.map((s) => formulaPrice(s, markup)),
      holdout,
    ),
  },
};

// Beyond the training range: heavy necklaces (120–300 g) and nose-pin sized pieces (0.3–0.8 g).
function outOfRange(n: number, category: 'necklace' | 'other', grams: [number, number]): Sample[] {
  const rng = createRng(seed ^ (category === 'necklace' ? 0x1234 : 0x4321));
  return Array.from({ length: n }, () => {
    const { stoneRatePerMg, ...item } = sampleItem(rng, { category, grams });
    const noisy = jewellerPrice(item, stoneRatePerMg) * Math.exp(GENERATOR.noise_sigma * rng.normal());
    return { ...item, price: Math.max(100, Math.round(noisy / 100) * 100) };
  });
}

/** The generator's pieces beyond the weights it trains on; shop sales have no such ground truth. */
function extrapolation() {
  const heavy = outOfRange(500, 'necklace', [120, 300]);
  const tiny = outOfRange(500, 'other', [0.3, 0.8]);
  return {
    necklaces_120_to_300_g: {
      model: errors(modelPrices(heavy), heavy),
      baseline_formula: errors(
        heavy.map((s) => formulaPrice(s)),
        heavy,
      ),
    },
    pieces_0_3_to_0_8_g: {
      model: errors(modelPrices(tiny), tiny),
      baseline_formula: errors(
        tiny.map((s) => formulaPrice(s)),
        tiny,
      ),
    },
  };
}
const beyond = fromD1 ? undefined : extrapolation();

console.log(
  `holdout: model MAE ₹${(metrics.model.mae_paise / 100).toFixed(0)} MAPE ${(metrics.model.mape * 100).toFixed(2)}% | ` +
    `formula MAPE ${(metrics.baseline_formula.mape * 100).toFixed(2)}% | formula×markup MAPE ${(metrics.baseline_formula_with_markup.mape * 100).toFixed(2)}%`,
);
if (beyond) {
  console.log(
    `beyond range: 120–300 g necklaces MAPE ${(beyond.necklaces_120_to_300_g.model.mape * 100).toFixed(2)}%, ` +
      `0.3–0.8 g pieces MAPE ${(beyond.pieces_0_3_to_0_8_g.model.mape * 100).toFixed(2)}%`,
  );
}

const onnx = toOnnx(ensemble, {
  name: NAME,
  version,
  producerVersion: source.producer,
  doc: 'Jewellery price (paise) = metal value × a + stone weight × b, with a and b from boosted trees; ratio = price / metal value.',
});
const sha256 = createHash('sha256').update(onnx).digest('hex');
mkdirSync(args.out, { recursive: true });
writeFileSync(path.join(args.out, `${base}.onnx`), onnx);

// The plot: a fixed, evenly spaced subset of the holdout keeps the SVG small.
const step = Math.max(1, Math.floor(holdout.length / 1500));
const points = holdout
  .map((s, i) => ({ actual: s.price, predicted: holdPred[i]!, baseline: formula[i]! }))
  .filter((_, i) => i % step === 0);
writeFileSync(
  path.join(args.out, `${base}.svg`),
  scatterSvg(
    points,
    `${NAME} ${version}: predicted vs actual (holdout, ${points.length} of ${holdout.length})`,
    `model MAPE ${(metrics.model.mape * 100).toFixed(2)}%, formula baseline MAPE ${(metrics.baseline_formula.mape * 100).toFixed(2)}%`,
  ),
);

const created = createdAt();
const card = {
  name: NAME,
  version,
  created,
  data: source.data,
  description:
    'Predicts the selling price (paise) of a jewellery piece from its metal, purity, weights, making charge and the day rate. ' +
    'The trees give two coefficients from scale-free features (category, metal, purity, making charge): a, price per paise of metal value, and b, price per mg of stone. The graph computes price = net × rate × a + stone × b, so price ÷ metal value = a + b × stone ÷ metal value, weights never leave the range the trees saw, and more metal or more stone always costs more.',
  file: `${base}.onnx`,
  sha256,
  bytes: onnx.byteLength,
  ir_version: IR_VERSION,
  opset: Object.fromEntries(OPSETS.map((o) => [o.domain || 'ai.onnx', o.version])),
  inputs: [{ name: 'features', dtype: 'float32', shape: ['N', FEATURES.length] }],
  outputs: [
    { name: 'price', dtype: 'float32', shape: ['N', 1], unit: 'paise (round at the boundary)' },
    { name: 'ratio', dtype: 'float32', shape: ['N', 1], unit: 'price / metal value' },
  ],
  features: FEATURES.map((f, index) => ({ index, ...f })),
  algorithm: {
    type: 'gradient-boosted regression trees, two targets (a varying-coefficient model), squared relative error; scripts/model/gbt.ts',
    why: 'Trees split natively on categories and purities, need no scaling, export to one TreeEnsembleRegressor op, and their output is bounded by what they saw, so the coefficients cannot run away outside the training range the way an MLP can. Keeping the weights out of the trees and in the graph arithmetic makes weight extrapolation exact and price monotone in weight.',
    trees: ensemble.trees.length,
    split_features: gbt.splitFeatures.map((fs) => fs.map((f) => FEATURES[f]!.name)),
    nodes: nodeCount(ensemble),
    max_depth: gbt.maxDepth,
    learning_rate: gbt.learningRate,
    min_leaf: gbt.minLeaf,
    subsample: gbt.subsample,
    max_bins: gbt.maxBins,
    base_value: ensemble.base,
  },
  ...source.card({ train_rows: train.length, holdout_rows: holdout.length }),
  metrics: { holdout: metrics, ...(beyond ? { beyond_training_range: beyond } : {}) },
  training_curve: curve,
  plot: `${base}.svg`,
  parity_fixture: `test/fixtures/${base}-parity.json`,
  retrain: fromD1
    ? `npm run model:train -- --from-d1${args.remote ? ' --remote' : ''} --version ${version} --seed ${seed} (reproduces this model only from the same sales)`
    : `npm run model:train -- --version ${version} --seed ${seed}`,
};
writeFileSync(path.join(args.out, `${base}.json`), `${JSON.stringify(card, null, 2)}\n`);

// Parity fixture: 1,000 valid API items (a tenth of them far outside the training weights) and
// what the JS walk of the shipped trees says the graph outputs for each.
const fixtureItems: PriceItem[] = Array.from({ length: 1000 }, (_, i) => {
  const grams: [number, number] | undefined = i % 10 === 0 ? [0.2, 400] : undefined;
  const { stoneRatePerMg: _s, ...item } = sampleItem(fixtureRng, grams ? { grams } : {});
  return item;
});
const fixtureX = encode(fixtureItems);
const fixturePrice = predictAll(ensemble, fixtureX);
mkdirSync(args.fixtures, { recursive: true });
writeFileSync(
  path.join(args.fixtures, `${base}-parity.json`),
  `${JSON.stringify({
    model: { name: NAME, version, sha256 },
    cases: fixtureItems.map((item, i) => ({
      item,
      coefficients: coefficients(ensemble, fixtureX, i),
      price: fixturePrice[i],
    })),
  })}\n`,
);

console.log(`wrote ${args.out}/${base}.onnx (${onnx.byteLength} bytes, sha256 ${sha256.slice(0, 16)}…), .json, .svg`);
console.log(`wrote ${args.fixtures}/${base}-parity.json`);
