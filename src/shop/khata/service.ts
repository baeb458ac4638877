// The khata (customer credit ledger). A balance change and its entry are two statements of one batch:
// the entry goes first and reads `balance_after` from the customer row under the rule (credit limit,
// or no overpayment); when the rule fails the subquery yields NULL, the NOT NULL column refuses the
// row, and D1 rolls the whole batch back. Only then does the balance UPDATE run, unconditionally, in
// the same transaction — so the balance always equals credits minus payments, with no read-then-write.

import { desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQuery } from '../../audit/record';
import { requireRole } from '../../auth/roles';
import { type Db, dbOf } from '../../db/client';
import { isConstraintViolation } from '../../db/errors';
import { type PageOptions, pageQueries, toPage } from '../../db/list';
import { customers, type KHATA_PAYMENT_METHODS, khataEntries } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { newId, nowIso } from '../../lib/id';
import { findCustomerRow, liveCustomer } from '../customers/service';
import type { KhataEntry, PostKhataInput } from './schemas';

type C = Context<AppEnv>;
type EntryRow = typeof khataEntries.$inferSelect;
type KhataPaymentMethod = (typeof KHATA_PAYMENT_METHODS)[number];

export const toEntry = (r: EntryRow): KhataEntry => ({
  id: r.id,
  type: r.type,
  amount: r.amount,
  method: r.method,
  balance_after: r.balanceAfter,
  note: r.note,
  sale_id: r.saleId,
  created_by: r.createdBy,
  created_at: r.createdAt,
});

export interface LedgerMove {
  shopId: string;
  customerId: string;
  type: 'credit' | 'payment';
  /** Positive paise. */
  amount: number;
  /** How a payment was made; null for credits. */
  method: KhataPaymentMethod | null;
  note: string | null;
  saleId: string | null;
  createdBy: string;
}

/**
 * The entry and the balance change, in this order, for the caller's batch. A credit must keep the
 * balance within the credit limit; a payment may not exceed what is owed (no advances). Either
 * refusal (or a customer that is gone) aborts the batch with NOT NULL on `balance_after`:
 * see `ledgerRefusal`.
 */
export function ledgerQueries(db: Db, m: LedgerMove) {
  const entry: EntryRow = {
    id: newId(),
    shopId: m.shopId,
    customerId: m.customerId,
    type: m.type,
    amount: m.amount,
    method: m.method,
    balanceAfter: 0,
    note: m.note,
    saleId: m.saleId,
    createdBy: m.createdBy,
    createdAt: nowIso(),
  };
  const delta = m.type === 'credit' ? m.amount : -m.amount;
  const rule =
    m.type === 'credit'
      ? sql`${customers.khataBalance} + ${m.amount} <= ${customers.creditLimit}`
      : sql`${customers.khataBalance} >= ${m.amount}`;
  const balanceAfter: SQL = sql`(SELECT ${customers.khataBalance} + ${delta} FROM ${customers}
    WHERE ${liveCustomer(m.shopId, m.customerId)} AND ${rule})`;
  return {
    entry,
    queries: [
      db
        .insert(khataEntries)
        .values({ ...entry, balanceAfter })
        .returning(),
      db
        .update(customers)
        .set({ khataBalance: sql`${customers.khataBalance} + ${delta}`, updatedAt: entry.createdAt })
        .where(inShop(customers, m.shopId, eq(customers.id, m.customerId))),
    ] as const,
  };
}

/** Turns a batch that `ledgerQueries` aborted into the contract's error; rethrows anything else. */
export async function ledgerRefusal(c: C, err: unknown, m: Pick<LedgerMove, 'customerId' | 'type' | 'amount'>) {
  if (!isConstraintViolation(err, 'NOT NULL', 'khata_entries.balance_after')) throw err;
  // The batch decided; this read only picks the message (404 if the customer went away meanwhile).
  const row = await findCustomerRow(c, m.customerId);
  const facts = [
    { path: 'amount', message: `amount ${m.amount}, balance ${row.khataBalance}, limit ${row.creditLimit}` },
  ];
  if (m.type === 'credit') {
    throw new ApiError(422, 'CREDIT_LIMIT_EXCEEDED', 'This would take the khata balance over the credit limit', facts);
  }
  throw new ApiError(422, 'PAYMENT_EXCEEDS_BALANCE', 'A payment cannot exceed what the customer owes', facts);
}

export async function listKhata(c: C, customerId: string, o: PageOptions) {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  const where = inShop(khataEntries, shopId, eq(khataEntries.customerId, customerId));
  // One batch: the balance and the page are read from the same snapshot.
  const orderBy = [desc(khataEntries.createdAt), desc(khataEntries.id)];
  const [[customer], ...page] = await db.batch([
    db.select({ balance: customers.khataBalance }).from(customers).where(liveCustomer(shopId, customerId)),
    ...pageQueries(db, { ...o, table: khataEntries, where, orderBy }),
  ]);
  if (!customer) throw notFound('Customer');
  return { balance: customer.balance, ...toPage(page, o, toEntry) };
}

export async function postKhata(c: C, customerId: string, body: PostKhataInput): Promise<KhataEntry> {
  const { shopId, userId } = body.type === 'credit' ? requireRole(c, 'manager', 'A khata credit') : authOf(c);
  const db = dbOf(c);
  const move: LedgerMove = {
    shopId,
    customerId,
    type: body.type,
    amount: body.amount,
    method: body.type === 'payment' ? (body.method ?? 'cash') : null,
    note: body.note || null,
    saleId: null,
    createdBy: userId,
  };
  const { entry, queries } = ledgerQueries(db, move);
  const audit = auditQuery(c, {
    action: 'khata.credit',
    targetType: 'customer',
    targetId: customerId,
    details: { entry_id: entry.id, amount: body.amount },
  });
  let written: EntryRow[] = [];
  try {
    // Credits (manager adjustments) are audited, in the same batch; payments are not (contract).
    [written] = await db.batch(body.type === 'credit' ? [...queries, audit] : queries);
  } catch (err) {
    await ledgerRefusal(c, err, move);
  }
  if (!written[0]) throw new Error('khata entry missing from its committed batch');
  return toEntry(written[0]);
}
