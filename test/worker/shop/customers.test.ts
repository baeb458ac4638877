import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { CustomerSchema } from '../../../src/shop/customers/schemas';
import { newShop, newStaff } from '../fixtures';
import { call, callJson, callTyped, type Json } from '../helpers';
import { addCustomer, khataEntry, newPhone } from './sales-fixtures';

const Customer = dataOf(CustomerSchema);
const Customers = pageOf(CustomerSchema);

describe('customers', () => {
  it('any role creates, reads, lists and edits a customer; responses carry the khata balance', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const phone = newPhone();
    const created = await callTyped(Customer, '/api/v1/customers', {
      method: 'POST',
      token: cashier.access,
      json: { name: ' <b>Ramesh</b> Kumar ', phone, email: 'R@Example.com', address: 'Chandni Chowk' },
    });
    expect(created.res.status).toBe(201);
    expect(created.body.data).toEqual({
      id: expect.any(String),
      name: 'Ramesh Kumar',
      phone,
      email: 'r@example.com',
      address: 'Chandni Chowk',
      pan: null,
      form60_ref: null,
      gstin: null,
      credit_limit: 0,
      khata_balance: 0,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.data.id;

    const got = await callTyped(Customer, `/api/v1/customers/${id}`, { token: cashier.access });
    expect(got.body.data).toEqual(created.body.data);

    const patched = await callTyped(Customer, `/api/v1/customers/${id}`, {
      method: 'PATCH',
      token: cashier.access,
      json: { address: null, name: 'Ramesh K.' },
    });
    expect(patched.res.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: 'Ramesh K.', address: null, khata_balance: 0 });
  });

  it('lists with q matching name or phone, paginated, and only the shop’s own', async () => {
    const owner = await newShop();
    const other = await newShop();
    const a = await addCustomer(owner, { name: 'Anil Sharma' });
    const b = await addCustomer(owner, { name: 'Bina Rao', phone: '+919000012345' });
    await addCustomer(other, { name: 'Anil Sharma' });

    const all = await callTyped(Customers, '/api/v1/customers?limit=1', { token: owner.access });
    expect(all.body.meta).toEqual({ page: 1, limit: 1, total: 2, total_pages: 2 });
    expect(all.body.data[0]?.khata_balance).toBe(0);
    const byName = await callTyped(Customers, '/api/v1/customers?q=anil', { token: owner.access });
    expect(byName.body.data.map((x) => x.id)).toEqual([a.id]);
    const byPhone = await callTyped(Customers, '/api/v1/customers?q=0001234', { token: owner.access });
    expect(byPhone.body.data.map((x) => x.id)).toEqual([b.id]);
    // A LIKE wildcard matches literally, and OR stays inside the shop scope.
    const wildcard = await callTyped(Customers, '/api/v1/customers?q=%25', { token: owner.access });
    expect(wildcard.body.meta.total).toBe(0);
  });

  it('a search longer than D1’s 50-byte LIKE pattern finds the customer by name or phone', async () => {
    const owner = await newShop();
    // 25 characters, 73 bytes of UTF-8: a LIKE pattern of 50 bytes was a 500 (17 letters were enough).
    const name = 'रमेशकुमारशर्मा सुनीतादेवी';
    const wanted = await addCustomer(owner, { name });
    await addCustomer(owner, { name: 'रमेशकुमारशर्मा सुनीता' });
    const ids = async (q: string) => {
      const { res, body } = await callTyped(Customers, `/api/v1/customers?q=${encodeURIComponent(q)}`, {
        token: owner.access,
      });
      expect(res.status).toBe(200);
      return body.data.map((x) => x.id);
    };
    expect(new TextEncoder().encode(name).length).toBeGreaterThanOrEqual(60);
    expect(await ids(name)).toEqual([wanted.id]);
    expect(await ids(`RAMESH-${'x'.repeat(60)}`)).toEqual([]);
    expect(await ids(wanted.phone.slice(1))).toEqual([wanted.id]);
  });

  it('validates: E.164 phone, strict body, limit over 100', async () => {
    const owner = await newShop();
    for (const json of [
      { name: 'X', phone: '9812345678' },
      { name: 'X', phone: '+0912345678' },
      { name: 'X', phone: newPhone(), extra: 1 },
      { name: 'X', phone: newPhone(), credit_limit: 10.5 },
      { name: '<b></b>', phone: newPhone() },
    ]) {
      const { res, body } = await callJson('/api/v1/customers', { method: 'POST', token: owner.access, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await call('/api/v1/customers?limit=101', { token: owner.access })).status).toBe(400);
  });

  it('PAN (stored uppercase), Form 60 reference and a GSTIN of any state: set, read back, changed, cleared', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const created = await callTyped(Customer, '/api/v1/customers', {
      method: 'POST',
      token: cashier.access,
      json: { name: 'Asha Jain', phone: newPhone(), pan: ' abcpj1234k ', gstin: '29aagcb7383j1z4' },
    });
    expect(created.res.status).toBe(201);
    expect(created.body.data).toMatchObject({ pan: 'ABCPJ1234K', form60_ref: null, gstin: '29AAGCB7383J1Z4' });
    const id = created.body.data.id;
    const stored = await env.DB.prepare('SELECT pan, gstin FROM customers WHERE id = ?').bind(id).first();
    expect(stored).toEqual({ pan: 'ABCPJ1234K', gstin: '29AAGCB7383J1Z4' });

    const patched = await callTyped(Customer, `/api/v1/customers/${id}`, {
      method: 'PATCH',
      token: cashier.access,
      json: { pan: null, form60_ref: 'F60/2026/0042', gstin: '27AAPFU0939F1ZV' },
    });
    expect(patched.res.status).toBe(200);
    expect(patched.body.data).toMatchObject({ pan: null, form60_ref: 'F60/2026/0042', gstin: '27AAPFU0939F1ZV' });
    expect((await callTyped(Customer, `/api/v1/customers/${id}`, { token: cashier.access })).body.data).toEqual(
      patched.body.data,
    );
  });

  it('refuses a malformed PAN or GSTIN with 400 naming the field, on create and on change', async () => {
    const owner = await newShop();
    const cust = await addCustomer(owner);
    for (const [json, path] of [
      [{ pan: 'ABCPJ1234' }, 'pan'],
      [{ pan: 'ABCP11234K' }, 'pan'],
      [{ pan: '1BCPJ1234K' }, 'pan'],
      [{ gstin: '27AAPFU0939F1ZW' }, 'gstin'],
      [{ gstin: 'ABCPJ1234K' }, 'gstin'],
      [{ form60_ref: '' }, 'form60_ref'],
    ] as const) {
      const create = await callJson('/api/v1/customers', {
        method: 'POST',
        token: owner.access,
        json: { name: 'X', phone: newPhone(), ...json },
      });
      const change = await callJson(`/api/v1/customers/${cust.id}`, { method: 'PATCH', token: owner.access, json });
      for (const { res, body } of [create, change]) {
        expect(res.status, JSON.stringify(json)).toBe(400);
        expect(body.error.details.map((d: Json) => d.path)).toEqual([path]);
      }
    }
    expect((await callTyped(Customers, '/api/v1/customers', { token: owner.access })).body.meta.total).toBe(1);
    expect((await callTyped(Customer, `/api/v1/customers/${cust.id}`, { token: owner.access })).body.data).toEqual(
      cust,
    );
  });

  it('a phone is unique per shop among live customers: 409 PHONE_TAKEN, free again after delete', async () => {
    const owner = await newShop();
    const other = await newShop();
    const first = await addCustomer(owner);
    const dup = await callJson('/api/v1/customers', {
      method: 'POST',
      token: owner.access,
      json: { name: 'Dup', phone: first.phone },
    });
    expect(dup.res.status).toBe(409);
    expect(dup.body.error.code).toBe('PHONE_TAKEN');
    await addCustomer(other, { phone: first.phone });

    const second = await addCustomer(owner);
    const clash = await callJson(`/api/v1/customers/${second.id}`, {
      method: 'PATCH',
      token: owner.access,
      json: { phone: first.phone },
    });
    expect(clash.res.status).toBe(409);
    expect(clash.body.error.code).toBe('PHONE_TAKEN');

    expect((await call(`/api/v1/customers/${first.id}`, { method: 'DELETE', token: owner.access })).status).toBe(204);
    await addCustomer(owner, { phone: first.phone });
  });

  it('credit limits are manager+: a cashier may create with 0 only and may not change one', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const manager = await newStaff(owner, 'manager');
    const refused = await callJson('/api/v1/customers', {
      method: 'POST',
      token: cashier.access,
      json: { name: 'X', phone: newPhone(), credit_limit: 5000 },
    });
    expect(refused.res.status).toBe(403);
    const cust = await addCustomer(cashier, { credit_limit: 0 });
    const patch = (s: typeof owner) =>
      call(`/api/v1/customers/${cust.id}`, { method: 'PATCH', token: s.access, json: { credit_limit: 10_000 } });
    expect((await patch(cashier)).status).toBe(403);
    expect((await patch(manager)).status).toBe(200);
    await addCustomer(manager, { credit_limit: 5000 });
  });

  it('delete is manager+, soft, refused while the balance is not zero, and a deleted customer is 404', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const cust = await addCustomer(owner, { credit_limit: 10_000 });
    expect((await call(`/api/v1/customers/${cust.id}`, { method: 'DELETE', token: cashier.access })).status).toBe(403);

    expect((await khataEntry(owner, cust.id, { type: 'credit', amount: 2500 })).res.status).toBe(201);
    const refused = await callJson(`/api/v1/customers/${cust.id}`, { method: 'DELETE', token: owner.access });
    expect(refused.res.status).toBe(409);
    expect(refused.body.error.code).toBe('KHATA_BALANCE_NOT_ZERO');

    expect((await khataEntry(cashier, cust.id, { type: 'payment', amount: 2500 })).res.status).toBe(201);
    expect((await call(`/api/v1/customers/${cust.id}`, { method: 'DELETE', token: owner.access })).status).toBe(204);
    for (const [method, json] of [
      ['GET', undefined],
      ['PATCH', { name: 'Y' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call(`/api/v1/customers/${cust.id}`, { method, token: owner.access, json });
      expect(res.status, method).toBe(404);
    }
    expect((await call(`/api/v1/customers/${cust.id}/khata`, { token: owner.access })).status).toBe(404);
    const list = await callTyped(Customers, '/api/v1/customers', { token: owner.access });
    expect(list.body.meta.total).toBe(0);
  });

  it('another shop’s customer is a 404 on every route', async () => {
    const a = await newShop();
    const b = await newShop();
    const cust = await addCustomer(a);
    for (const [method, path, json] of [
      ['GET', '', undefined],
      ['PATCH', '', { name: 'Hijack' }],
      ['DELETE', '', undefined],
      ['GET', '/khata', undefined],
      ['POST', '/khata', { type: 'payment', amount: 1 }],
      ['POST', '/khata', { type: 'credit', amount: 1 }],
    ] as const) {
      const { res, body } = await callJson(`/api/v1/customers/${cust.id}${path}`, { method, token: b.access, json });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(body.error.code).toBe('NOT_FOUND');
    }
    const still = await callTyped(Customer, `/api/v1/customers/${cust.id}`, { token: a.access });
    expect(still.body.data.name).toBe('Sunita Devi');
  });
});
