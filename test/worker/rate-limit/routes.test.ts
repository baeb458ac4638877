// The policies the real routes declare: which policy each route counts against, under which key,
// and that a refused request is refused before the handler runs.
import { describe, expect, it } from 'vitest';
import { newShop, PASSWORD, randomIp, unique } from '../fixtures';
import { call, callJson } from '../helpers';
import { predict, ring } from '../ml/price-fixtures';

const policyOf = (res: Response) => res.headers.get('RateLimit-Policy');

const loginFrom = (ip: string, email: string, password = PASSWORD) =>
  call('/api/v1/auth/login', { method: 'POST', headers: { 'CF-Connecting-IP': ip }, json: { email, password } });

describe('login: RATE_LIMIT_LOGIN (5/60) per client address and email', () => {
  it('refuses the sixth attempt in a minute, even with the right password, and names when to retry', async () => {
    const { email } = await newShop();
    const ip = randomIp();
    const first = Date.now();
    for (let i = 0; i < 5; i++) {
      const res = await loginFrom(ip, email, 'Wrong-Password-99');
      expect(res.status).toBe(401);
      expect(policyOf(res)).toBe('"login";q=5;w=60');
      // t counts down from the first attempt: 60 s, less however long the scrypt logins took so far.
      const [, remaining, t] = /^"login";r=(\d+);t=(\d+)$/.exec(res.headers.get('RateLimit') ?? '') ?? [];
      expect(Number(remaining)).toBe(4 - i);
      expect(Number(t)).toBeLessThanOrEqual(60);
      expect(Number(t)).toBeGreaterThanOrEqual(60 - Math.ceil((Date.now() - first) / 1000));
    }
    const refused = await loginFrom(ip, email);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as any;
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('Retry-After'))).toBeLessThanOrEqual(60);
  });

  it('counts another address, or another email from the same address, separately', async () => {
    const [a, b] = [await newShop(), await newShop()];
    const ip = randomIp();
    for (let i = 0; i < 5; i++) await loginFrom(ip, a.email, 'Wrong-Password-99');
    expect((await loginFrom(ip, a.email)).status).toBe(429);
    expect((await loginFrom(randomIp(), a.email)).status).toBe(200);
    expect((await loginFrom(ip, b.email)).status).toBe(200);
  });

  it('normalises the email in the key, so case and spaces do not buy more guesses', async () => {
    const { email } = await newShop();
    const ip = randomIp();
    for (const variant of [
      email,
      email.toUpperCase(),
      ` ${email}`,
      `${email} `,
      email.replace(/^./, (c) => c.toUpperCase()),
    ]) {
      expect((await loginFrom(ip, variant, 'Wrong-Password-99')).status).toBe(401);
    }
    expect((await loginFrom(ip, email)).status).toBe(429);
  });
});

describe('register and refresh: per client address', () => {
  it('register counts against "register" by address', async () => {
    const ip = randomIp();
    const register = () => {
      const slug = unique('rl-');
      return call('/api/v1/auth/register', {
        method: 'POST',
        headers: { 'CF-Connecting-IP': ip },
        json: { shop: { name: 'Shop', slug }, name: 'Owner', email: `${slug}@example.com`, password: PASSWORD },
        env: { RATE_LIMIT_REGISTER: '2/3600' },
      });
    };
    expect((await register()).status).toBe(201);
    const second = await register();
    expect(second.status).toBe(201);
    expect(policyOf(second)).toBe('"register";q=2;w=3600');
    const third = await register();
    expect(third.status).toBe(429);
  });

  it('refresh counts against "refresh" by address, and a refused refresh does not spend the token', async () => {
    const session = await newShop();
    const ip = randomIp();
    const refresh = (token: string) =>
      callJson('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'CF-Connecting-IP': ip },
        json: { refresh_token: token },
        env: { RATE_LIMIT_REFRESH: '1/60' },
      });
    const first = await refresh(session.refresh);
    expect(first.res.status).toBe(200);
    expect(policyOf(first.res)).toBe('"refresh";q=1;w=60');
    const next = first.body.data.tokens.refresh_token;
    expect((await refresh(next)).res.status).toBe(429);
    // Still unspent: from another address it rotates normally (no REFRESH_TOKEN_REUSED).
    const elsewhere = await callJson('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'CF-Connecting-IP': randomIp() },
      json: { refresh_token: next },
    });
    expect(elsewhere.res.status).toBe(200);
  });
});

describe('authenticated routes: RATE_LIMIT_API per user, one policy per route', () => {
  it('counts each user separately and refuses past the limit', async () => {
    const [a, b] = [await newShop(), await newShop()];
    const env = { RATE_LIMIT_API: '3/60' };
    for (let i = 0; i < 3; i++) {
      const res = await call('/api/v1/auth/me', { token: a.access, env });
      expect(res.status).toBe(200);
      expect(policyOf(res)).toBe('"api";q=3;w=60');
    }
    const refused = await callJson('/api/v1/products', { token: a.access, env });
    expect(refused.res.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect((await call('/api/v1/auth/me', { token: b.access, env })).status).toBe(200);
  });

  it('a request without a valid token is refused before it is counted', async () => {
    const res = await call('/api/v1/auth/me', { token: 'not-a-token' });
    expect(res.status).toBe(401);
    expect(policyOf(res)).toBeNull();
  });

  it('predictions count against "predict" per shop only, not also against "api"', async () => {
    const owner = await newShop();
    const { res } = await predict(owner, [ring()]);
    expect(res.status).toBe(200);
    expect(policyOf(res)).toBe('"predict";q=120;w=60');
  });

  it('/health carries no rate-limit headers', async () => {
    const res = await call('/health');
    expect(res.status).toBe(200);
    expect(policyOf(res)).toBeNull();
  });
});
