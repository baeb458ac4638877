// Fixtures for customers, khata and sales: customers through the API, sales with a fresh key, and
// direct reads of D1 to check what a refused request left behind.
import { env } from 'cloudflare:test';
import { dataOf } from '../../../src/http/openapi';
import { CustomerSchema } from '../../../src/shop/customers/schemas';
import { KhataEntrySchema, KhataPage } from '../../../src/shop/khata/schemas';
import { SaleSchema } from '../../../src/shop/sales/schemas';
import type { Session } from '../fixtures';
import { callData, callJson, callTyped, type Json } from '../helpers';
import { patchShop } from './billing-fixtures';

let phones = 0;
/** A distinct E.164 number per call. */
export const newPhone = () =>
  `+9198${String(Date.now() % 1e6).padStart(6, '0')}${String(phones++ % 100).padStart(2, '0')}`;

export const addCustomer = (s: Session, over: Json = {}) =>
  callData(CustomerSchema, 201, '/api/v1/customers', {
    method: 'POST',
    token: s.access,
    json: { name: 'Sunita Devi', phone: newPhone(), ...over },
  });

let keys = 0;
export const newKey = () => `test-key-${Date.now().toString(36)}-${(keys++).toString(36)}`;

const saleOptions = (s: Session, json: Json, key: string) => ({
  method: 'POST',
  token: s.access,
  headers: { 'Idempotency-Key': key },
  json,
});

/** POST /api/v1/sales with a new Idempotency-Key unless one is given; for refusals and mixed outcomes. */
export const sell = (s: Session, json: Json, key: string = newKey()) =>
  callJson('/api/v1/sales', saleOptions(s, json, key));

/** A sale that must succeed, its body typed by the route's schema. */
export const sold = (s: Session, json: Json, key: string = newKey()) =>
  callTyped(dataOf(SaleSchema), '/api/v1/sales', saleOptions(s, json, key));

const khataOptions = (s: Session, json: Json) => ({ method: 'POST', token: s.access, json });

/** POST a khata entry; for refusals and mixed outcomes. */
export const khata = (s: Session, customerId: string, json: Json) =>
  callJson(`/api/v1/customers/${customerId}/khata`, khataOptions(s, json));

/** A khata entry that must be recorded, typed by the route's schema. */
export const khataEntry = (s: Session, customerId: string, json: Json) =>
  callTyped(dataOf(KhataEntrySchema), `/api/v1/customers/${customerId}/khata`, khataOptions(s, json));

/** A customer's balance and one page of their khata entries, typed by the route's schema. */
export const ledgerOf = async (s: Session, customerId: string, query = '') =>
  (await callTyped(KhataPage, `/api/v1/customers/${customerId}/khata${query}`, { token: s.access })).body;

/** POST /api/v1/sales/{id}/void; for refusals and mixed outcomes. */
export const voidSale = (s: Session, id: string) =>
  callJson(`/api/v1/sales/${id}/void`, { method: 'POST', token: s.access });

/** A void that must succeed, typed by the route's schema. */
export const voided = (s: Session, id: string) =>
  callTyped(dataOf(SaleSchema), `/api/v1/sales/${id}/void`, { method: 'POST', token: s.access });

/** The owner sets the shop's cashier discount limit (PATCH /shop). */
export const setCashierDiscountLimit = (owner: Session, bp: number) =>
  patchShop(owner, { cashier_discount_limit_bp: bp });

export async function stockOf(productId: string): Promise<number> {
  const row = await env.DB.prepare('SELECT stock FROM products WHERE id = ?')
    .bind(productId)
    .first<{ stock: number }>();
  return row!.stock;
}

/** Row counts of everything a sale writes, for one shop. */
export async function writesOf(shopId: string) {
  const n = async (table: string, where = '') =>
    (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE shop_id = ? ${where}`)
      .bind(shopId)
      .first<{ n: number }>())!.n;
  return {
    sales: await n('sales'),
    sale_items: await n('sale_items'),
    khata_entries: await n('khata_entries'),
    idempotency_keys: await n('idempotency_keys'),
    audit: await n('audit_log', "AND action IN ('sale.voided', 'sale.discounted', 'khata.credit')"),
    stock: (await env.DB.prepare('SELECT coalesce(sum(stock), 0) AS n FROM products WHERE shop_id = ?')
      .bind(shopId)
      .first<{ n: number }>())!.n,
    balance: (await env.DB.prepare('SELECT coalesce(sum(khata_balance), 0) AS n FROM customers WHERE shop_id = ?')
      .bind(shopId)
      .first<{ n: number }>())!.n,
  };
}
