import { env } from 'cloudflare:test';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { dataOf, pageOf } from '../../../src/http/openapi';
import { huidRefusal } from '../../../src/shop/pieces/huid';
import { PieceSchema } from '../../../src/shop/pieces/schemas';
import { inStockPieceCounts, pieceByTagQuery, pieceListQueries } from '../../../src/shop/pieces/service';
import { auditLog, newShop, newStaff, type Session } from '../fixtures';
import { call, callJson, callTyped, type Json, queryPlan } from '../helpers';
import { addPiece as addPieceWith } from './billing-fixtures';
import { addProduct } from './catalog-fixtures';

const Piece = dataOf(PieceSchema);

let huids = 0;
/** A distinct, valid HUID per call (6 characters A–Z 0–9). */
const newHuid = () =>
  `H${(Date.now() % 1e4).toString(36).toUpperCase().padStart(3, '0')}${(huids++ % 1296).toString(36).toUpperCase().padStart(2, '0')}`.slice(
    0,
    6,
  );

const pieceBody = (productId: string, over: Json = {}): Json => ({
  product_id: productId,
  gross_weight_mg: 12_000,
  net_weight_mg: 11_000,
  stone_weight_mg: 500,
  ...over,
});

const post = (s: Session, json: Json) => callJson('/api/v1/pieces', { method: 'POST', token: s.access, json });
const patchOptions = (s: Session, json: Json) => ({ method: 'PATCH', token: s.access, json });
/** PATCH a piece; for refusals. */
const patch = (s: Session, id: string, json: Json) => callJson(`/api/v1/pieces/${id}`, patchOptions(s, json));
/** A change that must succeed, typed by the route's schema. */
const patched = (s: Session, id: string, json: Json) => callTyped(Piece, `/api/v1/pieces/${id}`, patchOptions(s, json));

const addPiece = (s: Session, productId: string, over: Json = {}) =>
  addPieceWith(s, productId, pieceBody(productId, over));

/** Rows of a shop's pieces and piece audit entries: what a refusal must not change. */
async function written(shopId: string) {
  const n = async (sql: string) => (await env.DB.prepare(sql).bind(shopId).first<{ n: number }>())!.n;
  return {
    pieces: await n('SELECT count(*) AS n FROM pieces WHERE shop_id = ?'),
    updated: await n('SELECT count(*) AS n FROM pieces WHERE shop_id = ? AND updated_at <> created_at'),
    audit: await n("SELECT count(*) AS n FROM audit_log WHERE shop_id = ? AND action LIKE 'piece.%'"),
  };
}

const audit = async (owner: Session, action: string) => (await auditLog(owner, `action=${action}`)).data;

