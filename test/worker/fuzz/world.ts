// The fuzz's world: a shop with a session per role and rows to aim at, another shop whose ids must
// answer 404, and a probe that tells whether a request wrote anything to D1 or to the KV marks.
import { env } from 'cloudflare:test';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { expect } from 'vitest';
import { login, newShop, newStaff, PASSWORD, type Session } from '../fixtures';
import { type CallOptions, call, callJson, type Json } from '../helpers';
import { addProduct } from '../shop/catalog-fixtures';
import { addCustomer, newKey, sell } from '../shop/sales-fixtures';

export type Who = 'owner' | 'manager' | 'cashier' | 'other-shop';
export const WHO: Who[] = ['owner', 'manager', 'cashier', 'other-shop'];

/**
 * The rate-limit policies raised far above what the fuzz sends, so the limiter still runs on every
 * request (its Durable Object, its headers) but a 429 does not crowd out the routes behind it.
 */
export const GENEROUS_LIMITS = Object.fromEntries(
  ['LOGIN', 'REGISTER', 'REFRESH', 'API', 'PUBLIC', 'PREDICT'].map((p) => [`RATE_LIMIT_${p}`, '1000000/60']),
);

/** One request as the fuzz sends it: through the Worker's fetch with the generous limits. */
export const send = (path: string, options: CallOptions = {}) => call(path, { ...options, env: GENEROUS_LIMITS });

export type Resource = 'users' | 'products' | 'customers' | 'rates' | 'sales' | 'pieces' | 'old-gold';

export interface World {
  session(who: Who): Session;
  /** Sign `who` in again (its session ended: logout, logout-all, a password change). */
  renew(who: Who, password?: string): Promise<void>;
  slug: string;
  otherSlug: string;
  emails: string[];
  /** Ids that exist in the fuzzed shop, by resource (the path segment after /api/v1/). */
  ids: Record<Resource, string[]>;
  /** A row a request took out of use (deleted, voided) is replaced in `ids` by a fresh one. */
  replace(resource: Resource, id: string): Promise<void>;
  /** Tags of the fuzzed shop's pieces (the by-tag lookup's path). */
  tags: string[];
  /** Ids of the other shop's rows: must never be found from the fuzzed one. */
  otherIds: string[];
  /** Access tokens that must be refused: forged, expired, tampered, the wrong kind. */
  badTokens: string[];
}

async function created(path: string, s: Session, json: Json) {
  const res = await call(path, { method: 'POST', token: s.access, json });
  const body = (await res.json()) as Json;
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.data as Json;
}

