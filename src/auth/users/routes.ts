// /api/v1/users (owner): the shop's staff, whose accounts are auth's own (passwords, sessions, revocation).

import { idParam } from '../../http/fields';
import {
  createRouter,
  dataOf,
  defineRoute,
  jsonBody,
  jsonContent,
  ok,
  okPage,
  PageQuery,
  pageOf,
} from '../../http/openapi';
import { byShop, rateLimit } from '../../rate-limit/middleware';
import { signedIn } from '../guard';
import { UserSchema } from '../schemas';
import { CreateUser, UpdateUser } from './schemas';
import { createUser, listUsers, updateUser } from './service';

const tags = ['Users'];
const ownerOnly = signedIn('owner');

export const userRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'listUsers',
      tags,
      ...ownerOnly,
      summary: 'List the shop’s users',
      request: { query: PageQuery.strict() },
      responses: { 200: jsonContent(pageOf(UserSchema), 'Users, newest first') },
    }),
    async (c) => okPage(c, await listUsers(c, c.req.valid('query'))),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/',
      operationId: 'createUser',
      errors: ['WEAK_PASSWORD', 'EMAIL_TAKEN'],
      tags,
      // Account creation shares the sign-up budget, counted per shop: each refusal tells whether an
      // email has an account somewhere, so an owner must not be a fast email prober.
      ...signedIn('owner', rateLimit('register', byShop, { failMode: 'closed' })),
      summary: 'Add a user to the shop',
      request: jsonBody(CreateUser),
      responses: { 201: jsonContent(dataOf(UserSchema), 'Created') },
    }),
    async (c) => ok(c, await createUser(c, c.req.valid('json')), 201),
  )
  .openapi(
    defineRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updateUser',
      errors: ['LAST_OWNER', 'FORBIDDEN', 'WEAK_PASSWORD', 'PASSWORD_REUSED', 'CONCURRENT_UPDATE'],
      tags,
      ...ownerOnly,
      summary: 'Rename, change role, (de)activate a user, or reset a staff member’s password',
      description:
        'A `password` is checked against the policy and the user’s last 5 passwords (422 PASSWORD_REUSED), ' +
        'may be set for a manager or cashier only (403 for an owner, yourself included: use /auth/password), ' +
        'ends every session of that user and is audited (`user.password_reset`, never the password).',
      request: { params: idParam, ...jsonBody(UpdateUser) },
      responses: { 200: jsonContent(dataOf(UserSchema), 'Updated') },
    }),
    async (c) => ok(c, await updateUser(c, c.req.valid('param').id, c.req.valid('json'))),
  );
