import { env } from 'cloudflare:test';
import { base64url, SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AUDIENCE, ISSUER } from '../../../src/auth/tokens';
import { login, newShop } from '../fixtures';
import { call, callJson } from '../helpers';

const SECRET = env.JWT_SECRET!;
const key = new TextEncoder().encode(SECRET);

const me = (token: string) => callJson('/api/v1/auth/me', { token });

function decode(token: string) {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(new TextDecoder().decode(base64url.decode(h!))),
    payload: JSON.parse(new TextDecoder().decode(base64url.decode(p!))),
  };
}

/** Re-sign a real token's claims with changes, using the real secret unless told otherwise. */
async function forge(
  token: string,
  {
    header = {},
    payload = {},
    secret = key,
    drop = [] as string[],
  }: { header?: object; payload?: object; secret?: Uint8Array; drop?: string[] } = {},
) {
  const real = decode(token);
  const claims = { ...real.payload, ...payload };
  for (const name of drop) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ ...real.header, ...header }).sign(secret);
}

async function expectRefused(token: string, code = 'INVALID_TOKEN') {
  const { res, body } = await me(token);
  expect(res.status).toBe(401);
  expect(body.error.code).toBe(code);
}

describe('access tokens an attacker might try', () => {
  it('the genuine token works (control)', async () => {
    const s = await newShop();
    expect((await me(s.access)).res.status).toBe(200);
    expect(decode(s.access).header).toMatchObject({ alg: 'HS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(decode(s.access).payload).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: s.user.id,
      shop: s.shop.id,
      role: 'owner',
    });
  });

  it('alg: none is refused', async () => {
    const s = await newShop();
    const unsigned = new UnsecuredJWT(decode(s.access).payload).encode();
    await expectRefused(unsigned);
  });

  it('a token signed with another key is refused', async () => {
    const s = await newShop();
    await expectRefused(
      await forge(s.access, { secret: new TextEncoder().encode('another-secret-that-is-long-enough-123') }),
    );
  });

  it('a tampered payload is refused', async () => {
    const s = await newShop();
    const [h, , sig] = s.access.split('.');
    const payload = { ...decode(s.access).payload, role: 'owner', shop: 'someone-elses-shop' };
    const tampered = `${h}.${base64url.encode(JSON.stringify(payload))}.${sig}`;
    await expectRefused(tampered);
  });

  it('an expired token is refused as expired', async () => {
    const s = await newShop();
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRefused(await forge(s.access, { payload: { iat: past - 900, exp: past } }), 'TOKEN_EXPIRED');
  });

  it.each([
    ['wrong audience', { aud: 'some-other-api' }],
    ['wrong issuer', { iss: 'evil' }],
  ])('%s is refused', async (_name, payload) => {
    const s = await newShop();
    await expectRefused(await forge(s.access, { payload }));
  });

  it('a token without exp is refused', async () => {
    const s = await newShop();
    await expectRefused(await forge(s.access, { drop: ['exp'] }));
  });

  it('a token with another typ is refused', async () => {
    const s = await newShop();
    await expectRefused(await forge(s.access, { header: { typ: 'JWT' } }));
  });

  it('a refresh token is never accepted as an access token', async () => {
    const s = await newShop();
    await expectRefused(s.refresh);
  });

  it('an access token is never accepted as a refresh token', async () => {
    const s = await newShop();
    const { res, body } = await callJson('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.access } });
    expect(res.status).toBe(401);
    expect(body.error.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('no token, or a malformed header, is 401 with WWW-Authenticate', async () => {
    const none = await call('/api/v1/auth/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const basic = await call('/api/v1/auth/me', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
  });
});

describe('secret rotation', () => {
  it('a token signed with JWT_SECRET_PREVIOUS still verifies; new tokens use the new secret', async () => {
    const s = await newShop();
    const rotated = { JWT_SECRET: 'the-brand-new-signing-secret-0123456789', JWT_SECRET_PREVIOUS: SECRET };
    expect((await callJson('/api/v1/auth/me', { token: s.access, env: rotated })).res.status).toBe(200);
    // Once the previous secret is dropped, its tokens are refused.
    const dropped = { JWT_SECRET: 'the-brand-new-signing-secret-0123456789' };
    expect((await callJson('/api/v1/auth/me', { token: s.access, env: dropped })).res.status).toBe(401);
  });
});

describe('refresh-token reuse', () => {
  it('presenting a spent refresh token revokes the whole family, including the child issued before', async () => {
    const s = await newShop();
    const first = await callJson('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } });
    const child = first.body.data.tokens;
    const replay = await callJson('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } });
    expect(replay.res.status).toBe(401);
    expect(replay.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    // The child refresh token and the access tokens of the family are dead too.
    const childRefresh = await callJson('/api/v1/auth/refresh', {
      method: 'POST',
      json: { refresh_token: child.refresh_token },
    });
    expect(childRefresh.res.status).toBe(401);
    expect((await me(child.access_token)).res.status).toBe(401);
    expect((await me(s.access)).res.status).toBe(401);
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE shop_id = ? AND action = 'auth.refresh_token_reused'",
    )
      .bind(s.shop.id)
      .first<{ n: number }>();
    expect(audit?.n).toBe(1);
  });

  it('a reuse in one login leaves the user’s other logins alone', async () => {
    const s = await newShop();
    const other = await login(s.email);
    await callJson('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } });
    await callJson('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } });
    expect((await me(other.access)).res.status).toBe(200);
  });

  it('two concurrent refreshes with one token: exactly one wins', async () => {
    const s = await newShop();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        call('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((st) => st === 200)).toHaveLength(1);
    expect(statuses.filter((st) => st === 401)).toHaveLength(7);
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM refresh_tokens WHERE user_id = ?')
      .bind(s.user.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(2);
  });
});

describe('deactivation and suspension', () => {
  it('a deactivated user is refused on the next request, even with an unexpired token', async () => {
    const owner = await newShop();
    const { newStaff } = await import('../fixtures');
    const cashier = await newStaff(owner, 'cashier');
    expect((await me(cashier.access)).res.status).toBe(200);
    const off = await callJson(`/api/v1/users/${cashier.user.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { active: false },
    });
    expect(off.res.status).toBe(200);
    expect((await me(cashier.access)).res.status).toBe(401);
    expect(
      (await call('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: cashier.refresh } })).status,
    ).toBe(401);
    const again = await callJson('/api/v1/auth/login', {
      method: 'POST',
      json: { email: cashier.email, password: 'Correct-Horse-42' },
    });
    expect(again.res.status).toBe(403);
    expect(again.body.error.code).toBe('ACCOUNT_DISABLED');
  });

  it('a suspended shop’s tokens are refused and its users cannot sign in', async () => {
    const s = await newShop();
    const { beforeMark, keys } = await import('../../../src/auth/revocation');
    // What the admin CLI does (its own suite runs it): mark the shop suspended in D1 and write the
    // shop's "issued before now" mark in KV.
    await env.DB.prepare("UPDATE shops SET status = 'suspended' WHERE id = ?").bind(s.shop.id).run();
    await env.AUTH_KV.put(keys.shop(s.shop.id), beforeMark(Date.now()));
    expect((await me(s.access)).res.status).toBe(401);
    // Its refresh families are still live in D1 (only KV was marked): refresh finds the shop suspended.
    const refreshed = await callJson('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } });
    expect(refreshed.res.status).toBe(403);
    expect(refreshed.body.error.code).toBe('ACCOUNT_DISABLED');
    const again = await callJson('/api/v1/auth/login', {
      method: 'POST',
      json: { email: s.email, password: 'Correct-Horse-42' },
    });
    expect(again.body.error.code).toBe('ACCOUNT_DISABLED');
  });

  it('the revocation check fails closed when KV is unavailable', async () => {
    const s = await newShop();
    const brokenKv = {
      get: () => Promise.reject(new Error('KV down')),
      put: () => Promise.reject(new Error('KV down')),
    };
    const { res, body } = await callJson('/api/v1/auth/me', {
      token: s.access,
      env: { AUTH_KV: brokenKv as unknown as KVNamespace },
    });
    expect(res.status).toBe(503);
    expect(body.error.code).toBe('AUTH_UNAVAILABLE');
  });
});

describe('what responses never contain', () => {
  it('no password, hash or refresh-token hash appears in any account response', async () => {
    const s = await newShop();
    const bodies = [
      JSON.stringify((await me(s.access)).body),
      JSON.stringify((await callJson('/api/v1/users', { token: s.access })).body),
      JSON.stringify(
        (
          await callJson('/api/v1/auth/login', {
            method: 'POST',
            json: { email: s.email, password: 'Correct-Horse-42' },
          })
        ).body,
      ),
    ];
    for (const text of bodies) {
      expect(text).not.toMatch(/password|hash|scrypt/i);
      expect(text).not.toContain('Correct-Horse-42');
    }
  });

  it('the audit log never holds passwords or tokens', async () => {
    const s = await newShop();
    await callJson('/api/v1/auth/login', { method: 'POST', json: { email: s.email, password: 'Wrong-Password-1' } });
    await call('/api/v1/auth/logout', { method: 'POST', token: s.access, json: { refresh_token: s.refresh } });
    const { results } = await env.DB.prepare('SELECT * FROM audit_log WHERE shop_id = ?').bind(s.shop.id).all();
    const text = JSON.stringify(results);
    expect(results.map((r) => r.action)).toEqual(expect.arrayContaining(['auth.login_failed', 'auth.logout']));
    for (const secret of ['Correct-Horse-42', 'Wrong-Password-1', s.refresh, s.access])
      expect(text).not.toContain(secret);
  });

  it('unknown JSON fields are a 400 naming the field', async () => {
    const { res, body } = await callJson('/api/v1/auth/login', {
      method: 'POST',
      json: { email: 'a@example.com', password: 'Whatever-123', admin: true },
    });
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(body.error.details)).toContain('admin');
  });
});

describe('issue 11: token bounds', () => {
  const nowS = () => Date.now() / 1000;

  it('a token issued in the future is refused; a few seconds of clock skew are not', async () => {
    const s = await newShop();
    await expectRefused(await forge(s.access, { payload: { iat: nowS() + 60 } }));
    expect((await me(await forge(s.access, { payload: { iat: nowS() + 2 } }))).res.status).toBe(200);
  });

  it('a token living longer than ACCESS_TOKEN_TTL is refused', async () => {
    const s = await newShop();
    const iat = nowS() - 10;
    await expectRefused(await forge(s.access, { payload: { iat, exp: Math.floor(iat) + 900 + 3600 } }));
    expect((await me(await forge(s.access, { payload: { iat, exp: Math.floor(iat) + 900 } }))).res.status).toBe(200);
  });
});

describe('issue 11: refused sign-ins and password checks', () => {
  const attempt = (email: string, ip: string) =>
    callJson('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'CF-Connecting-IP': ip },
      json: { email, password: 'Wrong-Password-1' },
    });

  it('a wrong password and an unknown email answer alike: status, body, headers, no bookmark', async () => {
    const s = await newShop();
    const known = await attempt(s.email, '10.9.0.1');
    const unknown = await attempt(`nobody-${s.email}`, '10.9.0.2');
    expect(known.res.status).toBe(401);
    expect(unknown.res.status).toBe(known.res.status);
    const { request_id: _k, ...knownError } = known.body.error;
    const { request_id: _u, ...unknownError } = unknown.body.error;
    expect(unknownError).toEqual(knownError);
    const names = (res: Response) => [...res.headers.keys()].sort();
    expect(names(unknown.res)).toEqual(names(known.res));
    // The bookmark told whether the request wrote (the audit row of a known email): none is sent.
    expect(known.res.headers.get('x-d1-bookmark')).toBeNull();
    expect(unknown.res.headers.get('x-d1-bookmark')).toBeNull();
    const audit = await env.DB.prepare(
      "SELECT actor_id FROM audit_log WHERE shop_id = ? AND action = 'auth.login_failed'",
    )
      .bind(s.shop.id)
      .all();
    expect(audit.results).toEqual([{ actor_id: s.user.id }]);
  });

  it('POST /auth/password is limited like a sign-in, per user, and every wrong guess is audited', async () => {
    const s = await newShop();
    const guess = (token: string) =>
      callJson('/api/v1/auth/password', {
        method: 'POST',
        token,
        json: { current_password: 'Wrong-Password-1', new_password: 'Another-Password-7' },
      });
    // The login policy is 5 per 60 s (wrangler.toml); a second session of the user shares the count.
    const other = await login(s.email);
    for (let i = 0; i < 5; i++) expect((await guess(i % 2 ? other.access : s.access)).res.status).toBe(403);
    const limited = await guess(s.access);
    expect(limited.res.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    const audit = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE shop_id = ? AND action = 'auth.password_change_failed'",
    )
      .bind(s.shop.id)
      .first<{ n: number }>();
    expect(audit?.n).toBe(5);
  }, 30_000);
});
