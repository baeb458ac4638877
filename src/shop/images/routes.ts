// Product photos: upload and removal under /api/v1/products (manager+), and the public bytes under
// /api/v1/storefront/{shop_slug}/images (any origin may embed them).
import { signedIn } from '../../auth/guard';
import { readAnyReplica } from '../../db/client';
import { IfNoneMatch, pathParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonContent, ok, z } from '../../http/openapi';
import { byIp, rateLimit } from '../../rate-limit/middleware';
import { etagMatches } from '../storefront/cache';
import { storefrontShop } from '../storefront/service';
import { ImageBody, ProductImageSchema } from './schemas';
import { addImage, deleteImage, IMAGE_CACHE_CONTROL, MAX_IMAGE_BYTES, storefrontImage } from './service';

export const productImageRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'put',
      path: '/{id}/images',
      operationId: 'addProductImage',
      errors: ['UNSUPPORTED_IMAGE', 'IMAGE_TOO_LARGE'],
      tags: ['Catalog'],
      ...signedIn('manager'),
      summary: 'Add a photo to a product (raw image body)',
      description:
        `The body is the image itself: JPEG, PNG or WebP, recognised by its bytes (the Content-Type and ` +
        `file name are not trusted), at most ${MAX_IMAGE_BYTES} bytes (5 MiB). Width and height are read ` +
        'from the image. Anything else is refused and nothing is stored. The same bytes already on the ' +
        'product answer that image with 200.',
      request: {
        params: z.object({ id: pathParam('id') }),
        body: {
          required: true,
          content: {
            'image/jpeg': { schema: ImageBody },
            'image/png': { schema: ImageBody },
            'image/webp': { schema: ImageBody },
          },
        },
      },
      responses: {
        201: jsonContent(dataOf(ProductImageSchema), 'Stored'),
        200: jsonContent(dataOf(ProductImageSchema), 'These bytes were already on the product: that image'),
      },
    }),
    async (c) => {
      const { image, created } = await addImage(c, c.req.valid('param').id);
      return created ? ok(c, image, 201) : ok(c, image, 200);
    },
  )
  .openapi(
    defineRoute({
      method: 'delete',
      path: '/{id}/images/{image_id}',
      operationId: 'deleteProductImage',
      tags: ['Catalog'],
      ...signedIn('manager'),
      summary: 'Remove a photo from a product',
      request: { params: z.object({ id: pathParam('id'), image_id: pathParam('image_id') }) },
      responses: { 204: { description: 'Removed' } },
    }),
    async (c) => {
      const { id, image_id } = c.req.valid('param');
      await deleteImage(c, id, image_id);
      return c.body(null, 204);
    },
  );

const imageHeaders = {
  'Cache-Control': { schema: { type: 'string' as const, example: IMAGE_CACHE_CONTROL } },
  ETag: { schema: { type: 'string' as const }, description: 'Strong: the SHA-256 of the bytes' },
  'Cross-Origin-Resource-Policy': { schema: { type: 'string' as const, example: 'cross-origin' } },
};

export const storefrontImageRoutes = createRouter().openapi(
  defineRoute({
    method: 'get',
    path: '/{shop_slug}/images/{image_id}',
    operationId: 'getStorefrontImage',
    tags: ['Storefront'],
    middleware: [rateLimit('public', byIp, { failMode: 'open' }), readAnyReplica],
    summary: 'A product photo’s bytes (public)',
    description:
      'Only an image of an active product of this shop; another shop’s image id is 404. Immutable: a ' +
      'changed photo is a new id.',
    request: {
      params: z.object({ shop_slug: pathParam('shop_slug'), image_id: pathParam('image_id') }),
      headers: IfNoneMatch,
    },
    responses: {
      200: {
        content: {
          'image/jpeg': { schema: ImageBody },
          'image/png': { schema: ImageBody },
          'image/webp': { schema: ImageBody },
        },
        headers: imageHeaders,
        description: 'The image',
      },
      304: { headers: imageHeaders, description: 'Not modified (If-None-Match matched)' },
    },
  }),
  async (c) => {
    const { shop_slug, image_id } = c.req.valid('param');
    const image = await storefrontImage(c, await storefrontShop(c, shop_slug), image_id);
    c.header('Cache-Control', IMAGE_CACHE_CONTROL);
    c.header('ETag', image.etag);
    // Storefronts on other origins embed the photo; everything else keeps the same-origin default.
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    if (etagMatches(c.req.header('If-None-Match'), image.etag)) {
      await image.body.cancel();
      return c.body(null, 304);
    }
    c.header('Content-Type', image.contentType);
    c.header('Content-Length', String(image.size));
    return c.body(image.body, 200);
  },
);
