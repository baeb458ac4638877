import { describe, expect, it } from 'vitest';
import cardJson from '../../../models/price-1.0.0.json';
import modelBytes from '../../../models/price-1.0.0.onnx';
import { newShop } from '../fixtures';
import { callJson, type Json } from '../helpers';
import { addRate, parity, predict, prices, ring, sharedShop } from './price-fixtures';

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('price predictions', () => {
  it("the Worker's ONNX run equals the trainer's JS walk of the same trees for 1,000 inputs", async () => {
    const s = await sharedShop();
    expect(parity.model.version).toBe(cardJson.version);
    expect(parity.model.sha256).toBe(cardJson.sha256);
    const got = await prices(
      s,
      parity.cases.map((c) => c.item),
    );
    const off = parity.cases
      .map((c, i) => ({ i, expected: c.price, got: got[i]! }))
      // The route rounds the float32 graph output to paise; float32 itself carries ~6e-8 relative error.
      .filter(({ expected, got }) => Math.abs(got - expected) > 0.5 + expected * 2 ** -22);
    expect(off).toEqual([]);
  });

  it('answers a batch of 100 with 100 integer prices, the model, and Server-Timing model;dur', async () => {
    const s = await sharedShop();
    const items = parity.cases.slice(0, 100).map((c) => c.item);
    const { res, body } = await predict(s, items);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.model).toEqual({ name: 'tijori-price', version: '1.0.0' });
    expect(body.data.predictions).toHaveLength(100);
    for (const p of body.data.predictions) {
      expect(Number.isInteger(p.price) && Number.isInteger(p.metal_value)).toBe(true);
      expect(p.rate_source).toBe('given');
    }
    expect(res.headers.get('Server-Timing')).toMatch(/(^|, *)model;dur=[\d.]+/);
  });

  it('heavier is dearer: each 10% more net weight raises the price', async () => {
    const s = await sharedShop();
    const bases = parity.cases.slice(0, 40).map((c) => c.item);
    const items: Json[] = [];
    for (const b of bases) {
      for (let k = 0; k < 5; k++) {
        const net = Math.round(b.net_weight_mg * 1.1 ** k);
        items.push({ ...b, net_weight_mg: net, gross_weight_mg: b.gross_weight_mg - b.net_weight_mg + net });
      }
    }
    const p = await prices(s, items);
    for (let i = 0; i < bases.length; i++) {
      const series = p.slice(i * 5, i * 5 + 5);
      for (let k = 1; k < 5; k++)
        expect(series[k], JSON.stringify({ base: bases[i], series })).toBeGreaterThan(series[k - 1]!);
    }
  });

  it('higher purity is dearer at the same rate of fine metal', async () => {
    const s = await sharedShop();
    const ladders: Record<string, number[]> = {
      gold: [375, 585, 750, 916, 999],
      silver: [800, 925, 999],
      platinum: [850, 900, 950],
    };
    const fine: Record<string, number> = { gold: 780_000, silver: 9_500, platinum: 320_000 };
    const bases = parity.cases.slice(100, 160).map((c) => c.item);
    const items: Json[] = [];
    const spans: [number, number][] = [];
    for (const b of bases) {
      const ladder = ladders[b.metal]!;
      spans.push([items.length, ladder.length]);
      for (const purity of ladder)
        items.push({ ...b, purity, rate_per_gram: Math.round((fine[b.metal]! * purity) / 999) });
    }
    const p = await prices(s, items);
    spans.forEach(([start, n], i) => {
      const series = p.slice(start, start + n);
      for (let k = 1; k < n; k++)
        expect(series[k], JSON.stringify({ base: bases[i], series })).toBeGreaterThan(series[k - 1]!);
    });
  });

  it('prices are plausible against metal value, also far outside the training weights', async () => {
    const s = await sharedShop();
    const items = [
      ...parity.cases.slice(0, 100).map((c) => c.item),
      ring({ category: 'necklace', net_weight_mg: 200_000, gross_weight_mg: 210_000, stone_weight_mg: 5_000 }),
      ring({ category: 'other', net_weight_mg: 500, gross_weight_mg: 520, stone_weight_mg: 20 }),
    ];
    const { res, body } = await predict(s, items.slice(0, 100));
    const extra = await predict(s, items.slice(100));
    expect(res.status).toBe(200);
    expect(extra.res.status).toBe(200);
    const preds = [...body.data.predictions, ...extra.body.data.predictions] as Json[];
    preds.forEach((p, i) => {
      const it = items[i]!;
      const floor = p.metal_value * (1 + it.making_charge_bp / 10_000) * 1.03;
      // At least metal + making + GST less the noise; at most a few times that plus generous stones.
      expect(p.price, JSON.stringify({ it, p })).toBeGreaterThan(floor * 0.85);
      expect(p.price, JSON.stringify({ it, p })).toBeLessThan(floor * 1.4 + it.stone_weight_mg * 6_000);
    });
    const [necklace, nosePin] = preds.slice(-2);
    expect(necklace!.metal_value).toBe(140_000_000);
    expect(nosePin!.metal_value).toBe(350_000);
  });

  it('fills a missing rate from the shop: exact purity, scaled from another purity, or as given', async () => {
    const s = await newShop();
    await addRate(s, 'gold', 999, 780_000, '2026-11-01');
    await addRate(s, 'gold', 916, 715_000, '2026-11-01');
    await addRate(s, 'gold', 916, 720_000, '2026-11-02');
    await addRate(s, 'silver', 999, 9_500);
    const { rate_per_gram: _, ...noRate } = ring();
    const { res, body } = await predict(s, [
      { ...noRate, purity: 916 },
      { ...noRate, purity: 750 },
      { ...noRate, purity: 958 },
      { ...noRate, metal: 'silver', purity: 925 },
      ring({ rate_per_gram: 650_000 }),
    ]);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.predictions.map((p: Json) => [p.rate_per_gram, p.rate_source, p.rate_effective_date])).toEqual([
      [720_000, 'exact', '2026-11-02'],
      [Math.round((720_000 * 750) / 916), 'scaled_from_916', '2026-11-02'],
      // 958 is 42 from 916 and 41 from 999: the nearer purity is the base.
      [Math.round((780_000 * 958) / 999), 'scaled_from_999', '2026-11-01'],
      [Math.round((9_500 * 925) / 999), 'scaled_from_999', '2026-11-01'],
      [650_000, 'given', null],
    ]);
    // A filled rate prices the same as that rate given.
    const given = await prices(s, [ring({ rate_per_gram: 720_000 })]);
    expect(body.data.predictions[0].price).toBe(given[0]);
  });

  it("the model card's sha256 is the shipped .onnx's", async () => {
    const digest = await crypto.subtle.digest('SHA-256', modelBytes);
    expect(hex(digest)).toBe(cardJson.sha256);
    expect(modelBytes.byteLength).toBe(cardJson.bytes);
  });

  it('GET /predictions/models lists the shipped model with its features and holdout metrics', async () => {
    const s = await sharedShop();
    const { res, body } = await callJson('/api/v1/predictions/models', { token: s.access });
    expect(res.status, JSON.stringify(body)).toBe(200);
    const [m] = body.data as Json[];
    expect(m).toMatchObject({
      name: 'tijori-price',
      version: '1.0.0',
      active: true,
      sha256: cardJson.sha256,
      opset: { 'ai.onnx': 17, 'ai.onnx.ml': 3 },
    });
    expect(m!.features.map((f: Json) => f.name)).toEqual([
      'net_weight_mg',
      'rate_per_gram',
      'stone_weight_mg',
      'category',
      'metal',
      'purity',
      'making_charge_bp',
    ]);
    const h = m!.metrics.holdout;
    expect(h.model.mape).toBeLessThan(h.baseline_formula.mape);
    expect(h.model.mape).toBeLessThan(h.baseline_formula_with_markup.mape);
  });
});
