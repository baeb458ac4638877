// The price model's input row: one encoding shared by the trainer (scripts/model) and the Worker,
// so training and serving can never disagree about feature order or units.
import { CATEGORIES, type Category, METALS, type Metal } from '../db/schema';

export interface PriceItem {
  category: Category;
  metal: Metal;
  /** Parts per thousand. */
  purity: number;
  gross_weight_mg: number;
  net_weight_mg: number;
  stone_weight_mg: number;
  /** Basis points of metal value. */
  making_charge_bp: number;
  /** Paise per gram of metal at this purity. */
  rate_per_gram: number;
}

/**
 * Column order of the model's `features` input (float32 [N, 7]). The weights and the rate only
 * enter the graph's arithmetic, price = metal value × a + stone weight × b, where the trees give
 * a (price per paise of metal) and b (price per mg of stone) from the scale-free columns. So a 200 g
 * necklace or a 0.5 g nose pin is priced with coefficients the trees learned inside their range,
 * and more metal or more stone can only cost more.
 */
export const FEATURES = [
  { name: 'net_weight_mg', unit: 'mg', role: 'metal value = net × rate (graph arithmetic, never split on)' },
  {
    name: 'rate_per_gram',
    unit: 'paise per gram at the item purity',
    role: 'metal value = net × rate (graph arithmetic, never split on)',
  },
  { name: 'stone_weight_mg', unit: 'mg', role: 'multiplies the stone coefficient (graph arithmetic, never split on)' },
  { name: 'category', unit: `index into [${CATEGORIES.join(', ')}]`, role: 'tree feature (both coefficients)' },
  { name: 'metal', unit: `index into [${METALS.join(', ')}]`, role: 'tree feature (both coefficients)' },
  { name: 'purity', unit: 'parts per thousand', role: 'tree feature (metal coefficient)' },
  { name: 'making_charge_bp', unit: 'basis points of metal value', role: 'tree feature (metal coefficient)' },
] as const;

export const COLUMN = { net: 0, rate: 1, stone: 2, category: 3, metal: 4, purity: 5, making: 6 } as const;

/** The highest making charge the API accepts (50% of metal value); the generator covers 0 to this. */
export const MAX_MAKING_BP = 5_000;

export const FEATURE_COUNT = FEATURES.length;
/** Metal value in paise as exact arithmetic gives it (the graph computes the same in float32). */
export const metalValuePaise = (netWeightMg: number, ratePerGram: number) => (netWeightMg * ratePerGram) / 1000;

/** Writes one item's row into `out` at `row` (float32, so trainer and ORT see identical values). */
export function encodeInto(out: Float32Array, row: number, it: PriceItem): void {
  const o = row * FEATURE_COUNT;
  out[o + COLUMN.net] = it.net_weight_mg;
  out[o + COLUMN.rate] = it.rate_per_gram;
  out[o + COLUMN.stone] = it.stone_weight_mg;
  out[o + COLUMN.category] = CATEGORIES.indexOf(it.category);
  out[o + COLUMN.metal] = METALS.indexOf(it.metal);
  out[o + COLUMN.purity] = it.purity;
  out[o + COLUMN.making] = it.making_charge_bp;
}

export function encode(items: readonly PriceItem[]): Float32Array {
  const out = new Float32Array(items.length * FEATURE_COUNT);
  for (const [i, it] of items.entries()) encodeInto(out, i, it);
  return out;
}
