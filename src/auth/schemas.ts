// Wire shapes of accounts: what clients send and see (never a password hash).
import { z } from '@hono/zod-openapi';
import { ROLES, type shops, type users } from '../db/schema';
import { cleanText, email } from '../http/fields';

export const UserSchema = z
  .object({
    id: z.string(),
    shop_id: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    active: z.boolean(),
    created_at: z.string(),
  })
  .openapi('User');

export const ShopSchema = z
  .object({ id: z.string(), name: z.string(), slug: z.string(), status: z.string(), created_at: z.string() })
  .openapi('Shop');

export const TokensSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int(),
  })
  .openapi('Tokens');

export const SessionSchema = z.object({ user: UserSchema, shop: ShopSchema, tokens: TokensSchema });

export const toUser = (u: typeof users.$inferSelect): z.infer<typeof UserSchema> => ({
  id: u.id,
  shop_id: u.shopId,
  name: u.name,
  email: u.email,
  role: u.role,
  active: u.active,
  created_at: u.createdAt,
});

// Only the fields it shows: the shop's settings columns are not part of a session's shop.
export const toShop = (
  s: Pick<typeof shops.$inferSelect, 'id' | 'name' | 'slug' | 'status' | 'createdAt'>,
): z.infer<typeof ShopSchema> => ({
  id: s.id,
  name: s.name,
  slug: s.slug,
  status: s.status,
  created_at: s.createdAt,
});

/** Checked against the policy (with the email) in the service; the schema bounds its size. */
export const password = z.string().min(1).max(256);
export const personName = cleanText(1, 100);
export { email };

export const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{1,46}[a-z0-9])$/, 'lower-case letters, digits and inner hyphens, 3–48 characters')
  .openapi({ example: 'demo' });
