// Tenancy in one place: every query of a shop's data is built with inShop, so a forgotten
// scope is hard to write.
import { and, eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

export const inShop = (table: { shopId: SQLiteColumn }, shopId: string, ...conditions: (SQL | undefined)[]): SQL =>
  and(eq(table.shopId, shopId), ...conditions) as SQL;
