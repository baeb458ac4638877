// What the engine prices, from what D1 holds: a product sold by count, or one of its pieces with its
// own weights, purity and stones (API.md "Pieces"). The quote, the sale and the storefront all build
// their engine items here, so a line is described one way everywhere.
import type { pieces, products, shops } from '../../db/schema';
import type { SaleItem } from '../../pricing/engine';
import type { RateOnDay } from '../../pricing/rate-on-day';
import { defaultHsnCode } from '../products/schemas';

export type ProductRow = typeof products.$inferSelect;
export type PieceRow = typeof pieces.$inferSelect;
type ShopRow = typeof shops.$inferSelect;

/** The purity a piece is sold at: its own, else its product's. */
export const purityOf = (product: ProductRow, piece: PieceRow | null) => piece?.purity ?? product.purity;

/**
 * One engine item. `rate` is asked for only for a weight-priced product, with the metal and
 * purity it is sold at; the caller decides what a missing rate means (a 422 for a sale, no price on
 * the storefront).
 */
export function saleItemOf(
  shop: Pick<ShopRow, 'gstRateBp'>,
  line: { product: ProductRow; piece: PieceRow | null; quantity: number; unit_price?: number },
  rate: (metal: ProductRow['metal'], purity: number) => RateOnDay,
): SaleItem {
  const { product: p, piece } = line;
  const purity = purityOf(p, piece);
  const facts = {
    product_id: p.id,
    piece_id: piece?.id ?? null,
    quantity: line.quantity,
    description: piece ? `${p.name} (${piece.tag})` : p.name,
    hsn_code: p.hsnCode ?? defaultHsnCode(p.category),
    huid: piece?.huid ?? null,
    metal: p.metal,
    purity,
    gross_weight_mg: piece?.grossWeightMg ?? p.grossWeightMg,
    net_weight_mg: piece?.netWeightMg ?? p.netWeightMg,
    stone_weight_mg: piece?.stoneWeightMg ?? p.stoneWeightMg,
    gst_rate_bp: p.gstRateBp ?? shop.gstRateBp,
    ...(line.unit_price !== undefined ? { unit_price: line.unit_price } : {}),
  };
  if (p.pricingMode === 'fixed') return { ...facts, pricing_mode: 'fixed', base_price: p.basePrice };
  return {
    ...facts,
    pricing_mode: 'weight',
    rate: rate(p.metal, purity),
    wastage_bp: p.wastageBp,
    making_charge_type: p.makingChargeType,
    making_charge_bp: p.makingChargeBp,
    making_charge_paise: p.makingChargePaise,
    stones: piece ? piece.stones : p.stones,
    other_charge_paise: p.otherChargePaise,
  };
}
