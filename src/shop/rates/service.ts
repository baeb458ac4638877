// Metal rates: each shop's price of a gram of metal per metal, purity, kind (sell or buy) and day,
// and the latest of each (what the price model fills a missing rate from, and what pricing picks
// the rate on a day from). Creations and corrections are audited in
// the same batch as the write, which also bumps the shop's catalog version: the storefront's
// prices follow the rates, so its cached pages must not outlive them.

import { asc, desc, eq, lte, max, sql } from 'drizzle-orm';
import { type AnySQLiteColumn, alias } from 'drizzle-orm/sqlite-core';
import type { Context } from 'hono';
import { auditQuery, auditQueryWhen } from '../../audit/record';
import { type Db, dbOf } from '../../db/client';
import { eqIfGiven, inList, inRange } from '../../db/conditions';
import { isUniqueViolation } from '../../db/errors';
import { type Page, pageQueries, toPage } from '../../db/list';
import { retryWhileRaced } from '../../db/optimistic';
import { type Metal, metalRates, shops } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { newId, nowIso } from '../../lib/id';
import type { RateCandidate, RateKind } from '../../pricing/rate-on-day';
import { shopDate } from '../../pricing/shop-day';
import { bumpCatalogVersion } from '../products/service';
import type { CorrectRateInput, CreateRateInput, LatestQueryInput, Rate, RateListOptions } from './schemas';

type C = Context<AppEnv>;
export type MetalRate = typeof metalRates.$inferSelect;

