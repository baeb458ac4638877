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
import { localLimits, SYNC_MS } from '../../../src/rate-limit/local';
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

/** A documentation-range /64 (its first four groups) no other test (or earlier run against persisted state) uses. */
let nets = 0;
const uniqueNet = () => `2001:db8:${(++nets).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;
const uniqueIp = () => `${uniqueNet()}::1`;
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

afterEach(() => {
  vi.restoreAllMocks();
  localLimits.clock = Date.now;
});

/**
 * Moves time by hand for a local policy's key: the isolate's clock (restored after each test) and
 * the key's object's, which must agree as real clocks do.
 */
async function useLocalClock(start: number, policy: 'public', ip: string) {
  const clock = { now: start };
  localLimits.clock = () => clock.now;
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(limiterName(policy, ipKey(ip))));
  await runInDurableObject(stub, (instance: RateLimiter) => {
    instance.clock = () => clock.now;
  });
  return { clock, stub };
}

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

  it('readmits as the window slides, one request at a time (exact policy: the object decides)', async () => {
    const ip = uniqueIp();
    const email = 'slide@shop.test';
    const vars = { RATE_LIMIT_LOGIN: '2/10' };
    const clock = { now: 5_000_000 };
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(limiterName('login', `${ipKey(ip)}|${email}`)));
    await runInDurableObject(stub, (instance: RateLimiter) => {
      instance.clock = () => clock.now;
    });
    const attempt = () => send('/login', { ip, vars, json: creds(email) });
    const t0 = clock.now;
    expect((await attempt()).status).toBe(200);
    clock.now = t0 + 4000;
    expect((await attempt()).status).toBe(200);
    clock.now = t0 + 5000;
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('5');
    clock.now = t0 + 9999;
    expect((await attempt()).headers.get('Retry-After')).toBe('1');
    clock.now = t0 + 10_000;
    const back = await attempt();
    expect(back.status).toBe(200);
    expect(back.headers.get('RateLimit')).toBe('"login";r=0;t=4');
    expect((await attempt()).status).toBe(429);
  });

  it('readmits as the window slides in a local policy too (the isolate decides)', async () => {
    const ip = uniqueIp();
    const vars = { RATE_LIMIT_PUBLIC: '2/10' };
    const t0 = 7_000_000;
    const { clock } = await useLocalClock(t0, 'public', ip);
    expect((await send('/products', { ip, vars })).status).toBe(200);
    clock.now = t0 + 400;
    expect((await send('/products', { ip, vars })).status).toBe(200);
    clock.now = t0 + 500;
    const refused = await send('/products', { ip, vars });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Retry-After')).toBe('10');
    clock.now = t0 + 10_000;
    const back = await send('/products', { ip, vars });
    expect(back.status).toBe(200);
    expect(back.headers.get('RateLimit')).toBe('"public";r=0;t=1');
    expect((await send('/products', { ip, vars })).status).toBe(429);
  });

  it('a local policy learns what other isolates admitted within SYNC_MS, and refuses then', async () => {
    const ip = uniqueIp();
    const vars = { RATE_LIMIT_PUBLIC: '5/60' };
    const t0 = 9_000_000;
    const { clock, stub } = await useLocalClock(t0, 'public', ip);
    expect((await send('/products', { ip, vars })).status).toBe(200);
    // Another isolate reports four admissions of the same key: the limit of 5 is now used up.
    await stub.sync([t0, t0, t0, t0], 5, 60);
    // Until this isolate's view is SYNC_MS old it still decides on what it knew (the stated bound)...
    clock.now = t0 + SYNC_MS - 1;
    expect((await send('/products', { ip, vars })).status).toBe(200);
    // ...then it syncs, reports its own admissions and counts the others'.
    clock.now = t0 + SYNC_MS;
    const refused = await send('/products', { ip, vars });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('RateLimit')).toMatch(/^"public";r=0;t=\d+$/);
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
    // Fixed addresses here met the /64s uniqueIp() hands out (2001:db8:77:…) in the full run.
    const net = uniqueNet();
    expect((await send('/products', { ip: `${net}::1`, vars })).status).toBe(200);
    expect((await send('/products', { ip: `${net}:ffff:1:2:3`, vars })).status).toBe(429);
    expect((await send('/products', { ip: `${uniqueNet()}::1`, vars })).status).toBe(200);
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
  it('an exact policy makes one Durable Object call per request', async () => {
    const counter = countingBinding();
    const ip = uniqueIp();
    for (let i = 0; i < 3; i++) {
      await send('/login', { ip, json: creds('count@shop.test'), vars: { RATE_LIMITER: counter.binding } });
    }
    expect(counter.calls).toBe(3);
  });

  it('a local policy makes one Durable Object call per key per SYNC_MS, none while its view is fresh', async () => {
    const counter = countingBinding();
    const ip = uniqueIp();
    const { clock } = await useLocalClock(11_000_000, 'public', ip);
    for (let i = 0; i < 3; i++) await send('/products', { ip, vars: { RATE_LIMITER: counter.binding } });
    expect(counter.calls).toBe(1);
    clock.now += SYNC_MS;
    for (let i = 0; i < 3; i++) await send('/products', { ip, vars: { RATE_LIMITER: counter.binding } });
    expect(counter.calls).toBe(2);
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
