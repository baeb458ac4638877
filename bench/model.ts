// `npx tsx bench/model.ts [--requests 300] [--only diamond]`: every shipped model's costs.
//  1. In Node (same onnxruntime-web build and wasm as the Worker, one thread): cold session
//     creation and ORT run time per row at batch 1 and 100; for the tree models also a plain JS
//     walk of the same trees (read back out of the shipped .onnx) on the same rows.
//  2. In workerd (`wrangler dev`, fresh local state): each model route's own Server-Timing —
//     `model-load` on the isolate's first request to it (session creation) and `model` (one run) at
//     batch 1 and 100 (the rate-forecast route takes one series, so batch 1 only).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import diamondCard from '../models/diamond-1.0.0.json';
import { predictAll, targets } from '../scripts/model/ensemble';
import { ensembleFromOnnx } from '../scripts/model/onnx';
import { DIAMOND_FEATURE_COUNT, encodeDiamonds } from '../src/ml/diamond';
import { encode, FEATURE_COUNT, type PriceItem } from '../src/ml/features';
import { FORECAST_FEATURE_COUNT, forecastFeatures } from '../src/ml/forecast';
import diamondParity from '../test/fixtures/diamond-1.0.0-parity.json';
import goldParity from '../test/fixtures/gold-forecast-1.0.0-parity.json';
import priceParity from '../test/fixtures/price-1.0.0-parity.json';
import { startDevWorker } from '../test/support/dev-worker';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '300' }, only: { type: 'string', default: '' } },
});
const REQUESTS = Number(args.requests);

interface Bench {
  name: string;
  file: string;
  width: number;
  /** 1,000 encoded rows. */
  x: Float32Array;
  /** The plain JS walk of the shipped trees over `rows` rows of `x` (tree models only). */
  walk?: (x: Float32Array, rows: number) => unknown;
  route: string;
  /** The route's request body for the first `batch` rows, or undefined when it takes no batch. */
  body: (batch: number) => unknown;
}

const priceItems = priceParity.cases.map((c) => c.item) as PriceItem[];
const diamondItems = diamondParity.cases.map((c) => c.item) as Parameters<typeof encodeDiamonds>[0];
const treeWalk = (file: string, width: number) => {
  const e = ensembleFromOnnx(readFileSync(path.join(ROOT, file)));
  return (x: Float32Array, rows: number) => {
    for (let i = 0; i < rows; i++) targets(e, x, i, width);
  };
};
const priceEnsemble = ensembleFromOnnx(readFileSync(path.join(ROOT, 'models/price-1.0.0.onnx')));

const ALL: Bench[] = [
  {
    name: 'price',
    file: 'models/price-1.0.0.onnx',
    width: FEATURE_COUNT,
    x: encode(priceItems),
    walk: (x, rows) => predictAll(priceEnsemble, x.subarray(0, rows * FEATURE_COUNT)),
    route: '/api/v1/predictions/price',
    body: (batch) => ({ items: priceItems.slice(0, batch) }),
  },
  {
    name: 'diamond',
    file: 'models/diamond-1.0.0.onnx',
    width: DIAMOND_FEATURE_COUNT,
    x: encodeDiamonds(diamondItems, diamondCard.imputation),
    walk: treeWalk('models/diamond-1.0.0.onnx', DIAMOND_FEATURE_COUNT),
    route: '/api/v1/predictions/diamond',
    body: (batch) => ({ items: diamondItems.slice(0, batch) }),
  },
  {
    name: 'gold-forecast',
    file: 'models/gold-forecast-1.0.0.onnx',
    width: FORECAST_FEATURE_COUNT,
    x: Float32Array.from(goldParity.cases.flatMap((c) => forecastFeatures(c.history))),
    route: '/api/v1/predictions/rate-forecast',
    body: (batch) => (batch === 1 ? { history: goldParity.cases[0]!.history, horizon: 6 } : undefined),
  },
];
const BENCHES = ALL.filter((b) => b.name.includes(args.only!));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Median over `rounds` of the mean µs per call of `fn` over `iterations` calls. */
async function timePerCall(fn: () => unknown, iterations: number, rounds = 7) {
  const results: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await fn();
    results.push(((performance.now() - t0) * 1000) / iterations);
  }
  return median(results);
}

