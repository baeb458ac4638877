// The rate limiter unavailable, through the real routes. The fail modes themselves (an object that
// throws or never answers, the warning logged) are tested on the middleware in
// rate-limit/middleware.test.ts; here: which routes of the Worker refuse, and which carry on.
import { describe, expect, it, onTestFinished } from 'vitest';
import { localLimits, SYNC_MS } from '../../../src/rate-limit/local';
import { newShop } from '../fixtures';
import { call, callJson } from '../helpers';
import { predict, ring } from '../ml/price-fixtures';
import { downLimiter, expectTheRestWorks } from './broken';

const vars = { RATE_LIMITER: downLimiter };

describe('the rate limiter unavailable', () => {
  it('the unauthenticated auth routes fail closed: 503 RATE_LIMITER_UNAVAILABLE', async () => {
    const s = await newShop();
    const requests: [string, unknown][] = [
      ['/api/v1/auth/login', { email: s.email, password: 'not-the-password-1' }],
      [
        '/api/v1/auth/register',
        {
          shop: { name: 'Down', slug: `down-${Date.now()}` },
          name: 'O',
          email: `down${Date.now()}@example.com`,
          password: 'Correct-Horse-42',
        },
      ],
      ['/api/v1/auth/refresh', { refresh_token: s.refresh }],
    ];
    for (const [path, json] of requests) {
      const { res, body } = await callJson(path, { method: 'POST', json, env: vars });
      expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(503);
      expect(body).toMatchObject({ success: false, error: { status: 503, code: 'RATE_LIMITER_UNAVAILABLE' } });
    }
    // Nothing was spent: the refresh token still rotates once the limiter is back.
    expect((await call('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } })).status).toBe(
      200,
    );
  });

  it('every other route fails open: served, without RateLimit headers', async () => {
    const s = await newShop();
    // The local policies decide without the object while an isolate's view is under SYNC_MS old
    // (limiter down or not); past that they must sync, which fails, and they fail open. Here every
    // reading of the isolate's clock is SYNC_MS later than the last, so every decision must sync.
    let now = Date.now();
    localLimits.clock = () => (now += SYNC_MS);
    onTestFinished(() => {
      localLimits.clock = Date.now;
    });
    await expectTheRestWorks(s, vars);
    const priced = await predict(s, [ring()], { env: vars });
    expect(priced.res.status, JSON.stringify(priced.body)).toBe(200);
    expect(priced.res.headers.get('RateLimit')).toBeNull();
    const catalog = await call('/api/v1/products', { token: s.access, env: vars });
    expect(catalog.status).toBe(200);
    expect(catalog.headers.get('RateLimit')).toBeNull();
  });
});
