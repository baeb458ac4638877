import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it, vi } from 'vitest';
import { dataOf, pageOf, z } from '../../../src/http/openapi';
import { RateSchema } from '../../../src/shop/rates/schemas';
import { latestRatesQuery, rateListQueries } from '../../../src/shop/rates/service';
import { auditLog, newShop, newStaff, type Session } from '../fixtures';
import { call, callJson, callTyped, type Json, queryPlan } from '../helpers';
import { addRate as addRateWith } from './billing-fixtures';

const Rates = pageOf(RateSchema);
const Latest = dataOf(z.array(RateSchema));

const rate = (over: Json = {}): Json => ({
  metal: 'gold',
  purity: 916,
  rate_per_gram: 712_000,
  effective_date: '2026-11-20',
  ...over,
});

const addRate = (s: Session, over: Json = {}) => addRateWith(s, rate(over));

describe('metal rates', () => {
  it('a manager records rates; the list is newest first and filters by metal and dates', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const a = await addRate(manager, { effective_date: '2026-11-18' });
    const b = await addRate(manager, { effective_date: '2026-11-19' });
    const s = await addRate(manager, {
      metal: 'silver',
      purity: 925,
      rate_per_gram: 9_500,
      effective_date: '2026-11-19',
    });
    expect(a).toMatchObject({ metal: 'gold', purity: 916, rate_per_gram: 712_000, created_by: manager.user.id });

    const ids = async (q: string) => {
      const { res, body } = await callTyped(Rates, `/api/v1/rates?${q}`, { token: manager.access });
      expect(res.status).toBe(200);
      return body.data.map((r) => r.id);
    };
    expect(await ids('')).toEqual([b.id, s.id, a.id]);
    expect(await ids('metal=gold')).toEqual([b.id, a.id]);
    expect(await ids('from=2026-11-19')).toEqual([b.id, s.id]);
    expect(await ids('to=2026-11-18')).toEqual([a.id]);
    expect(await ids('from=2026-11-19&to=2026-11-19&metal=silver')).toEqual([s.id]);
    const page = await callTyped(Rates, '/api/v1/rates?limit=2&page=2', { token: manager.access });
    expect(page.body.meta).toEqual({ page: 2, limit: 2, total: 3, total_pages: 2 });
  });

  it('latest gives the newest rate of each metal and purity, not one dated ahead', async () => {
    const owner = await newShop();
    await addRate(owner, { effective_date: '2026-11-01' });
    const gold916 = await addRate(owner, { effective_date: '2026-11-10', rate_per_gram: 720_000 });
    const gold999 = await addRate(owner, { purity: 999, effective_date: '2026-11-05', rate_per_gram: 780_000 });
    const silver = await addRate(owner, {
      metal: 'silver',
      purity: 925,
      effective_date: '2026-11-02',
      rate_per_gram: 9_000,
    });
    const ahead = await addRate(owner, { effective_date: '2999-01-01', rate_per_gram: 1_000_000 });

    const latest = await callTyped(Latest, '/api/v1/rates/latest', { token: owner.access });
    expect(latest.res.status).toBe(200);
    expect(latest.body.data.map((r) => r.id)).toEqual([gold999.id, gold916.id, silver.id]);

    const gold = await callTyped(Latest, '/api/v1/rates/latest?metal=gold&as_of=2026-11-07', { token: owner.access });
    expect(gold.body.data.map((r) => [r.purity, r.effective_date])).toEqual([
      [999, '2026-11-05'],
      [916, '2026-11-01'],
    ]);
    const only = await callTyped(Latest, '/api/v1/rates/latest?metal=gold&purity=999', { token: owner.access });
    expect(only.body.data.map((r) => r.id)).toEqual([gold999.id]);
    const future = await callTyped(Latest, '/api/v1/rates/latest?metal=gold&as_of=2999-12-31', { token: owner.access });
    expect(future.body.data.map((r) => r.id)).toEqual([gold999.id, ahead.id]);

    const empty = await newShop();
    expect((await callTyped(Latest, '/api/v1/rates/latest', { token: empty.access })).body.data).toEqual([]);
  });

  it('latest is as of the shop-local today: after midnight in India, before it in UTC', async () => {
    // 19:00 UTC on 30 November is 00:30 on 1 December in India.
    vi.useFakeTimers({ now: new Date('2026-11-30T19:00:00Z'), toFake: ['Date'] });
    try {
      const owner = await newShop();
      const today = await addRate(owner, { effective_date: '2026-11-30' });
      const tomorrowUtc = await addRate(owner, { effective_date: '2026-12-01', rate_per_gram: 720_000 });
      const latest = async () =>
        (await callTyped(Latest, '/api/v1/rates/latest', { token: owner.access })).body.data.map((r) => r.id);
      expect(await latest()).toEqual([tomorrowUtc.id]);
      const tz = await call('/api/v1/shop', { method: 'PATCH', token: owner.access, json: { timezone: 'UTC' } });
      expect(tz.status).toBe(200);
      expect(await latest()).toEqual([today.id]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a second rate for the same metal, purity and date is 409 RATE_EXISTS; another shop may have it', async () => {
    const owner = await newShop();
    await addRate(owner);
    const dup = await callJson('/api/v1/rates', {
      method: 'POST',
      token: owner.access,
      json: rate({ rate_per_gram: 1 }),
    });
    expect(dup.res.status).toBe(409);
    expect(dup.body.error.code).toBe('RATE_EXISTS');
    await addRate(owner, { purity: 750 });
    await addRate(await newShop());
  });

  it('PATCH corrects a rate, audited with from and to; moving it onto a taken date is RATE_EXISTS', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const r = await addRate(manager, { effective_date: '2026-11-20' });
    await addRate(manager, { effective_date: '2026-11-21' });

    const fixed = await callTyped(dataOf(RateSchema), `/api/v1/rates/${r.id}`, {
      method: 'PATCH',
      token: manager.access,
      json: { rate_per_gram: 715_500 },
    });
    expect(fixed.res.status).toBe(200);
    expect(fixed.body.data).toMatchObject({ rate_per_gram: 715_500, effective_date: '2026-11-20' });

    const clash = await callJson(`/api/v1/rates/${r.id}`, {
      method: 'PATCH',
      token: manager.access,
      json: { effective_date: '2026-11-21' },
    });
    expect(clash.res.status).toBe(409);
    expect(clash.body.error.code).toBe('RATE_EXISTS');

    const log = await auditLog(owner, 'action=rate.corrected');
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({
      actor_id: manager.user.id,
      target_type: 'rate',
      target_id: r.id,
      details: { metal: 'gold', purity: 916, kind: 'sell', rate_per_gram: { from: 712_000, to: 715_500 } },
    });
    const created = await auditLog(owner, 'action=rate.created');
    expect(created.meta.total).toBe(2);
    expect(created.data[1]?.details).toEqual({
      metal: 'gold',
      purity: 916,
      kind: 'sell',
      rate_per_gram: 712_000,
      effective_date: '2026-11-20',
    });
  });

  it.each([
    ['an unknown field', { source: 'MCX' }],
    ['a float rate', { rate_per_gram: 7120.5 }],
    ['a zero rate', { rate_per_gram: 0 }],
    ['a bad date', { effective_date: '2026-02-30' }],
    ['a timestamp for a date', { effective_date: '2026-11-20T00:00:00Z' }],
    ['silver at 700', { metal: 'silver', purity: 700 }],
    ['an unknown metal', { metal: 'copper' }],
    ['an unknown kind', { kind: 'mid' }],
  ])('%s is a 400', async (_, over) => {
    const owner = await newShop();
    const { res, body } = await callJson('/api/v1/rates', { method: 'POST', token: owner.access, json: rate(over) });
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
  });

  it('buy rates sit beside sell rates: one per kind and date, filtered by kind, never read as sell', async () => {
    const owner = await newShop();
    const sell = await addRate(owner);
    expect(sell.kind).toBe('sell');
    const buy = await addRate(owner, { kind: 'buy', rate_per_gram: 680_000 });
    expect(buy).toMatchObject({ kind: 'buy', rate_per_gram: 680_000, effective_date: sell.effective_date });
    const buy999 = await addRate(owner, { kind: 'buy', purity: 999, rate_per_gram: 740_000 });

    const dup = await callJson('/api/v1/rates', {
      method: 'POST',
      token: owner.access,
      json: rate({ kind: 'buy', rate_per_gram: 1 }),
    });
    expect(dup.res.status).toBe(409);
    expect(dup.body.error.code).toBe('RATE_EXISTS');

    const ids = async (q: string) => {
      const { res, body } = await callTyped(q.startsWith('/latest') ? Latest : Rates, `/api/v1/rates${q}`, {
        token: owner.access,
      });
      expect(res.status).toBe(200);
      return body.data.map((r) => r.id).sort();
    };
    expect(await ids('?kind=buy')).toEqual([buy.id, buy999.id].sort());
    expect(await ids('?kind=sell')).toEqual([sell.id]);
    expect(await ids('')).toEqual([sell.id, buy.id, buy999.id].sort());
    // /latest prices a sale: sell only, unless buy is asked for.
    expect(await ids('/latest')).toEqual([sell.id]);
    expect(await ids('/latest?kind=buy')).toEqual([buy.id, buy999.id].sort());
    expect(await ids('/latest?kind=buy&purity=999')).toEqual([buy999.id]);

    // Correcting a rate's kind onto a taken (metal, purity, kind, date) is refused, and changes nothing.
    const clash = await callJson(`/api/v1/rates/${buy.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { kind: 'sell' },
    });
    expect(clash.res.status).toBe(409);
    expect(clash.body.error.code).toBe('RATE_EXISTS');
    const moved = await callTyped(dataOf(RateSchema), `/api/v1/rates/${buy999.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { kind: 'sell' },
    });
    expect(moved.res.status).toBe(200);
    expect(moved.body.data.kind).toBe('sell');
    expect(await ids('/latest?kind=buy')).toEqual([buy.id]);
    const log = await auditLog(owner, 'action=rate.corrected');
    expect(log.data[0]?.details?.kind).toEqual({ from: 'buy', to: 'sell' });
  });

  it.each(['limit=101', 'kind=mid', 'from=20261101', 'from=2026-11-10&to=2026-11-01', 'metal=iron', 'purity=916'])(
    'a bad list query (%s) is a 400',
    async (q) => {
      const owner = await newShop();
      expect((await call(`/api/v1/rates?${q}`, { token: owner.access })).status).toBe(400);
    },
  );

  it('a cashier reads rates but cannot write them', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const r = await addRate(owner);
    expect((await call('/api/v1/rates', { token: cashier.access })).status).toBe(200);
    expect((await call('/api/v1/rates/latest', { token: cashier.access })).status).toBe(200);
    expect(
      (await call('/api/v1/rates', { method: 'POST', token: cashier.access, json: rate({ purity: 999 }) })).status,
    ).toBe(403);
    const patch = await call(`/api/v1/rates/${r.id}`, {
      method: 'PATCH',
      token: cashier.access,
      json: { rate_per_gram: 1 },
    });
    expect(patch.status).toBe(403);
  });

  it('another shop’s rate is a 404 and stays unchanged', async () => {
    const a = await newShop();
    const b = await newShop();
    const r = await addRate(a);
    const { res, body } = await callJson(`/api/v1/rates/${r.id}`, {
      method: 'PATCH',
      token: b.access,
      json: { rate_per_gram: 1 },
    });
    expect(res.status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
    expect((await callTyped(Rates, '/api/v1/rates', { token: a.access })).body.data[0]?.rate_per_gram).toBe(712_000);
    expect((await callTyped(Rates, '/api/v1/rates', { token: b.access })).body.meta.total).toBe(0);
  });
});

describe('metal rates: query plans', () => {
  const db = drizzle(env.DB);

  it('latest seeks the (shop, metal, purity, kind, date) index for each triple', async () => {
    const p = await queryPlan(latestRatesQuery(db, 'shop', { asOf: '2026-11-22', kinds: ['sell', 'buy'] }));
    expect(p).toContain('metal_rates_shop_metal_purity_kind_date_uq');
    expect(p).not.toMatch(/SCAN (metal_rates|other)(?! USING)/);
  });

  it('the history list walks the shop’s date index', async () => {
    const [page] = rateListQueries(db, 'shop', { page: 1, limit: 20 });
    expect(await queryPlan(page)).toMatch(/SEARCH metal_rates USING (COVERING )?INDEX metal_rates_shop_/);
  });
});
