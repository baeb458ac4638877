// /api/v1/customers: the shop's customers (any role; credit limits and deletion: manager+).
import { signedIn } from '../../auth/guard';
import { idParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, okPage, pageOf } from '../../http/openapi';
import { CreateCustomer, CustomerListQuery, CustomerSchema, UpdateCustomer } from './schemas';
import { createCustomer, deleteCustomer, getCustomer, listCustomers, updateCustomer } from './service';

const tags = ['Customers'];

export const customerRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'listCustomers',
      tags,
      ...signedIn('cashier'),
      summary: 'List customers',
      description: 'Sorted by name (id as tiebreak). `q` matches the name (case-insensitive) or the phone.',
      request: { query: CustomerListQuery },
      responses: { 200: jsonContent(pageOf(CustomerSchema), 'One page of customers') },
    }),
    async (c) => okPage(c, await listCustomers(c, c.req.valid('query'))),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/',
      operationId: 'createCustomer',
      errors: ['FORBIDDEN', 'PHONE_TAKEN'],
      tags,
      ...signedIn('cashier'),
      summary: 'Add a customer',
      description: '`credit_limit` defaults to 0; a non-zero limit needs manager+ (a cashier gets 403).',
      request: jsonBody(CreateCustomer),
      responses: { 201: jsonContent(dataOf(CustomerSchema), 'Created (409 PHONE_TAKEN if the phone is in use)') },
    }),
    async (c) => ok(c, await createCustomer(c, c.req.valid('json')), 201),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getCustomer',
      tags,
      ...signedIn('cashier'),
      summary: 'One customer, with the khata balance',
      request: { params: idParam },
      responses: { 200: jsonContent(dataOf(CustomerSchema), 'The customer') },
    }),
    async (c) => ok(c, await getCustomer(c, c.req.valid('param').id)),
  )
  .openapi(
    defineRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updateCustomer',
      errors: ['FORBIDDEN', 'PHONE_TAKEN'],
      tags,
      ...signedIn('cashier'),
      summary: 'Change a customer',
      description:
        'Contact details: any role. `credit_limit`: manager+ (a cashier gets 403); it may be set below the ' +
        'current balance, which stops further credit.',
      request: { params: idParam, ...jsonBody(UpdateCustomer) },
      responses: { 200: jsonContent(dataOf(CustomerSchema), 'Updated (409 PHONE_TAKEN if the phone is in use)') },
    }),
    async (c) => ok(c, await updateCustomer(c, c.req.valid('param').id, c.req.valid('json'))),
  )
  .openapi(
    defineRoute({
      method: 'delete',
      path: '/{id}',
      operationId: 'deleteCustomer',
      errors: ['KHATA_BALANCE_NOT_ZERO'],
      tags,
      ...signedIn('manager'),
      summary: 'Delete a customer (soft; refused while the khata balance is not zero)',
      request: { params: idParam },
      responses: {
        204: { description: 'Deleted; the phone number is free again' },
      },
    }),
    async (c) => {
      await deleteCustomer(c, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
