// Builds tenants through the public API, as a client would.

import type { z } from '@hono/zod-openapi';
import { expect } from 'vitest';
import { SessionSchema, type ShopSchema, UserSchema } from '../../src/auth/schemas';
import { dataOf, pageOf } from '../../src/http/openapi';
import { AuditEntrySchema } from '../../src/shop/audit/schemas';
import { callTyped } from './helpers';

let counter = 0;
export const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;

export const PASSWORD = 'Correct-Horse-42';

/** A distinct client address, so per-IP rate limits treat each fixture as its own client. */
export const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 256)).join('.')}`;

export interface Session {
  access: string;
  refresh: string;
  user: z.infer<typeof UserSchema>;
  shop: z.infer<typeof ShopSchema>;
  email: string;
}

const SignedIn = dataOf(SessionSchema);

const asSession = (body: z.infer<typeof SignedIn>, email: string): Session => ({
  access: body.data.tokens.access_token,
  refresh: body.data.tokens.refresh_token,
  user: body.data.user,
  shop: body.data.shop,
  email,
});

/** A new shop with its owner, signed in. */
export async function newShop(): Promise<Session> {
  const slug = unique('shop-');
  const email = `${slug}@example.com`;
  const { res, body } = await callTyped(SignedIn, '/api/v1/auth/register', {
    method: 'POST',
    headers: { 'CF-Connecting-IP': randomIp() },
    json: { shop: { name: `Shop ${slug}`, slug }, name: 'Owner', email, password: PASSWORD },
  });
  expect(res.status).toBe(201);
  return asSession(body, email);
}

/** Signs in from a fresh client address, so only tests that mean to reach the login limit do. */
export async function login(email: string, password = PASSWORD): Promise<Session> {
  const { res, body } = await callTyped(SignedIn, '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'CF-Connecting-IP': randomIp() },
    json: { email, password },
  });
  expect(res.status).toBe(200);
  return asSession(body, email);
}

/** A user of the owner's shop with the given role, signed in. */
export async function newStaff(owner: Session, role: 'owner' | 'manager' | 'cashier'): Promise<Session> {
  const email = `${unique(role)}@example.com`;
  const { res } = await callTyped(dataOf(UserSchema), '/api/v1/users', {
    method: 'POST',
    token: owner.access,
    json: { name: `A ${role}`, email, password: PASSWORD, role },
  });
  expect(res.status).toBe(201);
  return login(email);
}

/** One page of the shop's audit log (`query`: its filters), typed by the route's schema. */
export const auditLog = async (s: Session, query: string) =>
  (await callTyped(pageOf(AuditEntrySchema), `/api/v1/audit?${query}`, { token: s.access })).body;
