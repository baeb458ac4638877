import { describe, expect, it } from 'vitest';
import cardJson from '../../../models/gold-forecast-1.0.0.json';
import modelBytes from '../../../models/gold-forecast-1.0.0.onnx';
import worldGold from '../../../models/world-gold-usd.json';
import { FORECAST_FEATURE_COUNT, forecastFeatures, forecastsFrom, OUTPUT_COUNT } from '../../../src/ml/forecast';
import { Tensor } from '../../../src/ml/ort';
import { GOLD_FORECAST_MODEL, loadModel } from '../../../src/ml/registry';
import { shopDate } from '../../../src/pricing/shop-day';
import parity from '../../fixtures/gold-forecast-1.0.0-parity.json';
import { newShop, type Session } from '../fixtures';
import { call, callJson, type Json } from '../helpers';
import { addRate, sharedShop } from './price-fixtures';

/** The parity run sends 1,000 requests; the predict policy's per-shop limit is not under test here. */
const NO_LIMIT = { RATE_LIMIT_PREDICT: 'off' };

const forecast = async (history: number[], horizon: number, s?: Session) => {
  const shop = s ?? (await sharedShop());
  return callJson('/api/v1/predictions/rate-forecast', {
    method: 'POST',
    token: shop.access,
    json: { history, horizon },
    env: NO_LIMIT,
  });
};

const shopForecast = async (s: Session, query: string) =>
  callJson(`/api/v1/rates/forecast?${query}`, { token: s.access });

const close = (got: number, expected: number, rel = 1e-5) => Math.abs(got - expected) <= Math.abs(expected) * rel;
const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const gold = worldGold.prices;

describe('rate forecasts', () => {
  it("the Worker's ONNX session equals the trainer's evaluation for 1,000 histories, and the route answers with it", async () => {
    expect(parity.model).toEqual({ name: cardJson.name, version: cardJson.version, sha256: cardJson.sha256 });
    expect(hex(await crypto.subtle.digest('SHA-256', modelBytes))).toBe(cardJson.sha256);
    // All 1,000 in one run of the session the route uses (1,000 requests would only time the HTTP path).
    const { session } = await loadModel(GOLD_FORECAST_MODEL, 'rate forecast');
    const x = Float32Array.from(parity.cases.flatMap((c) => forecastFeatures(c.history)));
    const out = await session.run({
      features: new Tensor('float32', x, [parity.cases.length, FORECAST_FEATURE_COUNT]),
    });
    const got = out.log_return!.data as Float32Array;
    const off: Json[] = [];
    parity.cases.forEach((c, i) => {
      c.log_return.forEach((expected, k) => {
        // float32 sums of 13 products: a few ulps of the largest term.
        const g = got[i * OUTPUT_COUNT + k]!;
        if (Math.abs(g - expected) > 1e-6) off.push({ i, k, got: g, expected });
      });
    });
    expect(off).toEqual([]);
    for (const c of parity.cases.slice(0, 50)) {
      const { res, body } = await forecast(c.history, 6);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.data.forecasts).toEqual(
        forecastsFrom(c.history.at(-1)!, got.subarray(parity.cases.indexOf(c) * OUTPUT_COUNT), 6),
      );
    }
  });

  it('answers one p10 ≤ p50 ≤ p90 per month up to the horizon, in the history’s unit', async () => {
    const history = gold.slice(-36);
    const { res, body } = await forecast(history, 3);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.model).toEqual({ name: 'tijori-gold-forecast', version: '1.0.0' });
    expect(body.data.forecasts.map((f: Json) => f.horizon)).toEqual([1, 2, 3]);
    let width = 0;
    for (const f of body.data.forecasts as Json[]) {
      expect(f.p10).toBeLessThanOrEqual(f.p50);
      expect(f.p50).toBeLessThanOrEqual(f.p90);
      // Within a plausible band around the last price (dollars per ounce).
      expect(f.p10).toBeGreaterThan(history.at(-1)! * 0.7);
      expect(f.p90).toBeLessThan(history.at(-1)! * 1.3);
      // Further ahead is less certain.
      expect(f.p90 - f.p10).toBeGreaterThan(width);
      width = f.p90 - f.p10;
    }
  });

  it('is scale-free: the same series in paise per gram forecasts the same, scaled', async () => {
    const history = gold.slice(-60);
    const paisePerGram = history.map((usd) => (usd * 8_400) / 31.1034768);
    const [usd, inr] = await Promise.all([forecast(history, 6), forecast(paisePerGram, 6)]);
    const scale = paisePerGram.at(-1)! / history.at(-1)!;
    usd.body.data.forecasts.forEach((f: Json, k: number) => {
      const g = inr.body.data.forecasts[k];
      for (const q of ['p10', 'p50', 'p90']) expect(close(g[q], f[q] * scale), `${q} h${k + 1}`).toBe(true);
    });
  });

  it.each([
    ['23 months', { history: gold.slice(-23), horizon: 1 }, 'history'],
    ['1,201 months', { history: Array.from({ length: 1201 }, (_, i) => 100 + i), horizon: 1 }, 'history'],
    ['a zero price', { history: [...gold.slice(-30), 0], horizon: 1 }, 'history.30'],
    ['a negative price', { history: [-1, ...gold.slice(-30)], horizon: 1 }, 'history.0'],
    ['a price as a string', { history: ['1', ...gold.slice(-30)], horizon: 1 }, 'history.0'],
    ['horizon 0', { history: gold.slice(-30), horizon: 0 }, 'horizon'],
    ['horizon 7', { history: gold.slice(-30), horizon: 7 }, 'horizon'],
    ['a fractional horizon', { history: gold.slice(-30), horizon: 1.5 }, 'horizon'],
    ['no horizon', { history: gold.slice(-30) }, 'horizon'],
  ])('refuses %s with 400 naming the field', async (_, json, path) => {
    const s = await sharedShop();
    const { res, body } = await callJson('/api/v1/predictions/rate-forecast', {
      method: 'POST',
      token: s.access,
      json,
    });
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.details.map((d: Json) => d.path)).toContain(path);
  });

  it('needs a signed-in caller', async () => {
    const res = await call('/api/v1/predictions/rate-forecast', {
      method: 'POST',
      json: { history: gold, horizon: 1 },
    });
    expect(res.status).toBe(401);
    expect((await call('/api/v1/rates/forecast?metal=gold&purity=916')).status).toBe(401);
  });
});

