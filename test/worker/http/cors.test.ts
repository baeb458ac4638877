// CORS: only listed origins get Access-Control-Allow-Origin; "*" only in development.
import { describe, expect, it } from 'vitest';
import { call, callJson } from '../helpers';

const ALLOWED = 'https://pos.example.com';
const OTHER = 'https://evil.example.net';
const PROD = { ENVIRONMENT: 'production', JWT_SECRET: 'a-production-secret-that-is-long-enough-0123456789' };
const LISTED = { CORS_ORIGINS: `https://admin.example.com, ${ALLOWED}` };

const preflight = (origin: string, method = 'POST', headers = 'content-type,authorization') => ({
  method: 'OPTIONS',
  headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
});

const list = (value: string | null) => (value ?? '').split(',').map((s) => s.trim().toLowerCase());

describe.each([
  ['development', LISTED],
  ['production', { ...PROD, ...LISTED }],
])('in %s, a listed origin', (_env, env) => {
  it('gets its own origin echoed on a simple request, with the headers a client reads exposed', async () => {
    const res = await call('/health', { headers: { Origin: ALLOWED }, env });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    expect(list(res.headers.get('access-control-expose-headers'))).toEqual(
      expect.arrayContaining(['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy', 'idempotent-replayed']),
    );
    // Bearer tokens, not cookies: never credentials mode.
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('gets the origin on an error response too, so the client can read the envelope', async () => {
    const { res, body } = await callJson('/api/v1/products', { headers: { Origin: ALLOWED }, env });
    expect(res.status).toBe(401);
    expect(body.success).toBe(false);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('passes a preflight for every method and request header of the contract', async () => {
    const res = await call('/api/v1/auth/login', {
      ...preflight(ALLOWED, 'PATCH', 'content-type,authorization,idempotency-key,x-request-id'),
      env,
    });
    expect(res.status).toBe(204);
    const h = res.headers;
    expect(h.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(list(h.get('access-control-allow-methods'))).toEqual(
      expect.arrayContaining(['get', 'post', 'patch', 'delete', 'options']),
    );
    expect(list(h.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining(['content-type', 'authorization', 'idempotency-key', 'x-request-id']),
    );
    expect(Number(h.get('access-control-max-age'))).toBeGreaterThan(0);
  });
});

describe('an origin that is not listed', () => {
  it('gets no Access-Control-Allow-Origin on a simple request', async () => {
    const res = await call('/health', { headers: { Origin: OTHER }, env: LISTED });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('gets no Access-Control-Allow-Origin on a preflight', async () => {
    const res = await call('/api/v1/auth/login', { ...preflight(OTHER), env: LISTED });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is not matched by prefix, suffix or case', async () => {
    for (const origin of [`${ALLOWED}.evil.net`, `${ALLOWED}:8443`, 'http://pos.example.com', ALLOWED.toUpperCase()]) {
      const res = await call('/health', { headers: { Origin: origin }, env: LISTED });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('gets nothing when CORS_ORIGINS is empty', async () => {
    const res = await call('/health', { headers: { Origin: ALLOWED }, env: { CORS_ORIGINS: '' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('"*" in CORS_ORIGINS', () => {
  it('allows any origin in development', async () => {
    const env = { CORS_ORIGINS: '*' };
    const simple = await call('/health', { headers: { Origin: OTHER }, env });
    expect(simple.headers.get('access-control-allow-origin')).toBe('*');
    const pre = await call('/api/v1/auth/login', { ...preflight(OTHER), env });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is refused in production: the Worker is MISCONFIGURED', async () => {
    const { res, body } = await callJson('/api/v1/products', {
      headers: { Origin: OTHER },
      env: { ...PROD, CORS_ORIGINS: '*' },
    });
    expect(res.status).toBe(500);
    expect(body.error.code).toBe('MISCONFIGURED');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
