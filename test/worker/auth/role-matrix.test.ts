// Every route's minimum role, as its declaration states it (`signedIn(role)` → `x-min-role` in
// /openapi.json): each lower role is refused with 403 before anything else runs, and the minimum role
// gets past the guard (whatever the empty request then earns: 400, 404, 422 — never 401 or 403).
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../../src/db/schema';
import { login, newShop, newStaff, type Session } from '../fixtures';
import { call, callJson } from '../helpers';

type Role = (typeof ROLES)[number];
interface Operation {
  method: string;
  path: string;
  operationId: string;
  minRole: Role;
}

/** The declared operations that need a signed-in role, from the served document. */
async function guardedOperations(): Promise<Operation[]> {
  const { body } = await callJson('/openapi.json');
  return Object.entries(body.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => op['x-min-role'])
      .map(([method, op]) => ({ method, path, operationId: op.operationId, minRole: op['x-min-role'] })),
  );
}

/** A request that passes the app's body checks; its path ids name nothing, so a handler finds no row. */
const send = (op: Operation, token: string) =>
  call(`/api/v1${op.path.replace(/^\/api\/v1/, '').replace(/\{[^}]+\}/g, 'role-matrix-none')}`, {
    method: op.method.toUpperCase(),
    token,
    ...(op.method === 'get' ? {} : { json: {} }),
  });

/** Lower roles first: ROLES lists them highest first. */
const rank = (r: Role) => ROLES.length - ROLES.indexOf(r);

describe('role matrix', () => {
  let ops: Operation[];
  const sessions = {} as Record<Role, Session>;
  beforeAll(async () => {
    ops = await guardedOperations();
    sessions.owner = await newShop();
    sessions.manager = await newStaff(sessions.owner, 'manager');
    sessions.cashier = await newStaff(sessions.owner, 'cashier');
  });

  it('the document states a minimum role for every route but the public ones', () => {
    expect(ops.length).toBeGreaterThan(30);
    for (const role of ROLES)
      expect(
        ops.some((o) => o.minRole === role),
        role,
      ).toBe(true);
  });

  it('a role below the minimum gets 403; the minimum role gets past the guard', async () => {
    const wrong: string[] = [];
    // /auth routes sign the caller out (logout, logout-all): last, each with a fresh sign-in.
    const ordered = [...ops].sort((a, b) => Number(a.path.includes('/auth/')) - Number(b.path.includes('/auth/')));
    for (const op of ordered) {
      for (const role of ROLES.filter((r) => rank(r) < rank(op.minRole))) {
        const res = await send(op, sessions[role].access);
        if (res.status !== 403) wrong.push(`${op.operationId} as ${role}: ${res.status}, expected 403`);
      }
      const session = op.path.includes('/auth/') ? await login(sessions[op.minRole].email) : sessions[op.minRole];
      const res = await send(op, session.access);
      if (res.status === 401 || res.status === 403) {
        wrong.push(`${op.operationId} as ${op.minRole}: ${res.status}, expected past the guard`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
