// /api/v1/users (owner): the shop's staff.
import { signedIn } from '../../auth/guard';
import { email, password, personName, UserSchema } from '../../auth/schemas';
import { ROLES } from '../../db/schema';
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
  z,
} from '../../http/openapi';
import { byShop, rateLimit } from '../../rate-limit/middleware';
import { createUser, listUsers, updateUser } from './service';

const tags = ['Users'];
const ownerOnly = signedIn('owner');

const CreateUser = z.strictObject({ name: personName, email, password, role: z.enum(ROLES) }).openapi('CreateUser');
const UpdateUser = z
  .strictObject({ name: personName.optional(), role: z.enum(ROLES).optional(), active: z.boolean().optional() })
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .openapi('UpdateUser');

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
      errors: ['LAST_OWNER'],
      tags,
      ...ownerOnly,
      summary: 'Rename, change role, or (de)activate a user',
      request: { params: idParam, ...jsonBody(UpdateUser) },
      responses: { 200: jsonContent(dataOf(UserSchema), 'Updated') },
    }),
    async (c) => ok(c, await updateUser(c, c.req.valid('param').id, c.req.valid('json'))),
  );
