// Wire shapes of the catalog: products as staff see them, the rules a product must keep, and the
// fields and list filters the catalog and the storefront share.
import { z } from '@hono/zod-openapi';
import {
  CATEGORIES,
  type Category,
  MAKING_CHARGE_TYPES,
  METALS,
  type Metal,
  PRICING_MODES,
  type products,
} from '../../db/schema';
import { cleanText, diamondItem, money, queryBool, queryInt, stoneLines, weightMg } from '../../http/fields';
import { PageQuery } from '../../http/openapi';
import { type ProductImage, ProductImageSchema } from '../images/schemas';

/** Parts per thousand each metal is sold at: 9K–24K gold, 800 silver up, 850 platinum up. */
export const PURITY: Record<Metal, { min: number; max: number }> = {
  gold: { min: 375, max: 999 },
  silver: { min: 800, max: 999 },
  platinum: { min: 850, max: 999 },
};

export const purityIssue = (metal: Metal, purity: number): string | undefined => {
  const r = PURITY[metal];
  return purity < r.min || purity > r.max ? `${metal} purity must be ${r.min}–${r.max} parts per thousand` : undefined;
};

/** The document states the bounds per metal; the schema holds the widest, the rule each metal's. */
export const purityField = z
  .number()
  .int()
  .min(Math.min(...Object.values(PURITY).map((r) => r.min)))
  .max(999)
  .openapi({
    description: `Parts per thousand: ${Object.entries(PURITY)
      .map(([metal, r]) => `${metal} ${r.min}–${r.max}`)
      .join(', ')}`,
    example: 916,
  });

const weight = weightMg;

/**
 * The HSN heading when a product names none: 7118 (coin) for coins, else 7113 (articles of
 * jewellery) — Customs Tariff Act, First Schedule, Chapter 71, which GST's HSN follows.
 */
export const defaultHsnCode = (category: Category) => (category === 'coin' ? '7118' : '7113');

/** A stored stone line of a product or piece. */
export const StoneSchema = z
  .object({
    kind: z.string(),
    count: z.number().int(),
    weight_mg: z.number().int().openapi({ description: 'Each stone' }),
    value_paise: z.number().int().openapi({ description: 'All `count` stones of one unit together' }),
    diamond: diamondItem
      .optional()
      .openapi({ description: 'The stone the diamond model valued, when `value_paise` came from it' }),
    valued_by: z
      .object({ name: z.string(), version: z.string() })
      .optional()
      .openapi({ description: 'The diamond model that computed `value_paise` when this was written' }),
  })
  .openapi('Stone');

/** What anyone may see of a product: the storefront shows these (and its own price), staff all of ProductSchema. */
export const PublicProductSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  category: z.enum(CATEGORIES),
  metal: z.enum(METALS),
  purity: z.number().int().openapi({ example: 916 }),
  gross_weight_mg: z.number().int(),
  net_weight_mg: z.number().int(),
  stone_weight_mg: z.number().int(),
});

export const ProductSchema = PublicProductSchema.extend({
  making_charge_bp: z.number().int().openapi({ description: 'Basis points of metal value' }),
  base_price: z.number().int().openapi({ description: 'Paise, excluding GST', example: 1250000 }),
  pricing_mode: z.enum(PRICING_MODES),
  wastage_bp: z.number().int().openapi({ description: 'Basis points of metal value' }),
  making_charge_type: z.enum(MAKING_CHARGE_TYPES),
  making_charge_paise: z.number().int().openapi({ description: 'Per gram of net weight, or flat per unit' }),
  stones: z.array(StoneSchema),
  other_charge_paise: z.number().int(),
  hsn_code: z.string().openapi({ example: '7113' }),
  gst_rate_bp: z.number().int().nullable().openapi({ description: "null: the shop's gst_rate_bp" }),
  stock: z
    .number()
    .int()
    .openapi({ description: 'Units sold by count; for a product with pieces, its pieces in stock' }),
  active: z.boolean(),
  images: z.array(ProductImageSchema).openapi({ description: 'Oldest first: the first is the cover' }),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi('Product');

export type Product = z.infer<typeof ProductSchema>;
type Row = typeof products.$inferSelect;

export const toPublicProduct = (p: Row): z.infer<typeof PublicProductSchema> => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  description: p.description,
  category: p.category,
  metal: p.metal,
  purity: p.purity,
  gross_weight_mg: p.grossWeightMg,
  net_weight_mg: p.netWeightMg,
  stone_weight_mg: p.stoneWeightMg,
});

