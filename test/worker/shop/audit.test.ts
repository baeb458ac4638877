import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { auditListQueries } from '../../../src/shop/audit/service';
import { auditLog, newShop, newStaff } from '../fixtures';
import { call, queryPlan } from '../helpers';
import { addProduct } from './catalog-fixtures';

describe('audit log (owner)', () => {
  it('lists entries newest first with actor, target, request id and ip; filters by action and actor', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const p = await addProduct(manager, { base_price: 1000 });
    const patch = await call(`/api/v1/products/${p.id}`, {
      method: 'PATCH',
      token: manager.access,
      headers: { 'CF-Connecting-IP': '203.0.113.7', 'X-Request-Id': 'audit-test-request-0001' },
      json: { base_price: 1500 },
    });
    expect(patch.status).toBe(200);

    const all = await auditLog(owner, '');
    const times = all.data.map((e) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.data[0]).toEqual({
      id: expect.any(String),
      action: 'product.price_changed',
      actor_id: manager.user.id,
      target_type: 'product',
      target_id: p.id,
      details: { fields: ['base_price'], base_price: { from: 1000, to: 1500 } },
      request_id: 'audit-test-request-0001',
      ip: '203.0.113.7',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(JSON.stringify(all)).not.toMatch(/password|access_token|refresh_token/i);

    const byAction = await auditLog(owner, 'action=user.created');
    expect(byAction.data.map((e) => e.action)).toEqual(['user.created']);
    const byActor = await auditLog(owner, `actor=${owner.user.id}`);
    expect(byActor.data.every((e) => e.actor_id === owner.user.id)).toBe(true);
    expect(byActor.data.map((e) => e.action)).toContain('shop.registered');
  });

  it('filters by time: dates cover whole UTC days, timestamps are exact', async () => {
    const owner = await newShop();
    const today = new Date().toISOString().slice(0, 10);
    const count = async (q: string) => (await auditLog(owner, q)).meta.total;
    const all = await count('');
    expect(all).toBeGreaterThan(0);
    expect(await count(`from=${today}&to=${today}`)).toBe(all);
    expect(await count('to=2000-01-01')).toBe(0);
    expect(await count('from=2999-01-01')).toBe(0);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await count(`to=${encodeURIComponent(future)}`)).toBe(all);
    expect(await count(`from=${encodeURIComponent(future)}`)).toBe(0);
    expect(await count(`to=${encodeURIComponent('2000-01-01T05:30:00+05:30')}`)).toBe(0);
  });

  it.each([
    'limit=101',
    'from=yesterday',
    'to=2026-13-01',
    'from=2026-02-30',
    'to=2026-02-29T10:00:00Z',
    'from=2026-11-22&to=2026-11-21',
    'user=x',
  ])('a bad query (%s) is a 400', async (q) => {
    const owner = await newShop();
    expect((await call(`/api/v1/audit?${q}`, { token: owner.access })).status).toBe(400);
  });

  it.each(['manager', 'cashier'] as const)('a %s cannot read it', async (role) => {
    const owner = await newShop();
    const staff = await newStaff(owner, role);
    expect((await call('/api/v1/audit', { token: staff.access })).status).toBe(403);
  });

  it('shows only the caller’s shop', async () => {
    const a = await newShop();
    const b = await newShop();
    expect((await auditLog(b, '')).data.some((e) => e.actor_id === a.user.id)).toBe(false);
    expect((await auditLog(b, `actor=${a.user.id}`)).meta.total).toBe(0);
  });
});

describe('audit rows that depend on the change (auditQueryWhen)', () => {
  // The SQL auditQueryWhen writes after a guarded UPDATE, run as D1 runs a batch.
  const guarded = (shopId: string, matchId: string) =>
    env.DB.batch([
      env.DB.prepare('UPDATE shops SET catalog_version = catalog_version WHERE id = ?').bind(matchId),
      env.DB.prepare(
        `INSERT INTO audit_log (id, shop_id, actor_id, action, target_type, target_id, details, request_id, ip, created_at)
         SELECT ?, ?, NULL, 'test.guarded', NULL, NULL, NULL, NULL, NULL, ? WHERE changes() = 1`,
      ).bind(crypto.randomUUID(), shopId, new Date().toISOString()),
    ]);

  it('is written when the UPDATE before it changed the row, and not when its guard refused', async () => {
    const owner = await newShop();
    await guarded(owner.shop.id, 'no-such-shop');
    expect((await auditLog(owner, 'action=test.guarded')).meta.total).toBe(0);
    await guarded(owner.shop.id, owner.shop.id);
    expect((await auditLog(owner, 'action=test.guarded')).meta.total).toBe(1);
  });
});

describe('audit log: query plans', () => {
  const db = drizzle(env.DB);

  it.each([
    [{}, 'audit_shop_created_idx'],
    [{ action: 'rate.corrected' }, 'audit_shop_action_created_idx'],
    [{ actor: 'u' }, 'audit_shop_actor_created_idx'],
  ])('the list with %o walks %s', async (filter, index) => {
    const [page] = auditListQueries(db, 'shop', { ...filter, from: '2026-01-01T00:00:00.000Z', page: 1, limit: 20 });
    const p = await queryPlan(page);
    expect(p).toContain(index);
    expect(p).not.toMatch(/SCAN audit_log(?! USING)/);
  });
});
