// Pieces: the shop's tagged items, each of one product. Every write is one batch with its audit
// entry, guarded in SQL (the product still active and of the metal its rules were checked against;
// the piece still in stock and as read), so a refused or raced write leaves nothing behind.

import { desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { auditQueryWhen } from '../../audit/record';
import { type Db, dbOf } from '../../db/client';
import { eqIfGiven, inList, still } from '../../db/conditions';
import { isUniqueViolation } from '../../db/errors';
import { type Page, pageQueries, toPage } from '../../db/list';
import { changedColumns, retryWhileRaced } from '../../db/optimistic';
import { pieces, products } from '../../db/schema';
import { inShop } from '../../db/scope';
import { authOf } from '../../http/caller';
import { ApiError, notFound } from '../../http/errors';
import type { AppEnv } from '../../http/types';
import { newId, nowIso } from '../../lib/id';
import { valueStoneLines } from '../predictions/stones';
import { productRuleIssues } from '../products/schemas';
import { bumpCatalogVersion } from '../products/service';
import {
  type CreatePieceInput,
  type Piece,
  type PieceListOptions,
  type PieceRow,
  toPiece,
  type UpdatePieceInput,
} from './schemas';

type C = Context<AppEnv>;
type ProductRow = typeof products.$inferSelect;

const tagTaken = () => new ApiError(409, 'TAG_TAKEN', 'This tag is already on another piece of this shop');
const huidTaken = () => new ApiError(409, 'HUID_TAKEN', 'This HUID is already on another piece of this shop');

/** The refusal a unique index gave, or the error itself. */
const uniqueRefusal = (err: unknown) =>
  isUniqueViolation(err, 'pieces.tag') ? tagTaken() : isUniqueViolation(err, 'pieces.huid') ? huidTaken() : err;

// Crockford's base 32: digits and uppercase letters without I, L, O, U, so a tag read aloud or
// typed from the label is not mistaken (https://www.crockford.com/base32.html).
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TAG_LENGTH = 8;

/** 8 random Crockford characters: 40 bits, so a shop of a million pieces meets a collision about once in a million tags. */
export function generateTag(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TAG_LENGTH));
  return Array.from(bytes, (b) => CROCKFORD[b & 31]).join('');
}

/** The rules a piece keeps, which are its product's: purity for the metal, net ≤ gross, stones within. */
function checkRules(
  product: ProductRow,
  p: Pick<PieceRow, 'purity' | 'grossWeightMg' | 'netWeightMg' | 'stoneWeightMg'>,
) {
  const issues = productRuleIssues({
    metal: product.metal,
    purity: p.purity ?? product.purity,
    gross_weight_mg: p.grossWeightMg,
    net_weight_mg: p.netWeightMg,
    stone_weight_mg: p.stoneWeightMg,
  });
  if (issues.length) throw new ApiError(400, 'VALIDATION_FAILED', 'Invalid piece', issues);
}

async function findProduct(c: C, id: string): Promise<ProductRow> {
  const [row] = await dbOf(c)
    .select()
    .from(products)
    .where(inShop(products, authOf(c).shopId, eq(products.id, id)));
  if (!row) throw notFound('Product');
  if (!row.active) throw new ApiError(422, 'PRODUCT_INACTIVE', 'Pieces are added to active products only');
  return row;
}

