// A Worker with a bad configuration refuses every route but /health (500 MISCONFIGURED).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DEVELOPMENT_JWT_SECRET } from '../../../src/config';
import { call, callJson } from '../helpers';

/** A production secret: not the development one, at least 32 bytes. */
const PROD_SECRET = 'a-production-secret-that-is-long-enough-0123456789';

const BROKEN: [string, Record<string, unknown>][] = [
  ['JWT_SECRET is missing', { JWT_SECRET: undefined }],
  ['JWT_SECRET is shorter than 32 bytes', { JWT_SECRET: 'x'.repeat(31) }],
  ['JWT_SECRET_PREVIOUS is shorter than 32 bytes', { JWT_SECRET_PREVIOUS: 'too-short' }],
  ['the D1 binding is missing', { DB: undefined }],
  ['the KV binding is missing', { AUTH_KV: undefined }],
  ['the Durable Object binding is missing', { RATE_LIMITER: undefined }],
  ['the R2 image bucket is missing', { IMAGES: undefined }],
  ['the Analytics Engine dataset is missing', { METRICS: undefined }],
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

describe('wrangler.toml [env.production] as a deploy gets it', () => {
  // Vars are not inherited by an environment: only [env.production.vars] and the secrets put there.
  const deployed = (secrets: Record<string, string>) => ({
    ...Object.fromEntries(
      Object.entries(env)
        .filter(([, v]) => typeof v === 'string')
        .map(([k]) => [k, undefined]),
    ),
    ...env.TEST_PRODUCTION_VARS,
    ...secrets,
  });

  it.each([
    ['before `wrangler secret put JWT_SECRET` (the development one is not inherited)', {}],
    ['with the development secret put as the production one', { JWT_SECRET: DEVELOPMENT_JWT_SECRET }],
  ])('%s refuses to serve', async (_why, secrets) => {
    const { res, body } = await callJson('/api/v1/products', { env: deployed(secrets) });
    expect(res.status).toBe(500);
    expect(body.error.code).toBe('MISCONFIGURED');
    expect((await call('/health', { env: deployed(secrets) })).status).toBe(200);
  });

  it('with its own secret serves, without the development defaults: no docs, no sign-up, no "*" CORS', async () => {
    const vars = deployed({ JWT_SECRET: PROD_SECRET });
    expect(env.TEST_PRODUCTION_VARS.ENVIRONMENT).toBe('production');
    for (const path of ['/docs', '/openapi.json']) {
      const { res, body } = await callJson(path, { env: vars });
      expect(res.status, path).toBe(404);
      expect(body.error.code).toBe('NOT_FOUND');
    }
    const register = await callJson('/api/v1/auth/register', {
      method: 'POST',
      json: {
        shop: { name: 'X', slug: 'prod-config-x' },
        name: 'O',
        email: 'x@example.com',
        password: 'Correct-Horse-42',
      },
      env: vars,
    });
    expect(register.body.error?.code).toBe('SIGNUP_DISABLED');
    const cors = await call('/api/v1/storefront/no-such-shop/products', {
      headers: { Origin: 'https://attacker.example' },
      env: vars,
    });
    expect(cors.status).toBe(404);
    expect(cors.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});
