// The shop's customers. Deleting is soft (`deleted_at`) and refused while the khata balance is not
// zero, checked inside the UPDATE so a concurrent khata credit cannot slip between check and write.

import { asc, eq, isNull, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { requireRole } from '../../auth/roles';
import { dbOf } from '../../db/client';
import { likeContains } from '../../db/conditions';
import { isUniqueViolation } from '../../db/errors';
import { type Page, pageQueries, toPage } from '../../db/list';
import { changedColumns } from '../../db/optimistic';
import { customers } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { newId, nowIso } from '../../lib/id';
import {
  type CreateCustomerInput,
  type Customer,
  type CustomerRow,
  toCustomer,
  type UpdateCustomerInput,
} from './schemas';

type C = Context<AppEnv>;

const phoneTaken = () => new ApiError(409, 'PHONE_TAKEN', 'Another customer of this shop has this phone number');

/** A live (not deleted) customer of the caller's shop, as a WHERE. */
export const liveCustomer = (shopId: string, id: string) =>
  inShop(customers, shopId, eq(customers.id, id), isNull(customers.deletedAt));

/** The live customer row, or 404 (also for another shop's or a deleted customer). */
export async function findCustomerRow(c: C, id: string): Promise<CustomerRow> {
  const [row] = await dbOf(c)
    .select()
    .from(customers)
    .where(liveCustomer(authOf(c).shopId, id));
  if (!row) throw notFound('Customer');
  return row;
}

/** A credit limit is credit the shop extends: a cashier may create customers, not lend. */
function assertMayLend(c: C, creditLimit: number | undefined) {
  if (creditLimit !== undefined && creditLimit !== 0) requireRole(c, 'manager', 'Setting a credit limit');
}

export async function listCustomers(c: C, o: { q?: string; page: number; limit: number }): Promise<Page<Customer>> {
  const where = inShop(
    customers,
    shopId(c),
    isNull(customers.deletedAt),
    // Parenthesised: and() does not wrap raw SQL, and an OR left bare would escape the shop scope.
    o.q ? sql`(${likeContains(customers.name, o.q)} OR ${likeContains(customers.phone, o.q)})` : undefined,
  );
  const db = dbOf(c);
  const orderBy = [asc(customers.name), asc(customers.id)];
  return toPage(await db.batch(pageQueries(db, { ...o, table: customers, where, orderBy })), o, toCustomer);
}

const shopId = (c: C) => authOf(c).shopId;

export async function createCustomer(c: C, body: CreateCustomerInput): Promise<Customer> {
  assertMayLend(c, body.credit_limit);
  const now = nowIso();
  const row: CustomerRow = {
    id: newId(),
    shopId: shopId(c),
    name: body.name,
    phone: body.phone,
    email: body.email ?? null,
    address: body.address ?? null,
    pan: body.pan ?? null,
    form60Ref: body.form60_ref ?? null,
    gstin: body.gstin ?? null,
    creditLimit: body.credit_limit,
    khataBalance: 0,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await dbOf(c).insert(customers).values(row);
  } catch (err) {
    if (isUniqueViolation(err, 'customers.phone')) throw phoneTaken();
    throw err;
  }
  return toCustomer(row);
}

export const getCustomer = async (c: C, id: string) => toCustomer(await findCustomerRow(c, id));

/** Any role edits contact details; the credit limit is manager+. A limit below the current balance is
 * allowed: it stops further credit, it does not call in the debt. */
/** Each field a PATCH may give, and its column. */
const COLUMNS = {
  name: 'name',
  phone: 'phone',
  email: 'email',
  address: 'address',
  pan: 'pan',
  form60_ref: 'form60Ref',
  gstin: 'gstin',
  credit_limit: 'creditLimit',
} as const satisfies Record<keyof UpdateCustomerInput, keyof CustomerRow>;

export async function updateCustomer(c: C, id: string, patch: UpdateCustomerInput): Promise<Customer> {
  if (patch.credit_limit !== undefined) requireRole(c, 'manager', 'Changing a credit limit');
  const changes: Partial<CustomerRow> = {
    ...changedColumns<keyof UpdateCustomerInput, CustomerRow>(patch, COLUMNS),
    updatedAt: nowIso(),
  };
  let rows: CustomerRow[];
  try {
    // RETURNING gives the row as written, khata_balance included, without a second read.
    rows = await dbOf(c)
      .update(customers)
      .set(changes)
      .where(liveCustomer(shopId(c), id))
      .returning();
  } catch (err) {
    if (isUniqueViolation(err, 'customers.phone')) throw phoneTaken();
    throw err;
  }
  if (!rows[0]) throw notFound('Customer');
  return toCustomer(rows[0]);
}

export async function deleteCustomer(c: C, id: string): Promise<void> {
  const result = await dbOf(c)
    .update(customers)
    .set({ deletedAt: nowIso(), updatedAt: nowIso() })
    .where(
      inShop(customers, shopId(c), eq(customers.id, id), isNull(customers.deletedAt), eq(customers.khataBalance, 0)),
    );
  if (result.meta.changes === 1) return;
  // Refused: say why (a read after the fact only chooses the message; the UPDATE decided).
  const row = await findCustomerRow(c, id);
  throw new ApiError(409, 'KHATA_BALANCE_NOT_ZERO', 'A customer with a khata balance cannot be deleted', [
    { path: 'khata_balance', message: `balance is ${row.khataBalance}` },
  ]);
}