export async function createPiece(c: C, body: CreatePieceInput): Promise<Piece> {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  const stones = await valueStoneLines(c, body.stones);
  return retryWhileRaced('product', async () => {
    const product = await findProduct(c, body.product_id);
    const now = nowIso();
    const row: PieceRow = {
      id: newId(),
      shopId,
      productId: product.id,
      tag: body.tag ?? generateTag(),
      huid: body.huid ?? null,
      huidExempt: body.huid_exempt ?? null,
      purity: body.purity ?? null,
      grossWeightMg: body.gross_weight_mg,
      netWeightMg: body.net_weight_mg,
      stoneWeightMg: body.stone_weight_mg,
      stones,
      status: 'in_stock',
      saleId: null,
      createdAt: now,
      updatedAt: now,
    };
    checkRules(product, row);
    // Written only while the product is still the active one of this shop and metal checked above.
    const insert = db.insert(pieces).select(
      sql`SELECT ${row.id}, ${shopId}, ${products.id}, ${row.tag}, ${row.huid}, ${row.huidExempt}, ${row.purity},
                 ${row.grossWeightMg}, ${row.netWeightMg}, ${row.stoneWeightMg}, ${JSON.stringify(row.stones)},
                 ${row.status}, NULL, ${now}, ${now}
          FROM ${products}
          WHERE ${inShop(products, shopId, eq(products.id, product.id), eq(products.active, true), eq(products.metal, product.metal))}`,
    );
    const audit = auditQueryWhen(
      c,
      {
        action: 'piece.created',
        targetType: 'piece',
        targetId: row.id,
        details: { ...auditedFields(toPiece(row)), product_id: row.productId, tag: row.tag },
      },
      sql`changes() = 1`,
    );
    let result: D1Result;
    try {
      // A product's pieces are its stock (and the storefront's in_stock): cached pages must miss.
      // The audit entry is written iff the piece was, so `changes()` after it says whether to bump.
      [result] = await db.batch([insert, audit, bumpCatalogVersion(db, shopId, sql`changes() = 1`)]);
    } catch (err) {
      // A generated tag that collides is drawn again; a tag the caller chose is theirs to change.
      if (body.tag === undefined && isUniqueViolation(err, 'pieces.tag')) return undefined;
      throw uniqueRefusal(err);
    }
    return result.meta.changes === 1 ? toPiece(row) : undefined;
  });
}

/** What a piece's price and compliance depend on: audited with old and new values when they change. */
const auditedFields = (p: Piece) => ({
  huid: p.huid,
  huid_exempt: p.huid_exempt,
  purity: p.purity,
  gross_weight_mg: p.gross_weight_mg,
  net_weight_mg: p.net_weight_mg,
  stone_weight_mg: p.stone_weight_mg,
  stones: p.stones,
});
const PRICED = ['purity', 'gross_weight_mg', 'net_weight_mg', 'stone_weight_mg', 'stones'];

async function findPiece(c: C, where: SQL): Promise<PieceRow> {
  const [row] = await dbOf(c)
    .select()
    .from(pieces)
    .where(inShop(pieces, authOf(c).shopId, where));
  if (!row) throw notFound('Piece');
  return row;
}

export const getPiece = async (c: C, id: string) => toPiece(await findPiece(c, eq(pieces.id, id)));

/** The scanner's call: one read of the (shop_id, tag) unique index. */
export const pieceByTagQuery = (db: Db, shopId: string, tag: string) =>
  db
    .select()
    .from(pieces)
    .where(inShop(pieces, shopId, eq(pieces.tag, tag)));

export async function getPieceByTag(c: C, tag: string): Promise<Piece> {
  const [row] = await pieceByTagQuery(dbOf(c), authOf(c).shopId, tag);
  if (!row) throw notFound('Piece');
  return toPiece(row);
}

export function pieceListQueries(db: Db, shopId: string, o: PieceListOptions) {
  const where = inShop(
    pieces,
    shopId,
    eqIfGiven(pieces.productId, o.product_id),
    eqIfGiven(pieces.status, o.status),
    eqIfGiven(pieces.tag, o.tag),
    eqIfGiven(pieces.huid, o.huid),
  );
  return pageQueries(db, { ...o, table: pieces, where, orderBy: [desc(pieces.createdAt), desc(pieces.id)] });
}

export async function listPieces(c: C, o: PieceListOptions): Promise<Page<Piece>> {
  const db = dbOf(c);
  return toPage(await db.batch(pieceListQueries(db, authOf(c).shopId, o)), o, toPiece);
}

const COLUMNS = {
  tag: 'tag',
  huid: 'huid',
  huid_exempt: 'huidExempt',
  purity: 'purity',
  gross_weight_mg: 'grossWeightMg',
  net_weight_mg: 'netWeightMg',
  stone_weight_mg: 'stoneWeightMg',
  stones: 'stones',
} as const satisfies Record<keyof UpdatePieceInput, keyof PieceRow>;