/** Tokens a client could hold that must not pass: each one refused for a different reason. */
async function badTokensFrom(s: Session): Promise<string[]> {
  const header = decodeProtectedHeader(s.access);
  const claims = decodeJwt(s.access);
  const sign = (payload: Json, secret = env.JWT_SECRET, head: Json = header) =>
    new SignJWT(payload).setProtectedHeader(head as { alg: string }).sign(new TextEncoder().encode(secret));
  const [head, payload, signature] = s.access.split('.') as [string, string, string];
  const b64 = (v: Json) => btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return [
    await sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }),
    await sign(claims, 'not-the-secret-but-just-as-long-as-one-0123456789'),
    await sign({ ...claims, aud: 'someone-else' }),
    await sign({ ...claims, role: 'superuser' }),
    await sign(claims, env.JWT_SECRET, { ...header, typ: 'JWT' }),
    await sign(claims, env.JWT_SECRET, { ...header, kid: 'unknown-kid' }),
    `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
    `${head}.${b64({ ...claims, role: 'owner', shop: 'another-shop' })}.${signature}`,
    `${head}.${payload}`,
    s.access.slice(0, -4),
    s.refresh,
    `${s.access}.${signature}`,
    'a'.repeat(16_000),
  ];
}

export async function buildWorld(): Promise<World> {
  const owner = await newShop();
  const sessions: Record<Who, Session> = {
    owner,
    manager: await newStaff(owner, 'manager'),
    cashier: await newStaff(owner, 'cashier'),
    'other-shop': await newShop(),
  };
  // Builds and replenishes the rows. A user of its own, so the fuzz's requests (counted per user
  // under the real limiter, at the fuzz's generous limits) never push the fixtures, which run at the
  // configured limits, into a 429.
  const keeper = await newStaff(owner, 'owner');
  const passwords: Record<Who, string> = {
    owner: PASSWORD,
    manager: PASSWORD,
    cashier: PASSWORD,
    'other-shop': PASSWORD,
  };
  const tags: string[] = [];
  const make: Partial<Record<Resource, (n: number) => Promise<string>>> = {
    products: async (n) =>
      (await addProduct(keeper, { stock: 1000, metal: n % 2 ? 'silver' : 'gold', purity: n % 2 ? 925 : 916 })).id,
    customers: async () => (await addCustomer(keeper, { credit_limit: 1_000_000_000_000 })).id,
    // On its own product and customer: the pools' rows may have been deactivated by then.
    sales: async () => {
      const { res, body } = await sell(keeper, {
        customer_id: (await addCustomer(keeper, { credit_limit: 1_000_000_000_000 })).id,
        items: [{ product_id: (await addProduct(keeper)).id, quantity: 1 }],
        payment_method: 'khata',
      });
      expect(res.status, JSON.stringify(body)).toBe(201);
      return body.data.id;
    },
    // On its own product too; weights within the fuzz's hints, so a near-valid change passes the rules.
    pieces: async () => {
      const piece = await created('/api/v1/pieces', keeper, {
        product_id: (await addProduct(keeper)).id,
        gross_weight_mg: 25_000,
        net_weight_mg: 5_000,
      });
      tags.push(piece.tag);
      return piece.id;
    },
  };
  /** A purchase voucher at a given rate (the keeper is an owner), so it needs no buy rate. */
  const voucher = async (s: Session) => {
    const { res, body } = await callJson('/api/v1/old-gold/purchases', {
      method: 'POST',
      token: s.access,
      headers: { 'Idempotency-Key': newKey() },
      json: {
        seller: { name: 'Fuzz Seller', address: 'Mumbai' },
        lines: [{ metal: 'gold', purity: 916, gross_weight_mg: 1_000, rate_per_gram: 500_000 }],
        payments: [{ method: 'bank', amount: 500_000 }],
      },
    });
    expect(res.status, JSON.stringify(body)).toBe(201);
    return body.data.id as string;
  };
  make['old-gold'] = () => voucher(keeper);
  const many = async (n: number, one: (i: number) => Promise<string>) => {
    const out = [];
    for (let i = 0; i < n; i++) out.push(await one(i));
    return out;
  };
  const ids: Record<Resource, string[]> = {
    users: [],
    products: [],
    customers: [],
    rates: [],
    sales: [],
    pieces: [],
    'old-gold': [],
  };
  // Users only the fuzz may rename, demote or deactivate: never the sessions it signs in with.
  const spares = (['manager', 'cashier'] as const).map((role) => ({
    role,
    name: `Spare ${role}`,
    email: `spare-${role}-${owner.shop.slug}@example.com`,
    password: PASSWORD,
  }));
  ids.users = await many(spares.length, async (i) => (await created('/api/v1/users', keeper, spares[i]!)).id);
  ids.products = await many(6, make.products!);
  ids.customers = await many(4, make.customers!);
  ids.sales = await many(3, make.sales!);
  ids.pieces = await many(3, make.pieces!);
  ids['old-gold'] = await many(2, make['old-gold']);
  const RATES = [
    ['gold', 916],
    ['gold', 999],
    ['silver', 925],
  ] as const;
  ids.rates = await many(RATES.length, async (i) => {
    const [metal, purity] = RATES[i]!;
    const rate = { metal, purity, rate_per_gram: 700_000, effective_date: '2026-01-15' };
    return (await created('/api/v1/rates', keeper, rate)).id;
  });
  const other = sessions['other-shop'];
  const otherProduct = (await addProduct(other)).id;
  const otherPiece = await created('/api/v1/pieces', other, {
    product_id: otherProduct,
    gross_weight_mg: 25_000,
    net_weight_mg: 5_000,
  });
  const otherIds = [
    otherProduct,
    (await addCustomer(other)).id,
    other.user.id,
    otherPiece.id,
    await voucher(other),
  ] as string[];
  let made = 0;

  return {
    session: (who) => sessions[who],
    async renew(who, password) {
      if (password !== undefined) passwords[who] = password;
      sessions[who] = await login(sessions[who].email, passwords[who]);
    },
    slug: owner.shop.slug,
    otherSlug: other.shop.slug,
    emails: [...WHO.map((w) => sessions[w].email), ...spares.map((u) => u.email)],
    ids,
    async replace(resource, id) {
      const pool = ids[resource];
      const at = pool.indexOf(id);
      const fresh = make[resource];
      if (at >= 0 && fresh) pool[at] = await fresh(made++);
    },
    tags,
    otherIds,
    badTokens: await badTokensFrom(owner),
  };
}

// --- What a request wrote ---------------------------------------------------------------------

const UNWATCHED = /^(sqlite_|_cf_|d1_migrations$)/;

const totalChanges = async () => (await env.DB.prepare('SELECT total_changes() AS n').first<{ n: number }>())!.n;

async function revocationMarks(): Promise<string> {
  const list = await env.AUTH_KV.list({ prefix: 'rv:' });
  expect(list.list_complete).toBe(true);
  return JSON.stringify(list.keys.map((k) => [k.name, k.expiration]));
}

/**
 * What requests wrote: every table of the schema, row by row, and the KV revocation marks. The
 * cheap signal is SQLite's total_changes() on D1's one connection, which every write by anyone
 * moves; only when it moved are the tables read and compared, because it also counts the
 * statements of a batch that then rolled back, which left nothing behind. (Triggers would be
 * cheaper still, but D1 reports a statement's `meta.changes` as a total_changes() difference, so
 * trigger writes would change what the app's own guards read.)
 */
export class WriteWatch {
  private constructor(
    private readonly tables: string[],
    private changes: number,
    private content: Map<string, string>,
    private marks: string,
  ) {}

  static async start(): Promise<WriteWatch> {
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{
      name: string;
    }>();
    const tables = results.map((r) => r.name).filter((n) => !UNWATCHED.test(n));
    const changes = await totalChanges();
    return new WriteWatch(tables, changes, await WriteWatch.read(tables), await revocationMarks());
  }

  private static async read(tables: string[]): Promise<Map<string, string>> {
    const rows = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT * FROM "${t}" ORDER BY rowid`)));
    return new Map(tables.map((t, i) => [t, JSON.stringify(rows[i]!.results)]));
  }

  /** The tables (and `AUTH_KV`) whose content changed since the last call. */
  async written(): Promise<string[]> {
    const [changes, marks] = await Promise.all([totalChanges(), revocationMarks()]);
    const out = marks === this.marks ? [] : ['AUTH_KV'];
    this.marks = marks;
    if (changes !== this.changes) {
      const content = await WriteWatch.read(this.tables);
      out.push(...this.tables.filter((t) => content.get(t) !== this.content.get(t)));
      this.content = content;
      this.changes = changes;
    }
    return out;
  }
}