const toRate = (r: MetalRate): Rate => ({
  id: r.id,
  metal: r.metal,
  purity: r.purity,
  kind: r.kind,
  rate_per_gram: r.ratePerGram,
  effective_date: r.effectiveDate,
  created_by: r.createdBy,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

/** A rate row as the rate-on-a-day rule (pricing/rate-on-day) takes it. */
export const toRateCandidate = (r: MetalRate): RateCandidate => ({
  metal: r.metal,
  purity: r.purity,
  kind: r.kind,
  effective_date: r.effectiveDate,
  rate_per_gram: r.ratePerGram,
});

export interface LatestRatesFilter {
  /** Any of these metals; default all. */
  metals?: readonly Metal[];
  purity?: number;
  /** Any of these kinds; default `sell`, what prices a sale. */
  kinds?: readonly RateKind[];
  /** Rates effective on or before this day count, so a rate entered ahead is not used early. */
  asOf: string;
}

/**
 * For each metal, purity and kind the shop has priced, the rate with the newest effective date on
 * or before `asOf`: the inner GROUP BY reads only the (shop, metal, purity, kind, date) unique
 * index, then one seek per triple fetches its row, so the cost is an index-only pass, not a lookup
 * per rate ever set. These rows are all the rate-on-a-day rule (pricing/rate-on-day) needs: each
 * purity's latest, the highest purity's among them.
 */
export function latestRatesQuery(db: Db, shopId: string, f: LatestRatesFilter) {
  const { asOf } = f;
  const filters = (t: { metal: AnySQLiteColumn; purity: AnySQLiteColumn; kind: AnySQLiteColumn }) => [
    f.metals ? inList(t.metal, f.metals) : undefined,
    f.purity !== undefined ? eq(t.purity, f.purity) : undefined,
    inList(t.kind, f.kinds ?? ['sell']),
  ];
  const other = alias(metalRates, 'other');
  const newest = db
    .select({ metal: other.metal, purity: other.purity, kind: other.kind, d: max(other.effectiveDate) })
    .from(other)
    .where(inShop(other, shopId, lte(other.effectiveDate, asOf), ...filters(other)))
    .groupBy(other.metal, other.purity, other.kind);
  return db
    .select()
    .from(metalRates)
    .where(
      inShop(
        metalRates,
        shopId,
        ...filters(metalRates),
        sql`((${metalRates.metal}, ${metalRates.purity}, ${metalRates.kind}, ${metalRates.effectiveDate}) IN ${newest})`,
      ),
    )
    .orderBy(asc(metalRates.metal), desc(metalRates.purity), asc(metalRates.kind));
}

/**
 * The caller's shop's latest rates (see latestRatesQuery), by default as of the shop-local today:
 * from 00:00 to 05:30 in India the UTC date is still yesterday (contract: Shop profile, timezone).
 */
export async function latestRates(
  c: C,
  f: Omit<LatestRatesFilter, 'asOf'> & { asOf?: string } = {},
): Promise<MetalRate[]> {
  const db = dbOf(c);
  const { shopId } = authOf(c);
  return latestRatesQuery(db, shopId, { ...f, asOf: f.asOf ?? (await shopToday(c)) });
}

/** GET /rates/latest: the latest rates of one kind, by metal and purity if asked, as shown. */
export async function getLatestRates(c: C, q: LatestQueryInput): Promise<Rate[]> {
  const rows = await latestRates(c, { metals: q.metal && [q.metal], purity: q.purity, kinds: [q.kind], asOf: q.as_of });
  return rows.map(toRate);
}

/** The caller's shop's local date today (its `timezone`): the day rates, invoices and limits use. */
export async function shopToday(c: C): Promise<string> {
  const [shop] = await dbOf(c)
    .select({ timezone: shops.timezone })
    .from(shops)
    .where(eq(shops.id, authOf(c).shopId));
  if (!shop) throw notFound('Shop');
  return shopDate(new Date(), shop.timezone);
}

export function rateListQueries(db: Db, shopId: string, o: RateListOptions) {
  const where = inShop(
    metalRates,
    shopId,
    eqIfGiven(metalRates.metal, o.metal),
    eqIfGiven(metalRates.kind, o.kind),
    inRange(metalRates.effectiveDate, o),
  );
  const orderBy = [desc(metalRates.effectiveDate), asc(metalRates.metal), desc(metalRates.purity), desc(metalRates.id)];
  return pageQueries(db, { ...o, table: metalRates, where, orderBy });
}

export async function listRates(c: C, o: RateListOptions): Promise<Page<Rate>> {
  const db = dbOf(c);
  return toPage(await db.batch(rateListQueries(db, authOf(c).shopId, o)), o, toRate);
}

const rateExists = () =>
  new ApiError(409, 'RATE_EXISTS', 'A rate for this metal, purity, kind and date exists; correct it with PATCH');

const isRateKeyViolation = (err: unknown) => isUniqueViolation(err, 'metal_rates.effective_date');

export async function createRate(c: C, body: CreateRateInput): Promise<Rate> {
  const { shopId, userId } = authOf(c);
  const now = nowIso();
  const row: MetalRate = {
    id: newId(),
    shopId,
    metal: body.metal,
    purity: body.purity,
    kind: body.kind,
    ratePerGram: body.rate_per_gram,
    effectiveDate: body.effective_date,
    createdBy: userId,
    createdAt: now,
    updatedAt: now,
  };
  const db = dbOf(c);
  try {
    await db.batch([
      db.insert(metalRates).values(row),
      auditQuery(c, {
        action: 'rate.created',
        targetType: 'rate',
        targetId: row.id,
        details: {
          metal: row.metal,
          purity: row.purity,
          kind: row.kind,
          rate_per_gram: row.ratePerGram,
          effective_date: row.effectiveDate,
        },
      }),
      // The storefront prices by the day's rate: its cached pages of the old rates must miss.
      bumpCatalogVersion(db, shopId),
    ]);
  } catch (err) {
    if (isRateKeyViolation(err)) throw rateExists();
    throw err;
  }
  return toRate(row);
}

/**
 * Corrects a rate. The UPDATE holds only while the row still has the values that were read, so the
 * audit's `from` is the value actually replaced; a concurrent correction makes it re-read and retry.
 */
export async function correctRate(c: C, id: string, patch: CorrectRateInput): Promise<Rate> {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  return retryWhileRaced('rate', async () => {
    const [before] = await db
      .select()
      .from(metalRates)
      .where(inShop(metalRates, shopId, eq(metalRates.id, id)));
    if (!before) throw notFound('Rate');
    const after: MetalRate = {
      ...before,
      ratePerGram: patch.rate_per_gram ?? before.ratePerGram,
      kind: patch.kind ?? before.kind,
      effectiveDate: patch.effective_date ?? before.effectiveDate,
      updatedAt: nowIso(),
    };
    let result: D1Result;
    try {
      [result] = await db.batch([
        db
          .update(metalRates)
          .set({
            ratePerGram: after.ratePerGram,
            kind: after.kind,
            effectiveDate: after.effectiveDate,
            updatedAt: after.updatedAt,
          })
          .where(
            inShop(
              metalRates,
              shopId,
              eq(metalRates.id, id),
              eq(metalRates.ratePerGram, before.ratePerGram),
              eq(metalRates.kind, before.kind),
              eq(metalRates.effectiveDate, before.effectiveDate),
            ),
          ),
        auditQueryWhen(
          c,
          {
            action: 'rate.corrected',
            targetType: 'rate',
            targetId: id,
            details: {
              metal: before.metal,
              purity: before.purity,
              kind: after.kind !== before.kind ? { from: before.kind, to: after.kind } : before.kind,
              rate_per_gram: { from: before.ratePerGram, to: after.ratePerGram },
              ...(after.effectiveDate !== before.effectiveDate
                ? { effective_date: { from: before.effectiveDate, to: after.effectiveDate } }
                : {}),
            },
          },
          sql`changes() = 1`,
        ),
        // Only after a correction: the audit row is written exactly when the UPDATE changed the rate.
        bumpCatalogVersion(db, shopId, sql`changes() = 1`),
      ]);
    } catch (err) {
      if (isRateKeyViolation(err)) throw rateExists();
      throw err;
    }
    return result.meta.changes === 1 ? toRate(after) : undefined;
  });
}
