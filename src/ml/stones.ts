// Diamond valuations: one model run for the whole batch, dollars to integer cents at the boundary,
// and each stone's rupee value at the shop's conversion settings.
import type { Context } from 'hono';
import type { AppEnv } from '../http/types';
import {
  DIAMOND_FEATURE_COUNT,
  type DiamondItem,
  type DiamondPrice,
  diamondPrice,
  encodeDiamonds,
  stoneValuePaise,
} from './diamond';
import { DIAMOND_MODEL, loadModel } from './registry';
import { runModel } from './run';

/** The shop's dollar rate (paise per US dollar) and its markup on the model's diamond prices (basis points). */
export interface StoneValueSettings {
  usdInrPaise: number;
  markupBp: number;
}

export interface DiamondValuation extends DiamondPrice {
  value_paise: number;
}

export async function valueDiamonds(c: Context<AppEnv>, items: readonly DiamondItem[], settings: StoneValueSettings) {
  const { card, out } = await runModel(
    c,
    () => loadModel(DIAMOND_MODEL, 'diamond'),
    encodeDiamonds(items, DIAMOND_MODEL.card.imputation),
    DIAMOND_FEATURE_COUNT,
    'price_usd',
  );
  return {
    model: { name: card.name, version: card.version },
    predictions: items.map((_, i): DiamondValuation => {
      const p = diamondPrice(out, i);
      return { ...p, value_paise: stoneValuePaise(p.price_usd_cents, settings.usdInrPaise, settings.markupBp) };
    }),
  };
}
