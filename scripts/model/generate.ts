// Synthetic sales priced the way an Indian jeweller prices a piece:
//   metal value  = net weight × the day's rate for that purity
//   making       = making_charge_bp of metal value
//   stones       = stone weight × a per-category (and per-metal) stone rate, varying with quality
//   price        = (metal + making + stones) × (1 + category/metal margin) × 1.03 GST × noise
// rounded to whole rupees. The model learns price / metal value; the noise and the per-piece stone
// quality are what no model can recover, so they set the error floor.
import type { Category, Metal } from '../../src/db/schema';
import { MAX_MAKING_BP, type PriceItem } from '../../src/ml/features';
import type { Rng } from './rng';

export const GENERATOR = {
  name: 'tijori-jeweller-pricing',
  version: '1',
  gst: 0.03,
  noise_sigma: 0.02,
  stone_quality_sigma: 0.25,
} as const;

/** Paise per gram of fine (999) metal, the centre of the sampled day rates (±25%). */
const FINE_RATE: Record<Metal, number> = { gold: 780_000, silver: 9_500, platinum: 320_000 };

const PURITIES: Record<Metal, readonly (readonly [number, number])[]> = {
  gold: [
    [999, 1],
    [916, 6],
    [750, 3],
    [585, 1],
    [375, 0.5],
  ],
  silver: [
    [999, 1],
    [925, 4],
    [800, 1],
  ],
  platinum: [
    [950, 4],
    [900, 1],
    [850, 1],
  ],
};

interface CategorySpec {
  share: number;
  /** Net weight range in grams, sampled log-uniformly. */
  grams: [number, number];
  metals: readonly (readonly [Metal, number])[];
  making: [number, number];
  stoneChance: number;
  /** Paise per mg of stone in gold settings. */
  stoneRate: number;
  margin: number;
}

const CATEGORY: Record<Category, CategorySpec> = {
  ring: {
    share: 18,
    grams: [1.5, 12],
    metals: [
      ['gold', 7],
      ['silver', 2],
      ['platinum', 1.5],
    ],
    making: [800, 1800],
    stoneChance: 0.6,
    stoneRate: 1200,
    margin: 0.14,
  },
  necklace: {
    share: 10,
    grams: [8, 120],
    metals: [
      ['gold', 8],
      ['silver', 2],
      ['platinum', 0.3],
    ],
    making: [1000, 2500],
    stoneChance: 0.5,
    stoneRate: 700,
    margin: 0.18,
  },
  earring: {
    share: 15,
    grams: [1, 15],
    metals: [
      ['gold', 7],
      ['silver', 3],
      ['platinum', 0.5],
    ],
    making: [800, 2000],
    stoneChance: 0.6,
    stoneRate: 1000,
    margin: 0.16,
  },
  bangle: {
    share: 10,
    grams: [6, 50],
    metals: [
      ['gold', 7],
      ['silver', 3],
      ['platinum', 0.3],
    ],
    making: [600, 1500],
    stoneChance: 0.3,
    stoneRate: 500,
    margin: 0.09,
  },
  bracelet: {
    share: 7,
    grams: [4, 40],
    metals: [
      ['gold', 6],
      ['silver', 3],
      ['platinum', 1],
    ],
    making: [700, 1600],
    stoneChance: 0.3,
    stoneRate: 700,
    margin: 0.11,
  },
  chain: {
    share: 12,
    grams: [3, 60],
    metals: [
      ['gold', 7],
      ['silver', 3],
      ['platinum', 1],
    ],
    making: [500, 1200],
    stoneChance: 0.05,
    stoneRate: 300,
    margin: 0.07,
  },
  pendant: {
    share: 10,
    grams: [1, 15],
    metals: [
      ['gold', 7],
      ['silver', 3],
      ['platinum', 1],
    ],
    making: [800, 2000],
    stoneChance: 0.6,
    stoneRate: 1200,
    margin: 0.15,
  },
  anklet: {
    share: 6,
    grams: [5, 60],
    metals: [
      ['gold', 1],
      ['silver', 9],
    ],
    making: [500, 1500],
    stoneChance: 0.2,
    stoneRate: 80,
    margin: 0.1,
  },
  coin: {
    share: 6,
    grams: [1, 100],
    metals: [
      ['gold', 6],
      ['silver', 4],
    ],
    making: [0, 400],
    stoneChance: 0,
    stoneRate: 0,
    margin: 0.02,
  },
  other: {
    share: 6,
    grams: [0.8, 30],
    metals: [
      ['gold', 6],
      ['silver', 3],
      ['platinum', 1],
    ],
    making: [600, 2000],
    stoneChance: 0.3,
    stoneRate: 400,
    margin: 0.12,
  },
};

