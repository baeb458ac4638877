// Wire shapes of pieces: one physical item of a product with its own weights, tag and HUID.
import { z } from '@hono/zod-openapi';
import { PIECE_STATUSES, type pieces } from '../../db/schema';
import { cleanText, stoneLines, weightMg } from '../../http/fields';
import { PageQuery } from '../../http/openapi';
import { purityField, StoneSchema } from '../products/schemas';

/**
 * A tag is what a barcode carries: uppercase letters and digits only, which Code 39 and Code 128
 * both print and every scanner reads back unchanged. Input is trimmed and upper-cased.
 */
export const TAG_PATTERN = /^[A-Z0-9]{4,24}$/;
export const tag = z
  .string()
  .trim()
  .toUpperCase()
  .regex(TAG_PATTERN, 'a tag: 4–24 characters A–Z 0–9')
  .openapi({ example: 'P7K2M9QX' });

/** The BIS Hallmark Unique ID: exactly six characters A–Z 0–9. Input is trimmed and upper-cased. */
export const huid = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{6}$/, 'a HUID: exactly 6 characters A–Z 0–9')
  .openapi({ example: 'AB12CD' });

/**
 * Why a piece needs no HUID: a short reason, e.g. `kundan`, `polki`, `jadau` (the special categories
 * BIS exempts), or another one the shop records; any reason exempts, and it is audited.
 */
const huidExempt = cleanText(2, 60).openapi({ example: 'kundan' });

export const PieceSchema = z
  .object({
    id: z.string(),
    product_id: z.string(),
    tag: z.string(),
    huid: z.string().nullable(),
    huid_exempt: z.string().nullable(),
    purity: z.number().int().nullable().openapi({ description: "Parts per thousand; null: the product's" }),
    gross_weight_mg: z.number().int(),
    net_weight_mg: z.number().int(),
    stone_weight_mg: z.number().int(),
    stones: z.array(StoneSchema),
    status: z.enum(PIECE_STATUSES),
    sale_id: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Piece');

export type Piece = z.infer<typeof PieceSchema>;
export type PieceRow = typeof pieces.$inferSelect;

export const toPiece = (p: PieceRow): Piece => ({
  id: p.id,
  product_id: p.productId,
  tag: p.tag,
  huid: p.huid,
  huid_exempt: p.huidExempt,
  purity: p.purity,
  gross_weight_mg: p.grossWeightMg,
  net_weight_mg: p.netWeightMg,
  stone_weight_mg: p.stoneWeightMg,
  stones: p.stones,
  status: p.status,
  sale_id: p.saleId,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

const fields = {
  tag: tag.openapi({ description: 'Generated when absent (8 characters, Crockford base 32)' }),
  huid: huid.nullable(),
  huid_exempt: huidExempt.nullable(),
  purity: purityField.nullable().openapi({ description: "Null or absent: the product's purity" }),
  gross_weight_mg: weightMg,
  net_weight_mg: weightMg,
  stone_weight_mg: weightMg,
  stones: stoneLines,
};

export const CreatePiece = z
  .strictObject({
    product_id: z.string().min(1).max(64),
    tag: fields.tag.optional(),
    huid: fields.huid.optional(),
    huid_exempt: fields.huid_exempt.optional(),
    purity: fields.purity.optional(),
    gross_weight_mg: fields.gross_weight_mg,
    net_weight_mg: fields.net_weight_mg,
    stone_weight_mg: fields.stone_weight_mg.default(0),
    stones: fields.stones.default([]),
  })
  .openapi('CreatePiece');

export const UpdatePiece = z
  .strictObject({
    tag: fields.tag.optional(),
    huid: fields.huid.optional(),
    huid_exempt: fields.huid_exempt.optional(),
    purity: fields.purity.optional(),
    gross_weight_mg: fields.gross_weight_mg.optional(),
    net_weight_mg: fields.net_weight_mg.optional(),
    stone_weight_mg: fields.stone_weight_mg.optional(),
    stones: fields.stones.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .openapi('UpdatePiece');

export type CreatePieceInput = z.infer<typeof CreatePiece>;
export type UpdatePieceInput = z.infer<typeof UpdatePiece>;

export const PieceListQuery = PageQuery.extend({
  product_id: z.string().min(1).max(64).optional(),
  status: z.enum(PIECE_STATUSES).optional(),
  tag: tag.optional(),
  huid: huid.optional(),
}).strict();

export type PieceListOptions = z.infer<typeof PieceListQuery>;

export const tagParam = z.object({
  tag: tag.openapi({ param: { name: 'tag', in: 'path' } }),
});
