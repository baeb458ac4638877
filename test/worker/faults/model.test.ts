// The price model failing to load: predictions answer 503 MODEL_UNAVAILABLE, everything else works.
// An unknown active version is also covered on its own in ml/predictions.error.test.ts and
// ml/published-model.test.ts; here both faults go through the real loader and the rest of the API.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODELS, type RegisteredModel } from '../../../src/ml/registry';
import { newShop } from '../fixtures';
import { predict, ring } from '../ml/price-fixtures';
import { expectTheRestWorks } from './broken';

const shipped = MODELS[0]!;
/** A shipped file cut short (a bad build or a truncated upload): ORT cannot parse it. */
const corrupt: RegisteredModel = {
  card: { ...shipped.card, version: '0.0.1' },
  bytes: shipped.bytes.slice(0, shipped.bytes.byteLength / 2),
};

afterEach(() => {
  vi.restoreAllMocks();
  const registry = MODELS as RegisteredModel[];
  if (registry.includes(corrupt)) registry.splice(registry.indexOf(corrupt), 1);
});

describe('the price model failing to load', () => {
  it.each([
    ['the active version is not shipped', () => ({ PRICE_MODEL_VERSION: '9.9.9' }), 0],
    [
      'the active model file is corrupt',
      () => {
        (MODELS as RegisteredModel[]).push(corrupt);
        return { PRICE_MODEL_VERSION: corrupt.card.version };
      },
      2,
    ],
  ])('when %s: predictions are 503 MODEL_UNAVAILABLE, the rest of the API works', async (_why, fault, loads) => {
    const s = await newShop();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const vars = fault();
    for (let attempt = 0; attempt < 2; attempt++) {
      // A failed load is not cached: each request tries again, and fails again while the fault lasts.
      const { res, body } = await predict(s, [ring()], { env: vars });
      expect(res.status, JSON.stringify(body)).toBe(503);
      expect(body).toMatchObject({ success: false, error: { status: 503, code: 'MODEL_UNAVAILABLE' } });
      expect(res.headers.get('Retry-After')).toBe('5');
    }
    // The corrupt file really went through ORT, and failed there, once per request.
    const failedLoads = errors.mock.calls
      .map(([line]) => JSON.parse(String(line)))
      .filter((l) => l.msg === 'price model failed to load');
    expect(failedLoads).toHaveLength(loads);
    for (const l of failedLoads) expect(l).toMatchObject({ level: 'error', version: corrupt.card.version });
    await expectTheRestWorks(s, vars);
    // The shipped model itself still answers once the setting names it again.
    expect((await predict(s, [ring()])).res.status).toBe(200);
  });
});