const METAL_MARGIN: Record<Metal, number> = { gold: 0, silver: 0.06, platinum: 0.04 };
const METAL_STONE: Record<Metal, number> = { gold: 1, silver: 0.15, platinum: 1.5 };

const CATEGORY_SHARES = Object.entries(CATEGORY).map(([c, s]) => [c as Category, s.share] as const);

export interface Sample extends PriceItem {
  /** What the piece sold for, paise. */
  price: number;
}

/** The price a jeweller would charge, before noise (also what the generator's noise multiplies). */
export function jewellerPrice(it: PriceItem, stoneRatePerMg: number): number {
  const metal = (it.net_weight_mg * it.rate_per_gram) / 1000;
  const making = (metal * it.making_charge_bp) / 10_000;
  const stones = it.stone_weight_mg * stoneRatePerMg;
  const margin = CATEGORY[it.category].margin + METAL_MARGIN[it.metal];
  return (metal + making + stones) * (1 + margin) * (1 + GENERATOR.gst);
}

export function sampleItem(
  rng: Rng,
  opts: { grams?: [number, number]; category?: Category } = {},
): PriceItem & {
  stoneRatePerMg: number;
} {
  const category = opts.category ?? rng.pick(CATEGORY_SHARES);
  const spec = CATEGORY[category];
  const metal = rng.pick(spec.metals);
  const purity = category === 'coin' && rng.next() < 0.7 ? 999 : rng.pick(PURITIES[metal]);
  const rate_per_gram = Math.round(((FINE_RATE[metal] * purity) / 999) * rng.uniform(0.75, 1.25));
  const [lo, hi] = opts.grams ?? spec.grams;
  const net_weight_mg = Math.max(1, Math.round(1000 * Math.exp(rng.uniform(Math.log(lo), Math.log(hi)))));
  const hasStones = rng.next() < spec.stoneChance;
  const stone_weight_mg = hasStones ? Math.round(net_weight_mg * rng.uniform(0.02, 0.25)) : 0;
  const other = Math.round(net_weight_mg * rng.uniform(0, 0.03));
  const gross_weight_mg = net_weight_mg + stone_weight_mg + other;
  // One piece in twenty is priced off the usual range (designer work, or making waived), so the
  // trees cover every making charge the API accepts.
  const making_charge_bp = rng.next() < 0.05 ? rng.int(0, MAX_MAKING_BP) : rng.int(spec.making[0], spec.making[1]);
  const quality = Math.exp(GENERATOR.stone_quality_sigma * rng.normal());
  const stoneRatePerMg = spec.stoneRate * METAL_STONE[metal] * quality;
  return {
    category,
    metal,
    purity,
    gross_weight_mg,
    net_weight_mg,
    stone_weight_mg,
    making_charge_bp,
    rate_per_gram,
    stoneRatePerMg,
  };
}

/** `n` priced samples from `rng`. */
export function generate(rng: Rng, n: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const { stoneRatePerMg, ...item } = sampleItem(rng);
    const noisy = jewellerPrice(item, stoneRatePerMg) * Math.exp(GENERATOR.noise_sigma * rng.normal());
    out.push({ ...item, price: Math.max(100, Math.round(noisy / 100) * 100) });
  }
  return out;
}

/**
 * The formula a counter calculator uses: metal + making + 3% GST, with no stones and no margin.
 * `markup` lets the trainer fit one shop-wide multiplier as a second, fairer baseline.
 */
export const formulaPrice = (it: PriceItem, markup = 1) =>
  ((it.net_weight_mg * it.rate_per_gram) / 1000) * (1 + it.making_charge_bp / 10_000) * (1 + GENERATOR.gst) * markup;
