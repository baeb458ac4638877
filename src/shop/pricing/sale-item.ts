// From rows to the engine's facts: what a product (or one of its pieces) and the shop's settings
// are in the pure engine's terms. The quote, the sale and the storefront all price through these
// two functions, so a line's weights, purity, stones, HSN and GST rate are chosen in one place.
import type { Metal, pieces, products, shops } from '../../db/schema';
import type { SaleItem, ShopTaxSettings } from '../../pricing/engine';
import type { RateOnDay } from '../../pricing/rate-on-day';
import { defaultHsnCode } from '../products/schemas';

export type ProductRow = typeof products.$inferSelect;
export type PieceRow = typeof pieces.$inferSelect;
type ShopRow = typeof shops.$inferSelect;

/**
 * The day's sell rate for a metal and purity. The caller decides what a missing rate is (the quote
 * names it in one 422, the storefront shows no price), so this always answers; a stand-in it returns
 * for a missing rate must never reach a price.
 */
export type SellRate = (metal: Metal, purity: number) => RateOnDay;

export interface ItemLine {
  product: ProductRow;
  /** Sold by piece: the piece's own weights, purity (else the product's) and stones price it. */
  piece?: PieceRow | null;
  quantity: number;
  /** A manager's override of the unit's gross (the caller checks the role). */
  unit_price?: number;
}

/** One line of a sale, quote or storefront price, as the engine takes it. */
export function saleItemOf(
  shop: Pick<ShopRow, 'gstRateBp'>,
  { product: p, piece, quantity, unit_price }: ItemLine,
  sellRate: SellRate,
): SaleItem {
  const purity = piece?.purity ?? p.purity;
  const facts = {
    product_id: p.id,
    piece_id: piece?.id ?? null,
    quantity,
    // A piece is named by its tag too, so the invoice tells two pieces of one design apart.
    description: piece ? `${p.name} (${piece.tag})` : p.name,
    hsn_code: p.hsnCode ?? defaultHsnCode(p.category),
    huid: piece?.huid ?? null,
    metal: p.metal,
    purity,
    gross_weight_mg: piece?.grossWeightMg ?? p.grossWeightMg,
    net_weight_mg: piece?.netWeightMg ?? p.netWeightMg,
    stone_weight_mg: piece?.stoneWeightMg ?? p.stoneWeightMg,
    gst_rate_bp: p.gstRateBp ?? shop.gstRateBp,
    ...(unit_price !== undefined ? { unit_price } : {}),
  };
  if (p.pricingMode === 'fixed') return { ...facts, pricing_mode: 'fixed', base_price: p.basePrice };
  return {
    ...facts,
    pricing_mode: 'weight',
    rate: sellRate(p.metal, purity),
    wastage_bp: p.wastageBp,
    making_charge_type: p.makingChargeType,
    making_charge_bp: p.makingChargeBp,
    making_charge_paise: p.makingChargePaise,
    stones: piece?.stones ?? p.stones,
    other_charge_paise: p.otherChargePaise,
  };
}

/** The shop's settings that decide tax and round-off. */
export const taxSettingsOf = (
  shop: Pick<ShopRow, 'gstin' | 'gstScheme' | 'stateCode' | 'roundOff'>,
): ShopTaxSettings => ({
  gstin: shop.gstin,
  gst_scheme: shop.gstScheme,
  // A shop without a state is unregistered (a GSTIN needs its state), so it taxes nothing and
  // the state only names the place of supply, which is then the body's, or none.
  state_code: shop.stateCode ?? '',
  round_off: shop.roundOff,
});
