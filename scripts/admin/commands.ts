import { and, count, eq, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { hashPassword } from '../../src/auth/password';
import {
  isReused,
  keepPreviousPasswordQueries,
  previousPasswordsQuery,
  REUSE_MESSAGE,
} from '../../src/auth/password-history';
import { beforeMark, keys, markTtl } from '../../src/auth/revocation';
import { email, personName, slug } from '../../src/auth/schemas';
import type { BatchQuery, Db } from '../../src/db/client';
import { isUniqueViolation } from '../../src/db/errors';
import { auditLog, ROLES, type Role, refreshTokens, shops, users } from '../../src/db/schema';
import { cleanText } from '../../src/http/fields';
import { newId, nowIso } from '../../src/lib/id';
import { PUBLISHED_MODEL_KEY } from '../../src/ml/published';
import { shippedPriceVersions } from '../lib/price-models';
import { rowsWhere } from '../lib/sql';
import { d1Client, describeTarget, kvPut, type Target, vars, wrangler } from '../lib/wrangler';
import { backup, restore } from './backup';
import { CliError, type Command, type Context, step } from './cli';
import { newPassword, PASSWORD_OPTION, printPassword } from './password';

const ACTOR = 'admin-cli';

/**
 * D1's time in epoch ms, the last statement of a batch that ends sessions. Raw SQL on purpose: it
 * reads no table, and Drizzle's select needs one.
 */
const d1Now = (db: Db) =>
  db.all<{ now: number }>(sql`SELECT CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER) AS now`);

interface AuditEvent {
  shopId: string;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

/** The entry, written only if `when` holds at its place in the batch (as audit/record.ts's auditQueryWhen). */
const audit = (db: Db, e: AuditEvent, when: SQL = sql`TRUE`) =>
  db.insert(auditLog).select(
    rowsWhere(
      auditLog,
      [
        {
          id: newId(),
          shopId: e.shopId,
          actorId: ACTOR,
          action: e.action,
          targetType: e.targetType,
          targetId: e.targetId,
          details: e.details ? JSON.stringify(e.details) : null,
          requestId: null,
          ip: null,
          createdAt: nowIso(),
        },
      ],
      when,
    ),
  );

/** After a guarded UPDATE: it changed the row (audit/record.ts's `when`). */
const changedOne = sql`changes() = 1`;

const revokeFamilies = (db: Db, where: SQL | undefined) =>
  db
    .update(refreshTokens)
    .set({ revokedAt: nowIso() })
    .where(and(isNull(refreshTokens.revokedAt), where));

const userRow = (u: { id: string; shopId: string; name: string; email: string; role: Role; hash: string }) => {
  const now = nowIso();
  return {
    id: u.id,
    shopId: u.shopId,
    name: u.name,
    email: u.email,
    passwordHash: u.hash,
    role: u.role,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
};

async function findShop(target: Target, shopSlug: string) {
  step(`D1 ${describeTarget(target)}: looking up shop ${shopSlug}`);
  const db = d1Client(target);
  const [rows] = await db.batch([
    db
      .select({ id: shops.id, slug: shops.slug, name: shops.name, status: shops.status })
      .from(shops)
      .where(eq(shops.slug, shopSlug)),
  ]);
  const shop = rows[0];
  if (!shop) throw new CliError(`no shop with slug "${shopSlug}"`);
  return shop;
}

async function findUser(target: Target, userEmail: string) {
  step(`D1 ${describeTarget(target)}: looking up ${userEmail}`);
  const db = d1Client(target);
  const [rows] = await db.batch([
    db
      .select({
        id: users.id,
        shopId: users.shopId,
        email: users.email,
        role: users.role,
        active: users.active,
        shopSlug: shops.slug,
      })
      .from(users)
      .innerJoin(shops, eq(shops.id, users.shopId))
      .where(eq(users.email, userEmail)),
  ]);
  const user = rows[0];
  if (!user) throw new CliError(`no user with email ${userEmail}`);
  return user;
}

/** Runs `statements` as one batch that ends with d1Now; the first statement's rows and D1's time. */
async function d1Timed<T extends BatchQuery>(db: Db, [first, ...rest]: [T, ...BatchQuery[]]) {
  const results = await db.batch([first, ...rest, d1Now(db)]);
  const now = Number((results.at(-1) as { now: number }[])[0]?.now);
  if (!Number.isFinite(now)) throw new CliError('D1 did not return its time');
  return { first: results[0], now };
}

/**
 * Kills the access tokens issued before `before` under `key`. D1 has already changed: on a failure
 * say so, and what finishes the job (every command here can be run again).
 */
async function markDead(target: Target, key: string, before: number, rerun: string) {
  step(`KV ${describeTarget(target)}: refusing access tokens issued before ${new Date(before).toISOString()}`);
  try {
    // src/config.ts's default when wrangler.toml sets none.
    const accessTtl = Number((await vars(target)).ACCESS_TOKEN_TTL ?? 900);
    kvPut(target, key, beforeMark(before), markTtl(accessTtl));
  } catch (err) {
    throw new CliError(
      `${(err as Error).message}\nD1 is changed, but access tokens already issued keep working until they expire. Run \`${rerun}\` again to finish.`,
    );
  }
}

const where = (ctx: Context) => (ctx.target.remote ? ' --remote' : '');

function alreadyExists(err: unknown, shopSlug: string | undefined, userEmail: string): never {
  if (shopSlug && isUniqueViolation(err, 'shops.slug')) throw new CliError(`a shop with slug "${shopSlug}" exists`);
  if (isUniqueViolation(err, 'users.email')) throw new CliError(`an account with email ${userEmail} exists`);
  throw err;
}

const shopCreate: Command = {
  words: 'shop create',
  summary: 'Create a shop and its owner; prints a one-time password unless --password-stdin gives one.',
  options: {
    slug: { value: '<slug>', required: true, help: 'the shop slug (storefront URL): a-z, 0-9, inner hyphens' },
    name: { value: '<name>', required: true, help: 'the shop name' },
    'owner-email': { value: '<email>', required: true, help: "the owner's sign-in email" },
    'owner-name': { value: '<name>', required: true, help: "the owner's name" },
    ...PASSWORD_OPTION,
  },
  async run(ctx) {
    const shopSlug = ctx.field('slug', slug);
    const shopName = ctx.field('name', cleanText(1, 100));
    const ownerEmail = ctx.field('owner-email', email);
    const ownerName = ctx.field('owner-name', personName);
    const pw = await newPassword(ctx, ownerEmail);
    const shopId = newId();
    const owner = userRow({
      id: newId(),
      shopId,
      name: ownerName,
      email: ownerEmail,
      role: 'owner',
      hash: await hashPassword(pw.password),
    });
    step(`D1 ${describeTarget(ctx.target)}: creating shop ${shopSlug} and its owner`);
    const db = d1Client(ctx.target);
    try {
      await db.batch([
        db.insert(shops).values({
          id: shopId,
          slug: shopSlug,
          name: shopName,
          status: 'active',
          catalogVersion: 0,
          createdAt: owner.createdAt,
          updatedAt: owner.createdAt,
        }),
        db.insert(users).values(owner),
        audit(db, {
          shopId,
          action: 'shop.created',
          targetType: 'shop',
          targetId: shopId,
          details: { owner: owner.id },
        }),
      ]);
    } catch (err) {
      alreadyExists(err, shopSlug, ownerEmail);
    }
    console.log(
      `Created shop "${shopName}" (slug ${shopSlug}, id ${shopId}) with owner ${ownerEmail} (id ${owner.id}).`,
    );
    printPassword(ownerEmail, pw);
  },
};

const shopSuspend: Command = {
  words: 'shop suspend',
  args: ['<slug>'],
  summary:
    'Suspend a shop: its sign-ins are refused and every session ends (access tokens at once here, ~60 s elsewhere).',
  destructive: true,
  async run(ctx) {
    const shop = await findShop(ctx.target, ctx.field('<slug>', slug));
    if (shop.status === 'suspended') step(`shop ${shop.slug} is already suspended; ending any sessions left`);
    await ctx.confirm(`Suspend shop "${shop.name}" (${shop.slug}) and sign out all its users?`);
    step(`D1 ${describeTarget(ctx.target)}: suspending ${shop.slug} and revoking its refresh tokens`);
    const db = d1Client(ctx.target);
    const { now } = await d1Timed(db, [
      db
        .update(shops)
        .set({ status: 'suspended', updatedAt: nowIso() })
        .where(and(eq(shops.id, shop.id), eq(shops.status, 'active'))),
      audit(db, { shopId: shop.id, action: 'shop.suspended', targetType: 'shop', targetId: shop.id }, changedOne),
      revokeFamilies(db, eq(refreshTokens.shopId, shop.id)),
    ]);
    await markDead(
      ctx.target,
      keys.shop(shop.id),
      now,
      `npm run admin -- shop suspend ${shop.slug}${where(ctx)} --yes`,
    );
    console.log(`Suspended shop ${shop.slug}.`);
  },
};

const shopResume: Command = {
  words: 'shop resume',
  args: ['<slug>'],
  summary: 'Let a suspended shop sign in again (sessions ended by the suspension stay ended).',
  async run(ctx) {
    const shop = await findShop(ctx.target, ctx.field('<slug>', slug));
    if (shop.status === 'active') {
      console.log(`Shop ${shop.slug} is already active.`);
      return;
    }
    step(`D1 ${describeTarget(ctx.target)}: resuming ${shop.slug}`);
    const db = d1Client(ctx.target);
    await db.batch([
      db
        .update(shops)
        .set({ status: 'active', updatedAt: nowIso() })
        .where(and(eq(shops.id, shop.id), eq(shops.status, 'suspended'))),
      audit(db, { shopId: shop.id, action: 'shop.resumed', targetType: 'shop', targetId: shop.id }, changedOne),
    ]);
    console.log(`Resumed shop ${shop.slug}.`);
  },
};

const userCreate: Command = {
  words: 'user create',
  summary: 'Add a user to a shop; prints a one-time password unless --password-stdin gives one.',
  options: {
    shop: { value: '<slug>', required: true, help: 'the shop' },
    email: { value: '<email>', required: true, help: 'sign-in email' },
    name: { value: '<name>', required: true, help: 'their name' },
    role: { value: '<role>', required: true, help: ROLES.join(' | ') },
    ...PASSWORD_OPTION,
  },
  async run(ctx) {
    const shopSlug = ctx.field('shop', slug);
    const userEmail = ctx.field('email', email);
    const name = ctx.field('name', personName);
    const role = ctx.field('role', z.enum(ROLES));
    const pw = await newPassword(ctx, userEmail);
    const shop = await findShop(ctx.target, shopSlug);
    const user = userRow({
      id: newId(),
      shopId: shop.id,
      name,
      email: userEmail,
      role,
      hash: await hashPassword(pw.password),
    });
    step(`D1 ${describeTarget(ctx.target)}: creating ${userEmail}`);
    const db = d1Client(ctx.target);
    try {
      await db.batch([
        db.insert(users).values(user),
        audit(db, {
          shopId: shop.id,
          action: 'user.created',
          targetType: 'user',
          targetId: user.id,
          details: { role },
        }),
      ]);
    } catch (err) {
      alreadyExists(err, undefined, userEmail);
    }
    console.log(`Created ${role} ${userEmail} (id ${user.id}) in shop ${shop.slug}.`);
    printPassword(userEmail, pw);
  },
};

const userResetPassword: Command = {
  words: 'user reset-password',
  args: ['<email>'],
  summary: 'Set a new password (printed once unless --password-stdin gives one) and end every session.',
  options: { ...PASSWORD_OPTION },
  destructive: true,
  async run(ctx) {
    const userEmail = ctx.field('<email>', email);
    const pw = await newPassword(ctx, userEmail);
    const user = await findUser(ctx.target, userEmail);
    await ctx.confirm(
      `Reset the password of ${userEmail} (${user.role} at ${user.shopSlug}) and sign them out everywhere?`,
    );
    // The Worker's history rule (src/auth/password-history.ts): a password given on stdin may not be
    // one of the user's last 5; a generated one is new by construction. Either way the replaced hash
    // is kept, so the user's own next change is checked against it.
    const db = d1Client(ctx.target);
    const hashOf = db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
    const [current, kept] = await db.batch([hashOf, previousPasswordsQuery(db, user.id)]);
    const previous = String(current[0]?.hash);
    const hashes = [previous, ...kept.map((k) => k.hash)];
    if (!pw.generated && (await isReused(pw.password, hashes))) throw new CliError(REUSE_MESSAGE);
    const hash = await hashPassword(pw.password);
    step(`D1 ${describeTarget(ctx.target)}: setting the password and revoking refresh tokens`);
    const { now } = await d1Timed(db, [
      db.update(users).set({ passwordHash: hash, updatedAt: nowIso() }).where(eq(users.id, user.id)),
      ...keepPreviousPasswordQueries(db, user.id, previous, eq(hashOf, hash)),
      audit(db, { shopId: user.shopId, action: 'user.password_reset', targetType: 'user', targetId: user.id }),
      revokeFamilies(db, eq(refreshTokens.userId, user.id)),
    ]);
    // The password is set: show it before the KV step, which could fail.
    console.log(`Reset the password of ${userEmail}.`);
    printPassword(userEmail, pw);
    await markDead(
      ctx.target,
      keys.user(user.id),
      now,
      `npm run admin -- sessions revoke --user ${userEmail}${where(ctx)} --yes`,
    );
  },
};

const userDeactivate: Command = {
  words: 'user deactivate',
  args: ['<email>'],
  summary: "Deactivate a user: sign-in refused, every session ends (a shop's last active owner cannot be).",
  destructive: true,
  async run(ctx) {
    const userEmail = ctx.field('<email>', email);
    const user = await findUser(ctx.target, userEmail);
    if (!user.active) step(`${userEmail} is already inactive; ending any sessions left`);
    await ctx.confirm(`Deactivate ${userEmail} (${user.role} at ${user.shopSlug}) and sign them out everywhere?`);
    step(`D1 ${describeTarget(ctx.target)}: deactivating and revoking refresh tokens`);
    const db = d1Client(ctx.target);
    const owner = alias(users, 'o');
    const otherActiveOwners = db
      .select({ n: count() })
      .from(owner)
      .where(
        and(eq(owner.shopId, users.shopId), eq(owner.role, 'owner'), eq(owner.active, true), ne(owner.id, users.id)),
      );
    const isActive = db.select({ active: users.active }).from(users).where(eq(users.id, user.id));
    const { first: deactivated, now } = await d1Timed(db, [
      // Guarded as the API's PATCH /users/:id is: a shop keeps at least one active owner.
      db
        .update(users)
        .set({ active: false, updatedAt: nowIso() })
        .where(
          and(
            eq(users.id, user.id),
            eq(users.active, true),
            or(ne(users.role, 'owner'), sql`${otherActiveOwners} > 0`),
          ),
        )
        .returning({ id: users.id }),
      audit(
        db,
        {
          shopId: user.shopId,
          action: 'user.updated',
          targetType: 'user',
          targetId: user.id,
          details: { active: { from: true, to: false } },
        },
        changedOne,
      ),
      revokeFamilies(db, and(eq(refreshTokens.userId, user.id), eq(isActive, false))),
    ]);
    if (user.active && deactivated.length === 0) {
      throw new CliError(
        `${userEmail} is the last active owner of ${user.shopSlug}: add another owner first (user create --role owner), or suspend the shop`,
      );
    }
    await markDead(
      ctx.target,
      keys.user(user.id),
      now,
      `npm run admin -- user deactivate ${userEmail}${where(ctx)} --yes`,
    );
    console.log(`Deactivated ${userEmail}.`);
  },
};

const sessionsRevoke: Command = {
  words: 'sessions revoke',
  summary: 'End every session of a user (refresh tokens now; access tokens at once here, ~60 s elsewhere).',
  options: { user: { value: '<email>', required: true, help: 'whose sessions' } },
  destructive: true,
  async run(ctx) {
    const userEmail = ctx.field('user', email);
    const user = await findUser(ctx.target, userEmail);
    await ctx.confirm(`Sign ${userEmail} (${user.role} at ${user.shopSlug}) out everywhere?`);
    step(`D1 ${describeTarget(ctx.target)}: revoking refresh tokens`);
    const db = d1Client(ctx.target);
    const { now } = await d1Timed(db, [
      revokeFamilies(db, eq(refreshTokens.userId, user.id)),
      audit(db, { shopId: user.shopId, action: 'user.sessions_revoked', targetType: 'user', targetId: user.id }),
    ]);
    await markDead(
      ctx.target,
      keys.user(user.id),
      now,
      `npm run admin -- sessions revoke --user ${userEmail}${where(ctx)} --yes`,
    );
    console.log(`Ended every session of ${userEmail}.`);
  },
};

const migrate: Command = {
  words: 'migrate',
  summary: 'Apply the pending D1 migrations (migrations/); asks first with --remote.',
  destructive: true,
  async run(ctx) {
    if (ctx.target.remote) await ctx.confirm('Apply the pending migrations to the production database?');
    step(`D1 ${describeTarget(ctx.target)}: applying migrations`);
    wrangler(['d1', 'migrations', 'apply', 'DB'], ctx.target, { inherit: true });
    console.log('Migrations applied.');
  },
};

const modelPublish: Command = {
  words: 'model publish',
  args: ['<version>'],
  summary: 'Make a shipped price model version active without a redeploy ("latest" = the highest shipped).',
  async run(ctx) {
    const version = ctx.field(
      '<version>',
      z.union([z.literal('latest'), z.string().regex(/^\d+\.\d+\.\d+$/, 'a version such as 1.0.0, or "latest"')]),
    );
    const shipped = shippedPriceVersions();
    if (version !== 'latest' && !shipped.includes(version)) {
      throw new CliError(`no shipped price model has version "${version}" (shipped: ${shipped.join(', ') || 'none'})`);
    }
    step(`KV ${describeTarget(ctx.target)}: publishing price model ${version}`);
    kvPut(ctx.target, PUBLISHED_MODEL_KEY, version);
    console.log(`Published price model ${version}: used from the next request (other locations within ~60 s).`);
  },
};

export const COMMANDS: Command[] = [
  shopCreate,
  shopSuspend,
  shopResume,
  userCreate,
  userResetPassword,
  userDeactivate,
  sessionsRevoke,
  migrate,
  backup,
  restore,
  modelPublish,
];
