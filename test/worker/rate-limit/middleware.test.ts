// rateLimit() on a tiny app built from the real pieces (router, config guard, body parser, onError)
// against the real RateLimiter objects, plus injected failing bindings for the fail modes.
import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Env } from '../../../src/env';
import { jsonBody as parseJsonBody } from '../../../src/http/body';
import { configGuard } from '../../../src/http/config-guard';
import { ApiError, onError } from '../../../src/http/errors';
import { createRouter, defineRoute, jsonBody, jsonContent, z } from '../../../src/http/openapi';
import { requestId } from '../../../src/http/request-id';
import type { RateLimiter } from '../../../src/rate-limit/durable-object';
import { byIp, byIpAndEmail, byUser, ipKey, limiterName, rateLimit } from '../../../src/rate-limit/middleware';
import { call } from '../helpers';

const Ok = jsonContent(z.object({ ok: z.boolean() }), 'ok');

function buildApp() {
  const app = createRouter();
  app.use('*', requestId, configGuard, parseJsonBody);
  app.openapi(
    defineRoute({
      method: 'post',
      path: '/login',
      operationId: 'login',
      middleware: [rateLimit('login', byIpAndEmail, { failMode: 'closed' })],
      request: jsonBody(z.strictObject({ email: z.string(), password: z.string() })),
      responses: { 200: Ok },
    }),
    (c) => c.json({ ok: true }, 200),
  );
  app.openapi(
    defineRoute({
      method: 'get',
      path: '/products',
      operationId: 'products',
      middleware: [rateLimit('public', byIp, { failMode: 'open' })],
      responses: { 200: Ok },
    }),
    (c) => c.json({ ok: true }, 200),
  );
  app.openapi(
    defineRoute({
      method: 'get',
      path: '/conflict',
      operationId: 'conflict',
      middleware: [rateLimit('public', byIp, { failMode: 'open' })],
      responses: { 200: Ok },
    }),
    () => {
      throw new ApiError(409, 'CONFLICT', 'the handler failed after the limiter admitted it');
    },
  );
  app.openapi(
    defineRoute({
      method: 'get',
      path: '/mine',
      operationId: 'mine',
      middleware: [rateLimit('api', byUser, { failMode: 'open' })],
      responses: { 200: Ok },
    }),
    (c) => c.json({ ok: true }, 200),
  );
  app.onError(onError);
  return app;
}

const app = buildApp();

interface SendOptions {
  ip: string;
  method?: string;
  json?: unknown;
  vars?: Record<string, unknown>;
}

