// When a piece may not be sold for want of a HUID (API.md "Pieces"), as a pure rule the sale calls.
//
// The law: the Hallmarking of Gold Jewellery and Gold Artefacts Order, 2020 (Ministry of Consumer
// Affairs, notified 15 January 2020) makes hallmarking mandatory for gold jewellery and artefacts
// and exempts, among others, an article weighing less than two grams and gold bullion and coins
// (coins are hallmarked only by BIS-approved refineries and mints); its Second Amendment Order, 2021
// (23 June 2021) exempts the special categories kundan, polki and jadau; and since the Second
// Amendment Order, 2023, a hallmarked article may be sold only with its six-character HUID
// (from 1 April 2023). The shop's `huid_required` setting turns the rule off for a shop the order
// does not reach (e.g. a turnover under ₹40 lakh, or a district without an assaying centre).
import type { Category, Metal } from '../../db/schema';
import { type Refusal, refuse } from '../../pricing/refusal';

/** Below this gross weight an article needs no hallmark (the 2020 order's two grams). */
export const HUID_EXEMPT_BELOW_MG = 2_000;

export interface HuidPiece {
  tag: string;
  huid: string | null;
  huid_exempt: string | null;
  gross_weight_mg: number;
}

/** The 422 HUID_MISSING refusal, or null when the piece may be sold as it is. */
export function huidRefusal(
  piece: HuidPiece,
  product: { metal: Metal; category: Category },
  shop: { huid_required: boolean },
): Refusal | null {
  if (
    !shop.huid_required ||
    product.metal !== 'gold' ||
    piece.huid !== null ||
    product.category === 'coin' ||
    piece.gross_weight_mg < HUID_EXEMPT_BELOW_MG ||
    piece.huid_exempt !== null
  ) {
    return null;
  }
  return refuse(422, 'HUID_MISSING', `Piece ${piece.tag} is gold and has no HUID`, [
    {
      path: 'huid',
      message: 'a hallmarked gold article is sold with its HUID, unless a coin, under 2 g, or HUID-exempt',
    },
  ]);
}
