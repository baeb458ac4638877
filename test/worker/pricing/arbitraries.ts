// Shared fast-check generators and fixtures for the pricing engine's tests: items within the
// bounds the routes accept, and a GST-registered shop in Maharashtra (state 27).
import fc from 'fast-check';
import type { FixedItem, SaleItem, ShopTaxSettings, WeightItem } from '../../../src/pricing/engine';

export const REGISTERED: ShopTaxSettings = {
  gstin: '27AAPFU0939F1ZV',
  gst_scheme: 'regular',
  state_code: '27',
  round_off: true,
};

const facts = {
  product_id: 'p1',
  piece_id: null,
  description: 'item',
  hsn_code: '7113',
  huid: null,
  metal: 'gold',
  purity: 916,
  stone_weight_mg: 0,
};

/** A 22K chain as the worked example prices it: net 10 g at ₹7,000/g, wastage 8%, making ₹450/g, hallmarking ₹45. */
export const CHAIN: WeightItem = {
  ...facts,
  description: '22K chain',
  quantity: 1,
  gross_weight_mg: 10_000,
  net_weight_mg: 10_000,
  gst_rate_bp: 300,
  pricing_mode: 'weight',
  rate: { rate_per_gram: 700_000, rate_date: '2026-11-30', rate_source: 'exact' },
  wastage_bp: 800,
  making_charge_type: 'per_gram',
  making_charge_bp: 0,
  making_charge_paise: 45_000,
  stones: [],
  other_charge_paise: 4_500,
};

export const fixed = (base_price: number, quantity = 1): FixedItem => ({
  ...facts,
  quantity,
  gross_weight_mg: 0,
  net_weight_mg: 0,
  gst_rate_bp: 300,
  pricing_mode: 'fixed',
  base_price,
});

const weightItem: fc.Arbitrary<WeightItem> = fc
  .record({
    quantity: fc.integer({ min: 1, max: 5 }),
    net_weight_mg: fc.integer({ min: 0, max: 500_000 }),
    rate_per_gram: fc.integer({ min: 0, max: 2_000_000 }),
    wastage_bp: fc.integer({ min: 0, max: 5_000 }),
    making_charge_type: fc.constantFrom('percent' as const, 'per_gram' as const, 'flat' as const),
    making_charge_bp: fc.integer({ min: 0, max: 5_000 }),
    making_charge_paise: fc.integer({ min: 0, max: 5_000_000 }),
    stones: fc.array(fc.record({ value_paise: fc.integer({ min: 0, max: 50_000_000 }) }), { maxLength: 3 }),
    other_charge_paise: fc.integer({ min: 0, max: 100_000 }),
    gst_rate_bp: fc.integer({ min: 0, max: 2_800 }),
    unit_price: fc.option(fc.integer({ min: 0, max: 100_000_000 }), { nil: undefined, freq: 5 }),
  })
  .map(({ rate_per_gram, unit_price, ...r }) => ({
    ...facts,
    ...r,
    ...(unit_price === undefined ? {} : { unit_price }),
    gross_weight_mg: r.net_weight_mg,
    pricing_mode: 'weight' as const,
    rate: { rate_per_gram, rate_date: '2026-11-30', rate_source: 'exact' as const },
  }));

const fixedItem: fc.Arbitrary<FixedItem> = fc
  .record({
    base_price: fc.integer({ min: 0, max: 50_000_000 }),
    quantity: fc.integer({ min: 1, max: 5 }),
    gst_rate_bp: fc.integer({ min: 0, max: 2_800 }),
  })
  .map(({ base_price, quantity, gst_rate_bp }) => ({ ...fixed(base_price, quantity), gst_rate_bp }));

export const item: fc.Arbitrary<SaleItem> = fc.oneof(weightItem, fixedItem);

export const shop: fc.Arbitrary<ShopTaxSettings> = fc.record({
  gstin: fc.constantFrom<string | null>(REGISTERED.gstin, null),
  gst_scheme: fc.constantFrom('regular' as const, 'composition' as const),
  state_code: fc.constant('27'),
  round_off: fc.boolean(),
});

/** A sale: its items, a discount between 0 and the subtotal (as a fraction drawn later), a shop and where it goes. */
export const sale = fc.record({
  items: fc.array(item, { minLength: 1, maxLength: 8 }),
  discountPermille: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1000 })),
  discountOffset: fc.nat({ max: 999 }),
  shop,
  place_of_supply: fc.constantFrom(undefined, '27', '29'),
});
