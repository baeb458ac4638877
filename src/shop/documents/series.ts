// Gap-free document numbers (API.md "Invoices", "Old gold"): a sale or voucher batch puts
// `bumpSeries` first and copies `numberOf` / `serialOf` into its row. D1 runs a batch as one
// transaction, one at a time, so numbers follow commit order; a batch refused by any later guard
// rolls the bump back too, so a refused document consumes no number. The number's format and
// length rule are src/pricing/invoice-number.ts's; the series table's CHECK holds the 16
// characters of CGST Rule 46(b) when a series runs out of digits.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { documentSeries, shops } from '../../db/schema';
import { type DocumentSeries, seriesSuffix } from '../../pricing/invoice-number';
import { addDays, type ShopDay, startOfShopDate } from '../../pricing/shop-day';

export interface SeriesKey {
  shopId: string;
  series: DocumentSeries;
  /** The financial year's label, `2627`. */
  financialYear: string;
}

/** `{prefix}{suffix}/{YYYY}/{n}`, with the prefix read in the batch, so a racing prefix change cannot split a number. */
export const numberSql = (k: SeriesKey, serial: ReturnType<typeof sql>) =>
  sql`(SELECT ${shops.invoicePrefix} || ${seriesSuffix(k.series)} || '/' || ${k.financialYear} || '/' || ${serial}
    FROM ${shops} WHERE ${shops.id} = ${k.shopId})`;

const keyIs = (k: SeriesKey) =>
  and(
    eq(documentSeries.shopId, k.shopId),
    eq(documentSeries.series, k.series),
    eq(documentSeries.financialYear, k.financialYear),
  );

/**
 * Takes the series' next number. Also fixes the shop's prefix until the financial year ends
 * (`lockedUntil`, the UTC instant the year's last shop-local day ends): a prefix change would
 * break the year's series (409 INVOICE_PREFIX_LOCKED on PATCH /shop).
 */
export function bumpSeries(db: Db, k: SeriesKey, lockedUntil: string) {
  return [
    db
      .insert(documentSeries)
      .values({ ...k, lastSerial: 1, lastNumber: numberSql(k, sql`1`) })
      .onConflictDoUpdate({
        target: [documentSeries.shopId, documentSeries.series, documentSeries.financialYear],
        set: {
          lastSerial: sql`${documentSeries.lastSerial} + 1`,
          lastNumber: numberSql(k, sql`(${documentSeries.lastSerial} + 1)`),
        },
      }),
    db
      .update(shops)
      .set({ invoicePrefixLockedUntil: lockedUntil })
      .where(
        and(
          eq(shops.id, k.shopId),
          sql`(${shops.invoicePrefixLockedUntil} IS NULL OR ${shops.invoicePrefixLockedUntil} < ${lockedUntil})`,
        ),
      ),
  ] as const;
}

/** The series of a document issued on the shop's `day`, and the instant its financial year ends (bumpSeries' lock). */
export function seriesOn(shopId: string, series: DocumentSeries, day: ShopDay, timeZone: string) {
  return {
    key: { shopId, series, financialYear: day.financial_year.label },
    lockedUntil: startOfShopDate(addDays(day.financial_year.last_day, 1), timeZone),
  };
}

/** The number `bumpSeries` just took, for the document row in the same batch. */
export const numberOf = (k: SeriesKey) =>
  sql`(SELECT ${documentSeries.lastNumber} FROM ${documentSeries} WHERE ${keyIs(k)})`;

export const serialOf = (k: SeriesKey) =>
  sql`(SELECT ${documentSeries.lastSerial} FROM ${documentSeries} WHERE ${keyIs(k)})`;