const notInStock = (p: PieceRow) =>
  new ApiError(409, 'PIECE_NOT_IN_STOCK', `The piece is ${p.status}; only pieces in stock can change`);

/**
 * Applies the change to the piece as it is now: the UPDATE holds only while the piece is in stock
 * and every field it changes or audits is still what was read (else re-read and retry), so a sale
 * racing it never sells weights it did not price, and the audit's `from` is what was replaced.
 */
export async function updatePiece(c: C, id: string, patch: UpdatePieceInput): Promise<Piece> {
  const { shopId } = authOf(c);
  const db = dbOf(c);
  // Stones sent again are valued again (the explicit re-valuation), once for all attempts.
  const values = { ...patch, stones: patch.stones && (await valueStoneLines(c, patch.stones)) };
  return retryWhileRaced('piece', async () => {
    const before = await findPiece(c, eq(pieces.id, id));
    if (before.status !== 'in_stock') throw notInStock(before);
    const [product] = await db
      .select()
      .from(products)
      .where(inShop(products, shopId, eq(products.id, before.productId)));
    if (!product) throw notFound('Product');
    const changes = changedColumns<keyof UpdatePieceInput, PieceRow>(values, COLUMNS);
    const after: PieceRow = { ...before, ...changes, updatedAt: nowIso() };
    checkRules(product, after);

    const from = auditedFields(toPiece(before));
    const to = auditedFields(toPiece(after));
    const changed = Object.fromEntries(
      (Object.keys(from) as (keyof typeof from)[])
        .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]))
        .map((k) => [k, { from: from[k], to: to[k] }]),
    );
    if (before.tag !== after.tag) changed.tag = { from: before.tag, to: after.tag };
    const priceChanged = PRICED.some((k) => k in changed);
    const guard = inShop(
      pieces,
      shopId,
      eq(pieces.id, id),
      eq(pieces.status, 'in_stock'),
      eq(pieces.tag, before.tag),
      still(pieces.huid, before.huid),
      still(pieces.huidExempt, before.huidExempt),
      still(pieces.purity, before.purity),
      eq(pieces.grossWeightMg, before.grossWeightMg),
      eq(pieces.netWeightMg, before.netWeightMg),
      eq(pieces.stoneWeightMg, before.stoneWeightMg),
      eq(pieces.stones, before.stones),
    );
    let result: D1Result;
    try {
      [result] = await db.batch([
        db
          .update(pieces)
          .set({ ...changes, updatedAt: after.updatedAt })
          .where(guard),
        auditQueryWhen(
          c,
          {
            action: priceChanged ? 'piece.price_changed' : 'piece.updated',
            targetType: 'piece',
            targetId: id,
            details: { fields: Object.keys(patch).sort(), changes: changed },
          },
          sql`changes() = 1`,
        ),
        // What the storefront shows of a piece (its price) may have changed; the entry above is
        // written iff the piece was.
        bumpCatalogVersion(db, shopId, sql`changes() = 1`),
      ]);
    } catch (err) {
      throw uniqueRefusal(err);
    }
    return result.meta.changes === 1 ? toPiece(after) : undefined;
  });
}

/**
 * For products that have pieces, their in-stock pieces by product id (0 when all are sold or
 * reserved); a product without pieces is absent, and keeps its own `stock`. One read of the
 * (shop_id, product_id, status) index.
 */
export async function inStockPieceCounts(db: Db, shopId: string, productIds: readonly string[]) {
  if (productIds.length === 0) return new Map<string, number>();
  const rows = await db
    .select({ productId: pieces.productId, n: sql<number>`sum(${pieces.status} = 'in_stock')` })
    .from(pieces)
    .where(inShop(pieces, shopId, inList(pieces.productId, productIds)))
    .groupBy(pieces.productId);
  return new Map(rows.map((r) => [r.productId, Number(r.n)]));
}
