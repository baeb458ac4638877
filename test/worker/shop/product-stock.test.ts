// A product with pieces reports `stock` as its in-stock pieces (issue 14 item 2, the catalog's
// side): in GET /products, GET /products/:id, the in_stock filter and the storefront list that
// shares its query; a product without pieces keeps its own count.
import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { ProductSchema } from '../../../src/shop/products/schemas';
import { productListQueries } from '../../../src/shop/products/service';
import { StorefrontProductSchema } from '../../../src/shop/storefront/schemas';
import { newShop, newStaff, randomIp, type Session } from '../fixtures';
import { callJson, callTyped, type Json, queryPlan } from '../helpers';
import { addPiece as addPieceWith } from './billing-fixtures';
import { addProduct } from './catalog-fixtures';

const Product = dataOf(ProductSchema);
const Products = pageOf(ProductSchema);

const addPiece = (s: Session, productId: string, over: Json = {}) =>
  addPieceWith(s, productId, { gross_weight_mg: 12_000, net_weight_mg: 11_000, stone_weight_mg: 500, ...over });

/** The sale integration (issue 14 item 2, sales side) moves a piece's status; here it is set directly. */
const setStatus = (pieceId: string, status: 'in_stock' | 'sold' | 'reserved') =>
  env.DB.prepare('UPDATE pieces SET status = ? WHERE id = ?').bind(status, pieceId).run();

const stockOf = async (s: Session, id: string) =>
  (await callTyped(Product, `/api/v1/products/${id}`, { token: s.access })).body.data.stock;

const listed = async (s: Session, query = '') =>
  Object.fromEntries(
    (await callTyped(Products, `/api/v1/products?limit=100${query}`, { token: s.access })).body.data.map((p) => [
      p.id,
      p.stock,
    ]),
  );

const catalogVersion = async (shopId: string) =>
  (await env.DB.prepare('SELECT catalog_version AS v FROM shops WHERE id = ?').bind(shopId).first<{ v: number }>())!.v;

