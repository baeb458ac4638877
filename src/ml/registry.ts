// The shipped models (card + ONNX bytes), which price model version is active, and one inference
// session per model per isolate, created when a route first needs it: a Worker that only ever
// values diamonds never pays for the forecast model's session, and the rest of the API pays for none.

import diamondCard from '../../models/diamond-1.0.0.json';
import diamondOnnx from '../../models/diamond-1.0.0.onnx';
import goldForecastCard from '../../models/gold-forecast-1.0.0.json';
import goldForecastOnnx from '../../models/gold-forecast-1.0.0.onnx';
import card_1_0_0 from '../../models/price-1.0.0.json';
import onnx_1_0_0 from '../../models/price-1.0.0.onnx';
import { ApiError } from '../http/errors';
import { errorText, log } from '../http/logger';
import { createSession, type InferenceSession } from './ort';

/**
 * What the Worker reads from a price model's card. Cards differ in how they account for their data
 * (a synthetic one has `generator`, one trained on shop sales `training_data`) and in their metrics.
 */
export type ModelCard = Pick<typeof card_1_0_0, 'name' | 'version' | 'created' | 'sha256' | 'opset' | 'features'> & {
  algorithm: Record<string, unknown>;
  metrics: Record<string, unknown>;
};

export interface RegisteredModel<Card extends { name: string; version: string } = ModelCard> {
  card: Card;
  bytes: ArrayBuffer;
}

export const DIAMOND_MODEL: RegisteredModel<typeof diamondCard> = { card: diamondCard, bytes: diamondOnnx };
export const GOLD_FORECAST_MODEL: RegisteredModel<typeof goldForecastCard> = {
  card: goldForecastCard,
  bytes: goldForecastOnnx,
};

/** Publishing a version: train it, then add its two imports and one line here. */
export const MODELS: readonly RegisteredModel[] = [{ card: card_1_0_0, bytes: onnx_1_0_0 }];

const semver = (v: string) => v.split('.').map(Number) as [number, number, number];

export function compareSemver(a: string, b: string): number {
  const [x, y] = [semver(a), semver(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

/** The model a version setting names ("latest" = highest semver), or undefined if none matches. */
export function resolveModel(setting: string, models: readonly RegisteredModel[] = MODELS) {
  if (setting === 'latest') return [...models].sort((a, b) => compareSemver(b.card.version, a.card.version))[0];
  return models.find((m) => m.card.version === setting);
}

/**
 * Memoises an async creation while it is pending or fulfilled, but forgets a rejection, so
 * concurrent first callers share one attempt and a failed attempt is retried by a later call.
 */
export function onceUntilFailure<K, V>(create: (key: K) => Promise<V>) {
  const pending = new Map<K, Promise<V>>();
  return {
    get(key: K): Promise<V> {
      let p = pending.get(key);
      if (!p) {
        p = create(key);
        pending.set(key, p);
        p.catch(() => {
          if (pending.get(key) === p) pending.delete(key);
        });
      }
      return p;
    },
    has: (key: K) => pending.has(key),
  };
}

export interface LoadedModel<Card = ModelCard> {
  card: Card;
  session: InferenceSession;
}

// Keyed by the model file, not its registry entry: an entry given other bytes (a new build of the
// model under the same name) gets a session of its own instead of the old file's.
const sessions = onceUntilFailure(createSession);

export const isLoaded = (m: RegisteredModel) => sessions.has(m.bytes);

const unavailable = (message: string) =>
  new ApiError(503, 'MODEL_UNAVAILABLE', message, undefined, { 'Retry-After': '5' });

/**
 * `m`'s session, created on its first use in this isolate; 503 MODEL_UNAVAILABLE when it cannot be
 * had. `kind` names the model in the log line and the error ("price", "diamond", …).
 */
export async function loadModel<Card extends { name: string; version: string }>(
  m: RegisteredModel<Card>,
  kind: string,
): Promise<LoadedModel<Card>> {
  try {
    return { card: m.card, session: await sessions.get(m.bytes) };
  } catch (err) {
    log('error', `${kind} model failed to load`, { version: m.card.version, error: errorText(err) });
    throw unavailable(`The ${kind} model is not available; try again shortly`);
  }
}

/** The active price model's session (see loadModel). */
export async function activeModel(setting: string): Promise<LoadedModel> {
  const m = resolveModel(setting);
  if (!m) throw unavailable(`No shipped price model matches "${setting}"`);
  return loadModel(m, 'price');
}
