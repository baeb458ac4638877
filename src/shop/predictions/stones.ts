// Diamond valuations: one model run for the whole batch, dollars to integer cents at the boundary,
// and each stone's rupee value at the shop's conversion settings — for POST /predictions/diamond
// and for the stone lines of a product or piece being written.

import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { dbOf } from '../../db/client';
import type { StoneLine } from '../../db/schema';
import { shops } from '../../db/schema';
import { authOf } from '../../http/caller';
import { notFound } from '../../http/errors';
import type { StoneLineInput } from '../../http/fields';
import type { AppEnv } from '../../http/types';
import type { DiamondItem } from '../../lib/diamond';
import { DIAMOND_FEATURE_COUNT, diamondPrice, encodeDiamonds, stoneValuePaise } from '../../ml/diamond';
import { DIAMOND_MODEL, loadModel } from '../../ml/registry';
import { runModel } from '../../ml/run';
import { multiply } from '../../pricing/money';
import type { DiamondValuations } from './schemas';

/** The shop's dollar rate (paise per US dollar) and its markup on the model's diamond prices (basis points). */
export interface StoneValueSettings {
  usdInrPaise: number;
  markupBp: number;
}

/** What values a diamond in rupees: the shop's `usd_inr_paise` and `stone_markup_bp` (one indexed read). */
export async function stoneValueSettings(c: Context<AppEnv>): Promise<StoneValueSettings> {
  const [row] = await dbOf(c)
    .select({ usdInrPaise: shops.usdInrPaise, markupBp: shops.stoneMarkupBp })
    .from(shops)
    .where(eq(shops.id, authOf(c).shopId));
  if (!row) throw notFound('Shop');
  return row;
}

export async function valueDiamonds(
  c: Context<AppEnv>,
  items: readonly DiamondItem[],
  settings: StoneValueSettings,
): Promise<DiamondValuations> {
  const { card, out } = await runModel(
    c,
    () => loadModel(DIAMOND_MODEL, 'diamond'),
    encodeDiamonds(items, DIAMOND_MODEL.card.imputation),
    DIAMOND_FEATURE_COUNT,
    'price_usd',
  );
  return {
    model: { name: card.name, version: card.version },
    predictions: items.map((_, i) => {
      const p = diamondPrice(out, i);
      return { ...p, value_paise: stoneValuePaise(p.price_usd_cents, settings.usdInrPaise, settings.markupBp) };
    }),
  };
}

/** For the routes that write stone lines (products and pieces, POST and PATCH). */
export const STONE_VALUATION_DOC =
  'A stone line may give `diamond` (4Cs, as POST /predictions/diamond takes them) instead of `value_paise`: it is ' +
  'valued now, `count` × the model’s `value_paise` at the shop’s dollar rate and markup, and stored with the ' +
  'stone and `valued_by` (the model’s name and version); a later model never changes it, sending the stones ' +
  'again re-values them. One model run for all of a write’s diamonds; 503 `MODEL_UNAVAILABLE` if it cannot run.';

/**
 * Stone lines as stored: a line given by `diamond` gets `count` × the model's value of that stone
 * at the shop's settings now, with the model's name and version, so what it is sold or quoted at
 * later never depends on which model is shipped then. One model run for all the lines' diamonds;
 * lines with a given `value_paise` need neither the model nor the settings.
 */
export async function valueStoneLines(c: Context<AppEnv>, lines: readonly StoneLineInput[]): Promise<StoneLine[]> {
  const diamonds = lines.flatMap((l) => (l.diamond ? [l.diamond] : []));
  const valued = diamonds.length ? await valueDiamonds(c, diamonds, await stoneValueSettings(c)) : undefined;
  let next = 0;
  return lines.map(({ value_paise, diamond, ...line }) => {
    // The field schema lets a line give exactly one of `value_paise` and `diamond`.
    if (!diamond || !valued) return { ...line, value_paise: value_paise! };
    const one = valued.predictions[next++]!;
    return { ...line, value_paise: multiply(line.count, one.value_paise), diamond, valued_by: valued.model };
  });
}
