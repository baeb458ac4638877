// /api/v1/shop: the caller's shop profile and settings (read: any role; change: owner).
import { signedIn } from '../../auth/guard';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok } from '../../http/openapi';
import { ShopProfileSchema, UpdateShopProfile } from './schemas';
import { getShopProfile, updateShopProfile } from './service';

const tags = ['Shop'];

export const shopProfileRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'getShopProfile',
      tags,
      ...signedIn('cashier'),
      summary: 'The shop’s profile and settings',
      description: 'A shop that has never set them reads the defaults; `legal_name` is the shop’s `name` until set.',
      responses: { 200: jsonContent(dataOf(ShopProfileSchema), 'The profile') },
    }),
    async (c) => ok(c, await getShopProfile(c)),
  )
  .openapi(
    defineRoute({
      method: 'patch',
      path: '/',
      operationId: 'updateShopProfile',
      tags,
      ...signedIn('owner'),
      summary: 'Change the profile or settings (owner)',
      description:
        'Any subset of the fields. A `gstin` is checked for format, state code and GSTN’s check character, and ' +
        'its first two digits must equal `state_code` (the stored one or the one sent with it): otherwise 400 ' +
        'VALIDATION_FAILED naming the field. `gstin: null` makes the shop unregistered. `timezone` must be an ' +
        'IANA name. Audited as `shop.profile_updated` with each changed field’s old and new value. ' +
        'INVOICE_PREFIX_LOCKED: the prefix changes after the first invoice of a financial year, until the year ' +
        'ends; CONCURRENT_UPDATE: the profile kept changing under the request. Nothing is written on a refusal.',
      request: jsonBody(UpdateShopProfile),
      errors: ['INVOICE_PREFIX_LOCKED', 'CONCURRENT_UPDATE'],
      responses: { 200: jsonContent(dataOf(ShopProfileSchema), 'The profile as changed') },
    }),
    async (c) => ok(c, await updateShopProfile(c, c.req.valid('json')), 200),
  );
