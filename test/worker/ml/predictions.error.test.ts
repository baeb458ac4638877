import { describe, expect, it } from 'vitest';
import { newShop } from '../fixtures';
import { call, type Json } from '../helpers';
import { addRate, predict, ring, sharedShop } from './price-fixtures';

const paths = (body: Json) => (body.error.details ?? []).map((d: Json) => d.path);

describe('price predictions: refusals', () => {
  it('needs a signed-in caller', async () => {
    const res = await call('/api/v1/predictions/price', { method: 'POST', json: { items: [ring()] } });
    expect(res.status).toBe(401);
    expect((await call('/api/v1/predictions/models')).status).toBe(401);
  });

  it('takes 1 to 100 items: 0 and 101 are 400', async () => {
    const s = await sharedShop();
    expect(
      (
        await predict(
          s,
          Array.from({ length: 100 }, () => ring()),
        )
      ).res.status,
    ).toBe(200);
    for (const n of [0, 101]) {
      const { res, body } = await predict(
        s,
        Array.from({ length: n }, () => ring()),
      );
      expect(res.status).toBe(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(paths(body)).toEqual(['items']);
    }
  });

  const invalid: [string, Json, string][] = [
    ['unknown category', { category: 'tiara' }, 'category'],
    ['unknown metal', { metal: 'copper' }, 'metal'],
    ['gold below 375', { purity: 374 }, 'purity'],
    ['silver below 800', { metal: 'silver', purity: 750, rate_per_gram: 9_000 }, 'purity'],
    ['platinum below 850', { metal: 'platinum', purity: 800, rate_per_gram: 300_000 }, 'purity'],
    ['purity of 1000', { purity: 1000 }, 'purity'],
    ['fractional purity', { purity: 916.5 }, 'purity'],
    ['zero net weight', { net_weight_mg: 0 }, 'net_weight_mg'],
    ['negative gross weight', { gross_weight_mg: -1 }, 'gross_weight_mg'],
    ['fractional weight (grams sent as mg)', { net_weight_mg: 4.5 }, 'net_weight_mg'],
    ['weight as a string', { net_weight_mg: '4500' }, 'net_weight_mg'],
    ['net over gross', { net_weight_mg: 5_001, stone_weight_mg: 0 }, 'net_weight_mg'],
    ['stone over gross minus net', { stone_weight_mg: 501 }, 'stone_weight_mg'],
    ['negative stone weight', { stone_weight_mg: -5 }, 'stone_weight_mg'],
    ['making charge over 5,000 bp', { making_charge_bp: 5_001 }, 'making_charge_bp'],
    ['missing making charge', { making_charge_bp: undefined }, 'making_charge_bp'],
    ['zero rate', { rate_per_gram: 0 }, 'rate_per_gram'],
    ['fractional rate (rupees)', { rate_per_gram: 7000.5 }, 'rate_per_gram'],
    ['an unknown field', { price: 1 }, ''],
  ];

  it.each(invalid)('refuses %s with 400 naming the field', async (_, over, field) => {
    const s = await sharedShop();
    const item = JSON.parse(JSON.stringify(ring(over)));
    const { res, body } = await predict(s, [ring(), item]);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    // The field is named; a rule between fields (net ≤ gross, stone ≤ gross − net) may name its partner too.
    expect(paths(body)).toContain(field ? `items.1.${field}` : 'items.1');
    for (const p of paths(body)) expect(p).toMatch(/^items\.1(\.|$)/);
  });

  it('refuses a body that is not {items}', async () => {
    const s = await sharedShop();
    for (const json of [[ring()], { items: ring() }, { items: [ring()], extra: true }]) {
      const res = await call('/api/v1/predictions/price', { method: 'POST', token: s.access, json });
      expect(res.status).toBe(400);
    }
  });

  it('is 422 RATE_UNAVAILABLE naming each item whose metal has no rate, and says nothing is priced', async () => {
    const s = await newShop();
    await addRate(s, 'gold', 916, 720_000);
    const { rate_per_gram: _, ...noRate } = ring();
    const { res, body } = await predict(s, [
      noRate,
      { ...noRate, metal: 'silver', purity: 925 },
      ring({ metal: 'platinum', purity: 950, rate_per_gram: 320_000 }),
      { ...noRate, metal: 'platinum', purity: 950 },
    ]);
    expect(res.status, JSON.stringify(body)).toBe(422);
    expect(body.error.code).toBe('RATE_UNAVAILABLE');
    expect(paths(body)).toEqual(['items.1.rate_per_gram', 'items.3.rate_per_gram']);
  });

  it("a rate dated ahead does not count, and another shop's rates are never used", async () => {
    const other = await newShop();
    await addRate(other, 'gold', 916, 720_000);
    const s = await newShop();
    await addRate(s, 'gold', 916, 720_000, '2999-01-01');
    const { rate_per_gram: _, ...noRate } = ring();
    const { res, body } = await predict(s, [noRate]);
    expect(res.status).toBe(422);
    expect(body.error.code).toBe('RATE_UNAVAILABLE');
  });

  it('a model that cannot be loaded is 503 MODEL_UNAVAILABLE on predictions only', async () => {
    const s = await sharedShop();
    const env = { PRICE_MODEL_VERSION: '9.9.9' };
    const { res, body } = await predict(s, [ring()], { env });
    expect(res.status).toBe(503);
    expect(body.error.code).toBe('MODEL_UNAVAILABLE');
    const models = await call('/api/v1/predictions/models', { token: s.access, env });
    expect(models.status).toBe(200);
    expect(((await models.json()) as Json).data[0].active).toBe(false);
    expect((await call('/api/v1/auth/me', { token: s.access, env })).status).toBe(200);
  });
});
