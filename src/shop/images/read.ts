// Reading a product's photos as the catalog and the storefront list them: apart from the service
// (uploads, deletes) so the product and storefront queries can use it without importing the writes.
import { and, asc, eq, inArray, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Context } from 'hono';
import type { Db } from '../../db/client';
import { productImages, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import type { AppEnv } from '../../http/types';
import type { ProductImage } from './schemas';

type C = Context<AppEnv>;

/** R2 key: one object per distinct photo of a shop. */
export const objectKey = (shopId: string, sha256: string) => `shops/${shopId}/${sha256}`;

/** Absolute, on the origin the caller used: a storefront on another origin embeds it as it is. */
const imageUrl = (c: C, slug: string, id: string) =>
  new URL(`/api/v1/storefront/${encodeURIComponent(slug)}/images/${encodeURIComponent(id)}`, c.req.url).toString();

/**
 * The shop's images of the products `productIds` names, with the shop's slug (for the URL), oldest
 * first. `productIds` may be a subquery, so a product list reads its page's images in its own batch.
 */
export const imagesQuery = (db: Db, shopId: string, productIds: SQLWrapper | string[], where?: SQL) =>
  db
    .select({ image: productImages, slug: shops.slug })
    .from(productImages)
    .innerJoin(shops, eq(shops.id, productImages.shopId))
    .where(inShop(productImages, shopId, and(inArray(productImages.productId, productIds), where)))
    .orderBy(asc(productImages.createdAt), asc(productImages.id));

export type ImageRow = Awaited<ReturnType<typeof imagesQuery>>[number];

export const toImage = (c: C, { image, slug }: ImageRow): ProductImage => ({
  id: image.id,
  url: imageUrl(c, slug, image.id),
  width: image.width,
  height: image.height,
});

/** Product id → its images, oldest (the cover) first; a product without any is absent. */
export function imagesByProduct(c: C, rows: ImageRow[]): Map<string, ProductImage[]> {
  const map = new Map<string, ProductImage[]>();
  for (const row of rows) map.set(row.image.productId, [...(map.get(row.image.productId) ?? []), toImage(c, row)]);
  return map;
}
