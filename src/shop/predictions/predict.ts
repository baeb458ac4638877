// Price predictions: fill each item's missing rate from the shop's latest rates, then one model run
// for the whole batch, rounded to integer paise at the boundary.
import type { Context } from 'hono';
import type { Metal } from '../../db/schema';
import { ApiError } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { encode, FEATURE_COUNT, metalValuePaise, type PriceItem } from '../../ml/features';
import { modelSetting } from '../../ml/published';
import { activeModel, compareSemver, isLoaded, MODELS, resolveModel } from '../../ml/registry';
import { runModel } from '../../ml/run';
import { latestRates, type MetalRate } from '../rates/service';
import type { PriceModelInfo, PricePredictions } from './schemas';

type C = Context<AppEnv>;

export type RequestItem = Omit<PriceItem, 'rate_per_gram'> & { rate_per_gram?: number | undefined };

/** `given` (in the request), `exact` (the shop's rate for this purity) or `scaled_from_<purity>`. */
export type RateSource = 'given' | 'exact' | `scaled_from_${number}`;

export interface FilledRate {
  rate_per_gram: number;
  rate_source: RateSource;
  /** The effective date of the shop rate used; null when given. */
  rate_effective_date: string | null;
}

/**
 * The rate for one item: the request's, else the shop's latest for that metal and purity, else the
 * nearest purity of the same metal scaled by purity (a gram of 22K is 916/999 of a gram of 24K).
 */
export function fillRate(
  item: Pick<RequestItem, 'metal' | 'purity' | 'rate_per_gram'>,
  rates: readonly MetalRate[],
): FilledRate | undefined {
  if (item.rate_per_gram !== undefined) {
    return { rate_per_gram: item.rate_per_gram, rate_source: 'given', rate_effective_date: null };
  }
  const same = rates.filter((r) => r.metal === item.metal);
  const exact = same.find((r) => r.purity === item.purity);
  if (exact)
    return { rate_per_gram: exact.ratePerGram, rate_source: 'exact', rate_effective_date: exact.effectiveDate };
  // Nearest purity; on a tie the higher one (finer metal is quoted more often and more carefully).
  const nearest = [...same].sort(
    (a, b) => Math.abs(a.purity - item.purity) - Math.abs(b.purity - item.purity) || b.purity - a.purity,
  )[0];
  if (!nearest) return undefined;
  return {
    rate_per_gram: Math.round((nearest.ratePerGram * item.purity) / nearest.purity),
    rate_source: `scaled_from_${nearest.purity}`,
    rate_effective_date: nearest.effectiveDate,
  };
}

export async function predictPrices(c: C, items: readonly RequestItem[]): Promise<PricePredictions> {
  const needsRates = items.some((i) => i.rate_per_gram === undefined);
  const rates = needsRates ? await latestRates(c) : [];
  const filled = items.map((it) => fillRate(it, rates));
  const missing = filled.flatMap((f, i) => (f ? [] : [i]));
  if (missing.length) {
    const metals = [...new Set(missing.map((i) => items[i]!.metal))] as Metal[];
    throw new ApiError(
      422,
      'RATE_UNAVAILABLE',
      `No rate_per_gram given and the shop has no ${metals.join(' or ')} rate to fill it from`,
      missing.map((i) => ({
        path: `items.${i}.rate_per_gram`,
        message: `no ${items[i]!.metal} rate recorded for this shop; send rate_per_gram or record a rate`,
      })),
    );
  }
  const full: PriceItem[] = items.map((it, i) => ({ ...it, rate_per_gram: filled[i]!.rate_per_gram }));

  const setting = await modelSetting(c);
  const { card, out: price } = await runModel(c, () => activeModel(setting), encode(full), FEATURE_COUNT, 'price');

  return {
    model: { name: card.name, version: card.version },
    predictions: full.map((it, i) => ({
      price: Math.round(price[i]!),
      metal_value: Math.round(metalValuePaise(it.net_weight_mg, it.rate_per_gram)),
      ...filled[i]!,
    })),
  };
}

/** The shipped price models, newest first, and which one this shop's requests use. */
export async function priceModels(c: C): Promise<PriceModelInfo[]> {
  const active = resolveModel(await modelSetting(c));
  return [...MODELS]
    .sort((a, b) => compareSemver(b.card.version, a.card.version))
    .map((m) => ({
      name: m.card.name,
      version: m.card.version,
      active: m === active,
      loaded: isLoaded(m),
      created: m.card.created,
      sha256: m.card.sha256,
      opset: m.card.opset,
      features: m.card.features.map((f) => ({ index: f.index, name: f.name, unit: f.unit, role: f.role })),
      algorithm: m.card.algorithm,
      metrics: m.card.metrics,
    }));
}
