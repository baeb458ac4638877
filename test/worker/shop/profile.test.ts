import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dataOf } from '../../../src/http/openapi';
import { ShopProfileSchema } from '../../../src/shop/profile/schemas';
import { auditLog, newShop, newStaff, type Session } from '../fixtures';
import { callJson, callTyped, type Json } from '../helpers';
import { GSTIN_27, patchShop } from './billing-fixtures';

const getShop = (s: Session) => callTyped(dataOf(ShopProfileSchema), '/api/v1/shop', { token: s.access });
/** PATCH /shop for refusals; patchShop (the fixture) for changes that must succeed. */
const patch = (s: Session, json: Json) => callJson('/api/v1/shop', { method: 'PATCH', token: s.access, json });

const DEFAULTS = {
  gstin: null,
  gst_scheme: 'regular',
  address: null,
  state_code: null,
  timezone: 'Asia/Kolkata',
  invoice_prefix: 'INV',
  invoice_prefix_locked_until: null,
  gst_rate_bp: 300,
  round_off: true,
  huid_required: true,
  cash_limit_paise: 20_000_000,
  cash_payout_limit_paise: 1_000_000,
  pan_threshold_paise: 20_000_000,
  buyer_details_threshold_paise: 5_000_000,
  usd_inr_paise: 8400,
  stone_markup_bp: 0,
  cashier_discount_limit_bp: 0,
};

/** The shop row as D1 holds it, to show a refusal changed nothing. */
const shopRow = (id: string) => env.DB.prepare('SELECT * FROM shops WHERE id = ?').bind(id).first();

