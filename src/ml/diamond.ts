// The diamond model's input row and output, shared by the trainer (scripts/model/diamond.ts) and the
// Worker, so training and serving cannot disagree about grades, units or how a missing measurement
// is filled in.
import { CLARITIES, COLORS, CUTS, type DiamondItem } from '../lib/diamond';
import { mulDivRound, multiply } from '../pricing/money';

export const DIAMOND_FEATURES = [
  { name: 'carat', unit: 'carat (200 mg)' },
  { name: 'cut', unit: `index into [${CUTS.join(', ')}]` },
  { name: 'color', unit: `index into [${COLORS.join(', ')}]` },
  { name: 'clarity', unit: `index into [${CLARITIES.join(', ')}]` },
  { name: 'depth', unit: '% (imputed when missing)' },
  { name: 'table', unit: '% (imputed when missing)' },
  { name: 'x', unit: 'mm (imputed when missing)' },
  { name: 'y', unit: 'mm (imputed when missing)' },
  { name: 'z', unit: 'mm (imputed when missing)' },
  { name: 'measured', unit: '1 when x, y and z are all given, else 0 (some were imputed)' },
] as const;

export const DIAMOND_FEATURE_COUNT = DIAMOND_FEATURES.length;

/** Fitted on the training rows and stored in the model card, so the Worker fills gaps the same way. */
export interface Imputation {
  /** Median depth and table, %. */
  depth: number;
  table: number;
  /** Median of diameter ÷ ∛carat, mm: a round stone's diameter grows with the cube root of its weight. */
  mm_per_cbrt_carat: number;
}

/** 0 (the data's mark for an unmeasured dimension) and absent are both missing. */
const given = (v: number | undefined): v is number => v !== undefined && v > 0;

/**
 * The model inputs of one stone. A missing diameter is the other diameter (round stones) or
 * the typical diameter for the weight; a missing depth % comes from z and the diameters when they
 * are known, else the median; a missing z from the depth %; a missing table is the median.
 */
export function diamondRow(it: DiamondItem, imp: Imputation): number[] {
  const typical = imp.mm_per_cbrt_carat * Math.cbrt(it.carat);
  const x = given(it.x) ? it.x : given(it.y) ? it.y : typical;
  const y = given(it.y) ? it.y : x;
  const depth = given(it.depth) ? it.depth : given(it.z) ? (200 * it.z) / (x + y) : imp.depth;
  const z = given(it.z) ? it.z : (depth * (x + y)) / 200;
  const table = given(it.table) ? it.table : imp.table;
  return [
    it.carat,
    CUTS.indexOf(it.cut),
    COLORS.indexOf(it.color),
    CLARITIES.indexOf(it.clarity),
    depth,
    table,
    x,
    y,
    z,
    // Tells the trees which rows had their size guessed from the weight, so a stone given by its
    // 4Cs alone gets the wider interval its missing measurements call for.
    given(it.x) && given(it.y) && given(it.z) ? 1 : 0,
  ];
}

/** The model's `features` input for `items` (float32, so the trainer and ORT see identical values). */
export function encodeDiamonds(items: readonly DiamondItem[], imp: Imputation): Float32Array {
  const out = new Float32Array(items.length * DIAMOND_FEATURE_COUNT);
  items.forEach((it, i) => {
    out.set(diamondRow(it, imp), i * DIAMOND_FEATURE_COUNT);
  });
  return out;
}

interface DiamondPrice {
  price_usd_cents: number;
  low_usd_cents: number;
  high_usd_cents: number;
}

/**
 * One row of the graph's `price_usd` output [price, q10, q90] in dollars → integer cents. The
 * interval's ends are separate models, so they are clamped to hold the point price between them.
 */
export function diamondPrice(usd: ArrayLike<number>, row: number): DiamondPrice {
  const cents = (k: number) => Math.round(usd[row * 3 + k]! * 100);
  const price = cents(0);
  return {
    price_usd_cents: price,
    low_usd_cents: Math.min(cents(1), price),
    high_usd_cents: Math.max(cents(2), price),
  };
}

/**
 * A stone's rupee value: value_paise = round(price_usd_cents × usd_inr_paise × (10000 +
 * stone_markup_bp) / 1,000,000), half away from zero (API.md, "Models on real data"). Integer
 * arithmetic throughout: the product stays far below 2^53 for any price the model gives.
 */
export function stoneValuePaise(priceUsdCents: number, usdInrPaise: number, markupBp: number): number {
  return mulDivRound(multiply(priceUsdCents, usdInrPaise), 10_000 + markupBp, 1_000_000);
}
