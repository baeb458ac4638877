// KV (revocation marks) unavailable: every authenticated request fails closed with 503
// AUTH_UNAVAILABLE, since "cannot tell whether this token was revoked" must not pass for "not
// revoked"; what needs no session (health, storefront, sign-in, refresh, which D1 decides) works.
// The /auth/me case alone is also in auth/auth.security.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { newShop, PASSWORD } from '../fixtures';
import { call, callJson } from '../helpers';
import { addProduct } from '../shop/catalog-fixtures';
import { newKey, writesOf } from '../shop/sales-fixtures';
import { downKv, readOnlyKv } from './broken';

const vars = { AUTH_KV: downKv };

describe('KV unavailable on the revocation check', () => {
  it('every authenticated route answers 503 AUTH_UNAVAILABLE and writes nothing', async () => {
    const s = await newShop();
    const product = await addProduct(s, { stock: 2 });
    const before = await writesOf(s.shop.id);
    const requests: [string, RequestInit & { json?: unknown }][] = [
      ['/api/v1/auth/me', {}],
      ['/api/v1/products', {}],
      ['/api/v1/predictions/models', {}],
      [
        '/api/v1/sales',
        {
          method: 'POST',
          headers: { 'Idempotency-Key': newKey() },
          json: { items: [{ product_id: product.id, quantity: 1 }], payment_method: 'cash' },
        },
      ],
      ['/api/v1/auth/logout', { method: 'POST', json: {} }],
    ];
    for (const [path, init] of requests) {
      const { res, body } = await callJson(path, { ...init, token: s.access, env: vars });
      expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(503);
      expect(body).toMatchObject({ success: false, error: { status: 503, code: 'AUTH_UNAVAILABLE' } });
      expect(res.headers.get('Retry-After')).toBe('1');
    }
    expect(await writesOf(s.shop.id)).toEqual(before);
    // The session was not ended by the outage: with KV back, the same token works.
    expect((await callJson('/api/v1/auth/me', { token: s.access })).res.status).toBe(200);
  });

  it('logs the failure as one line of the request that met it (its request id)', async () => {
    const s = await newShop();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const res = await call('/api/v1/auth/me', { token: s.access, env: vars });
    expect(res.status).toBe(503);
    const lines = warn.mock.calls.map((args) => JSON.parse(String(args[0])));
    warn.mockRestore();
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'revocation check failed',
        request_id: res.headers.get('X-Request-Id'),
      }),
    );
  });

  it('what needs no session keeps working: health, storefront, sign-in and refresh', async () => {
    const s = await newShop();
    await addProduct(s);
    const health = await callJson('/health', { env: vars });
    expect(health.res.status).toBe(200);
    const storefront = await callJson(`/api/v1/storefront/${s.shop.slug}/products`, { env: vars });
    expect(storefront.res.status).toBe(200);
    expect(storefront.body.data).toHaveLength(1);

    const login = await callJson('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'CF-Connecting-IP': '192.0.2.77' },
      json: { email: s.email, password: PASSWORD },
      env: vars,
    });
    expect(login.res.status, JSON.stringify(login.body)).toBe(200);
    const refreshed = await callJson('/api/v1/auth/refresh', {
      method: 'POST',
      json: { refresh_token: login.body.data.tokens.refresh_token },
      env: vars,
    });
    expect(refreshed.res.status, JSON.stringify(refreshed.body)).toBe(200);
    // The new tokens are usable once KV answers again, and not before.
    const access = refreshed.body.data.tokens.access_token;
    expect((await callJson('/api/v1/auth/me', { token: access, env: vars })).res.status).toBe(503);
    expect((await callJson('/api/v1/auth/me', { token: access })).res.status).toBe(200);
  });

  it('a sign-out whose revocation cannot be written is a 503 to retry, and the retry ends the session', async () => {
    const s = await newShop();
    const failed = await callJson('/api/v1/auth/logout', {
      method: 'POST',
      token: s.access,
      json: { refresh_token: s.refresh },
      env: { AUTH_KV: readOnlyKv },
    });
    expect(failed.res.status).toBe(503);
    expect(failed.body).toMatchObject({ success: false, error: { status: 503, code: 'AUTH_UNAVAILABLE' } });
    expect(failed.res.headers.get('Retry-After')).toBe('1');

    // Not done yet (the access token still works), and the client was told so: it retries.
    expect((await callJson('/api/v1/auth/me', { token: s.access })).res.status).toBe(200);
    const retried = await call('/api/v1/auth/logout', {
      method: 'POST',
      token: s.access,
      json: { refresh_token: s.refresh },
    });
    expect(retried.status).toBe(204);
    expect((await callJson('/api/v1/auth/me', { token: s.access })).res.status).toBe(401);
  });
});
