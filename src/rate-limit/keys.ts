// Key functions for rateLimit(): who a request counts against.
import type { Context } from 'hono';
import { authOf } from '../http/caller';
import type { AppEnv } from '../http/types';

/** Picks the key a request is counted under; it may read the (already parsed) JSON body. */
export type KeyFn = (c: Context<AppEnv>) => string | Promise<string>;

/**
 * The client address as a rate-limit key: IPv4 as is, IPv6 reduced to its /64, because one
 * subscriber usually holds a whole /64 and could otherwise step through 2^64 addresses.
 * IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as the IPv4 address. Anything unparsable is used
 * verbatim (capped): it is only a key.
 */
export function ipKey(raw: string | null | undefined): string {
  if (!raw) return 'unknown';
  let ip = raw.trim().toLowerCase();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  if (!ip.includes(':')) return ip.slice(0, 64);
  const groups = ipv6Groups(ip);
  if (!groups) return ip.slice(0, 64);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (with `::` and a dotted IPv4 tail), or null. */
function ipv6Groups(ip: string): number[] | null {
  const halves = ip.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const octets = piece.split('.').map(Number);
        if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
        out.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      } else {
        if (!/^[0-9a-f]{1,4}$/.test(piece)) return null;
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}

/** The caller's address key (CF-Connecting-IP is set by Cloudflare and cannot be forged through it). */
export const byIp: KeyFn = (c) => ipKey(c.req.header('CF-Connecting-IP'));

/** Normalised like the login schema does (trimmed, lower-cased); absent or odd values count as "". */
const emailOf = (body: unknown): string => {
  const email = (body as { email?: unknown } | null)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
};

/**
 * Client address plus the email in the JSON body: one account's guesses from one place. Runs
 * before the route's validator, so a malformed body still counts (under an empty email).
 */
export const byIpAndEmail: KeyFn = async (c) => {
  const body = await c.req.json().catch(() => null);
  return `${byIp(c)}|${emailOf(body)}`;
};

/** The signed-in user (declare after requireAuth). */
export const byUser: KeyFn = (c) => authOf(c).userId;

/** The signed-in user's shop (declare after requireAuth). */
export const byShop: KeyFn = (c) => authOf(c).shopId;
