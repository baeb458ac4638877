import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { login, newShop, newStaff, PASSWORD, unique } from '../fixtures';
import { call, callJson } from '../helpers';

describe('users (owner only)', () => {
  it('an owner lists, creates and updates the shop’s users', async () => {
    const owner = await newShop();
    const email = `${unique('mgr')}@Example.com`;
    const created = await callJson('/api/v1/users', {
      method: 'POST',
      token: owner.access,
      json: { name: ' <b>Meena</b> ', email, password: PASSWORD, role: 'manager' },
    });
    expect(created.res.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: 'Meena',
      email: email.toLowerCase(),
      role: 'manager',
      active: true,
    });

    const list = await callJson('/api/v1/users?limit=1', { token: owner.access });
    expect(list.body.meta).toEqual({ page: 1, limit: 1, total: 2, total_pages: 2 });

    const patched = await callJson(`/api/v1/users/${created.body.data.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { role: 'cashier' },
    });
    expect(patched.body.data.role).toBe('cashier');
  });

  it('a limit over 100 is a 400, not clamped', async () => {
    const owner = await newShop();
    const { res } = await callJson('/api/v1/users?limit=101', { token: owner.access });
    expect(res.status).toBe(400);
  });

  it.each(['manager', 'cashier'] as const)('a %s cannot manage users', async (role) => {
    const owner = await newShop();
    const staff = await newStaff(owner, role);
    expect((await call('/api/v1/users', { token: staff.access })).status).toBe(403);
    const create = await call('/api/v1/users', {
      method: 'POST',
      token: staff.access,
      json: { name: 'X', email: `${unique('x')}@example.com`, password: PASSWORD, role: 'owner' },
    });
    expect(create.status).toBe(403);
  });

  it('a duplicate email is 409 EMAIL_TAKEN, across shops too', async () => {
    const a = await newShop();
    const b = await newShop();
    const { res, body } = await callJson('/api/v1/users', {
      method: 'POST',
      token: b.access,
      json: { name: 'X', email: a.email, password: PASSWORD, role: 'cashier' },
    });
    expect(res.status).toBe(409);
    expect(body.error.code).toBe('EMAIL_TAKEN');
  });

  it('an email of another shop is refused exactly as one of the caller’s own, audited and budgeted per shop', async () => {
    const a = await newShop();
    const b = await newShop();
    const create = (email: string) =>
      callJson('/api/v1/users', {
        method: 'POST',
        token: b.access,
        json: { name: 'X', email, password: PASSWORD, role: 'cashier' },
      });
    const foreign = await create(a.email);
    const own = await create(b.email);
    expect(foreign.res.status).toBe(409);
    const strip = ({ request_id: _, ...rest }: Record<string, unknown>) => rest;
    expect(strip(foreign.body.error)).toEqual(strip(own.body.error));
    expect(JSON.stringify(foreign.body)).not.toContain(a.shop.id);
    const audited = await env.DB.prepare(
      "SELECT count(*) AS n FROM audit_log WHERE shop_id = ? AND action = 'user.create_refused'",
    )
      .bind(b.shop.id)
      .first<{ n: number }>();
    expect(audited?.n).toBe(2);
    // Account creation shares the sign-up budget (RATE_LIMIT_REGISTER, 10 an hour), per shop.
    for (let i = 2; i < 10; i++) expect((await create(a.email)).res.status).toBe(409);
    const limited = await create(`${unique('late')}@example.com`);
    expect(limited.res.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    // Another shop's budget is its own.
    const fromA = await callJson('/api/v1/users', {
      method: 'POST',
      token: a.access,
      json: { name: 'Y', email: `${unique('y')}@example.com`, password: PASSWORD, role: 'cashier' },
    });
    expect(fromA.res.status).toBe(201);
  }, 60_000);

  it('another shop’s user is a 404, never a 403', async () => {
    const a = await newShop();
    const b = await newShop();
    const { res, body } = await callJson(`/api/v1/users/${a.user.id}`, {
      method: 'PATCH',
      token: b.access,
      json: { active: false },
    });
    expect(res.status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
    expect((await call('/api/v1/auth/me', { token: a.access })).status).toBe(200);
  });
});

describe('the last active owner', () => {
  it('cannot be demoted or deactivated, and the refusal writes no audit entry', async () => {
    const owner = await newShop();
    const audited = async () =>
      (await callJson('/api/v1/audit?action=user.updated', { token: owner.access })).body.meta.total;
    for (const json of [{ role: 'manager' }, { active: false }]) {
      const { res, body } = await callJson(`/api/v1/users/${owner.user.id}`, {
        method: 'PATCH',
        token: owner.access,
        json,
      });
      expect(res.status).toBe(409);
      expect(body.error.code).toBe('LAST_OWNER');
    }
    expect(await audited()).toBe(0);
  });

  it('can step down once another owner exists', async () => {
    const owner = await newShop();
    const second = await newStaff(owner, 'owner');
    const { res } = await callJson(`/api/v1/users/${owner.user.id}`, {
      method: 'PATCH',
      token: second.access,
      json: { role: 'manager' },
    });
    expect(res.status).toBe(200);
  });

  it('two owners demoting each other at once leave one owner', async () => {
    const a = await newShop();
    const b = await newStaff(a, 'owner');
    const [ra, rb] = await Promise.all([
      call(`/api/v1/users/${b.user.id}`, { method: 'PATCH', token: a.access, json: { role: 'manager' } }),
      call(`/api/v1/users/${a.user.id}`, { method: 'PATCH', token: b.access, json: { role: 'manager' } }),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
  });
});

describe('role changes take effect on the next request', () => {
  it('a demoted manager’s old token no longer carries the old role', async () => {
    const owner = await newShop();
    const mgr = await newStaff(owner, 'manager');
    const bystanderShop = await newShop();
    const bystander = await newStaff(bystanderShop, 'manager');
    await callJson(`/api/v1/users/${mgr.user.id}`, { method: 'PATCH', token: owner.access, json: { role: 'cashier' } });
    // Only the one user changed: not the other shop's manager.
    const others = await callJson('/api/v1/auth/me', { token: bystander.access });
    expect(others.body.data.user.role).toBe('manager');
    expect((await call('/api/v1/auth/me', { token: mgr.access })).status).toBe(401);
    // The old login cannot be refreshed into anything: signing in again gives the new role.
    const { res, body } = await callJson('/api/v1/auth/refresh', {
      method: 'POST',
      json: { refresh_token: mgr.refresh },
    });
    expect(res.status).toBe(401);
    expect(body.error.code).toBe('REFRESH_TOKEN_REVOKED');
    const again = await login(mgr.email);
    const me = await callJson('/api/v1/auth/me', { token: again.access });
    expect(me.body.data.user.role).toBe('cashier');
  }, 30_000);
});
