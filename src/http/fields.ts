// Field schemas shared by every resource, so one rule (trim, strip tags, lower-case email) is written once.
import { z } from '@hono/zod-openapi';

const stripTags = (s: string) => s.replace(/<[^>]*>/g, '').trim();

/** Free text: trimmed and stripped of HTML tags before validation and storage. */
export const cleanText = (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .transform(stripTags)
    .pipe(z.string().min(min).max(max));

export const email = z
  .string()
  .max(254)
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.email())
  .openapi({ example: 'owner@demo.tijori.app' });

export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** Integer minor units (paise); never floats. */
export const money = z.number().int().min(0).max(1_000_000_000_000);
