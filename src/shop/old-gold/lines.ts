// A line of old gold, taken in on a purchase voucher or in exchange on a sale: from the engine's priced
// line to the row that records it, and from the row to the wire. Imports only the schema and the
// engine's types, so the seed records its demo lines through it too.
import type { Metal, oldGoldLines } from '../../db/schema';
import type { OldGoldLine } from '../../pricing/engine';

type LineRow = typeof oldGoldLines.$inferSelect;

/** The row of a priced line; `on` says whose line it is (a sale's or a voucher's) and its id. */
export const oldGoldLineRow = (
  l: OldGoldLine,
  on: Pick<LineRow, 'id' | 'shopId' | 'saleId' | 'purchaseId' | 'createdAt'>,
): LineRow => ({
  ...on,
  // The engine prices the metal it is given: a Metal, though its line types it as text.
  metal: l.metal as Metal,
  purity: l.purity,
  grossWeightMg: l.gross_weight_mg,
  lessWeightMg: l.less_weight_mg,
  netWeightMg: l.net_weight_mg,
  deductionBp: l.deduction_bp,
  ratePerGram: l.rate_per_gram,
  rateDate: l.rate_date,
  rateSource: l.rate_source,
  value: l.value,
});

/** A line as recorded, on a purchase voucher or a sale's exchange. */
export const toOldGoldLine = (l: LineRow) => ({
  metal: l.metal,
  purity: l.purity,
  gross_weight_mg: l.grossWeightMg,
  less_weight_mg: l.lessWeightMg,
  net_weight_mg: l.netWeightMg,
  deduction_bp: l.deductionBp,
  rate_per_gram: l.ratePerGram,
  rate_date: l.rateDate,
  rate_source: l.rateSource,
  value: l.value,
});
