// Wire shapes of the shop's staff accounts; a user as shown is auth's UserSchema.
import { z } from '@hono/zod-openapi';
import { ROLES } from '../../db/schema';
import { email, password, personName } from '../schemas';

export const CreateUser = z
  .strictObject({ name: personName, email, password, role: z.enum(ROLES) })
  .openapi('CreateUser');
export type CreateUserInput = z.infer<typeof CreateUser>;

export const UpdateUser = z
  .strictObject({
    name: personName.optional(),
    role: z.enum(ROLES).optional(),
    active: z.boolean().optional(),
    password: password.optional().openapi({
      description:
        "A new password for a manager or cashier (not an owner: they use /auth/password); ends that user's sessions",
    }),
  })
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .openapi('UpdateUser');
export type UpdateUserInput = z.infer<typeof UpdateUser>;
