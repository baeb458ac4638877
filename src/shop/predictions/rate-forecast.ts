// Rate forecasts: any monthly series through the model, and a shop's own rates — its monthly
// average sell rate when it has two years of them, else the shipped world gold series rescaled to
// the shop's latest rate.
import { and, asc, avg, eq, lte, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import worldGold from '../../../models/world-gold-usd.json';
import { dbOf } from '../../db/client';
import { type Metal, metalRates } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { FORECAST_FEATURE_COUNT, forecastFeatures, forecastsFrom, WINDOW } from '../../ml/forecast';
import { GOLD_FORECAST_MODEL, loadModel } from '../../ml/registry';
import { runModel } from '../../ml/run';
import { latestRates, shopToday } from '../rates/service';
import { fillRate } from './predict';
import { MAX_HISTORY, type ShopRateForecast } from './schemas';

type C = Context<AppEnv>;

/** p10/p50/p90 of `history` (monthly, oldest first, any unit) for horizons 1…`horizon`. */
export async function forecastHistory(c: C, history: readonly number[], horizon: number) {
  const { card, out } = await runModel(
    c,
    () => loadModel(GOLD_FORECAST_MODEL, 'rate forecast'),
    Float32Array.from(forecastFeatures(history)),
    FORECAST_FEATURE_COUNT,
    'log_return',
  );
  return { model: { name: card.name, version: card.version }, forecasts: forecastsFrom(history.at(-1)!, out, horizon) };
}

const monthOf = (date: string) => date.slice(0, 7);
const addMonths = (month: string, n: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
};

/**
 * The shop's monthly average rate for one metal and purity, from its first month with a rate through
 * the current month; a month without rates carries the one before (the rate in effect then).
 */
async function shopMonthlyRates(c: C, metal: Metal, purity: number, today: string): Promise<number[]> {
  const month = sql<string>`substr(${metalRates.effectiveDate}, 1, 7)`;
  const rows = await dbOf(c)
    .select({ month, rate: avg(metalRates.ratePerGram) })
    .from(metalRates)
    .where(
      inShop(
        metalRates,
        authOf(c).shopId,
        and(
          eq(metalRates.metal, metal),
          eq(metalRates.purity, purity),
          eq(metalRates.kind, 'sell'),
          lte(metalRates.effectiveDate, today),
        ),
      ),
    )
    .groupBy(month)
    .orderBy(asc(month));
  if (rows.length === 0) return [];
  const byMonth = new Map(rows.map((r) => [r.month, Number(r.rate)]));
  const series: number[] = [];
  for (let m = rows[0]!.month; m <= monthOf(today); m = addMonths(m, 1)) series.push(byMonth.get(m) ?? series.at(-1)!);
  return series.slice(-MAX_HISTORY);
}

/**
 * The forecast of the shop's sell rate for `metal` and `purity`: on its own monthly averages when
 * they span WINDOW months, else (gold only) on the world series — the model reads only returns, so
 * the world's recent months forecast the shop's rate from its latest value. Integer paise per gram.
 */
export async function shopRateForecast(c: C, metal: Metal, purity: number, horizon: number): Promise<ShopRateForecast> {
  const today = await shopToday(c);
  const own = await shopMonthlyRates(c, metal, purity, today);
  let basis: ShopRateForecast['basis'];
  let history: number[];
  if (own.length >= WINDOW) {
    basis = 'shop_rates';
    history = own;
  } else {
    if (metal !== 'gold') {
      throw new ApiError(
        422,
        'FORECAST_UNAVAILABLE',
        `A ${metal} forecast needs ${WINDOW} months of the shop's own ${metal} ${purity} rates (it has ${own.length}); the shipped world series is gold only`,
        [
          {
            path: 'metal',
            message: `record ${metal} ${purity} rates for ${WINDOW} months, or forecast your own series with POST /api/v1/predictions/rate-forecast`,
          },
        ],
      );
    }
    const latest = fillRate({ metal, purity }, await latestRates(c, { metals: [metal], asOf: today }));
    if (!latest) {
      throw new ApiError(422, 'RATE_UNAVAILABLE', `The shop has no ${metal} rate to scale the world series to`, [
        { path: 'purity', message: `record a ${metal} rate first` },
      ]);
    }
    basis = 'world_gold';
    const world = worldGold.prices.slice(-MAX_HISTORY);
    const scale = latest.rate_per_gram / world.at(-1)!;
    history = world.map((p) => p * scale);
  }
  const { model, forecasts } = await forecastHistory(c, history, horizon);
  const from = monthOf(today);
  const paise = (v: number) => Math.round(v);
  return {
    model,
    metal,
    purity,
    basis,
    history_months: history.length,
    from_month: from,
    rate_per_gram: paise(history.at(-1)!),
    forecasts: forecasts.map((f) => ({
      horizon: f.horizon,
      month: addMonths(from, f.horizon),
      p10: paise(f.p10),
      p50: paise(f.p50),
      p90: paise(f.p90),
    })),
  };
}
