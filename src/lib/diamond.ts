// A diamond as the API, the database and the price model describe it: the 4Cs' grades and the
// measurements. The model runtime (ml/diamond) encodes it; the request fields and the stone columns
// declare it; none of them owns it.

/** Worst to best, as in the ggplot2 `diamonds` data; the model sees each grade's index. */
export const CUTS = ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'] as const;
export const COLORS = ['J', 'I', 'H', 'G', 'F', 'E', 'D'] as const;
export const CLARITIES = ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'] as const;

export type Cut = (typeof CUTS)[number];
export type Color = (typeof COLORS)[number];
export type Clarity = (typeof CLARITIES)[number];

export interface DiamondItem {
  carat: number;
  cut: Cut;
  color: Color;
  clarity: Clarity;
  /** Total depth, % (= 2·z / (x + y)). */
  depth?: number | undefined;
  /** Table width, % of the average diameter. */
  table?: number | undefined;
  /** Length, width and depth, mm. */
  x?: number | undefined;
  y?: number | undefined;
  z?: number | undefined;
}

/**
 * What the API accepts: the range of the training data (the non-zero values of each column), so
 * the trees are never asked about a stone unlike every one they saw.
 */
export const DIAMOND_RANGES = {
  carat: [0.2, 5.01],
  depth: [43, 79],
  table: [43, 95],
  x: [3.73, 10.74],
  y: [3.68, 58.9],
  z: [1.07, 31.8],
} as const;
