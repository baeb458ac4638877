// The price model's training rows from the shops' own sales (`npm run model:train -- --from-d1`):
// the sale-line snapshots (API.md "Tax on a sale") of completed sales the pricing engine priced,
// read through `wrangler d1 execute`, oldest first. Every price-model input maps from a snapshot
// column; the target is what the customer was charged for one unit.
import { CATEGORIES, type Category, METALS, type Metal } from '../../src/db/schema';
import { d1, type Row, type Target } from '../lib/wrangler';
import type { Sample } from './generate';

/**
 * Fewer engine-priced lines than this and the trainer refuses. The latest 20 % are held out, so 200
 * lines leave 40 to measure on (below that one MAPE is too noisy to compare with the baselines) and
 * 160 to learn from: with leaves of at least 20 rows that is already no more than 8 leaves a tree.
 */
export const MIN_SALE_LINES = 200;

/**
 * Lines of completed sales with a document (sales priced by the engine; older sales have no
 * `document_type` and carry no weights or rate) that were priced by weight: a fixed-price line has
 * no rate and no metal value, so nothing for the model to learn its coefficients from.
 */
export const SALE_LINES_SQL = `SELECT p.category, si.metal, si.purity, si.gross_weight_mg, si.net_weight_mg,
  coalesce(si.stone_weight_mg, 0) AS stone_weight_mg, si.rate_per_gram, si.metal_value, si.making,
  si.line_total, si.quantity, s.id AS sale_id, s.shop_id, s.business_date
FROM sale_items si
JOIN sales s ON s.id = si.sale_id
JOIN products p ON p.id = si.product_id
WHERE s.status = 'completed' AND s.document_type IS NOT NULL
  AND si.metal IS NOT NULL AND si.purity IS NOT NULL AND si.making IS NOT NULL
  AND si.net_weight_mg > 0 AND si.rate_per_gram > 0 AND si.metal_value > 0
  AND si.quantity > 0 AND si.line_total > 0
ORDER BY s.created_at, s.id, si.id`;

export interface ShopSales {
  samples: Sample[];
  sales: number;
  shops: number;
  /** First and last shop-local business date of the lines. */
  from: string | null;
  to: string | null;
}

const oneOf = <T extends string>(values: readonly T[], v: unknown, what: string): T => {
  if (values.includes(v as T)) return v as T;
  throw new Error(`a sale line has ${what} ${JSON.stringify(v)}, which the price model does not know`);
};

/**
 * One line as the price model's row. Weights are the unit's; the charges are the line's (quantity ×
 * the unit's), so `making ÷ metal_value` is the unit's making charge in basis points of metal value
 * whatever way it was charged (percent, per gram or flat), and the price is `line_total ÷ quantity`:
 * after the line's share of any discount, with GST as charged.
 */
export function toSample(r: Row): Sample {
  const num = (k: string) => Number(r[k]);
  return {
    category: oneOf<Category>(CATEGORIES, r.category, 'category'),
    metal: oneOf<Metal>(METALS, r.metal, 'metal'),
    purity: num('purity'),
    gross_weight_mg: num('gross_weight_mg'),
    net_weight_mg: num('net_weight_mg'),
    stone_weight_mg: num('stone_weight_mg'),
    rate_per_gram: num('rate_per_gram'),
    making_charge_bp: Math.round((num('making') * 10_000) / num('metal_value')),
    price: Math.round(num('line_total') / num('quantity')),
  };
}

export function readShopSales(target: Target): ShopSales {
  const [rows = []] = d1(target, [SALE_LINES_SQL]);
  const dates = rows.map((r) => String(r.business_date)).sort();
  return {
    samples: rows.map(toSample),
    sales: new Set(rows.map((r) => r.sale_id)).size,
    shops: new Set(rows.map((r) => r.shop_id)).size,
    from: dates[0] ?? null,
    to: dates.at(-1) ?? null,
  };
}