describe('pieces: create and read', () => {
  it('creates with a given tag and HUID, and without: the generated tag is 8 Crockford base-32 characters', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const product = await addProduct(owner);
    const huid = newHuid();
    const given = await addPiece(manager, product.id, {
      tag: ' ring0001 ',
      huid: huid.toLowerCase(),
      stones: [{ kind: 'diamond', count: 2, weight_mg: 100, value_paise: 500_000 }],
    });
    expect(given).toEqual({
      id: expect.any(String),
      product_id: product.id,
      tag: 'RING0001',
      huid,
      huid_exempt: null,
      purity: null,
      gross_weight_mg: 12_000,
      net_weight_mg: 11_000,
      stone_weight_mg: 500,
      stones: [{ kind: 'diamond', count: 2, weight_mg: 100, value_paise: 500_000 }],
      status: 'in_stock',
      sale_id: null,
      created_at: expect.any(String),
      updated_at: given.created_at,
    });
    const generated = await addPiece(manager, product.id, { purity: 750, huid_exempt: 'kundan' });
    expect(generated.tag).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(generated).toMatchObject({ purity: 750, huid: null, huid_exempt: 'kundan', stones: [] });

    expect((await callTyped(Piece, `/api/v1/pieces/${given.id}`, { token: manager.access })).body.data).toEqual(given);
    const entries = await audit(owner, 'piece.created');
    expect(entries.map((e) => e.target_id).sort()).toEqual([given.id, generated.id].sort());
    expect(entries.find((e) => e.target_id === given.id)).toMatchObject({
      actor_id: manager.user.id,
      target_type: 'piece',
      details: { product_id: product.id, tag: 'RING0001', huid, gross_weight_mg: 12_000, net_weight_mg: 11_000 },
    });
  });

  it('refuses bad HUIDs and weights, purity outside the metal, a missing or retired product: nothing written', async () => {
    const owner = await newShop();
    const product = await addProduct(owner);
    const retired = await addProduct(owner);
    expect((await call(`/api/v1/products/${retired.id}`, { method: 'DELETE', token: owner.access })).status).toBe(204);
    const before = await written(owner.shop.id);
    const refused: [Json, number, string, string?][] = [
      [{ huid: 'AB12C' }, 400, 'VALIDATION_FAILED', 'huid'],
      [{ huid: 'AB12CD7' }, 400, 'VALIDATION_FAILED', 'huid'],
      [{ huid: 'AB-2CD' }, 400, 'VALIDATION_FAILED', 'huid'],
      [{ tag: 'AB' }, 400, 'VALIDATION_FAILED', 'tag'],
      [{ tag: 'RING-01' }, 400, 'VALIDATION_FAILED', 'tag'],
      [{ net_weight_mg: 12_001 }, 400, 'VALIDATION_FAILED', 'net_weight_mg'],
      [{ stone_weight_mg: 1_500 }, 400, 'VALIDATION_FAILED', 'stone_weight_mg'],
      [{ purity: 300 }, 400, 'VALIDATION_FAILED', 'purity'],
      [{ product_id: 'no-such-product' }, 404, 'NOT_FOUND'],
      [{ product_id: retired.id }, 422, 'PRODUCT_INACTIVE'],
    ];
    for (const [over, status, code, path] of refused) {
      const { res, body } = await post(owner, pieceBody(product.id, over));
      expect(res.status, JSON.stringify(over)).toBe(status);
      expect(body.error.code).toBe(code);
      if (path) expect(body.error.details.map((d: Json) => d.path)).toContain(path);
    }
    // Silver: its own purity bounds, from the products' rule.
    const silver = await addProduct(owner, { metal: 'silver', purity: 925 });
    const low = await post(owner, pieceBody(silver.id, { purity: 750 }));
    expect(low.res.status).toBe(400);
    expect(low.body.error.details[0].message).toMatch(/silver purity/);
    expect(await written(owner.shop.id)).toEqual(before);
  });

  it('a HUID and a tag are unique per shop (409 HUID_TAKEN, TAG_TAKEN), also under concurrent creates', async () => {
    const owner = await newShop();
    const other = await newShop();
    const product = await addProduct(owner);
    const huid = newHuid();
    const first = await addPiece(owner, product.id, { huid, tag: 'TAG00001' });
    const before = await written(owner.shop.id);
    const dupHuid = await post(owner, pieceBody(product.id, { huid }));
    expect([dupHuid.res.status, dupHuid.body.error.code]).toEqual([409, 'HUID_TAKEN']);
    const dupTag = await post(owner, pieceBody(product.id, { tag: 'tag00001' }));
    expect([dupTag.res.status, dupTag.body.error.code]).toEqual([409, 'TAG_TAKEN']);
    expect(await written(owner.shop.id)).toEqual(before);

    // Another shop may carry the same tag and HUID: uniqueness is per shop.
    await addPiece(other, (await addProduct(other)).id, { huid, tag: 'TAG00001' });

    const racing = newHuid();
    const results = await Promise.all([0, 1].map(() => post(owner, pieceBody(product.id, { huid: racing }))));
    expect(results.map((r) => r.res.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.res.status === 409)!.body.error.code).toBe('HUID_TAKEN');
    const after = await written(owner.shop.id);
    expect(after).toEqual({ ...before, pieces: before.pieces + 1, audit: before.audit + 1 });
    expect(first.huid).toBe(huid);
  });

  it('many pieces without a tag all get distinct generated tags', async () => {
    const owner = await newShop();
    const product = await addProduct(owner);
    const made = await Promise.all(Array.from({ length: 10 }, () => addPiece(owner, product.id)));
    expect(new Set(made.map((p) => p.tag)).size).toBe(10);
  });
});

