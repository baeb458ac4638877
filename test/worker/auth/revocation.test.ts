// Issue 11, item 1: a role change, deactivation or suspension ends every token issued before it,
// whatever happens after. Every ordered pair of {role change, deactivate, password change,
// logout-all, refresh} is played against a small model of which sessions should still be alive;
// the model's one rule for privilege-lowering changes is the finding itself: nothing issued before
// them works afterwards, access or refresh token.
import { env } from 'cloudflare:test';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { beforeMark, keys } from '../../../src/auth/revocation';
import { login, newShop, newStaff, PASSWORD, randomIp, type Session } from '../fixtures';
import { call, callJson } from '../helpers';

const EVENTS = ['role change', 'deactivate', 'password change', 'logout-all', 'refresh'] as const;
type Event = (typeof EVENTS)[number];
const LOWERS_PRIVILEGE: ReadonlySet<Event> = new Set(['role change', 'deactivate']);

const PAIRS = EVENTS.flatMap((a) => EVENTS.filter((b) => b !== a).map((b) => [a, b] as const));

const me = (token: string) => callJson('/api/v1/auth/me', { token });
const changePassword = (token: string, current: string, next: string) =>
  call('/api/v1/auth/password', { method: 'POST', token, json: { current_password: current, new_password: next } });
/** From an address of its own each time: the refresh limit is per address and these tests refresh a lot. */
const refresh = (token: string) =>
  callJson('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'CF-Connecting-IP': randomIp() },
    json: { refresh_token: token },
  });

/** One login of the user under test: every token it was ever given, and whether the model says it lives. */
interface Login {
  alive: boolean;
  access: { token: string; step: number }[];
  refresh: { token: string; step: number; spent: boolean }[];
}

/** The user under test (a co-owner) and the model of what should work. */
class World {
  step = 0;
  role = 'owner';
  active = true;
  password = PASSWORD;
  logins: Login[] = [];
  /** The step of the first privilege-lowering change, if one happened. */
  loweredAt: number | undefined;

  constructor(
    readonly owner: Session,
    readonly user: Session,
  ) {
    this.add(user);
  }

  add(s: { access: string; refresh: string }) {
    const l: Login = { alive: true, access: [], refresh: [] };
    l.access.push({ token: s.access, step: this.step });
    l.refresh.push({ token: s.refresh, step: this.step, spent: false });
    this.logins.push(l);
    return l;
  }

  /** The newest login the model thinks alive, or a new sign-in (the user's legit new session). */
  async current(): Promise<Login | undefined> {
    const live = this.logins.filter((l) => l.alive).at(-1);
    if (live) return live;
    if (!this.active) {
      const refused = await callJson('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'CF-Connecting-IP': randomIp() },
        json: { email: this.user.email, password: this.password },
      });
      expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
      return undefined;
    }
    return this.add(await login(this.user.email, this.password));
  }

  endAll() {
    for (const l of this.logins) l.alive = false;
  }

  async play(event: Event) {
    this.step++;
    if (LOWERS_PRIVILEGE.has(event)) this.loweredAt ??= this.step;
    switch (event) {
      case 'role change': {
        const { res } = await callJson(`/api/v1/users/${this.user.user.id}`, {
          method: 'PATCH',
          token: this.owner.access,
          json: { role: 'cashier' },
        });
        expect(res.status).toBe(200);
        this.role = 'cashier';
        this.endAll();
        return;
      }
      case 'deactivate': {
        const { res } = await callJson(`/api/v1/users/${this.user.user.id}`, {
          method: 'PATCH',
          token: this.owner.access,
          json: { active: false },
        });
        expect(res.status).toBe(200);
        this.active = false;
        this.endAll();
        return;
      }
      case 'password change': {
        const l = await this.current();
        if (!l) return;
        const next = `New-Password-${this.step}x`;
        const res = await changePassword(l.access.at(-1)!.token, this.password, next);
        expect(res.status).toBe(204);
        this.password = next;
        for (const other of this.logins) if (other !== l) other.alive = false;
        return;
      }
      case 'logout-all': {
        const l = await this.current();
        if (!l) return;
        expect((await call('/api/v1/auth/logout-all', { method: 'POST', token: l.access.at(-1)!.token })).status).toBe(
          204,
        );
        this.endAll();
        return;
      }
      case 'refresh':
        // Every login's newest refresh token, dead ones too: that is what the attacker tries.
        for (const l of this.logins) {
          const newest = l.refresh.at(-1)!;
          const { res, body } = await refresh(newest.token);
          if (!l.alive) {
            expect(res.status).toBe(401);
            continue;
          }
          expect(res.status).toBe(200);
          newest.spent = true;
          l.access.push({ token: body.data.tokens.access_token, step: this.step });
          l.refresh.push({ token: body.data.tokens.refresh_token, step: this.step, spent: false });
        }
        return;
    }
  }

  /** Compares every token with the model, then the user's legit sign-in with the contract. */
  async check() {
    const id = this.user.user.id;
    for (const l of this.logins) {
      for (const a of l.access) {
        const { res, body } = await me(a.token);
        const before = this.loweredAt !== undefined && a.step < this.loweredAt;
        expect(res.status, `access token of step ${a.step}`).toBe(l.alive && !before ? 200 : 401);
        if (res.status === 200) expect(body.data.user.role).toBe(this.role);
        if (this.role === 'cashier') {
          // Whatever the token, the demoted user cannot make themselves owner again.
          const up = await call(`/api/v1/users/${id}`, { method: 'PATCH', token: a.token, json: { role: 'owner' } });
          expect([401, 403]).toContain(up.status);
        }
      }
    }
    const row = await env.DB.prepare('SELECT role, active FROM users WHERE id = ?')
      .bind(id)
      .first<{ role: string; active: number }>();
    expect(row).toEqual({ role: this.role, active: this.active ? 1 : 0 });

    // Refresh tokens last, newest first: presenting a spent one revokes its family (reuse detection).
    for (const l of this.logins) {
      for (const r of [...l.refresh].reverse()) {
        const before = this.loweredAt !== undefined && r.step < this.loweredAt;
        const { res, body } = await refresh(r.token);
        const works = l.alive && !before && !r.spent && r === l.refresh.at(-1);
        expect(res.status, `refresh token of step ${r.step}`).toBe(works ? 200 : 401);
        if (works) expect((await me(body.data.tokens.access_token)).body.data.user.role).toBe(this.role);
      }
    }

    const again = await callJson('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'CF-Connecting-IP': randomIp() },
      json: { email: this.user.email, password: this.password },
    });
    if (!this.active) {
      expect(again.res.status).toBe(403);
      expect(again.body.error.code).toBe('ACCOUNT_DISABLED');
      return;
    }
    expect(again.res.status).toBe(200);
    const fresh = again.body.data.tokens.access_token;
    expect((await me(fresh)).body.data.user.role).toBe(this.role);
    expect((await call('/api/v1/users', { token: fresh })).status).toBe(this.role === 'owner' ? 200 : 403);
  }
}

