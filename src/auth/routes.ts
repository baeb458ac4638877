// /api/v1/auth: declarations and thin handlers; the rules are in ./service.

import { readPrimary } from '../db/client';
import { cleanText } from '../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, z } from '../http/openapi';
import { byIp, byIpAndEmail, byUser, rateLimit } from '../rate-limit/middleware';
import { signedIn } from './guard';
import { email, password, personName, SessionSchema, ShopSchema, slug, TokensSchema, UserSchema } from './schemas';
import * as auth from './service';

const tags = ['Auth'];
const noContent = { 204: { description: 'Done' } };
// Unauthenticated routes fail closed: an unlimited password guesser is worse than a short outage.
// Refresh is counted per client address: a presented token names its family only after a D1
// lookup, and the abuse to stop is a flood of made-up tokens, which a per-family key cannot see.
const closed = { failMode: 'closed' } as const;

const RegisterBody = z
  .strictObject({
    shop: z.strictObject({ name: cleanText(1, 100), slug }),
    name: personName,
    email,
    password,
  })
  .openapi('RegisterRequest');
const LoginBody = z.strictObject({ email, password }).openapi('LoginRequest');
const RefreshBody = z.strictObject({ refresh_token: z.string().min(1).max(512) }).openapi('RefreshRequest');
const LogoutBody = z.strictObject({ refresh_token: z.string().min(1).max(512).optional() });
const PasswordBody = z.strictObject({ current_password: password, new_password: password });

export const authRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'post',
      path: '/register',
      operationId: 'register',
      errors: ['WEAK_PASSWORD', 'EMAIL_TAKEN', 'SLUG_TAKEN', 'SIGNUP_DISABLED'],
      tags,
      summary: 'Create a shop and its owner (when SIGNUP_ENABLED)',
      middleware: [rateLimit('register', byIp, closed), readPrimary],
      request: jsonBody(RegisterBody),
      responses: { 201: jsonContent(dataOf(SessionSchema), 'Shop, owner and a session') },
    }),
    async (c) => ok(c, await auth.register(c, c.req.valid('json')), 201),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/login',
      operationId: 'login',
      errors: ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED'],
      tags,
      summary: 'Sign in',
      middleware: [rateLimit('login', byIpAndEmail, closed), readPrimary],
      request: jsonBody(LoginBody),
      responses: { 200: jsonContent(dataOf(SessionSchema), 'Signed in') },
    }),
    async (c) => ok(c, await auth.login(c, c.req.valid('json'))),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/refresh',
      operationId: 'refreshTokens',
      errors: [
        'INVALID_REFRESH_TOKEN',
        'REFRESH_TOKEN_EXPIRED',
        'REFRESH_TOKEN_REVOKED',
        'REFRESH_TOKEN_REUSED',
        'ACCOUNT_DISABLED',
        'AUTH_UNAVAILABLE',
      ],
      tags,
      summary: 'Rotate a refresh token for a new pair (the old one is spent)',
      middleware: [rateLimit('refresh', byIp, closed), readPrimary],
      request: jsonBody(RefreshBody),
      responses: { 200: jsonContent(dataOf(z.object({ tokens: TokensSchema })), 'A new token pair') },
    }),
    async (c) => ok(c, await auth.refresh(c, c.req.valid('json').refresh_token)),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/logout',
      operationId: 'logout',
      errors: ['INVALID_REFRESH_TOKEN'],
      tags,
      summary: 'End this session (the access token and its refresh family)',
      ...signedIn(),
      request: { body: { content: { 'application/json': { schema: LogoutBody } }, required: false } },
      responses: noContent,
    }),
    async (c) => {
      await auth.logout(c, c.req.valid('json')?.refresh_token);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/logout-all',
      operationId: 'logoutAll',
      tags,
      summary: 'End every session of this user',
      ...signedIn(),
      responses: noContent,
    }),
    async (c) => {
      await auth.logoutAll(c);
      return c.body(null, 204);
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/me',
      operationId: 'getMe',
      tags,
      summary: 'The signed-in user and shop',
      ...signedIn(),
      responses: { 200: jsonContent(dataOf(z.object({ user: UserSchema, shop: ShopSchema })), 'Who you are') },
    }),
    async (c) => ok(c, await auth.me(c)),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/password',
      operationId: 'changePassword',
      errors: ['WEAK_PASSWORD', 'INVALID_CURRENT_PASSWORD', 'PASSWORD_REUSED', 'CONCURRENT_UPDATE'],
      tags,
      summary: 'Change password; other sessions end',
      description: 'The new password may not be the current one nor any of the 4 before it (422 PASSWORD_REUSED).',
      // It checks a password, so it is limited like a sign-in, per user: a stolen access token must not
      // be an unlimited guesser of the current password.
      ...signedIn('cashier', rateLimit('login', byUser, closed)),
      request: jsonBody(PasswordBody),
      responses: noContent,
    }),
    async (c) => {
      await auth.changePassword(c, c.req.valid('json'));
      return c.body(null, 204);
    },
  );