async function send(path: string, { ip, method, json, vars }: SendOptions) {
  const headers = new Headers({ 'CF-Connecting-IP': ip });
  if (json !== undefined) headers.set('Content-Type', 'application/json');
  const req = new Request(`https://tijori.test${path}`, {
    method: method ?? (json === undefined ? 'GET' : 'POST'),
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const ctx = createExecutionContext();
  const res = await app.fetch(req, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A documentation-range /64 no other test (or earlier run against persisted state) uses. */
let hosts = 0;
const uniqueIp = () => `2001:db8:${(++hosts).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}::1`;
const creds = (email: string) => ({ email, password: 'wrong-password-123' });

/** A RATE_LIMITER binding that is there (config accepts it) but whose object throws, or never answers. */
const failingBinding = (hit: () => unknown) => ({
  idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
  get: () => ({ hit }),
});

/** The real binding, counting the objects the middleware talks to. */
function countingBinding() {
  const counter = {
    calls: 0,
    binding: {
      idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
      get: (id: DurableObjectId) => {
        counter.calls++;
        return env.RATE_LIMITER.get(id);
      },
    },
  };
  return counter;
}

beforeAll(async () => {
  // Start the object class once, so the first real test is not timed against a cold runtime.
  await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName('test:warm-up')).hit(1, 1);
});

afterEach(() => vi.restoreAllMocks());

describe('rateLimit admission', () => {
  it('admits exactly the limit out of 30 concurrent requests', async () => {
    const ip = uniqueIp();
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => send('/login', { ip, json: creds('owner@shop.test') })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });

  it('puts the policy and the remaining quota on allowed responses', async () => {
    const res = await send('/login', { ip: uniqueIp(), json: creds('a@shop.test') });
    expect(res.status).toBe(200);
    expect(res.headers.get('RateLimit-Policy')).toBe('"login";q=5;w=60');
    expect(res.headers.get('RateLimit')).toBe('"login";r=4;t=60');
    expect(res.headers.get('Retry-After')).toBeNull();
  });

  it('refuses with 429, the envelope, Retry-After and the headers', async () => {
    const ip = uniqueIp();
    const vars = { RATE_LIMIT_PUBLIC: '2/30' };
    for (let i = 0; i < 2; i++) expect((await send('/products', { ip, vars })).status).toBe(200);
    const res = await send('/products', { ip, vars });
    expect(res.status).toBe(429);
    expect(res.headers.get('RateLimit-Policy')).toBe('"public";q=2;w=30');
    expect(res.headers.get('RateLimit')).toMatch(/^"public";r=0;t=\d+$/);
    const retryAfter = Number(res.headers.get('Retry-After'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(res.headers.get('RateLimit')).toBe(`"public";r=0;t=${retryAfter}`);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ success: false, error: { status: 429, code: 'RATE_LIMITED' } });
    expect(body.error.request_id).toEqual(expect.any(String));
  });

  it('keeps the headers on an error the handler throws after admission', async () => {
    const res = await send('/conflict', { ip: uniqueIp() });
    expect(res.status).toBe(409);
    expect(res.headers.get('RateLimit-Policy')).toBe('"public";q=300;w=60');
    expect(res.headers.get('RateLimit')).toBe('"public";r=299;t=60');
  });

  it('limits before validation, so malformed attempts count too', async () => {
    const ip = uniqueIp();
    const vars = { RATE_LIMIT_LOGIN: '1/60' };
    expect((await send('/login', { ip, vars, json: { nonsense: true } })).status).toBe(400);
    expect((await send('/login', { ip, vars, json: { nonsense: true } })).status).toBe(429);
  });

  it('readmits as the window slides, one request at a time', async () => {
    const ip = uniqueIp();
    const vars = { RATE_LIMIT_PUBLIC: '2/10' };
    const clock = { now: 5_000_000 };
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(limiterName('public', ipKey(ip))));
    await runInDurableObject(stub, (instance: RateLimiter) => {
      instance.clock = () => clock.now;
    });
    const t0 = clock.now;
    expect((await send('/products', { ip, vars })).status).toBe(200);
    clock.now = t0 + 4000;
    expect((await send('/products', { ip, vars })).status).toBe(200);
    clock.now = t0 + 5000;
    const refused = await send('/products', { ip, vars });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('5');
    clock.now = t0 + 9999;
    const stillRefused = await send('/products', { ip, vars });
    expect(stillRefused.headers.get('Retry-After')).toBe('1');
    clock.now = t0 + 10_000;
    const back = await send('/products', { ip, vars });
    expect(back.status).toBe(200);
    expect(back.headers.get('RateLimit')).toBe('"public";r=0;t=4');
    expect((await send('/products', { ip, vars })).status).toBe(429);
  });
});

describe('rateLimit keys', () => {
  it('counts each client separately', async () => {
    const vars = { RATE_LIMIT_PUBLIC: '1/60' };
    const a = uniqueIp();
    expect((await send('/products', { ip: a, vars })).status).toBe(200);
    expect((await send('/products', { ip: a, vars })).status).toBe(429);
    expect((await send('/products', { ip: uniqueIp(), vars })).status).toBe(200);
  });

  it('counts one IPv6 /64 as one client', async () => {
    const vars = { RATE_LIMIT_PUBLIC: '1/60' };
    expect((await send('/products', { ip: '2001:db8:77:1::1', vars })).status).toBe(200);
    expect((await send('/products', { ip: '2001:db8:77:1:ffff:1:2:3', vars })).status).toBe(429);
    expect((await send('/products', { ip: '2001:db8:77:2::1', vars })).status).toBe(200);
  });

  it('login counts per address and normalised email', async () => {
    const ip = uniqueIp();
    const vars = { RATE_LIMIT_LOGIN: '1/60' };
    expect((await send('/login', { ip, vars, json: creds('Cashier@Shop.test') })).status).toBe(200);
    expect((await send('/login', { ip, vars, json: creds('  cashier@shop.test ') })).status).toBe(429);
    expect((await send('/login', { ip, vars, json: creds('owner@shop.test') })).status).toBe(200);
    expect((await send('/login', { ip: uniqueIp(), vars, json: creds('cashier@shop.test') })).status).toBe(200);
  });

  it('a per-user limit declared without requireAuth is a server bug, not a pass', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await send('/mine', { ip: uniqueIp() });
    expect(res.status).toBe(500);
    // Development reveals the message; it names the fix.
    expect(((await res.json()) as any).error.message).toMatch(/requireAuth\(\) earlier in the route middleware/);
  });
});

describe('rateLimit cost and off', () => {
  it('makes exactly one Durable Object call per limited request', async () => {
    const counter = countingBinding();
    const ip = uniqueIp();
    for (let i = 0; i < 3; i++) await send('/products', { ip, vars: { RATE_LIMITER: counter.binding } });
    expect(counter.calls).toBe(3);
  });

  it('"off" skips the limiter: no headers, no Durable Object call', async () => {
    const counter = countingBinding();
    const ip = uniqueIp();
    for (let i = 0; i < 10; i++) {
      const res = await send('/products', { ip, vars: { RATE_LIMIT_PUBLIC: 'off', RATE_LIMITER: counter.binding } });
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit')).toBeNull();
      expect(res.headers.get('RateLimit-Policy')).toBeNull();
    }
    expect(counter.calls).toBe(0);
  });

  it('/health is never limited and never touches the limiter', async () => {
    const counter = countingBinding();
    for (let i = 0; i < 3; i++) {
      const res = await call('/health', {
        env: { RATE_LIMITER: counter.binding as unknown as Env['RATE_LIMITER'], RATE_LIMIT_PUBLIC: '1/60' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('RateLimit')).toBeNull();
    }
    expect(counter.calls).toBe(0);
  });
});

describe('when the limiter is unavailable', () => {
  const throwing = failingBinding(() => {
    throw new Error('Durable Object is overloaded');
  });
  const hanging = failingBinding(() => new Promise(() => {}));

  function warnings(spy: ReturnType<typeof vi.spyOn>) {
    return spy.mock.calls.map((args: unknown[]) => JSON.parse(String(args[0])));
  }

  it.each([
    ['throws', throwing],
    ['never answers', hanging],
  ])('an auth route fails closed when the object %s', async (_name, binding) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const res = await send('/login', { ip: uniqueIp(), json: creds('a@shop.test'), vars: { RATE_LIMITER: binding } });
    expect(res.status).toBe(503);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ success: false, error: { status: 503, code: 'RATE_LIMITER_UNAVAILABLE' } });
    expect(res.headers.get('RateLimit')).toBeNull();
    const logged = warnings(warn);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', policy: 'login', fail_mode: 'closed' });
    expect(JSON.stringify(logged[0])).not.toContain('a@shop.test');
  });

  it.each([
    ['throws', throwing],
    ['never answers', hanging],
  ])('a read route fails open when the object %s', async (_name, binding) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const res = await send('/products', { ip: uniqueIp(), vars: { RATE_LIMITER: binding } });
    expect(res.status).toBe(200);
    expect(res.headers.get('RateLimit')).toBeNull();
    const logged = warnings(warn);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', policy: 'public', fail_mode: 'open' });
  });
});
