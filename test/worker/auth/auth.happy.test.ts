import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { login, newShop, PASSWORD, unique } from '../fixtures';
import { call, callJson } from '../helpers';

describe('register and login', () => {
  it('register creates a shop and its owner and signs them in', async () => {
    const s = await newShop();
    expect(s.user).toMatchObject({ role: 'owner', active: true, shop_id: s.shop.id });
    expect(s.shop.slug).toMatch(/^shop-/);
    const { body } = await callJson('/api/v1/auth/me', { token: s.access });
    expect(body.data.user.id).toBe(s.user.id);
    expect(body.data.shop.id).toBe(s.shop.id);
  });

  it('emails are normalised before they are stored and compared', async () => {
    const s = await newShop();
    const again = await login(`  ${s.email.toUpperCase()}  `);
    expect(again.user.id).toBe(s.user.id);
    expect(again.user.email).toBe(s.email);
  });

  it('a taken email or slug is a 409 and leaves nothing behind', async () => {
    const s = await newShop();
    const slug = unique('fresh-');
    const taken = await callJson('/api/v1/auth/register', {
      method: 'POST',
      json: { shop: { name: 'X', slug }, name: 'X', email: s.email, password: PASSWORD },
    });
    expect(taken.res.status).toBe(409);
    expect(taken.body.error.code).toBe('EMAIL_TAKEN');
    const orphan = await env.DB.prepare('SELECT count(*) AS n FROM shops WHERE slug = ?')
      .bind(slug)
      .first<{ n: number }>();
    expect(orphan?.n).toBe(0);

    const slugTaken = await callJson('/api/v1/auth/register', {
      method: 'POST',
      json: {
        shop: { name: 'X', slug: s.shop.slug },
        name: 'X',
        email: `${unique('x')}@example.com`,
        password: PASSWORD,
      },
    });
    expect(slugTaken.res.status).toBe(409);
    expect(slugTaken.body.error.code).toBe('SLUG_TAKEN');
  });

  it('sign-up can be switched off', async () => {
    const { res, body } = await callJson('/api/v1/auth/register', {
      method: 'POST',
      env: { SIGNUP_ENABLED: 'false' },
      json: {
        shop: { name: 'X', slug: unique('off-') },
        name: 'X',
        email: `${unique('off')}@example.com`,
        password: PASSWORD,
      },
    });
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('SIGNUP_DISABLED');
  });

  it.each([
    ['too short', 'Ab1!short', 'at least 10'],
    ['one character class', 'abcdefghijkl', 'two of'],
  ])('refuses a weak password: %s', async (_name, password, message) => {
    const { res, body } = await callJson('/api/v1/auth/register', {
      method: 'POST',
      json: { shop: { name: 'X', slug: unique('weak-') }, name: 'X', email: `${unique('weak')}@example.com`, password },
    });
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('WEAK_PASSWORD');
    expect(JSON.stringify(body.error.details)).toContain(message);
  });

  it('refuses the email as the password', async () => {
    const email = `${unique('same')}@example.com`;
    const { body } = await callJson('/api/v1/auth/register', {
      method: 'POST',
      json: { shop: { name: 'X', slug: unique('same-') }, name: 'X', email, password: email },
    });
    expect(body.error.code).toBe('WEAK_PASSWORD');
  });

  it('stores a salted scrypt hash with its parameters, never the password', async () => {
    const s = await newShop();
    const row = await env.DB.prepare('SELECT password_hash FROM users WHERE id = ?')
      .bind(s.user.id)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^scrypt\$N=16384,r=8,p=5\$/);
    expect(row?.password_hash).not.toContain(PASSWORD);
  });

  it('a hash made with weaker parameters is upgraded on the next login', async () => {
    const { hashPassword } = await import('../../../src/auth/password');
    const s = await newShop();
    const weak = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
    await env.DB.prepare('UPDATE users SET password_hash = ? WHERE id = ?').bind(weak, s.user.id).run();
    await login(s.email);
    const row = await env.DB.prepare('SELECT password_hash FROM users WHERE id = ?')
      .bind(s.user.id)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^scrypt\$N=16384,r=8,p=5\$/);
  });
});

