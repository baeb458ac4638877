// Passwords the CLI sets: generated to print once, or read from stdin (never from the command line,
// where shell history and `ps` would keep it). Either way checked against the API's policy.
import { randomInt } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { checkPasswordPolicy } from '../../src/auth/password';
import { ApiError } from '../../src/http/errors';
import { type Context, usageError } from './cli';

// No look-alikes (0/O, 1/l/I): a password read out over the phone or copied by hand survives.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Four groups of five (~116 bits); the letters and the hyphens alone meet the policy's two classes. */
export function generatePassword(): string {
  const group = () => Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return [group(), group(), group(), group()].join('-');
}

export const PASSWORD_OPTION = {
  'password-stdin': { help: 'read the password from stdin instead of generating one' },
};

export interface NewPassword {
  password: string;
  /** Generated here: the caller prints it, once. */
  generated: boolean;
}

export async function newPassword(ctx: Context, email: string): Promise<NewPassword> {
  let password = generatePassword();
  const generated = !ctx.opts['password-stdin'];
  if (!generated) {
    if (process.stdin.isTTY) throw usageError('--password-stdin reads a pipe, e.g. printf %s "$PW" | npm run admin …');
    password = (await text(process.stdin)).replace(/\r?\n$/, '');
  }
  try {
    checkPasswordPolicy(password, email);
  } catch (err) {
    if (err instanceof ApiError) throw usageError(`password ${err.details?.map((d) => d.message).join('; ')}`);
    throw err;
  }
  return { password, generated };
}

export const printPassword = (email: string, { password, generated }: NewPassword) => {
  if (!generated) return;
  console.log(`One-time password for ${email} (shown only now; they should change it: POST /api/v1/auth/password):`);
  console.log(`password: ${password}`);
};