describe('catalog: the stock of a product with pieces', () => {
  it('is its in-stock pieces in the list, the detail and the in_stock filter; a product without pieces keeps its count', async () => {
    const owner = await newShop();
    const byCount = await addProduct(owner, { stock: 4 });
    const byPiece = await addProduct(owner, { stock: 7 });
    const soldOut = await addProduct(owner, { stock: 5 });
    const [a, b] = [await addPiece(owner, byPiece.id), await addPiece(owner, byPiece.id)];
    await addPiece(owner, byPiece.id);
    const only = await addPiece(owner, soldOut.id);

    await setStatus(a.id, 'sold');
    await setStatus(b.id, 'reserved');
    await setStatus(only.id, 'sold');

    // The column's 7 and 5 no longer count: one piece of three is in stock, none of the other's.
    expect(await stockOf(owner, byPiece.id)).toBe(1);
    expect(await stockOf(owner, soldOut.id)).toBe(0);
    expect(await stockOf(owner, byCount.id)).toBe(4);
    expect(await listed(owner)).toEqual({ [byCount.id]: 4, [byPiece.id]: 1, [soldOut.id]: 0 });
    expect(await listed(owner, '&in_stock=true')).toEqual({ [byCount.id]: 4, [byPiece.id]: 1 });
    expect(await listed(owner, '&in_stock=false')).toEqual({ [soldOut.id]: 0 });
    const inStockTotal = await callTyped(Products, '/api/v1/products?in_stock=true', { token: owner.access });
    expect(inStockTotal.body.meta.total).toBe(2);

    // The storefront list shares the query: the sold-out product is not in stock there either.
    const storefront = await callTyped(
      pageOf(StorefrontProductSchema),
      `/api/v1/storefront/${owner.shop.slug}/products?in_stock=false`,
      { headers: { 'CF-Connecting-IP': randomIp() } },
    );
    expect(storefront.body.data.map((p) => [p.id, p.in_stock])).toEqual([[soldOut.id, false]]);

    // Back in stock (a void), the product is on sale again.
    await setStatus(only.id, 'in_stock');
    expect(await listed(owner, '&in_stock=false')).toEqual({});
    expect(await stockOf(owner, soldOut.id)).toBe(1);
  });

  it('a count for a product with pieces is 422 SELL_BY_PIECE and changes nothing; other changes answer its pieces', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const product = await addProduct(owner, { stock: 3 });
    await addPiece(manager, product.id);
    const before = await env.DB.prepare('SELECT * FROM products WHERE id = ?').bind(product.id).first();

    const refused = await callJson(`/api/v1/products/${product.id}`, {
      method: 'PATCH',
      token: manager.access,
      json: { stock: 9, name: 'Renamed' },
    });
    expect(refused.res.status).toBe(422);
    expect(refused.body.error.code).toBe('SELL_BY_PIECE');
    expect(await env.DB.prepare('SELECT * FROM products WHERE id = ?').bind(product.id).first()).toEqual(before);

    const renamed = await callTyped(Product, `/api/v1/products/${product.id}`, {
      method: 'PATCH',
      token: manager.access,
      json: { name: 'Renamed' },
    });
    expect(renamed.res.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: 'Renamed', stock: 1 });

    // A product without pieces still takes its count.
    const byCount = await addProduct(owner, { stock: 3 });
    const counted = await callTyped(Product, `/api/v1/products/${byCount.id}`, {
      method: 'PATCH',
      token: manager.access,
      json: { stock: 9 },
    });
    expect(counted.body.data.stock).toBe(9);
  });

  it('adding or changing a piece bumps the catalog version (the storefront cache key); a refused one does not', async () => {
    const owner = await newShop();
    const product = await addProduct(owner, { stock: 0 });
    const v0 = await catalogVersion(owner.shop.id);

    const piece = await addPiece(owner, product.id, { tag: 'BUMP0001' });
    expect(await catalogVersion(owner.shop.id)).toBe(v0 + 1);

    const taken = await callJson('/api/v1/pieces', {
      method: 'POST',
      token: owner.access,
      json: { product_id: product.id, tag: 'BUMP0001', gross_weight_mg: 1_000, net_weight_mg: 1_000 },
    });
    expect(taken.res.status).toBe(409);
    expect(await catalogVersion(owner.shop.id)).toBe(v0 + 1);

    const weigh = (gross: number) =>
      callJson(`/api/v1/pieces/${piece.id}`, {
        method: 'PATCH',
        token: owner.access,
        json: { gross_weight_mg: gross },
      });
    expect((await weigh(12_500)).res.status).toBe(200);
    expect(await catalogVersion(owner.shop.id)).toBe(v0 + 2);

    await setStatus(piece.id, 'sold');
    expect((await weigh(12_600)).res.status).toBe(409);
    expect(await catalogVersion(owner.shop.id)).toBe(v0 + 2);
  });
});

describe('catalog: the stock query plan', () => {
  const db = drizzle(env.DB);

  it.each([
    ['a page', {}],
    ['a page filtered by in_stock', { in_stock: true }],
  ] as const)('%s reads each product’s pieces by pieces_shop_product_status_idx, never a scan', async (_, filter) => {
    const [page, total] = productListQueries(db, 'shop', { sort: '-created', page: 1, limit: 20, ...filter });
    for (const q of [page, ...('in_stock' in filter ? [total] : [])]) {
      const p = await queryPlan(q);
      expect(p).toMatch(
        /SEARCH pieces USING COVERING INDEX pieces_shop_product_status_idx \(shop_id=\? AND product_id=\?\)/,
      );
      expect(p).toMatch(
        /SEARCH pieces USING COVERING INDEX pieces_shop_product_status_idx \(shop_id=\? AND product_id=\? AND status=\?\)/,
      );
      expect(p).not.toMatch(/SCAN pieces|TEMP B-TREE/);
      expect(p).toContain('products_shop_active_created_idx');
    }
  });
});