describe('login failures look the same whether or not the email exists', () => {
  it('unknown email and wrong password give the same status and body shape', async () => {
    const s = await newShop();
    const wrong = await callJson('/api/v1/auth/login', {
      method: 'POST',
      json: { email: s.email, password: 'Wrong-Pass-99' },
    });
    const unknown = await callJson('/api/v1/auth/login', {
      method: 'POST',
      json: { email: `${unique('nobody')}@example.com`, password: 'Wrong-Pass-99' },
    });
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    const strip = (b: any) => ({ ...b, error: { ...b.error, request_id: undefined } });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });
});

describe('refresh, logout and password change', () => {
  it('refresh rotates: a new pair, and the old refresh token is spent', async () => {
    const s = await newShop();
    const { res, body } = await callJson('/api/v1/auth/refresh', {
      method: 'POST',
      json: { refresh_token: s.refresh },
    });
    expect(res.status).toBe(200);
    expect(body.data.tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect(body.data.tokens.refresh_token).not.toBe(s.refresh);
    const me = await call('/api/v1/auth/me', { token: body.data.tokens.access_token });
    expect(me.status).toBe(200);
  });

  it('logout ends the access token and the refresh family at once', async () => {
    const s = await newShop();
    const out = await call('/api/v1/auth/logout', { method: 'POST', token: s.access });
    expect(out.status).toBe(204);
    const me = await callJson('/api/v1/auth/me', { token: s.access });
    expect(me.res.status).toBe(401);
    expect(me.body.error.code).toBe('TOKEN_REVOKED');
    const refreshed = await callJson('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: s.refresh } });
    expect(refreshed.res.status).toBe(401);
  });

  it('logout leaves the user’s other sessions alone', async () => {
    const s = await newShop();
    const other = await login(s.email);
    await call('/api/v1/auth/logout', { method: 'POST', token: s.access, json: { refresh_token: s.refresh } });
    expect((await call('/api/v1/auth/me', { token: other.access })).status).toBe(200);
  });

  it('logout-all ends every session of the user', async () => {
    const s = await newShop();
    const other = await login(s.email);
    expect((await call('/api/v1/auth/logout-all', { method: 'POST', token: s.access })).status).toBe(204);
    for (const session of [s, other]) {
      expect((await call('/api/v1/auth/me', { token: session.access })).status).toBe(401);
      const r = await call('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: session.refresh } });
      expect(r.status).toBe(401);
    }
    // A fresh login right after works.
    const again = await login(s.email);
    expect((await call('/api/v1/auth/me', { token: again.access })).status).toBe(200);
  });

  it('a password change ends the other sessions and keeps this one', async () => {
    const s = await newShop();
    const other = await login(s.email);
    const res = await call('/api/v1/auth/password', {
      method: 'POST',
      token: s.access,
      json: { current_password: PASSWORD, new_password: 'Brand-New-Secret-7' },
    });
    expect(res.status).toBe(204);
    expect((await call('/api/v1/auth/me', { token: other.access })).status).toBe(401);
    expect(
      (await call('/api/v1/auth/refresh', { method: 'POST', json: { refresh_token: other.refresh } })).status,
    ).toBe(401);
    expect((await call('/api/v1/auth/me', { token: s.access })).status).toBe(200);
    await login(s.email, 'Brand-New-Secret-7');
    const old = await callJson('/api/v1/auth/login', { method: 'POST', json: { email: s.email, password: PASSWORD } });
    expect(old.res.status).toBe(401);
  });

  it('a wrong current password is refused', async () => {
    const s = await newShop();
    const { res, body } = await callJson('/api/v1/auth/password', {
      method: 'POST',
      token: s.access,
      json: { current_password: 'Not-The-One-1', new_password: 'Brand-New-Secret-7' },
    });
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('INVALID_CURRENT_PASSWORD');
  });
});
