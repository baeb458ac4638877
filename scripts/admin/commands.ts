import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
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
import { isUniqueViolation } from '../../src/db/errors';
import { ROLES } from '../../src/db/schema';
import { cleanText } from '../../src/http/fields';
import { newId, nowIso } from '../../src/lib/id';
import { PUBLISHED_MODEL_KEY } from '../../src/ml/published';
import { shippedPriceVersions } from '../lib/price-models';
import { inlined, insert, literal as q } from '../lib/sql';
import { d1, describeTarget, kvPut, type Target, vars, wrangler } from '../lib/wrangler';
import { backup, restore } from './backup';
import { CliError, type Command, type Context, step } from './cli';
import { newPassword, PASSWORD_OPTION, printPassword } from './password';

const ACTOR = 'admin-cli';

/** Builds the Worker's Drizzle queries as text (`inlined`); it has no database and never runs one. */
const offline = drizzle({} as D1Database);

/** D1's time in epoch ms, the last statement of a batch that ends sessions. */
const D1_NOW = `SELECT CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER) AS now`;

interface AuditEvent {
  shopId: string;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

/** The entry, written only if `when` holds at its place in the batch (as audit/record.ts's auditQueryWhen). */
function audit(e: AuditEvent, when = 'TRUE') {
  const row = {
    id: newId(),
    shop_id: e.shopId,
    actor_id: ACTOR,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    details: e.details ? JSON.stringify(e.details) : null,
    request_id: null,
    ip: null,
    created_at: nowIso(),
  };
  return `INSERT INTO audit_log (${Object.keys(row).join(', ')}) SELECT ${Object.values(row).map(q).join(', ')} WHERE ${when}`;
}

const revokeFamilies = (where: string) =>
  `UPDATE refresh_tokens SET revoked_at = ${q(nowIso())} WHERE revoked_at IS NULL AND ${where}`;

const userRow = (u: { id: string; shopId: string; name: string; email: string; role: string; hash: string }) => {
  const now = nowIso();
  return {
    id: u.id,
    shop_id: u.shopId,
    name: u.name,
    email: u.email,
    password_hash: u.hash,
    role: u.role,
    active: true,
    created_at: now,
    updated_at: now,
  };
};

interface ShopRow {
  id: string;
  slug: string;
  name: string;
  status: string;
}

interface UserRow {
  id: string;
  shop_id: string;
  email: string;
  role: string;
  active: number;
  shop_slug: string;
}

function findShop(target: Target, shopSlug: string): ShopRow {
  step(`D1 ${describeTarget(target)}: looking up shop ${shopSlug}`);
  const [rows] = d1(target, [`SELECT id, slug, name, status FROM shops WHERE slug = ${q(shopSlug)}`]);
  const shop = rows?.[0] as ShopRow | undefined;
  if (!shop) throw new CliError(`no shop with slug "${shopSlug}"`);
  return shop;
}

function findUser(target: Target, userEmail: string): UserRow {
  step(`D1 ${describeTarget(target)}: looking up ${userEmail}`);
  const [rows] = d1(target, [
    `SELECT u.id, u.shop_id, u.email, u.role, u.active, s.slug AS shop_slug
       FROM users u JOIN shops s ON s.id = u.shop_id WHERE u.email = ${q(userEmail)}`,
  ]);
  const user = rows?.[0] as UserRow | undefined;
  if (!user) throw new CliError(`no user with email ${userEmail}`);
  return user;
}

/** Runs a batch whose last statement is D1_NOW; every statement's rows and D1's time. */
function d1Timed(target: Target, statements: string[]) {
  const results = d1(target, [...statements, D1_NOW]);
  const now = Number(results.at(-1)?.[0]?.now);
  if (!Number.isFinite(now)) throw new CliError('D1 did not return its time');
  return { results, now };
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
    try {
      d1(ctx.target, [
        insert('shops', [
          {
            id: shopId,
            slug: shopSlug,
            name: shopName,
            status: 'active',
            catalog_version: 0,
            created_at: owner.created_at,
            updated_at: owner.created_at,
          },
        ]),
        insert('users', [owner]),
        audit({ shopId, action: 'shop.created', targetType: 'shop', targetId: shopId, details: { owner: owner.id } }),
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
    const shop = findShop(ctx.target, ctx.field('<slug>', slug));
    if (shop.status === 'suspended') step(`shop ${shop.slug} is already suspended; ending any sessions left`);
    await ctx.confirm(`Suspend shop "${shop.name}" (${shop.slug}) and sign out all its users?`);
    step(`D1 ${describeTarget(ctx.target)}: suspending ${shop.slug} and revoking its refresh tokens`);
    const { now } = d1Timed(ctx.target, [
      `UPDATE shops SET status = 'suspended', updated_at = ${q(nowIso())} WHERE id = ${q(shop.id)} AND status = 'active'`,
      audit({ shopId: shop.id, action: 'shop.suspended', targetType: 'shop', targetId: shop.id }, 'changes() = 1'),
      revokeFamilies(`shop_id = ${q(shop.id)}`),
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
    const shop = findShop(ctx.target, ctx.field('<slug>', slug));
    if (shop.status === 'active') {
      console.log(`Shop ${shop.slug} is already active.`);
      return;
    }
    step(`D1 ${describeTarget(ctx.target)}: resuming ${shop.slug}`);
    d1(ctx.target, [
      `UPDATE shops SET status = 'active', updated_at = ${q(nowIso())} WHERE id = ${q(shop.id)} AND status = 'suspended'`,
      audit({ shopId: shop.id, action: 'shop.resumed', targetType: 'shop', targetId: shop.id }, 'changes() = 1'),
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
    const shop = findShop(ctx.target, shopSlug);
    const user = userRow({
      id: newId(),
      shopId: shop.id,
      name,
      email: userEmail,
      role,
      hash: await hashPassword(pw.password),
    });
    step(`D1 ${describeTarget(ctx.target)}: creating ${userEmail}`);
    try {
      d1(ctx.target, [
        insert('users', [user]),
        audit({ shopId: shop.id, action: 'user.created', targetType: 'user', targetId: user.id, details: { role } }),
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
    const user = findUser(ctx.target, userEmail);
    await ctx.confirm(
      `Reset the password of ${userEmail} (${user.role} at ${user.shop_slug}) and sign them out everywhere?`,
    );
    // The Worker's history rule (src/auth/password-history.ts): a password given on stdin may not be
    // one of the user's last 5; a generated one is new by construction. Either way the replaced hash
    // is kept, so the user's own next change is checked against it.
    const [current, kept] = d1(ctx.target, [
      `SELECT password_hash FROM users WHERE id = ${q(user.id)}`,
      inlined(previousPasswordsQuery(offline, user.id)),
    ]);
    const previous = String(current?.[0]?.password_hash);
    // wrangler names the column as SQL does (`password_hash`), not by Drizzle's alias: take the one there is.
    const hashes = [previous, ...(kept ?? []).map((k) => String(Object.values(k)[0]))];
    if (!pw.generated && (await isReused(pw.password, hashes))) throw new CliError(REUSE_MESSAGE);
    const hash = await hashPassword(pw.password);
    step(`D1 ${describeTarget(ctx.target)}: setting the password and revoking refresh tokens`);
    const landed = sql`(SELECT password_hash FROM users WHERE id = ${user.id}) = ${hash}`;
    const { now } = d1Timed(ctx.target, [
      `UPDATE users SET password_hash = ${q(hash)}, updated_at = ${q(nowIso())} WHERE id = ${q(user.id)}`,
      ...keepPreviousPasswordQueries(offline, user.id, previous, landed).map(inlined),
      audit({ shopId: user.shop_id, action: 'user.password_reset', targetType: 'user', targetId: user.id }),
      revokeFamilies(`user_id = ${q(user.id)}`),
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
    const user = findUser(ctx.target, userEmail);
    if (!user.active) step(`${userEmail} is already inactive; ending any sessions left`);
    await ctx.confirm(`Deactivate ${userEmail} (${user.role} at ${user.shop_slug}) and sign them out everywhere?`);
    const id = q(user.id);
    step(`D1 ${describeTarget(ctx.target)}: deactivating and revoking refresh tokens`);
    const { results, now } = d1Timed(ctx.target, [
      // Guarded as the API's PATCH /users/:id is: a shop keeps at least one active owner.
      `UPDATE users SET active = 0, updated_at = ${q(nowIso())} WHERE id = ${id} AND active = 1
         AND (role != 'owner' OR (SELECT count(*) FROM users o
               WHERE o.shop_id = users.shop_id AND o.role = 'owner' AND o.active = 1 AND o.id != users.id) > 0)
       RETURNING id`,
      audit(
        {
          shopId: user.shop_id,
          action: 'user.updated',
          targetType: 'user',
          targetId: user.id,
          details: { active: { from: true, to: false } },
        },
        'changes() = 1',
      ),
      revokeFamilies(`user_id = ${id} AND (SELECT active FROM users WHERE id = ${id}) = 0`),
    ]);
    if (user.active && results[0]?.length === 0) {
      throw new CliError(
        `${userEmail} is the last active owner of ${user.shop_slug}: add another owner first (user create --role owner), or suspend the shop`,
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
    const user = findUser(ctx.target, userEmail);
    await ctx.confirm(`Sign ${userEmail} (${user.role} at ${user.shop_slug}) out everywhere?`);
    step(`D1 ${describeTarget(ctx.target)}: revoking refresh tokens`);
    const { now } = d1Timed(ctx.target, [
      revokeFamilies(`user_id = ${q(user.id)}`),
      audit({ shopId: user.shop_id, action: 'user.sessions_revoked', targetType: 'user', targetId: user.id }),
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
