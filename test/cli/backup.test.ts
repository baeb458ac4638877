// Backups end to end: a shop sells on credit, `admin backup` dumps the suite Worker's D1 with a
// manifest, `admin restore` loads it into a new state, and a second `wrangler dev` on that state
// answers the same balances, stock and sales as the original. All local: nothing calls Cloudflare.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type DevWorker, startDevWorker } from '../support/dev-worker';
import { admin, adminOk, createShop, type Json, signIn } from './helpers';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
let restored: DevWorker | undefined;
afterAll(async () => {
  await restored?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function call(
  base: string,
  route: string,
  init: { method?: string; json?: unknown; token?: string; key?: string },
) {
  const headers: Record<string, string> = {};
  if (init.json !== undefined) headers['Content-Type'] = 'application/json';
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.key) headers['Idempotency-Key'] = init.key;
  const res = await fetch(`${base}/api/v1${route}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const body = (await res.json()) as Json;
  expect(res.status, `${route}: ${JSON.stringify(body)}`).toBeLessThan(300);
  return body.data;
}

/** What a shop's books say: the customer's balance and khata, the product's stock, the sales. */
async function books(base: string, token: string, ids: { customer: string; product: string; sale: string }) {
  const customer = await call(base, `/customers/${ids.customer}`, { token });
  const product = await call(base, `/products/${ids.product}`, { token });
  return {
    balance: customer.khata_balance,
    khata: await call(base, `/customers/${ids.customer}/khata`, { token }),
    stock: product.stock,
    sale: await call(base, `/sales/${ids.sale}`, { token }),
    sales: await call(base, '/sales', { token }),
  };
}

describe('admin backup and restore', () => {
  it('a restored backup answers the same balances, stock and sales', async () => {
    const base = inject('workerUrl');
    const shop = await createShop('backup');
    const owner = await signIn(shop.email, shop.password);
    const token = owner.access;
    const product = await call(base, '/products', {
      token,
      json: {
        sku: 'RING-1',
        name: 'Ring',
        category: 'ring',
        metal: 'gold',
        purity: 916,
        gross_weight_mg: 5000,
        net_weight_mg: 4800,
        base_price: 2_500_000,
        stock: 4,
      },
    });
    const customer = await call(base, '/customers', {
      token,
      json: { name: 'Asha', phone: '+919812345678', credit_limit: 10_000_000 },
    });
    const sale = await call(base, '/sales', {
      token,
      key: 'backup-sale-1',
      json: { customer_id: customer.id, items: [{ product_id: product.id, quantity: 2 }], payment_method: 'khata' },
    });
    await call(base, `/customers/${customer.id}/khata`, {
      token,
      json: { type: 'payment', amount: 1_000_000, method: 'upi' },
    });
    const ids = { customer: customer.id, product: product.id, sale: sale.id };
    const original = await books(base, token, ids);
    expect(original.stock).toBe(2);
    expect(original.balance).toBeGreaterThan(0);

    const out = tempDir('tijori-backups-');
    const backedUp = await adminOk(['backup', '--out', out]);
    const dump = /^dump: (.+)$/m.exec(backedUp.stdout)![1]!;
    expect(path.basename(dump)).toMatch(/^tijori-local-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.sql$/);
    const manifest = JSON.parse(readFileSync(dump.replace(/\.sql$/, '.manifest.json'), 'utf8'));
    expect(manifest.tables).toMatchObject({ sales: expect.any(Number), products: expect.any(Number) });
    expect(manifest.tables.sales).toBeGreaterThanOrEqual(1);

    // Into the suite's own (non-empty) state: refused, nothing touched.
    const clobber = await admin(['restore', dump]);
    expect(clobber.code).toBe(1);
    expect(clobber.stderr).toContain('not empty');

    const state = path.join(tempDir('tijori-restored-'), 'state');
    const loaded = await adminOk(['restore', dump], '', state);
    expect(loaded.stdout).toContain('as the manifest records');

    restored = await startDevWorker({ state });
    const login = await fetch(`${restored.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: shop.email, password: shop.password }),
    });
    expect(login.status).toBe(200);
    const restoredToken = ((await login.json()) as Json).data.tokens.access_token;
    expect(await books(restored.url, restoredToken, ids)).toEqual(original);
  });

  it('refuses a dump that does not match its manifest, and writes no state', async () => {
    const out = tempDir('tijori-backups-');
    const backedUp = await adminOk(['backup', '--out', out]);
    const dump = /^dump: (.+)$/m.exec(backedUp.stdout)![1]!;
    writeFileSync(dump, `${readFileSync(dump, 'utf8')}\nDELETE FROM sales;\n`);
    const state = path.join(tempDir('tijori-restored-'), 'state');
    const r = await admin(['restore', dump], '', state);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not match its manifest');
    expect(existsSync(state)).toBe(false);
  });
});