describe('shop profile', () => {
  it('a shop created the v1 way reads the contract’s defaults, to every role; legal_name is its name', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    for (const s of [owner, cashier]) {
      const { res, body } = await getShop(s);
      expect(res.status).toBe(200);
      expect(body.data).toEqual({
        id: owner.shop.id,
        name: owner.shop.name,
        slug: owner.shop.slug,
        status: 'active',
        legal_name: owner.shop.name,
        ...DEFAULTS,
        created_at: owner.shop.created_at,
        updated_at: expect.any(String),
      });
    }
  });

  it('the owner changes every field; the change is read back and audited with old and new values', async () => {
    const owner = await newShop();
    const change = {
      legal_name: 'Soni <b>Gold</b> Pvt Ltd',
      gstin: '27aapfu0939f1zv ',
      gst_scheme: 'composition',
      address: '12 Zaveri Bazaar, Mumbai 400002',
      state_code: '27',
      timezone: 'Asia/Dubai',
      invoice_prefix: 'sg1',
      gst_rate_bp: 500,
      round_off: false,
      huid_required: false,
      cash_limit_paise: 10_000_000,
      cash_payout_limit_paise: 500_000,
      pan_threshold_paise: 15_000_000,
      buyer_details_threshold_paise: 4_000_000,
      usd_inr_paise: 8_550,
      stone_markup_bp: 1_500,
      cashier_discount_limit_bp: 250,
    };
    const patched = await patchShop(owner, change);
    const expected = {
      ...change,
      legal_name: 'Soni Gold Pvt Ltd',
      gstin: GSTIN_27,
      invoice_prefix: 'SG1',
    };
    expect(patched).toMatchObject(expected);
    expect((await getShop(owner)).body.data).toEqual(patched);

    const audit = await auditLog(owner, 'action=shop.profile_updated');
    expect(audit.data).toHaveLength(1);
    expect(audit.data[0]).toMatchObject({
      actor_id: owner.user.id,
      target_type: 'shop',
      target_id: owner.shop.id,
    });
    const changes = audit.data[0]?.details?.changes as Record<string, unknown>;
    expect(Object.keys(changes).sort()).toEqual(Object.keys(change).sort());
    expect(changes.gstin).toEqual({ from: null, to: GSTIN_27 });
    expect(changes.round_off).toEqual({ from: true, to: false });
    expect(changes.legal_name).toEqual({ from: null, to: 'Soni Gold Pvt Ltd' });

    // One field at a time leaves the others; `gstin: null` makes the shop unregistered.
    const one = await patchShop(owner, { gstin: null });
    expect(one).toMatchObject({ ...expected, gstin: null });
  });

  it('refuses a GSTIN with a bad check character, a bad format or another state: 400 naming the field, nothing written', async () => {
    const owner = await newShop();
    await patchShop(owner, { state_code: '27' });
    const before = await shopRow(owner.shop.id);
    for (const [json, path, message] of [
      [{ gstin: '27AAPFU0939F1ZW' }, 'gstin', /check character/],
      [{ gstin: '27AAPFU0939F1Z' }, 'gstin', /15 characters/],
      [{ gstin: '27AAPF00939F1ZV' }, 'gstin', /not a GSTIN/],
      [{ gstin: '27AAPFU0939F1YV' }, 'gstin', /not a GSTIN/],
      // Valid on its own (Karnataka, 29), but the shop is in Maharashtra (27).
      [{ gstin: '29AAGCB7383J1Z4' }, 'gstin', /state code 29 is not the shop's state_code 27/],
      [{ gstin: GSTIN_27, state_code: '29' }, 'gstin', /state code 27 is not the shop's state_code 29/],
    ] as const) {
      const { res, body } = await patch(owner, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
      expect(body.error.details, JSON.stringify(body)).toEqual([expect.objectContaining({ path })]);
      expect(body.error.details[0].message).toMatch(message);
      expect(await shopRow(owner.shop.id)).toEqual(before);
    }

    // Moving the state away from a stored GSTIN names state_code.
    await patchShop(owner, { gstin: GSTIN_27 });
    const moved = await patch(owner, { state_code: '29' });
    expect(moved.res.status).toBe(400);
    expect(moved.body.error.details).toEqual([
      { path: 'state_code', message: "the GSTIN's state code 27 is not the shop's state_code 29" },
    ]);
  });

  it('a GSTIN needs the shop’s state_code: without one it is refused, with it in the same request accepted', async () => {
    const owner = await newShop();
    const alone = await patch(owner, { gstin: GSTIN_27 });
    expect(alone.res.status).toBe(400);
    expect(alone.body.error.details).toEqual([
      { path: 'gstin', message: 'the shop has no state_code yet: send state_code 27 with the GSTIN' },
    ]);
    const together = await patchShop(owner, { gstin: GSTIN_27, state_code: '27' });
    expect(together).toMatchObject({ gstin: GSTIN_27, state_code: '27' });
  });

  it('validates the other fields: time zone, prefix, state code, ranges, strict body', async () => {
    const owner = await newShop();
    for (const json of [
      {},
      { timezone: 'Mars/Olympus_Mons' },
      { timezone: '+05:30' },
      { invoice_prefix: 'INVOICE' },
      { invoice_prefix: 'IN-V' },
      { invoice_prefix: '' },
      { state_code: '40' },
      { state_code: 27 },
      { gst_scheme: 'flat' },
      { gst_rate_bp: 10_001 },
      { gst_rate_bp: 2.5 },
      { cash_limit_paise: -1 },
      { usd_inr_paise: 0 },
      { round_off: 'yes' },
      { legal_name: '<i></i>' },
      { address: null },
      { name: 'Renamed' },
      { cashier_discount_limit_bp: 10_001 },
    ]) {
      const { res, body } = await patch(owner, json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
    }
    const ok = await patchShop(owner, { timezone: 'America/New_York', invoice_prefix: 'A1' });
    expect(ok).toMatchObject({ timezone: 'America/New_York', invoice_prefix: 'A1' });
  });

  it('only the owner changes it: a manager and a cashier get 403 and change nothing', async () => {
    const owner = await newShop();
    const before = await shopRow(owner.shop.id);
    const staff = await Promise.all([newStaff(owner, 'manager'), newStaff(owner, 'cashier')]);
    for (const s of staff) {
      const { res, body } = await patch(s, { round_off: false });
      expect(res.status, s.user.role).toBe(403);
      expect(body.error.code).toBe('FORBIDDEN');
    }
    expect(await shopRow(owner.shop.id)).toEqual(before);
  });

  it('each owner reads and changes only their own shop', async () => {
    const a = await newShop();
    const b = await newShop();
    await patchShop(a, { legal_name: 'A Legal', gst_rate_bp: 0 });
    const seenByB = await getShop(b);
    expect(seenByB.body.data).toMatchObject({ id: b.shop.id, legal_name: b.shop.name, gst_rate_bp: 300 });
    const seenByA = await getShop(a);
    expect(seenByA.body.data).toMatchObject({ id: a.shop.id, legal_name: 'A Legal', gst_rate_bp: 0 });
  });

  it('the invoice prefix is fixed while a financial year with an invoice runs: 409 INVOICE_PREFIX_LOCKED', async () => {
    const owner = await newShop();
    // What the batch that issues a year's first invoice records: the end of that financial year.
    const lock = (until: string) =>
      env.DB.prepare('UPDATE shops SET invoice_prefix_locked_until = ? WHERE id = ?').bind(until, owner.shop.id).run();
    await lock(new Date(Date.now() + 86_400_000).toISOString());
    const before = await shopRow(owner.shop.id);

    const refused = await patch(owner, { invoice_prefix: 'NEW', round_off: false });
    expect(refused.res.status).toBe(409);
    expect(refused.body.error.code).toBe('INVOICE_PREFIX_LOCKED');
    expect(refused.body.error.details[0].path).toBe('invoice_prefix');
    expect(await shopRow(owner.shop.id)).toEqual(before);
    // Sending the same prefix is no change.
    await patchShop(owner, { invoice_prefix: 'inv', round_off: false });

    await lock(new Date(Date.now() - 1000).toISOString());
    const afterYearEnd = await patchShop(owner, { invoice_prefix: 'NEW' });
    expect(afterYearEnd.invoice_prefix).toBe('NEW');
  });
});
