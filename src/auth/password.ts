// Password policy and hashing. scrypt (node:crypto in workerd) at OWASP's N=2^14, r=8, p=5:
// memory-hard, and unlike PBKDF2 not capped below OWASP's strength by production Workers
// (PBKDF2 is capped at 100,000 iterations, a sixth of OWASP's 600,000 for SHA-256).
import { scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../http/errors';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { N: 2 ** 14, r: 8, p: 5 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Workers' scrypt memory cap is generous; 128·N·r = 16 MiB at the current setting. */
const MAX_MEM = 64 * 1024 * 1024;

function scrypt(password: string, salt: Uint8Array, { N, r, p }: ScryptParams): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFKC'), salt, KEY_BYTES, { N, r, p, maxmem: MAX_MEM }, (err, key) =>
      err ? reject(err) : resolve(new Uint8Array(key)),
    ),
  );
}

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

/** `scrypt$N=16384,r=8,p=5$<salt>$<key>`: algorithm and parameters travel with the hash. */
export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const key = await scrypt(password, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`;
}

function parse(stored: string): { params: ScryptParams; salt: Uint8Array; key: Uint8Array } | null {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return null;
  return { params: { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }, salt: unb64(m[4]!), key: unb64(m[5]!) };
}

export interface Verification {
  ok: boolean;
  /** The hash was made with weaker parameters than today's: store a fresh one. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string): Promise<Verification> {
  const parsed = parse(stored);
  if (!parsed) return { ok: false, needsRehash: false };
  const key = await scrypt(password, parsed.salt, parsed.params);
  const ok = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  const { N, r, p } = parsed.params;
  const needsRehash = ok && N * r * p < CURRENT_PARAMS.N * CURRENT_PARAMS.r * CURRENT_PARAMS.p;
  return { ok, needsRehash };
}

let dummyHash: Promise<string> | undefined;

/** Spend a real verification on unknown emails, so timing does not tell which emails exist. */
export async function burnVerification(password: string): Promise<void> {
  dummyHash ??= hashPassword('tijori-timing-equaliser');
  await verifyPassword(password, await dummyHash);
}

/** At least 10 characters, two character classes, not the email (nor its local part). */
export function checkPasswordPolicy(password: string, email: string): void {
  const problems: string[] = [];
  if ([...password].length < 10) problems.push('must be at least 10 characters');
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 2) problems.push('must mix at least two of: lower case, upper case, digits, symbols');
  const lower = password.toLowerCase();
  if (lower === email.toLowerCase() || lower === email.toLowerCase().split('@')[0])
    problems.push('must not be the email address');
  if (problems.length > 0) {
    throw new ApiError(
      400,
      'WEAK_PASSWORD',
      'Password does not meet the policy',
      problems.map((message) => ({ path: 'password', message })),
    );
  }
}