describe('pieces: by tag, list, roles, tenancy', () => {
  it('by-tag finds the piece (any role, any case), 404 for an unknown tag or another shop’s', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const other = await newShop();
    const piece = await addPiece(owner, (await addProduct(owner)).id, { tag: 'SCAN1234' });
    const found = await callTyped(Piece, '/api/v1/pieces/by-tag/scan1234', { token: cashier.access });
    expect(found.res.status).toBe(200);
    expect(found.body.data).toEqual(piece);
    const unknown = await callJson('/api/v1/pieces/by-tag/NOSUCH99', { token: cashier.access });
    expect([unknown.res.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const foreign = await callJson('/api/v1/pieces/by-tag/SCAN1234', { token: other.access });
    expect(foreign.res.status).toBe(404);
    expect((await callJson(`/api/v1/pieces/${piece.id}`, { token: other.access })).res.status).toBe(404);
    expect((await callTyped(Piece, `/api/v1/pieces/${piece.id}`, { token: cashier.access })).res.status).toBe(200);
  });

  it('cashiers read but cannot create or change (403, nothing written); other shops’ ids are 404', async () => {
    const owner = await newShop();
    const cashier = await newStaff(owner, 'cashier');
    const other = await newShop();
    const product = await addProduct(owner);
    const piece = await addPiece(owner, product.id);
    const before = await written(owner.shop.id);
    const create = await post(cashier, pieceBody(product.id));
    expect([create.res.status, create.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const change = await patch(cashier, piece.id, { gross_weight_mg: 13_000 });
    expect([change.res.status, change.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await callTyped(pageOf(PieceSchema), '/api/v1/pieces', { token: cashier.access })).body.data).toEqual([
      piece,
    ]);

    // Another shop: its own product id is not found here, nor is ours there.
    const foreignCreate = await post(other, pieceBody(product.id));
    expect([foreignCreate.res.status, foreignCreate.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const foreignPatch = await patch(other, piece.id, { gross_weight_mg: 13_000 });
    expect([foreignPatch.res.status, foreignPatch.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await callTyped(pageOf(PieceSchema), '/api/v1/pieces', { token: other.access })).body.meta.total).toBe(0);
    expect(await written(owner.shop.id)).toEqual(before);
  });

  it('lists newest first with filters and the contract’s paging', async () => {
    const owner = await newShop();
    const a = await addProduct(owner);
    const b = await addProduct(owner);
    const huid = newHuid();
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await addPiece(owner, i < 3 ? a.id : b.id, i === 4 ? { huid } : {}));
    await env.DB.prepare("UPDATE pieces SET status = 'sold' WHERE id = ?").bind(made[0]!.id).run();
    const list = async (q: string) =>
      (await callTyped(pageOf(PieceSchema), `/api/v1/pieces?${q}`, { token: owner.access })).body;

    const page1 = await list('limit=2');
    expect(page1.meta).toEqual({ page: 1, limit: 2, total: 5, total_pages: 3 });
    expect(page1.data.map((p) => p.id)).toEqual([made[4]!.id, made[3]!.id]);
    expect((await list('limit=2&page=3')).data.map((p) => p.id)).toEqual([made[0]!.id]);
    expect((await list(`product_id=${a.id}`)).data.map((p) => p.id)).toEqual([made[2]!.id, made[1]!.id, made[0]!.id]);
    expect((await list(`product_id=${a.id}&status=in_stock`)).meta.total).toBe(2);
    expect((await list('status=sold')).data.map((p) => p.id)).toEqual([made[0]!.id]);
    expect((await list(`huid=${huid}`)).data.map((p) => p.id)).toEqual([made[4]!.id]);
    expect((await list(`tag=${made[2]!.tag.toLowerCase()}`)).data.map((p) => p.id)).toEqual([made[2]!.id]);
    const tooMany = await callJson('/api/v1/pieces?limit=101', { token: owner.access });
    expect(tooMany.res.status).toBe(400);
  });
});

describe('pieces: changes', () => {
  it('a manager changes weights, purity, stones, HUID and tag; price-relevant changes are audited with from and to', async () => {
    const owner = await newShop();
    const manager = await newStaff(owner, 'manager');
    const piece = await addPiece(manager, (await addProduct(owner)).id, { tag: 'OLDTAG01' });
    const huid = newHuid();
    const weights = await patched(manager, piece.id, { gross_weight_mg: 12_500, purity: 916 });
    expect(weights.res.status).toBe(200);
    expect(weights.body.data).toMatchObject({ gross_weight_mg: 12_500, purity: 916 });
    const labels = await patched(manager, piece.id, { huid, tag: 'NEWTAG01' });
    expect(labels.body.data).toMatchObject({ huid, tag: 'NEWTAG01' });
    expect((await callJson('/api/v1/pieces/by-tag/OLDTAG01', { token: owner.access })).res.status).toBe(404);

    const [priced] = await audit(owner, 'piece.price_changed');
    expect(priced).toMatchObject({
      actor_id: manager.user.id,
      target_id: piece.id,
      details: {
        fields: ['gross_weight_mg', 'purity'],
        changes: { gross_weight_mg: { from: 12_000, to: 12_500 }, purity: { from: null, to: 916 } },
      },
    });
    const [updated] = await audit(owner, 'piece.updated');
    expect(updated!.details?.changes).toEqual({
      huid: { from: null, to: huid },
      tag: { from: 'OLDTAG01', to: 'NEWTAG01' },
    });
  });

  it('refuses rule-breaking changes, taken tags and HUIDs, and pieces not in stock: nothing written', async () => {
    const owner = await newShop();
    const product = await addProduct(owner);
    const taken = await addPiece(owner, product.id, { huid: newHuid() });
    const piece = await addPiece(owner, product.id);
    const sold = await addPiece(owner, product.id);
    await env.DB.prepare("UPDATE pieces SET status = 'sold' WHERE id = ?").bind(sold.id).run();
    const reserved = await addPiece(owner, product.id);
    await env.DB.prepare("UPDATE pieces SET status = 'reserved' WHERE id = ?").bind(reserved.id).run();
    const before = await written(owner.shop.id);

    const cases: [string, Json, number, string][] = [
      [piece.id, { net_weight_mg: 13_000 }, 400, 'VALIDATION_FAILED'],
      [piece.id, { purity: 100 }, 400, 'VALIDATION_FAILED'],
      [piece.id, {}, 400, 'VALIDATION_FAILED'],
      [piece.id, { tag: taken.tag }, 409, 'TAG_TAKEN'],
      [piece.id, { huid: taken.huid }, 409, 'HUID_TAKEN'],
      [sold.id, { gross_weight_mg: 13_000 }, 409, 'PIECE_NOT_IN_STOCK'],
      [reserved.id, { huid: newHuid() }, 409, 'PIECE_NOT_IN_STOCK'],
      ['no-such-piece', { gross_weight_mg: 13_000 }, 404, 'NOT_FOUND'],
    ];
    for (const [id, json, status, code] of cases) {
      const { res, body } = await patch(owner, id, json);
      expect([res.status, body.error?.code], JSON.stringify(json)).toEqual([status, code]);
    }
    expect(await written(owner.shop.id)).toEqual(before);
  });
});

describe('pieces: stock of a product with pieces', () => {
  it('inStockPieceCounts counts in-stock pieces of products that have pieces; others are absent', async () => {
    const owner = await newShop();
    const [a, b, c] = [await addProduct(owner), await addProduct(owner), await addProduct(owner)];
    const made = [await addPiece(owner, a.id), await addPiece(owner, a.id), await addPiece(owner, a.id)];
    const soldOut = await addPiece(owner, c.id);
    await env.DB.prepare("UPDATE pieces SET status = 'sold' WHERE id IN (?, ?)").bind(made[0]!.id, soldOut.id).run();
    await env.DB.prepare("UPDATE pieces SET status = 'reserved' WHERE id = ?").bind(made[1]!.id).run();
    const counts = await inStockPieceCounts(drizzle(env.DB), owner.shop.id, [a.id, b.id, c.id]);
    expect(Object.fromEntries(counts)).toEqual({ [a.id]: 1, [c.id]: 0 });
    // Another shop's view of the same ids finds nothing.
    expect((await inStockPieceCounts(drizzle(env.DB), (await newShop()).shop.id, [a.id])).size).toBe(0);
  });
});

describe('pieces: the scanner’s query plan', () => {
  const plan = queryPlan;
  const db = drizzle(env.DB);

  it('by-tag is one search of the (shop_id, tag) unique index', async () => {
    expect(await plan(pieceByTagQuery(db, 'shop', 'SCAN1234'))).toBe(
      'SEARCH pieces USING INDEX pieces_shop_tag_uq (shop_id=? AND tag=?)',
    );
  });

  it('the list by product and status searches their index; the plain list walks the newest-first index', async () => {
    const [byProduct] = pieceListQueries(db, 'shop', { page: 1, limit: 20, product_id: 'p', status: 'in_stock' });
    const p1 = await plan(byProduct);
    expect(p1).toContain('pieces_shop_product_status_idx (shop_id=? AND product_id=? AND status=?)');
    expect(p1).not.toMatch(/TEMP B-TREE/);
    const [all] = pieceListQueries(db, 'shop', { page: 1, limit: 20 });
    const p = await plan(all);
    expect(p).toContain('pieces_shop_created_idx');
    expect(p).not.toMatch(/TEMP B-TREE/);
  });
});

describe('huidRefusal: the huid_required rule (pure)', () => {
  const gold = { metal: 'gold', category: 'ring' } as const;
  const piece = { tag: 'T0000001', huid: null, huid_exempt: null, gross_weight_mg: 5_000 };
  const on = { huid_required: true };

  it('refuses a gold piece of 2 g or more without a HUID while the shop requires one', () => {
    expect(huidRefusal(piece, gold, on)).toMatchObject({ status: 422, code: 'HUID_MISSING' });
    expect(huidRefusal({ ...piece, gross_weight_mg: 2_000 }, gold, on)).toMatchObject({ code: 'HUID_MISSING' });
  });

  it.each([
    ['it has a HUID', { ...piece, huid: 'AB12CD' }, gold, on],
    ['it is a coin', piece, { metal: 'gold', category: 'coin' } as const, on],
    ['it weighs under 2 g gross', { ...piece, gross_weight_mg: 1_999 }, gold, on],
    ['it is HUID-exempt (kundan)', { ...piece, huid_exempt: 'kundan' }, gold, on],
    ['it is silver', piece, { metal: 'silver', category: 'ring' } as const, on],
    ['it is platinum', piece, { metal: 'platinum', category: 'ring' } as const, on],
    ['the shop does not require HUIDs', piece, gold, { huid_required: false }],
  ])('lets it be sold when %s', (_, p, product, shop) => {
    expect(huidRefusal(p, product, shop)).toBeNull();
  });
});
