import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addUser,
  admin,
  adminOk,
  api,
  createShop,
  type Json,
  login,
  meStatus,
  printedPassword,
  refresh,
  signIn,
  unique,
} from './helpers';

const NEW_PASSWORD = 'Fresh-Start-2026';

describe('admin CLI: shops', () => {
  it('shop create makes a shop and its owner, whose printed one-time password signs in', async () => {
    const slug = unique('create');
    const r = await adminOk([
      'shop',
      'create',
      '--slug',
      slug,
      '--name',
      'Create <b>Jewellers</b>',
      '--owner-email',
      `  Owner@${slug.toUpperCase()}.Example `,
      '--owner-name',
      'Asha Rao',
    ]);
    expect(r.stdout).toContain(`slug ${slug}`);
    // Normalised as the API does: trimmed and lower-cased email, tags stripped from text.
    const { status, body } = await login(`owner@${slug}.example`, printedPassword(r));
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.data.user).toMatchObject({ role: 'owner', name: 'Asha Rao', active: true });
    expect(body.data.shop).toMatchObject({ slug, name: 'Create Jewellers', status: 'active' });

    const again = await admin([
      'shop',
      'create',
      '--slug',
      slug,
      '--name',
      'x',
      '--owner-email',
      `b@${slug}.example`,
      '--owner-name',
      'B',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`a shop with slug "${slug}" exists`);
  });

  it('shop create takes the password from stdin, checked against the policy', async () => {
    const slug = unique('stdin');
    const args = [
      'shop',
      'create',
      '--slug',
      slug,
      '--name',
      'Stdin',
      '--owner-email',
      `o@${slug}.example`,
      '--owner-name',
      'O',
    ];
    const weak = await admin([...args, '--password-stdin'], 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('at least 10 characters');

    const r = await adminOk([...args, '--password-stdin'], `${NEW_PASSWORD}\n`);
    expect(r.stdout).not.toContain('password:');
    expect((await login(`o@${slug}.example`, NEW_PASSWORD)).status).toBe(200);
  });

  it("shop suspend refuses the shop's live tokens, refresh and sign-in; resume lets it sign in again", async () => {
    const shop = await createShop('suspend');
    const before = await signIn(shop.email, shop.password);
    expect(await meStatus(before.access)).toBe(200);

    await adminOk(['shop', 'suspend', shop.slug, '--yes']);
    expect(await meStatus(before.access)).toBe(401);
    expect((await refresh(before.refresh)).status).toBe(401);
    const refused = await login(shop.email, shop.password);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');

    await adminOk(['shop', 'resume', shop.slug]);
    const after = await signIn(shop.email, shop.password);
    expect(await meStatus(after.access)).toBe(200);
    // The sessions the suspension ended stay ended.
    expect(await meStatus(before.access)).toBe(401);
    expect((await refresh(before.refresh)).status).toBe(401);

    const audit = await api('/audit?limit=100', { token: after.access });
    expect(audit.status, JSON.stringify(audit.body)).toBe(200);
    const actions = audit.body.data.filter((e: Json) => e.actor_id === 'admin-cli').map((e: Json) => e.action);
    expect(actions.sort()).toEqual(['shop.created', 'shop.resumed', 'shop.suspended']);
  });

  it('an unknown shop is a failure with a message', async () => {
    const r = await admin(['shop', 'resume', 'no-such-shop-here']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no shop with slug "no-such-shop-here"');
  });
});

describe('admin CLI: users and sessions', () => {
  it('user create adds a user to a shop; an email in use is refused', async () => {
    const shop = await createShop('staff');
    const { email, password } = await addUser(shop.slug, 'cashier');
    const { status, body } = await login(email, password);
    expect(status).toBe(200);
    expect(body.data.user).toMatchObject({ role: 'cashier', name: 'cashier' });

    const taken = await admin([
      'user',
      'create',
      '--shop',
      shop.slug,
      '--email',
      shop.email,
      '--name',
      'X',
      '--role',
      'manager',
    ]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`an account with email ${shop.email} exists`);
    const badRole = await admin([
      'user',
      'create',
      '--shop',
      shop.slug,
      '--email',
      `x@${shop.slug}.example`,
      '--name',
      'X',
      '--role',
      'boss',
    ]);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role');
  });

  it('user reset-password: the old password fails, the new one works, the old sessions are dead', async () => {
    const shop = await createShop('reset');
    const old = await signIn(shop.email, shop.password);

    const r = await adminOk(['user', 'reset-password', shop.email, '--password-stdin', '--yes'], NEW_PASSWORD);
    expect(r.stdout).not.toContain(NEW_PASSWORD);
    expect((await login(shop.email, shop.password)).status).toBe(401);
    expect(await meStatus(old.access)).toBe(401);
    expect((await refresh(old.refresh)).status).toBe(401);
    const fresh = await signIn(shop.email, NEW_PASSWORD);
    expect(await meStatus(fresh.access)).toBe(200);

    // Without --password-stdin a new one is generated and printed once.
    const generated = printedPassword(await adminOk(['user', 'reset-password', shop.email, '--yes']));
    expect((await login(shop.email, NEW_PASSWORD)).status).toBe(401);
    const signedIn = await login(shop.email, generated);
    expect(signedIn.status).toBe(200);

    // The history rule holds here too: one of the last 5 is refused, nothing changes; and the
    // replaced passwords are kept, so the user's own change back to one is refused by the API.
    const reused = await admin(['user', 'reset-password', shop.email, '--password-stdin', '--yes'], NEW_PASSWORD);
    expect(reused.code).toBe(1);
    expect(reused.stderr).toContain('must differ from the current one and the 4 before it');
    const back = await api('/auth/password', {
      token: signedIn.body.data.tokens.access_token,
      json: { current_password: generated, new_password: shop.password },
    });
    expect(back.status).toBe(422);
    expect(back.body.error.code).toBe('PASSWORD_REUSED');
  });

  it("user deactivate ends the user's sessions and sign-ins, but never the shop's last active owner", async () => {
    const shop = await createShop('deact');
    const { email, password } = await addUser(shop.slug, 'manager');
    const session = await signIn(email, password);

    await adminOk(['user', 'deactivate', email, '--yes']);
    expect(await meStatus(session.access)).toBe(401);
    expect((await refresh(session.refresh)).status).toBe(401);
    expect((await login(email, password)).body.error.code).toBe('ACCOUNT_DISABLED');

    const owner = await signIn(shop.email, shop.password);
    const last = await admin(['user', 'deactivate', shop.email, '--yes']);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('last active owner');
    expect(await meStatus(owner.access)).toBe(200);
  });

  it('sessions revoke --user ends every session of the user; signing in again works', async () => {
    const shop = await createShop('revoke');
    const a = await signIn(shop.email, shop.password);
    const b = await signIn(shop.email, shop.password);

    await adminOk(['sessions', 'revoke', '--user', shop.email, '--yes']);
    for (const s of [a, b]) {
      expect(await meStatus(s.access)).toBe(401);
      expect((await refresh(s.refresh)).status).toBe(401);
    }
    expect(await meStatus((await signIn(shop.email, shop.password)).access)).toBe(200);
  });

  it('destructive commands without --yes and without a terminal refuse, and change nothing', async () => {
    const shop = await createShop('noyes');
    const session = await signIn(shop.email, shop.password);
    for (const args of [
      ['shop', 'suspend', shop.slug],
      ['user', 'reset-password', shop.email],
      ['user', 'deactivate', shop.email],
      ['sessions', 'revoke', '--user', shop.email],
    ]) {
      const r = await admin(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('pass --yes');
      expect(r.stdout).not.toContain('password:');
    }
    expect(await meStatus(session.access)).toBe(200);
    expect((await login(shop.email, shop.password)).status).toBe(200);
  });
});

describe('admin CLI: price model', () => {
  const predict = (access: string) =>
    api('/predictions/price', {
      token: access,
      json: {
        items: [
          {
            category: 'ring',
            metal: 'gold',
            purity: 916,
            gross_weight_mg: 5_000,
            net_weight_mg: 4_500,
            making_charge_bp: 1_200,
            rate_per_gram: 700_000,
          },
        ],
      },
    });

  it('model publish makes a shipped version active without a restart; an unshipped one is refused', async () => {
    const shop = await createShop('model');
    const { access } = await signIn(shop.email, shop.password);
    // The Worker runs with PRICE_MODEL_VERSION naming no shipped model (global-setup).
    expect((await predict(access)).status).toBe(503);

    const unknown = await admin(['model', 'publish', '9.9.9']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no shipped price model has version "9.9.9"');
    expect((await predict(access)).status).toBe(503);

    await adminOk(['model', 'publish', '1.0.0']);
    const { status, body } = await predict(access);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.data.model.version).toBe('1.0.0');
  });

  it('the versions the CLI can publish (models/ cards) are the ones the Worker ships', async () => {
    const shop = await createShop('cards');
    const { access } = await signIn(shop.email, shop.password);
    const { body } = await api('/predictions/models', { token: access });
    const onDisk = readdirSync(path.resolve(import.meta.dirname, '../../models'))
      .filter((f) => /^price-.+\.json$/.test(f))
      .map((f) => f.slice('price-'.length, -'.json'.length));
    expect(body.data.map((m: Json) => m.version).sort()).toEqual(onDisk.sort());
  });
});

describe('admin CLI: the command line', () => {
  it('an unknown command prints the help and exits 2', async () => {
    const r = await admin(['shop', 'demolish', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command: shop demolish');
    expect(r.stderr).toContain('Usage: npm run admin -- <command>');
  });

  it('no command is a usage error; --help is not', async () => {
    expect((await admin([])).code).toBe(2);
    const r = await admin(['--help']);
    expect(r.code).toBe(0);
    for (const c of [
      'shop create',
      'shop suspend',
      'shop resume',
      'user create',
      'user reset-password',
      'user deactivate',
      'sessions revoke',
      'migrate',
      'model publish',
    ]) {
      expect(r.stdout).toContain(c);
    }
  });

  it('a missing option, an unknown option or a bad value is a usage error naming it', async () => {
    const missing = await admin(['sessions', 'revoke']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--user');
    const unknownOption = await admin(['shop', 'resume', 'demo', '--force']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain('--force');
    const badEmail = await admin(['user', 'deactivate', 'not-an-email', '--yes']);
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toContain('<email>');
  });

  it('migrate applies nothing new to a migrated state and says so', async () => {
    const r = await adminOk(['migrate']);
    expect(r.stdout).toContain('Migrations applied.');
    expect(r.stderr).toMatch(/No migrations to apply/i);
  });
});
