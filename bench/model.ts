// `npx tsx bench/model.ts [--requests 300]`: the price model's costs.
//  1. In Node (same onnxruntime-web build and wasm as the Worker, one thread): cold session
//     creation, ORT run time per row at batch 1 and 100, and a plain JS walk of the same trees
//     (read back out of the shipped .onnx) on the same rows.
//  2. In workerd (`wrangler dev`, fresh local state): the route's own Server-Timing — `model-load`
//     on the isolate's first request (session creation) and `model` (one run) at batch 1 and 100.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { predictAll } from '../scripts/model/ensemble';
import { ensembleFromOnnx } from '../scripts/model/onnx';
import { encode, FEATURE_COUNT, type PriceItem } from '../src/ml/features';
import parity from '../test/fixtures/price-1.0.0-parity.json';
import { startDevWorker } from '../test/support/dev-worker';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '300' } } });
const REQUESTS = Number(args.requests);
const MODEL = path.join(ROOT, 'models/price-1.0.0.onnx');
const items = parity.cases.map((c) => c.item) as PriceItem[];

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

async function nodeNumbers() {
  ort.env.wasm.numThreads = 1;
  const bytes = readFileSync(MODEL);
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const cold = performance.now() - t0;
  const t1 = performance.now();
  await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  const warm = performance.now() - t1;
  const ensemble = ensembleFromOnnx(bytes);
  const out: Record<string, number> = { sessionColdMs: cold, sessionWarmBackendMs: warm };
  for (const batch of [1, 100]) {
    const x = encode(items.slice(0, batch));
    const tensor = new ort.Tensor('float32', x, [batch, FEATURE_COUNT]);
    const iterations = batch === 1 ? 3000 : 300;
    for (let i = 0; i < 200; i++) await session.run({ features: tensor });
    const ortUs = await timePerCall(() => session.run({ features: tensor }), iterations);
    for (let i = 0; i < 200; i++) predictAll(ensemble, x);
    const jsUs = await timePerCall(() => predictAll(ensemble, x), iterations);
    out[`ortPerRowUs_b${batch}`] = ortUs / batch;
    out[`jsPerRowUs_b${batch}`] = jsUs / batch;
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
    const predict = async (batch: number) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/v1/predictions/price`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ items: items.slice(0, batch) }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`predict answered ${res.status}`);
      const timing = res.headers.get('server-timing') ?? '';
      const metric = (name: string) =>
        Number(new RegExp(`(?:^|, *)${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? Number.NaN);
      return { model: metric('model'), load: metric('model-load'), wall: performance.now() - t0 };
    };
    const first = await predict(1);
    const out: Record<string, number> = { firstRequestModelLoadMs: first.load, firstRequestWallMs: first.wall };
    for (const batch of [1, 100]) {
      const runs: { model: number; wall: number }[] = [];
      for (let i = 0; i < REQUESTS; i++) runs.push(await predict(batch));
      const models = runs.map((r) => r.model);
      out[`modelDurMedianMs_b${batch}`] = median(models);
      out[`modelDurMeanMs_b${batch}`] = models.reduce((s, v) => s + v, 0) / models.length;
      out[`wallMedianMs_b${batch}`] = median(runs.map((r) => r.wall));
    }
    return out;
  } finally {
    await worker.stop();
  }
}

const fmt = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : 'n/a');
const node = await nodeNumbers();
console.log('Node (onnxruntime-web wasm, 1 thread):');
for (const [k, v] of Object.entries(node)) console.log(`  ${k.padEnd(26)} ${fmt(v)}`);
console.log(`  ORT / JS per row at batch 100: ${(node.ortPerRowUs_b100! / node.jsPerRowUs_b100!).toFixed(2)}×`);
const workerd = await workerdNumbers();
console.log('workerd (wrangler dev, Server-Timing):');
for (const [k, v] of Object.entries(workerd)) console.log(`  ${k.padEnd(26)} ${fmt(v)}`);
console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