async function nodeNumbers(b: Bench) {
  ort.env.wasm.numThreads = 1;
  const bytes = readFileSync(path.join(ROOT, b.file));
  const options = { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } as const;
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(bytes, options);
  const out: Record<string, number> = { sessionMs: performance.now() - t0 };
  for (const batch of [1, 100]) {
    const x = b.x.slice(0, batch * b.width);
    const tensor = new ort.Tensor('float32', x, [batch, b.width]);
    const iterations = batch === 1 ? 2000 : 200;
    for (let i = 0; i < 100; i++) await session.run({ features: tensor });
    out[`ortPerRowUs_b${batch}`] = (await timePerCall(() => session.run({ features: tensor }), iterations)) / batch;
    if (b.walk) {
      const walk = b.walk;
      for (let i = 0; i < 100; i++) walk(x, batch);
      out[`jsPerRowUs_b${batch}`] = (await timePerCall(() => walk(x, batch), iterations)) / batch;
    }
  }
  return out;
}

async function workerdNumbers() {
  const worker = await startDevWorker({
    vars: { RATE_LIMIT_PREDICT: 'off', RATE_LIMIT_API: 'off', RATE_LIMIT_REGISTER: 'off' },
  });
  try {
    const base = worker.url;
    const reg = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        shop: { name: 'Bench Model', slug: `bench-model-${Date.now()}` },
        name: 'Owner',
        email: `bench-model-${Date.now()}@example.com`,
        password: 'Correct-Horse-42',
      }),
    });
    const token = ((await reg.json()) as any).data.tokens.access_token as string;
    const results: Record<string, Record<string, number>> = {};
    for (const b of BENCHES) {
      const send = async (body: unknown) => {
        const t0 = performance.now();
        const res = await fetch(`${base}${b.route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${b.route} answered ${res.status}`);
        const timing = res.headers.get('server-timing') ?? '';
        const metric = (name: string) =>
          Number(new RegExp(`(?:^|, *)${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? Number.NaN);
        return { model: metric('model'), load: metric('model-load'), wall: performance.now() - t0 };
      };
      const first = await send(b.body(1));
      const out: Record<string, number> = { firstRequestModelLoadMs: first.load, firstRequestWallMs: first.wall };
      for (const batch of [1, 100]) {
        const body = b.body(batch);
        if (body === undefined) continue;
        const runs: { model: number; wall: number }[] = [];
        for (let i = 0; i < REQUESTS; i++) runs.push(await send(body));
        // workerd's clock only moves at I/O, so one run reads as 0 or whole ms: the mean over many
        // requests is the estimate, the median only says which whole ms is typical.
        const models = runs.map((r) => r.model);
        const mean = models.reduce((s, v) => s + v, 0) / models.length;
        out[`modelDurMedianMs_b${batch}`] = median(models);
        out[`modelDurMeanMs_b${batch}`] = mean;
        out[`modelPerRowUs_b${batch}`] = (mean * 1000) / batch;
        out[`wallMedianMs_b${batch}`] = median(runs.map((r) => r.wall));
      }
      results[b.name] = out;
    }
    return results;
  } finally {
    await worker.stop();
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : 'n/a');
const print = (title: string, rows: Record<string, number>) => {
  console.log(title);
  for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(26)} ${fmt(v)}`);
};
for (const b of BENCHES) print(`Node, ${b.name} (onnxruntime-web wasm, 1 thread):`, await nodeNumbers(b));
for (const [name, rows] of Object.entries(await workerdNumbers()))
  print(`workerd, ${name} (wrangler dev, Server-Timing):`, rows);
console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
