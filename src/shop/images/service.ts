// Product photos: the bytes in R2 under `shops/<shop id>/<sha-256>` (one object per distinct photo
// of a shop), a product_images row per (product, photo) in D1, and the public URL the storefront
// serves them from. Every change bumps the catalog version, so cached storefront pages list it.
import { count, eq, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQueryWhen } from '../../audit/record';
import { dbOf } from '../../db/client';
import { productImages, products } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { newId, nowIso } from '../../lib/id';
import { bumpCatalogVersion } from '../products/service';
import type { StorefrontShop } from '../storefront/shop-memo';
import { imagesQuery, objectKey, toImage } from './read';
import type { ProductImage } from './schemas';
import { sniffImage } from './sniff';

type C = Context<AppEnv>;

/** 5 MiB (API.md "Images and passwords"): a phone photo resized for the web fits several times over. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** The bytes never change under an id (a new photo is a new id), so caches may keep them a year. */
export const IMAGE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * The request body, read up to MAX_IMAGE_BYTES: a declared or actual length over it is refused
 * without reading (or keeping) the rest.
 */
async function readLimited(req: Request): Promise<Uint8Array> {
  const tooLarge = () =>
    new ApiError(413, 'IMAGE_TOO_LARGE', `An image may be at most ${MAX_IMAGE_BYTES} bytes (5 MiB)`);
  const declared = Number(req.headers.get('Content-Length') ?? Number.NaN);
  if (declared > MAX_IMAGE_BYTES) {
    await req.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      size += r.value.byteLength;
      if (size > MAX_IMAGE_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(r.value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

async function productInShop(c: C, id: string) {
  const [row] = await dbOf(c)
    .select({ id: products.id })
    .from(products)
    .where(inShop(products, authOf(c).shopId, eq(products.id, id)));
  if (!row) throw notFound('Product');
}

/**
 * Stores the photo (R2 first, then its row, audit and catalog bump in one D1 batch) and answers it
 * with `created`; the same bytes already on the product answer the existing image. A body that is
 * too large or not a JPEG, PNG or WebP is refused before anything is written.
 */
export async function addImage(c: C, productId: string): Promise<{ image: ProductImage; created: boolean }> {
  const { shopId } = authOf(c);
  await productInShop(c, productId);
  const bytes = await readLimited(c.req.raw);
  const sniffed = sniffImage(bytes);
  if (!sniffed) {
    throw new ApiError(415, 'UNSUPPORTED_IMAGE', 'The body is not a JPEG, PNG or WebP image (judged by its bytes)');
  }
  const sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
  // R2 checks the digest on arrival, so a corrupted upload is never stored as this hash.
  await c.env.IMAGES.put(objectKey(shopId, sha256), bytes, {
    httpMetadata: { contentType: sniffed.type, cacheControl: IMAGE_CACHE_CONTROL },
    sha256,
  });
  const db = dbOf(c);
  const id = newId();
  // Each statement's guard reads the one before it: the bump only if the row was new, the audit
  // only if the bump happened.
  await db.batch([
    db
      .insert(productImages)
      .values({
        id,
        shopId,
        productId,
        sha256,
        contentType: sniffed.type,
        bytes: bytes.byteLength,
        width: sniffed.width,
        height: sniffed.height,
        createdAt: nowIso(),
      })
      .onConflictDoNothing({ target: [productImages.productId, productImages.sha256] }),
    bumpCatalogVersion(db, shopId, sql`changes() = 1`),
    auditQueryWhen(
      c,
      {
        action: 'product.image_added',
        targetType: 'product',
        targetId: productId,
        details: { image_id: id, sha256, type: sniffed.type, bytes: bytes.byteLength },
      },
      sql`changes() = 1`,
    ),
  ]);
  const [row] = await imagesQuery(db, shopId, [productId], eq(productImages.sha256, sha256));
  if (!row) throw notFound('Product');
  return { image: toImage(c, row), created: row.image.id === id };
}

/**
 * Removes the image from the product (row, audit and catalog bump in one batch), then its R2
 * object if no other product of the shop shows the same photo. An upload of those very bytes racing
 * this delete could see its object go; the storefront then answers 404 for it and a re-upload heals it.
 */
export async function deleteImage(c: C, productId: string, imageId: string): Promise<void> {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  const [image] = await db
    .select()
    .from(productImages)
    .where(inShop(productImages, shopId, eq(productImages.id, imageId), eq(productImages.productId, productId)));
  if (!image) throw notFound('Image');
  const [, , , [left]] = await db.batch([
    db.delete(productImages).where(inShop(productImages, shopId, eq(productImages.id, imageId))),
    bumpCatalogVersion(db, shopId, sql`changes() = 1`),
    auditQueryWhen(
      c,
      {
        action: 'product.image_deleted',
        targetType: 'product',
        targetId: productId,
        details: { image_id: imageId, sha256: image.sha256 },
      },
      sql`changes() = 1`,
    ),
    db
      .select({ n: count() })
      .from(productImages)
      .where(inShop(productImages, shopId, eq(productImages.sha256, image.sha256))),
  ]);
  if (left?.n === 0) await c.env.IMAGES.delete(objectKey(shopId, image.sha256));
}

/** The bytes of an image of an active product of the shop; anything else is 404. */
export async function storefrontImage(c: C, shop: StorefrontShop, imageId: string) {
  const [row] = await dbOf(c)
    .select({ sha256: productImages.sha256, contentType: productImages.contentType })
    .from(productImages)
    .innerJoin(products, eq(products.id, productImages.productId))
    .where(inShop(productImages, shop.id, eq(productImages.id, imageId), eq(products.active, true)));
  const object = row && (await c.env.IMAGES.get(objectKey(shop.id, row.sha256)));
  if (!row || !object) throw notFound('Image');
  return { body: object.body, size: object.size, contentType: row.contentType, etag: `"${row.sha256}"` };
}