/** The month `back` months before the shop-local current one (the shops here are in India), as YYYY-MM. */
const monthsAgo = (back: number) => {
  const [y, m] = shopDate(new Date(), 'Asia/Kolkata').split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 7);
};

describe('GET /rates/forecast', () => {
  it('on a shop with little history: the world gold series rescaled to its latest rate (basis world_gold)', async () => {
    const s = await newShop();
    await addRate(s, 'gold', 916, 700_000, `${monthsAgo(2)}-03`);
    await addRate(s, 'gold', 999, 780_000, `${monthsAgo(0)}-01`);
    const { res, body } = await shopForecast(s, 'metal=gold&purity=916&horizon=4');
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data).toMatchObject({ metal: 'gold', purity: 916, basis: 'world_gold', rate_per_gram: 700_000 });
    expect(body.data.history_months).toBe(gold.length);
    const expected = forecastsFrom(700_000, (await worldRun()).log_return, 4);
    expect(body.data.forecasts.map((f: Json) => [f.horizon, f.month])).toEqual(
      [1, 2, 3, 4].map((h) => [h, monthsAgo(-h)]),
    );
    body.data.forecasts.forEach((f: Json, k: number) => {
      for (const q of ['p10', 'p50', 'p90'] as const) expect(Math.abs(f[q] - expected[k]![q])).toBeLessThanOrEqual(1);
    });
  });

  it('a purity the shop has no rate for is scaled from another of the same metal', async () => {
    const s = await newShop();
    await addRate(s, 'gold', 999, 780_000);
    const { res, body } = await shopForecast(s, 'metal=gold&purity=750');
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data).toMatchObject({ basis: 'world_gold', rate_per_gram: Math.round((780_000 * 750) / 999) });
    expect(body.data.forecasts).toHaveLength(6);
  });

  it('on 24 months of the shop’s own rates: their monthly averages (basis shop_rates)', async () => {
    const s = await newShop();
    const own: number[] = [];
    for (let back = 23; back >= 0; back--) {
      const base = 600_000 + (23 - back) * 4_000 + (back % 3) * 1_500;
      await addRate(s, 'silver', 925, base, `${monthsAgo(back)}-01`);
      // Two rates in some past months: the month's value is their average.
      const twice = back % 4 === 0 && back > 0;
      if (twice) await addRate(s, 'silver', 925, base + 2_000, `${monthsAgo(back)}-15`);
      own.push(twice ? base + 1_000 : base);
    }
    const { res, body } = await shopForecast(s, 'metal=silver&purity=925&horizon=2');
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data).toMatchObject({ basis: 'shop_rates', history_months: 24, from_month: monthsAgo(0) });
    const direct = await forecast(own, 2, s);
    direct.body.data.forecasts.forEach((f: Json, k: number) => {
      for (const q of ['p10', 'p50', 'p90']) expect(Math.abs(body.data.forecasts[k][q] - f[q])).toBeLessThanOrEqual(1);
    });
  });

  it('silver or platinum without 24 months of own rates is 422 FORECAST_UNAVAILABLE; gold without any rate is 422 RATE_UNAVAILABLE', async () => {
    const s = await newShop();
    await addRate(s, 'silver', 999, 9_500);
    for (const q of ['metal=silver&purity=999', 'metal=platinum&purity=950']) {
      const { res, body } = await shopForecast(s, q);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(body.error.code).toBe('FORECAST_UNAVAILABLE');
    }
    const { res, body } = await shopForecast(s, 'metal=gold&purity=916');
    expect(res.status).toBe(422);
    expect(body.error.code).toBe('RATE_UNAVAILABLE');
  });

  it.each([
    ['an unknown metal', 'metal=copper&purity=916', 'metal'],
    ['no purity', 'metal=gold', 'purity'],
    ['gold purity below 375', 'metal=gold&purity=300', 'purity'],
    ['horizon 7', 'metal=gold&purity=916&horizon=7', 'horizon'],
    ['horizon 0', 'metal=gold&purity=916&horizon=0', 'horizon'],
  ])('refuses %s with 400', async (_, query, path) => {
    const s = await sharedShop();
    const { res, body } = await shopForecast(s, query);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.details.map((d: Json) => d.path)).toContain(path);
  });
});

/** The world series' own forecast, through the POST route (its log-returns are what any rescaling keeps). */
async function worldRun() {
  const { body } = await forecast(gold, 6);
  const last = gold.at(-1)!;
  return {
    log_return: (body.data.forecasts as Json[]).flatMap((f) => [f.p10, f.p50, f.p90].map((v) => Math.log(v / last))),
  };
}
