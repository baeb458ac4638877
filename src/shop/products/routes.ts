// /api/v1/products: the shop's catalog (read: any role; write: manager+).
import { signedIn } from '../../auth/guard';
import { idParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, okPage, pageOf } from '../../http/openapi';
import { STONE_VALUATION_DOC } from '../predictions/stones';
import { CreateProduct, ProductListQuery, ProductSchema, UpdateProduct } from './schemas';
import { createProduct, deleteProduct, getProduct, listProducts, updateProduct } from './service';

const tags = ['Catalog'];

export const productRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'listProducts',
      errors: ['FORBIDDEN'],
      tags,
      ...signedIn('cashier'),
      summary: 'List products',
      description:
        'Active products unless `include_inactive=true` (manager+; a cashier gets 403). Sorted by `sort` ' +
        '(default `-created`) with the id as tiebreak.',
      request: { query: ProductListQuery },
      responses: { 200: jsonContent(pageOf(ProductSchema), 'One page of products') },
    }),
    async (c) => okPage(c, await listProducts(c, c.req.valid('query'))),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/',
      operationId: 'createProduct',
      errors: ['SKU_TAKEN', 'MODEL_UNAVAILABLE'],
      tags,
      ...signedIn('manager'),
      summary: 'Add a product',
      description: STONE_VALUATION_DOC,
      request: jsonBody(CreateProduct),
      responses: { 201: jsonContent(dataOf(ProductSchema), 'Created (409 SKU_TAKEN if the SKU is in use)') },
    }),
    async (c) => ok(c, await createProduct(c, c.req.valid('json')), 201),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getProduct',
      tags,
      ...signedIn('cashier'),
      summary: 'One product (an inactive one only for manager+)',
      request: { params: idParam },
      responses: { 200: jsonContent(dataOf(ProductSchema), 'The product') },
    }),
    async (c) => ok(c, await getProduct(c, c.req.valid('param').id)),
  )
  .openapi(
    defineRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updateProduct',
      errors: ['SKU_TAKEN', 'CONCURRENT_UPDATE', 'SELL_BY_PIECE', 'MODEL_UNAVAILABLE'],
      tags,
      ...signedIn('manager'),
      summary: 'Change a product',
      description:
        'A `base_price` change is audited as `product.price_changed` with `from` and `to`. A product with ' +
        `pieces reports its in-stock pieces as \`stock\`; a \`stock\` for it is 422 \`SELL_BY_PIECE\`. ${STONE_VALUATION_DOC}`,
      request: { params: idParam, ...jsonBody(UpdateProduct) },
      responses: { 200: jsonContent(dataOf(ProductSchema), 'Updated') },
    }),
    async (c) => ok(c, await updateProduct(c, c.req.valid('param').id, c.req.valid('json'))),
  )
  .openapi(
    defineRoute({
      method: 'delete',
      path: '/{id}',
      operationId: 'deleteProduct',
      tags,
      ...signedIn('manager'),
      summary: 'Retire a product (soft delete: `active=false`)',
      request: { params: idParam },
      responses: { 204: { description: 'Retired (also when it already was)' } },
    }),
    async (c) => {
      await deleteProduct(c, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
