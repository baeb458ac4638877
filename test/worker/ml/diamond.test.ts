import { describe, expect, it } from 'vitest';
import cardJson from '../../../models/diamond-1.0.0.json';
import modelBytes from '../../../models/diamond-1.0.0.onnx';
import { diamondPrice, stoneValuePaise } from '../../../src/ml/diamond';
import parity from '../../fixtures/diamond-1.0.0-parity.json';
import { newShop } from '../fixtures';
import { call, callJson, type Json } from '../helpers';
import { sharedShop } from './price-fixtures';

const stone = (over: Json = {}): Json => ({ carat: 0.7, cut: 'Ideal', color: 'G', clarity: 'VS2', ...over });

const value = async (items: Json[]) => {
  const s = await sharedShop();
  return callJson('/api/v1/predictions/diamond', { method: 'POST', token: s.access, json: { items } });
};

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

describe('diamond valuations', () => {
  it("the Worker's ONNX run equals the trainer's evaluation of the same trees for 1,000 stones", async () => {
    expect(parity.model).toEqual({ name: cardJson.name, version: cardJson.version, sha256: cardJson.sha256 });
    expect(hex(await crypto.subtle.digest('SHA-256', modelBytes))).toBe(cardJson.sha256);
    const off: Json[] = [];
    for (let i = 0; i < parity.cases.length; i += 100) {
      const batch = parity.cases.slice(i, i + 100);
      const { res, body } = await value(batch.map((c) => c.item));
      expect(res.status, JSON.stringify(body)).toBe(200);
      body.data.predictions.forEach((got: Json, k: number) => {
        const expected = diamondPrice(batch[k]!.price_usd, 0);
        for (const key of ['price_usd_cents', 'low_usd_cents', 'high_usd_cents'] as const) {
          // Cents of a float32 dollar figure: exp may differ by an ulp between JS and ORT, and rounding by a cent.
          if (Math.abs(got[key] - expected[key]) > 1 + expected[key] * 2 ** -20)
            off.push({ i: i + k, key, got: got[key], expected: expected[key] });
        }
      });
    }
    expect(off).toEqual([]);
  });

  it('answers the model, a price inside its 80% interval, and the rupee value at the default settings', async () => {
    const { res, body } = await value([stone(), stone({ depth: 61.8, table: 56, x: 5.7, y: 5.72, z: 3.53 })]);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.model).toEqual({ name: 'tijori-diamond', version: '1.0.0' });
    expect(res.headers.get('Server-Timing')).toMatch(/(^|, *)model;dur=[\d.]+/);
    for (const p of body.data.predictions as Json[]) {
      expect(p.low_usd_cents).toBeLessThanOrEqual(p.price_usd_cents);
      expect(p.price_usd_cents).toBeLessThanOrEqual(p.high_usd_cents);
      expect(p.value_paise).toBe(stoneValuePaise(p.price_usd_cents, 8_400, 0));
      // A 0.7 ct G VS2 Ideal cost roughly $2,500–3,500 in the 2008 data.
      expect(p.price_usd_cents).toBeGreaterThan(200_000);
      expect(p.price_usd_cents).toBeLessThan(450_000);
    }
  });

  it('values in rupees at the shop’s own dollar rate and stone markup (PATCH /shop)', async () => {
    const owner = await newShop();
    const patched = await callJson('/api/v1/shop', {
      method: 'PATCH',
      token: owner.access,
      json: { usd_inr_paise: 8_650, stone_markup_bp: 1_500 },
    });
    expect(patched.res.status, JSON.stringify(patched.body)).toBe(200);
    const { res, body } = await callJson('/api/v1/predictions/diamond', {
      method: 'POST',
      token: owner.access,
      json: { items: [stone()] },
    });
    expect(res.status, JSON.stringify(body)).toBe(200);
    const p = body.data.predictions[0];
    expect(p.value_paise).toBe(stoneValuePaise(p.price_usd_cents, 8_650, 1_500));
  });

  it('value_paise = round(cents × usd_inr_paise × (10000 + markup_bp) / 1,000,000), half away from zero', () => {
    expect(stoneValuePaise(300_000, 8_400, 0)).toBe(25_200_000);
    expect(stoneValuePaise(300_000, 8_400, 1_500)).toBe(28_980_000);
    expect(stoneValuePaise(1, 50, 0)).toBe(1); // 0.5 → 1
    expect(stoneValuePaise(1, 49, 0)).toBe(0); // 0.49 → 0
    expect(stoneValuePaise(3, 50, 0)).toBe(2); // 1.5 → 2
    expect(stoneValuePaise(-1, 50, 0)).toBe(-1); // −0.5 → −1
    expect(stoneValuePaise(123_457, 8_333, 333)).toBe(Math.round((123_457 * 8_333 * 10_333) / 1e6));
  });

  it('a heavier stone of the same grades is worth more', async () => {
    const carats = [0.3, 0.5, 0.7, 1, 1.5, 2, 3];
    const { body } = await value(carats.map((carat) => stone({ carat })));
    const prices = body.data.predictions.map((p: Json) => p.price_usd_cents);
    for (let k = 1; k < prices.length; k++) expect(prices[k], JSON.stringify(prices)).toBeGreaterThan(prices[k - 1]);
  });

  it('takes 0 for an unmeasured x, y or z (the data’s mark) as missing', async () => {
    const { res, body } = await value([stone({ x: 5.7, y: 5.7, z: 0 }), stone({ x: 5.7, y: 5.7 })]);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.predictions[0]).toEqual(body.data.predictions[1]);
  });
});

describe('diamond valuations: refusals', () => {
  it('needs a signed-in caller', async () => {
    const res = await call('/api/v1/predictions/diamond', { method: 'POST', json: { items: [stone()] } });
    expect(res.status).toBe(401);
  });

  it('takes 1 to 100 stones', async () => {
    expect((await value(Array.from({ length: 100 }, () => stone()))).res.status).toBe(200);
    for (const n of [0, 101]) {
      const { res, body } = await value(Array.from({ length: n }, () => stone()));
      expect(res.status).toBe(400);
      expect(body.error.details.map((d: Json) => d.path)).toEqual(['items']);
    }
  });

  it.each([
    ['carat below the data', { carat: 0.1 }, 'carat'],
    ['carat above the data', { carat: 5.5 }, 'carat'],
    ['carat as a string', { carat: '0.7' }, 'carat'],
    ['an unknown cut', { cut: 'Excellent' }, 'cut'],
    ['color K (the data ends at J)', { color: 'K' }, 'color'],
    ['clarity I2', { clarity: 'I2' }, 'clarity'],
    ['a missing clarity', { clarity: undefined }, 'clarity'],
    ['depth outside the data', { depth: 30 }, 'depth'],
    ['a zero table', { table: 0 }, 'table'],
    ['a negative x', { x: -5 }, 'x'],
    ['a y beyond the data', { y: 60 }, 'y'],
    ['an unknown field', { price: 1 }, ''],
  ])('refuses %s with 400 naming the field', async (_, over, field) => {
    const item = JSON.parse(JSON.stringify(stone(over)));
    const { res, body } = await value([stone(), item]);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const paths = body.error.details.map((d: Json) => d.path);
    expect(paths).toContain(field ? `items.1.${field}` : 'items.1');
  });
});
