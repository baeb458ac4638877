// A product photo on the wire, and the raw image bodies the upload and the public read carry.
import { z } from '../../http/openapi';

export const ProductImageSchema = z
  .object({
    id: z.string(),
    url: z.string().openapi({ description: 'Public, on the storefront; embeddable from any origin' }),
    width: z.number().int().openapi({ description: 'Pixels, read from the image itself' }),
    height: z.number().int(),
  })
  .openapi('ProductImage');

export type ProductImage = z.infer<typeof ProductImageSchema>;

/** The bytes of a JPEG, PNG or WebP. */
export const ImageBody = z.string().openapi({ type: 'string', format: 'binary' });
