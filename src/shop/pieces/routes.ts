// /api/v1/pieces: the shop's tagged items (read: any role; write: manager+).
import { signedIn } from '../../auth/guard';
import { idParam } from '../../http/fields';
import { createRouter, dataOf, defineRoute, jsonBody, jsonContent, ok, okPage, pageOf } from '../../http/openapi';
import { STONE_VALUATION_DOC } from '../predictions/stones';
import { CreatePiece, PieceListQuery, PieceSchema, tagParam, UpdatePiece } from './schemas';
import { createPiece, getPiece, getPieceByTag, listPieces, updatePiece } from './service';

const tags = ['Pieces'];

export const pieceRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/',
      operationId: 'listPieces',
      tags,
      ...signedIn('cashier'),
      summary: 'List pieces',
      description: 'Newest first, filtered by `product_id`, `status`, `tag` and `huid`.',
      request: { query: PieceListQuery },
      responses: { 200: jsonContent(pageOf(PieceSchema), 'One page of pieces') },
    }),
    async (c) => okPage(c, await listPieces(c, c.req.valid('query'))),
  )
  .openapi(
    defineRoute({
      method: 'post',
      path: '/',
      operationId: 'createPiece',
      errors: ['NOT_FOUND', 'PRODUCT_INACTIVE', 'TAG_TAKEN', 'HUID_TAKEN', 'CONCURRENT_UPDATE', 'MODEL_UNAVAILABLE'],
      tags,
      ...signedIn('manager'),
      summary: 'Add a piece of a product',
      description:
        'The product must be active in this shop (404, 422 `PRODUCT_INACTIVE`); the weights and purity follow ' +
        "the product's rules for its metal. Without `tag` one is generated. Audited as `piece.created`. " +
        STONE_VALUATION_DOC,
      request: jsonBody(CreatePiece),
      responses: { 201: jsonContent(dataOf(PieceSchema), 'Created') },
    }),
    async (c) => ok(c, await createPiece(c, c.req.valid('json')), 201),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/by-tag/{tag}',
      operationId: 'getPieceByTag',
      tags,
      ...signedIn('cashier'),
      summary: 'The piece a scanned tag names (404 for an unknown tag)',
      request: { params: tagParam },
      responses: { 200: jsonContent(dataOf(PieceSchema), 'The piece') },
    }),
    async (c) => ok(c, await getPieceByTag(c, c.req.valid('param').tag)),
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getPiece',
      tags,
      ...signedIn('cashier'),
      summary: 'One piece',
      request: { params: idParam },
      responses: { 200: jsonContent(dataOf(PieceSchema), 'The piece') },
    }),
    async (c) => ok(c, await getPiece(c, c.req.valid('param').id)),
  )
  .openapi(
    defineRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updatePiece',
      errors: ['PIECE_NOT_IN_STOCK', 'TAG_TAKEN', 'HUID_TAKEN', 'CONCURRENT_UPDATE', 'MODEL_UNAVAILABLE'],
      tags,
      ...signedIn('manager'),
      summary: 'Change a piece in stock',
      description:
        'Only while `in_stock` (409 `PIECE_NOT_IN_STOCK`). A change of weights, purity or stones is audited as ' +
        '`piece.price_changed`, others as `piece.updated`, with `from` and `to`. ' +
        STONE_VALUATION_DOC,
      request: { params: idParam, ...jsonBody(UpdatePiece) },
      responses: { 200: jsonContent(dataOf(PieceSchema), 'Updated') },
    }),
    async (c) => ok(c, await updatePiece(c, c.req.valid('param').id, c.req.valid('json'))),
  );
