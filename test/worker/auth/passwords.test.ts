// Password history (the current password and the 4 before it are refused) and an owner's reset of
// a staff member's password, which ends that user's sessions and is audited. Real D1 and KV.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { login, newShop, newStaff, PASSWORD, randomIp, type Session } from '../fixtures';
import { call, callJson, type Json } from '../helpers';

// Several password changes in a row: the per-user `login` budget (5/60) is not what is tested here.
const NO_LIMIT = { RATE_LIMIT_LOGIN: 'off' };

/** A password change; its 204 has no body. */
async function change(s: Session, current: string, next: string) {
  const res = await call('/api/v1/auth/password', {
    method: 'POST',
    token: s.access,
    json: { current_password: current, new_password: next },
    env: NO_LIMIT,
  });
  return { res, body: (res.status === 204 ? {} : await res.json()) as Json };
}

const reset = (owner: Session, userId: string, password: string) =>
  callJson(`/api/v1/users/${userId}`, { method: 'PATCH', token: owner.access, json: { password } });

/** The user's stored hash and kept history, to show a refusal changed neither. */
async function storedPasswords(userId: string) {
  const user = await env.DB.prepare('SELECT password_hash FROM users WHERE id = ?').bind(userId).first();
  const { results } = await env.DB.prepare('SELECT password_hash FROM password_history WHERE user_id = ?')
    .bind(userId)
    .all();
  return { current: user?.password_hash, history: results.map((r) => r.password_hash).sort() };
}

const pw = (n: number) => `Tijori-Password-${n}`;

describe('password history', () => {
  it('refuses the current password and the 4 before it; the 5th before is allowed again', async () => {
    const owner = await newShop();
    // PASSWORD, then 1..5: the current is 5, the history keeps 4, 3, 2, 1.
    let current = PASSWORD;
    for (const n of [1, 2, 3, 4, 5]) {
      const { res, body } = await change(owner, current, pw(n));
      expect(res.status, JSON.stringify(body)).toBe(204);
      current = pw(n);
    }
    const kept = await storedPasswords(owner.user.id);
    expect(kept.history).toHaveLength(4);

    for (const reused of [pw(5), pw(4), pw(3), pw(2), pw(1)]) {
      const { res, body } = await change(owner, current, reused);
      expect(res.status, reused).toBe(422);
      expect(body.error.code).toBe('PASSWORD_REUSED');
    }
    expect(await storedPasswords(owner.user.id)).toEqual(kept);

    const { res } = await change(owner, current, PASSWORD);
    expect(res.status).toBe(204);
    await login(owner.email, PASSWORD);
  }, 120_000);

  it('never keeps more than 4 previous hashes, and never the password itself', async () => {
    const owner = await newShop();
    let current = PASSWORD;
    for (const n of [11, 12, 13, 14, 15]) {
      expect((await change(owner, current, pw(n))).res.status).toBe(204);
      current = pw(n);
    }
    const { history } = await storedPasswords(owner.user.id);
    expect(history).toHaveLength(4);
    for (const hash of history) expect(String(hash)).toMatch(/^scrypt\$/);
    const text = JSON.stringify(history);
    for (const n of [11, 12, 13, 14, 15]) expect(text).not.toContain(pw(n));
  }, 120_000);
});

describe('an owner resets a staff member’s password', () => {
  it('ends every session of that user, is audited and follows the history policy', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const other = await login(cashier.email);

    const { res, body } = await reset(owner, cashier.user.id, pw(21));
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(JSON.stringify(body)).not.toContain(pw(21));

    // Every session of the cashier ends: access tokens (hard mark) and refresh families.
    for (const s of [cashier, other]) {
      const me = await callJson('/api/v1/auth/me', { token: s.access });
      expect(me.res.status).toBe(401);
      const refreshed = await callJson('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'CF-Connecting-IP': randomIp() },
        json: { refresh_token: s.refresh },
      });
      expect(refreshed.res.status).toBe(401);
    }
    const fresh = await login(cashier.email, pw(21));
    expect((await callJson('/api/v1/auth/me', { token: fresh.access })).res.status).toBe(200);

    // The owner's session is untouched; the entry names the reset, never the password.
    const audit = await env.DB.prepare(
      "SELECT actor_id, details FROM audit_log WHERE shop_id = ? AND action = 'user.updated' AND target_id = ?",
    )
      .bind(owner.shop.id, cashier.user.id)
      .all<{ actor_id: string; details: string }>();
    expect(audit.results).toHaveLength(1);
    expect(audit.results[0]!.actor_id).toBe(owner.user.id);
    expect(JSON.parse(audit.results[0]!.details)).toEqual({ password_reset: true });
    expect(audit.results[0]!.details).not.toContain(pw(21));

    // The same policy as the user's own change: the current and the one before are refused.
    const before = await storedPasswords(cashier.user.id);
    for (const reused of [pw(21), PASSWORD]) {
      const again = await reset(owner, cashier.user.id, reused);
      expect(again.res.status).toBe(422);
      expect(again.body.error.code).toBe('PASSWORD_REUSED');
    }
    const weak = await reset(owner, cashier.user.id, 'short');
    expect(weak.res.status).toBe(400);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    expect(await storedPasswords(cashier.user.id)).toEqual(before);
    // A refused reset ended no session.
    expect((await callJson('/api/v1/auth/me', { token: fresh.access })).res.status).toBe(200);
  }, 60_000);

  it('is not for owners (themselves included), other shops or non-owners', async () => {
    const owner = await newShop();
    const coOwner = await newStaff(owner, 'owner');
    const manager = await newStaff(owner, 'manager');
    const stranger = await newShop();

    for (const target of [owner.user.id, coOwner.user.id]) {
      const { res, body } = await reset(owner, target, pw(31));
      expect(res.status).toBe(403);
      expect(body.error.code).toBe('FORBIDDEN');
    }
    expect((await reset(stranger, manager.user.id, pw(31))).res.status).toBe(404);
    expect((await reset(manager, manager.user.id, pw(31))).res.status).toBe(403);
    // Nothing changed: everyone still signs in with the old password.
    for (const s of [owner, coOwner, manager]) await login(s.email, PASSWORD);
  }, 60_000);
});