export const toProduct = (p: Row, images: ProductImage[]): Product => ({
  ...toPublicProduct(p),
  making_charge_bp: p.makingChargeBp,
  base_price: p.basePrice,
  pricing_mode: p.pricingMode,
  wastage_bp: p.wastageBp,
  making_charge_type: p.makingChargeType,
  making_charge_paise: p.makingChargePaise,
  stones: p.stones,
  other_charge_paise: p.otherChargePaise,
  hsn_code: p.hsnCode ?? defaultHsnCode(p.category),
  gst_rate_bp: p.gstRateBp,
  stock: p.stock,
  active: p.active,
  images,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

export interface ProductRules {
  metal: Metal;
  purity: number;
  gross_weight_mg: number;
  net_weight_mg: number;
  stone_weight_mg: number;
}

/** The rules between fields; checked on the body for a create and on the merged row for a change. */
export function productRuleIssues(p: ProductRules): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const purity = purityIssue(p.metal, p.purity);
  if (purity) issues.push({ path: 'purity', message: purity });
  if (p.net_weight_mg > p.gross_weight_mg) {
    issues.push({ path: 'net_weight_mg', message: 'net weight cannot exceed gross weight' });
  }
  if (p.stone_weight_mg > p.gross_weight_mg - p.net_weight_mg) {
    issues.push({ path: 'stone_weight_mg', message: 'stone weight cannot exceed gross minus net weight' });
  }
  return issues;
}

const fields = {
  sku: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, 'letters, digits and . _ / - (1–64 characters)')
    .openapi({ example: 'RING-22K-0001' }),
  name: cleanText(1, 200),
  description: cleanText(0, 2000).nullable(),
  category: z.enum(CATEGORIES),
  metal: z.enum(METALS),
  purity: purityField,
  gross_weight_mg: weight,
  net_weight_mg: weight,
  stone_weight_mg: weight,
  making_charge_bp: z.number().int().min(0).max(100_000),
  base_price: money,
  pricing_mode: z.enum(PRICING_MODES),
  wastage_bp: z.number().int().min(0).max(100_000),
  making_charge_type: z.enum(MAKING_CHARGE_TYPES),
  making_charge_paise: money,
  stones: stoneLines,
  other_charge_paise: money.openapi({ description: 'Per unit, e.g. hallmarking' }),
  hsn_code: z
    .string()
    .regex(/^\d{4,8}$/, 'an HSN code: 4–8 digits')
    .nullable()
    .openapi({ description: 'null or omitted: 7118 for coins, else 7113', example: '7113' }),
  gst_rate_bp: z.number().int().min(0).max(10_000).nullable(),
  stock: z.number().int().min(0).max(1_000_000),
};

export const CreateProduct = z
  .strictObject({
    ...fields,
    description: fields.description.optional(),
    stone_weight_mg: weight.default(0),
    making_charge_bp: fields.making_charge_bp.default(0),
    pricing_mode: fields.pricing_mode
      .default('fixed')
      .openapi({ description: "`weight`: from the day's rate; omitted: `fixed`, at base_price (as v1)" }),
    wastage_bp: fields.wastage_bp.default(0),
    making_charge_type: fields.making_charge_type.default('percent'),
    making_charge_paise: fields.making_charge_paise.default(0),
    stones: fields.stones.default([]),
    other_charge_paise: fields.other_charge_paise.default(0),
    hsn_code: fields.hsn_code.default(null),
    gst_rate_bp: fields.gst_rate_bp.default(null),
    stock: fields.stock.default(0),
  })
  .superRefine((p, ctx) => {
    for (const i of productRuleIssues(p)) ctx.addIssue({ code: 'custom', path: [i.path], message: i.message });
  })
  .openapi('CreateProduct');

export const UpdateProduct = z
  .strictObject({
    sku: fields.sku.optional(),
    name: fields.name.optional(),
    description: fields.description.optional(),
    category: fields.category.optional(),
    metal: fields.metal.optional(),
    purity: fields.purity.optional(),
    gross_weight_mg: fields.gross_weight_mg.optional(),
    net_weight_mg: fields.net_weight_mg.optional(),
    stone_weight_mg: fields.stone_weight_mg.optional(),
    making_charge_bp: fields.making_charge_bp.optional(),
    base_price: fields.base_price.optional(),
    pricing_mode: fields.pricing_mode.optional(),
    wastage_bp: fields.wastage_bp.optional(),
    making_charge_type: fields.making_charge_type.optional(),
    making_charge_paise: fields.making_charge_paise.optional(),
    stones: fields.stones.optional(),
    other_charge_paise: fields.other_charge_paise.optional(),
    hsn_code: fields.hsn_code.optional(),
    gst_rate_bp: fields.gst_rate_bp.optional(),
    stock: fields.stock.optional(),
    active: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Nothing to change')
  .openapi('UpdateProduct');

export type CreateProductInput = z.infer<typeof CreateProduct>;
export type UpdateProductInput = z.infer<typeof UpdateProduct>;

export const PRODUCT_SORTS = ['name', '-name', 'price', '-price', 'created', '-created'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** The filters both the catalog and the storefront take (the storefront has no include_inactive). */
export const productFilters = {
  category: z.enum(CATEGORIES).optional(),
  metal: z.enum(METALS).optional(),
  q: cleanText(1, 100).optional().openapi({ description: 'Name contains (case-insensitive)' }),
  min_price: queryInt.optional().openapi({ description: 'Paise, inclusive' }),
  max_price: queryInt.optional().openapi({ description: 'Paise, inclusive' }),
  in_stock: queryBool.optional().openapi({ description: '`true`: stock > 0; `false`: sold out' }),
  sort: z.enum(PRODUCT_SORTS).default('-created'),
};

export const ProductListQuery = PageQuery.extend({
  ...productFilters,
  include_inactive: queryBool.optional().openapi({ description: 'Manager or owner only' }),
}).strict();

export type ProductListOptions = z.infer<typeof ProductListQuery>;
export type ProductFilter = Omit<ProductListOptions, 'page' | 'limit' | 'sort'>;
