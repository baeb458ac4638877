// One model run for a batch, timed into Server-Timing: `model-load` (session creation on the
// isolate's first use of that model, then ~0) and `model` (the run itself), the same for every model.
import type { Context } from 'hono';
import { setMetric } from 'hono/timing';
import type { AppEnv } from '../http/types';
import { Tensor } from './ort';
import type { LoadedModel } from './registry';

export async function runModel<Card extends { name: string; version: string }>(
  c: Context<AppEnv>,
  load: () => Promise<LoadedModel<Card>>,
  features: Float32Array,
  width: number,
  output: string,
): Promise<{ card: Card; out: Float32Array }> {
  const loading = performance.now();
  const model = await load();
  setMetric(
    c,
    'model-load',
    performance.now() - loading,
    `${model.card.name} session (created on first use per isolate)`,
  );
  const rows = features.length / width;
  const started = performance.now();
  const result = await model.session.run({ features: new Tensor('float32', features, [rows, width]) });
  setMetric(c, 'model', performance.now() - started, `${model.card.name} ${model.card.version}, ${rows} rows`);
  return { card: model.card, out: result[output]!.data as Float32Array };
}
