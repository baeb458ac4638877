import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLISHED_MODEL_KEY } from '../../../src/ml/published';
import { call, type Json } from '../helpers';
import { predict, ring, sharedShop } from './price-fixtures';

// What `npm run admin -- model publish <version>` writes; the Worker reads it on each request.
describe('a published price model version', () => {
  afterEach(() => env.AUTH_KV.delete(PUBLISHED_MODEL_KEY));

  const activeVersions = async (access: string, vars: Json) => {
    const res = await call('/api/v1/predictions/models', { token: access, env: vars });
    return ((await res.json()) as Json).data.filter((m: Json) => m.active).map((m: Json) => m.version);
  };

  it('wins over PRICE_MODEL_VERSION without a redeploy', async () => {
    const s = await sharedShop();
    const vars = { PRICE_MODEL_VERSION: '9.9.9' };
    expect((await predict(s, [ring()], { env: vars })).res.status).toBe(503);

    await env.AUTH_KV.put(PUBLISHED_MODEL_KEY, '1.0.0');
    const { res, body } = await predict(s, [ring()], { env: vars });
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.data.model.version).toBe('1.0.0');
    expect(await activeVersions(s.access, vars)).toEqual(['1.0.0']);
  });

  it('that is not shipped leaves no model active (503 on predictions), whatever the var says', async () => {
    const s = await sharedShop();
    await env.AUTH_KV.put(PUBLISHED_MODEL_KEY, '9.9.9');
    const { res, body } = await predict(s, [ring()]);
    expect(res.status).toBe(503);
    expect(body.error.code).toBe('MODEL_UNAVAILABLE');
    expect(await activeVersions(s.access, {})).toEqual([]);
  });
});