describe('no token issued before a privilege-lowering change works after it, whatever follows', () => {
  it.each(PAIRS)(
    '%s, then %s',
    async (first, second) => {
      const owner = await newShop();
      const coOwner = await newStaff(owner, 'owner');
      const world = new World(owner, coOwner);
      world.add(await login(coOwner.email));
      await world.play(first);
      await world.play(second);
      await world.check();
    },
    60_000,
  );
});

describe('the report: demote, refresh, change password', () => {
  it('the old owner token stays refused and the co-owner cannot make themselves owner', async () => {
    const owner = await newShop();
    const coOwner = await newStaff(owner, 'owner');
    const demote = await call(`/api/v1/users/${coOwner.user.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { role: 'cashier' },
    });
    expect(demote.status).toBe(200);
    expect((await me(coOwner.access)).res.status).toBe(401);

    // The refresh of the old login is refused: the role change revoked the family in D1.
    const refreshed = await refresh(coOwner.refresh);
    expect(refreshed.res.status).toBe(401);
    expect(refreshed.body.error.code).toBe('REFRESH_TOKEN_REVOKED');
    const oldToken = await changePassword(coOwner.access, PASSWORD, 'Another-Password-7');
    expect(oldToken.status).toBe(401);

    // The password changed from a new (cashier) sign-in does not bring the old token back.
    const cashier = await login(coOwner.email);
    const changed = await changePassword(cashier.access, PASSWORD, 'Another-Password-7');
    expect(changed.status).toBe(204);
    expect((await me(coOwner.access)).res.status).toBe(401);
    expect((await me(cashier.access)).body.data.user.role).toBe('cashier');
    for (const token of [coOwner.access, cashier.access]) {
      const up = await call(`/api/v1/users/${coOwner.user.id}`, { method: 'PATCH', token, json: { role: 'owner' } });
      expect([401, 403]).toContain(up.status);
    }
    const row = await env.DB.prepare('SELECT role FROM users WHERE id = ?')
      .bind(coOwner.user.id)
      .first<{ role: string }>();
    expect(row?.role).toBe('cashier');
  }, 60_000);
});

describe('marks and tokens of the same second', () => {
  /** The token's issue time in ms, as the guard reads it (iat keeps milliseconds). */
  const issuedAtMs = (token: string) =>
    Math.round(JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1]!))).iat * 1000);

  it('a hard mark kills a token of its very millisecond; a token a millisecond later lives', async () => {
    const s = await newShop();
    const at = issuedAtMs(s.access);
    await env.AUTH_KV.put(keys.user(s.user.id), beforeMark(at - 1));
    expect((await me(s.access)).res.status).toBe(200);
    await env.AUTH_KV.put(keys.user(s.user.id), beforeMark(at));
    expect((await me(s.access)).res.status).toBe(401);
  });

  it('a password change’s soft mark never lifts a hard mark, not even for the login that makes it', async () => {
    const s = await newShop();
    // A hard mark alone, as the admin CLI writes it (the login itself is left alive in D1).
    await env.AUTH_KV.put(keys.user(s.user.id), beforeMark(issuedAtMs(s.access)));
    const next = await refresh(s.refresh);
    expect(next.res.status).toBe(200);
    const token = next.body.data.tokens.access_token;
    const changed = await changePassword(token, PASSWORD, 'Another-Password-7');
    expect(changed.status).toBe(204);
    // The same login's older token stays dead; its newer one and a sign-in right after live.
    expect((await me(s.access)).res.status).toBe(401);
    expect((await me(token)).res.status).toBe(200);
    const after = await login(s.email, 'Another-Password-7');
    expect((await me(after.access)).res.status).toBe(200);
  }, 30_000);
});
