// Wire shapes of the catalog: products as staff see them, the rules a product must keep, and the
// list filters the catalog and the storefront share.
import { z } from '@hono/zod-openapi';
import { CATEGORIES, METALS, type Metal, type products } from '../../db/schema';
import { cleanText, money, queryBool, queryInt } from '../../http/fields';
import { PageQuery } from '../../http/openapi';

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

const MAX_WEIGHT_MG = 100_000_000; // 100 kg: far beyond any piece, small enough to catch a unit mix-up
const weight = z.number().int().min(0).max(MAX_WEIGHT_MG);

export const ProductSchema = z
  .object({
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
    making_charge_bp: z.number().int().openapi({ description: 'Basis points of metal value' }),
    base_price: z.number().int().openapi({ description: 'Paise', example: 1250000 }),
    stock: z.number().int(),
    active: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Product');

export type Product = z.infer<typeof ProductSchema>;
type Row = typeof products.$inferSelect;

export const toProduct = (p: Row): Product => ({
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
  making_charge_bp: p.makingChargeBp,
  base_price: p.basePrice,
  stock: p.stock,
  active: p.active,
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
  stock: z.number().int().min(0).max(1_000_000),
};

export const CreateProduct = z
  .strictObject({
    ...fields,
    description: fields.description.optional(),
    stone_weight_mg: weight.default(0),
    making_charge_bp: fields.making_charge_bp.default(0),
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

export const StorefrontQuery = PageQuery.extend(productFilters).strict();

export const ProductListQuery = PageQuery.extend({
  ...productFilters,
  include_inactive: queryBool.optional().openapi({ description: 'Manager or owner only' }),
}).strict();

export type ProductFilter = Omit<z.infer<typeof ProductListQuery>, 'page' | 'limit' | 'sort'>;
