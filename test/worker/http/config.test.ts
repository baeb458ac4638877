// A Worker with a bad configuration refuses every route but /health (500 MISCONFIGURED).
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_JWT_SECRET } from '../../../src/config';
import { callJson } from '../helpers';

/** A production secret: not the development one, at least 32 bytes. */
const PROD_SECRET = 'a-production-secret-that-is-long-enough-0123456789';

const BROKEN: [string, Record<string, unknown>][] = [
  ['JWT_SECRET is missing', { JWT_SECRET: undefined }],
  ['JWT_SECRET is shorter than 32 bytes', { JWT_SECRET: 'x'.repeat(31) }],
  ['JWT_SECRET_PREVIOUS is shorter than 32 bytes', { JWT_SECRET_PREVIOUS: 'too-short' }],
  ['the D1 binding is missing', { DB: undefined }],
  ['the KV binding is missing', { AUTH_KV: undefined }],
  ['the Durable Object binding is missing', { RATE_LIMITER: undefined }],
  ['production runs with the development secret', { ENVIRONMENT: 'production', JWT_SECRET: DEVELOPMENT_JWT_SECRET }],
  ['production allows any origin', { ENVIRONMENT: 'production', JWT_SECRET: PROD_SECRET, CORS_ORIGINS: '*' }],
  [
    'production lists "*" among other origins',
    { ENVIRONMENT: 'production', JWT_SECRET: PROD_SECRET, CORS_ORIGINS: 'https://shop.example.com, *' },
  ],
  ['a rate-limit policy is not LIMIT/SECONDS', { RATE_LIMIT_LOGIN: 'lots' }],
  ['a rate-limit window is zero', { RATE_LIMIT_API: '10/0' }],
  ['a token lifetime is not a number', { ACCESS_TOKEN_TTL: 'forever' }],
  ['ENVIRONMENT is neither development nor production', { ENVIRONMENT: 'staging' }],
  ['a flag is neither true nor false', { SIGNUP_ENABLED: 'yes' }],
];

const ROUTES: [string, RequestInit][] = [
  ['/api/v1/auth/login', { method: 'POST' }],
  ['/api/v1/products', {}],
  ['/api/v1/storefront/demo/products', {}],
  ['/openapi.json', {}],
  ['/docs', {}],
  ['/no-such-route', {}],
];

describe('a misconfigured Worker refuses to serve', () => {
  describe.each(BROKEN)('when %s', (_why, overrides) => {
    it.each(ROUTES)('%s answers 500 MISCONFIGURED', async (path, init) => {
      const { res, body } = await callJson(path, { ...init, env: overrides });
      expect(res.status).toBe(500);
      expect(body).toMatchObject({
        success: false,
        error: { status: 500, code: 'MISCONFIGURED', message: expect.any(String), request_id: expect.any(String) },
      });
      // Which setting is wrong goes to the log, not to the client.
      expect(body.error.details).toBeUndefined();
      expect(res.headers.get('x-request-id')).toBe(body.error.request_id);
    });

    it('/health still answers 200', async () => {
      const { res, body } = await callJson('/health', { env: overrides });
      expect(res.status).toBe(200);
      expect(body).toMatchObject({ success: true, data: { status: 'ok' } });
    });
  });
});

describe('a valid configuration serves', () => {
  it.each([
    ['the shipped wrangler.toml', {}],
    ['production with its own secret and listed origins', { ENVIRONMENT: 'production', JWT_SECRET: PROD_SECRET }],
    ['development with "*" CORS', { CORS_ORIGINS: '*' }],
    ['a policy switched off', { RATE_LIMIT_LOGIN: 'off' }],
    [
      'a rotation secret beside the current one',
      { JWT_SECRET_PREVIOUS: DEVELOPMENT_JWT_SECRET, JWT_SECRET: PROD_SECRET },
    ],
  ])('%s', async (_why, overrides) => {
    const { res, body } = await callJson('/api/v1/storefront/no-such-shop/products', { env: overrides });
    expect(body.error?.code).not.toBe('MISCONFIGURED');
    expect(res.status).toBe(404);
  });
});
