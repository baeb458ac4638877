// The pricing engine: one pure function from what a sale sells (and the old gold it takes in) to
// every paisa the quote, the sale, the invoice and the storefront show, so they can never disagree.
// Each formula is the contract's ("How a jeweller prices and bills"), in its order of rounding:
// a unit's components, × quantity, the discount allocated to lines, taxes per line, then one
// round-off on the sum. Field names are the contract's line and quote fields, so a route returns
// the result as it is.
//
// GST on jewellery: HSN heading 7113 is Schedule V of Notification 1/2017-Central Tax (Rate) —
// 1.5% central tax on intra-State supplies, with the same State tax — and 3% integrated tax on
// inter-State supplies (Notification 1/2017-Integrated Tax (Rate), Schedule V): the default
// gst_rate_bp of 300 split in two, or whole. Taxable value takes the discount into account
// (CGST Rule 46(k)). A shop without a GSTIN, or under the composition scheme, charges no tax and
// issues bills of supply instead (CGST Rule 49).
import { MAX_AMOUNT_PAISE, mulDivFloor, mulDivRound, multiply, roundOffToRupee, sum } from './money';
import type { RateOnDay, RateSource } from './rate-on-day';
import { type Outcome, refuse } from './refusal';

export type MakingChargeType = 'percent' | 'per_gram' | 'flat';
export type DocumentType = 'tax_invoice' | 'bill_of_supply';

/** What a line describes, copied from its item into the sale's snapshot. */
interface LineFacts {
  product_id: string | null;
  piece_id: string | null;
  quantity: number;
  description: string;
  hsn_code: string;
  huid: string | null;
  metal: string;
  purity: number;
  /** Per unit. */
  gross_weight_mg: number;
  net_weight_mg: number;
  stone_weight_mg: number;
  gst_rate_bp: number;
}

interface ItemFacts extends LineFacts {
  /** A manager's override of the unit's gross (the caller checks the role and audits it). */
  unit_price?: number;
}

/** A product or piece sold by weight at the day's rate. */
export interface WeightItem extends ItemFacts {
  pricing_mode: 'weight';
  rate: RateOnDay;
  wastage_bp: number;
  making_charge_type: MakingChargeType;
  /** Used when making_charge_type is `percent`. */
  making_charge_bp: number;
  /** Used when making_charge_type is `per_gram` (paise per gram of net weight) or `flat`. */
  making_charge_paise: number;
  /** The value of all stones of the line in one unit. */
  stones: readonly { value_paise: number }[];
  other_charge_paise: number;
}

/** A product sold at its `base_price` (which excludes GST). */
export interface FixedItem extends ItemFacts {
  pricing_mode: 'fixed';
  base_price: number;
}

export type SaleItem = WeightItem | FixedItem;

/** One unit's price and, for a weight-priced unit at its computed price, where it comes from. */
export interface UnitPrice {
  metal_value: number | null;
  wastage: number | null;
  making: number | null;
  stones: number | null;
  other_charge: number | null;
  gross: number;
}

export interface QuoteLine extends LineFacts {
  rate_per_gram: number | null;
  rate_date: string | null;
  rate_source: RateSource | null;
  metal_value: number | null;
  wastage: number | null;
  making: number | null;
  stones: number | null;
  other_charge: number | null;
  /** The unit's gross: what was charged for one unit before discount and tax. */
  unit_price: number;
  gross: number;
  discount: number;
  taxable: number;
  cgst: number;
  sgst: number;
  igst: number;
  line_total: number;
}

/** The manager's own rate for old gold, given instead of the day's buy rate (audited by the caller). */
export interface GivenRate {
  rate_per_gram: number;
  rate_date: null;
  rate_source: 'given';
}

export interface OldGoldItem {
  metal: string;
  /** As tested. */
  purity: number;
  gross_weight_mg: number;
  less_weight_mg: number;
  deduction_bp: number;
  rate: RateOnDay | GivenRate;
}

export interface OldGoldLine {
  metal: string;
  purity: number;
  gross_weight_mg: number;
  less_weight_mg: number;
  net_weight_mg: number;
  deduction_bp: number;
  rate_per_gram: number;
  rate_date: string | null;
  rate_source: RateSource | 'given';
  value: number;
}

export interface ShopTaxSettings {
  gstin: string | null;
  gst_scheme: 'regular' | 'composition';
  state_code: string;
  round_off: boolean;
}

export interface QuoteInput {
  shop: ShopTaxSettings;
  items: readonly SaleItem[];
  discount: number;
  /** Defaults to the shop's state. */
  place_of_supply?: string;
  exchange: readonly OldGoldItem[];
}

export interface Quote {
  items: QuoteLine[];
  subtotal: number;
  discount: number;
  taxable: number;
  cgst: number;
  sgst: number;
  igst: number;
  round_off: number;
  total: number;
  exchange: OldGoldLine[];
  exchange_total: number;
  place_of_supply: string;
  document_type: DocumentType;
}

export interface TaxByRate {
  gst_rate_bp: number;
  taxable: number;
  cgst: number;
  sgst: number;
  igst: number;
}

const unbroken = (gross: number): UnitPrice => ({
  metal_value: null,
  wastage: null,
  making: null,
  stones: null,
  other_charge: null,
  gross,
});

/**
 * One unit of an item. A manager's `unit_price` replaces the unit's gross; the rate-derived
 * components are then not what was charged, so they are reported as null like a fixed product's.
 */
export function unitPrice(item: SaleItem): UnitPrice {
  if (item.unit_price !== undefined) return unbroken(item.unit_price);
  if (item.pricing_mode === 'fixed') return unbroken(item.base_price);
  const n = item.net_weight_mg;
  const metal_value = mulDivRound(n, item.rate.rate_per_gram, 1000);
  const wastage = mulDivRound(metal_value, item.wastage_bp, 10000);
  const making =
    item.making_charge_type === 'percent'
      ? mulDivRound(metal_value, item.making_charge_bp, 10000)
      : item.making_charge_type === 'per_gram'
        ? mulDivRound(n, item.making_charge_paise, 1000)
        : item.making_charge_paise;
  const stones = sum(item.stones.map((s) => s.value_paise));
  const other_charge = item.other_charge_paise;
  return {
    metal_value,
    wastage,
    making,
    stones,
    other_charge,
    gross: sum([metal_value, wastage, making, stones, other_charge]),
  };
}

/**
 * Splits `discount` over lines in proportion to their gross: each line first gets
 * floor(discount × gross ÷ subtotal), then the paise left over go one each to the lines with the
 * largest fractional parts, ties to the earlier line. The shares sum to `discount` exactly and
 * none exceeds its line's gross. Requires 0 ≤ discount ≤ Σ grosses.
 */
export function allocateDiscount(discount: number, grosses: readonly number[]): number[] {
  const subtotal = sum(grosses);
  if (discount < 0 || discount > subtotal) throw new RangeError('the discount must be between 0 and the subtotal');
  if (discount === 0) return grosses.map(() => 0);
  // Every fraction has the denominator `subtotal`, so comparing remainders compares fractions exactly.
  const parts = grosses.map((gross, index) => ({ index, ...mulDivFloor(discount, gross, subtotal) }));
  const shares = parts.map((p) => p.quotient);
  const left = discount - sum(shares);
  const byFraction = parts
    .filter((p) => p.remainder > 0)
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const p of byFraction.slice(0, left)) shares[p.index] = (shares[p.index] ?? 0) + 1;
  return shares;
}

type Supply = 'intra_state' | 'inter_state' | 'untaxed';

function taxes(taxable: number, rateBp: number, supply: Supply) {
  if (supply === 'untaxed') return { cgst: 0, sgst: 0, igst: 0 };
  if (supply === 'inter_state') return { cgst: 0, sgst: 0, igst: mulDivRound(taxable, rateBp, 10000) };
  // round(taxable × rate / 2 / 10000), each half rounded on its own as the contract states.
  const half = mulDivRound(taxable, rateBp, 20000);
  return { cgst: half, sgst: half, igst: 0 };
}

/** Whether the shop issues tax invoices (charging GST) or bills of supply (charging none). */
export function documentTypeOf(shop: Pick<ShopTaxSettings, 'gstin' | 'gst_scheme'>): DocumentType {
  return shop.gstin && shop.gst_scheme === 'regular' ? 'tax_invoice' : 'bill_of_supply';
}

/**
 * Old gold taken in: net = gross − less, value = round(round(net × B / 1000) × (10000 −
 * deduction_bp) / 10000). `path` names the list in refusals (`exchange` in a sale, `lines` in a
 * purchase voucher).
 */
export function priceOldGold(
  items: readonly OldGoldItem[],
  path: string,
): Outcome<{ lines: OldGoldLine[]; total: number }> {
  const bad = items.findIndex((i) => i.less_weight_mg > i.gross_weight_mg);
  if (bad >= 0) {
    return {
      ok: false,
      refusal: refuse(400, 'VALIDATION_FAILED', 'The less weight cannot exceed the gross weight', [
        { path: `${path}.${bad}.less_weight_mg`, message: 'less_weight_mg is greater than gross_weight_mg' },
      ]),
    };
  }
  const lines = items.map((i): OldGoldLine => {
    const net_weight_mg = i.gross_weight_mg - i.less_weight_mg;
    const atRate = mulDivRound(net_weight_mg, i.rate.rate_per_gram, 1000);
    return {
      metal: i.metal,
      purity: i.purity,
      gross_weight_mg: i.gross_weight_mg,
      less_weight_mg: i.less_weight_mg,
      net_weight_mg,
      deduction_bp: i.deduction_bp,
      rate_per_gram: i.rate.rate_per_gram,
      rate_date: i.rate.rate_date,
      rate_source: i.rate.rate_source,
      value: mulDivRound(atRate, 10000 - i.deduction_bp, 10000),
    };
  });
  return { ok: true, value: { lines, total: sum(lines.map((l) => l.value)) } };
}

/**
 * The whole sale: lines, discount, taxes, round-off, total and the old gold tendered. Refuses a
 * discount above the subtotal (INVALID_DISCOUNT), a subtotal above MAX_AMOUNT_PAISE
 * (AMOUNT_TOO_LARGE) and old gold worth more than the total (EXCHANGE_EXCEEDS_TOTAL): GST is
 * charged on the full value of the new jewellery, the exchange only pays part of it.
 */
export function quote(input: QuoteInput): Outcome<Quote> {
  const priced = input.items.map((item) => {
    const unit = unitPrice(item);
    return { item, unit, gross: multiply(unit.gross, item.quantity) };
  });
  const grosses = priced.map((p) => p.gross);
  const subtotal = sum(grosses);
  if (subtotal > MAX_AMOUNT_PAISE) {
    return {
      ok: false,
      refusal: refuse(422, 'AMOUNT_TOO_LARGE', `A sale may total at most ${MAX_AMOUNT_PAISE} paise`),
    };
  }
  if (input.discount > subtotal) {
    return {
      ok: false,
      refusal: refuse(422, 'INVALID_DISCOUNT', 'The discount cannot exceed the subtotal', [
        { path: 'discount', message: `discount ${input.discount} > subtotal ${subtotal}` },
      ]),
    };
  }
  const place_of_supply = input.place_of_supply ?? input.shop.state_code;
  const document_type = documentTypeOf(input.shop);
  const supply: Supply =
    document_type === 'bill_of_supply'
      ? 'untaxed'
      : place_of_supply === input.shop.state_code
        ? 'intra_state'
        : 'inter_state';
  const shares = allocateDiscount(input.discount, grosses);

  const items = priced.map(({ item, unit, gross }, i): QuoteLine => {
    const q = item.quantity;
    const times = (v: number | null) => (v === null ? null : multiply(v, q));
    const discount = shares[i] ?? 0;
    const taxable = gross - discount;
    const tax = taxes(taxable, item.gst_rate_bp, supply);
    const rate = item.pricing_mode === 'weight' ? item.rate : null;
    return {
      product_id: item.product_id,
      piece_id: item.piece_id,
      quantity: q,
      description: item.description,
      hsn_code: item.hsn_code,
      huid: item.huid,
      metal: item.metal,
      purity: item.purity,
      gross_weight_mg: item.gross_weight_mg,
      net_weight_mg: item.net_weight_mg,
      stone_weight_mg: item.stone_weight_mg,
      rate_per_gram: rate?.rate_per_gram ?? null,
      rate_date: rate?.rate_date ?? null,
      rate_source: rate?.rate_source ?? null,
      metal_value: times(unit.metal_value),
      wastage: times(unit.wastage),
      making: times(unit.making),
      stones: times(unit.stones),
      other_charge: times(unit.other_charge),
      unit_price: unit.gross,
      gross,
      discount,
      taxable,
      gst_rate_bp: item.gst_rate_bp,
      ...tax,
      line_total: sum([taxable, tax.cgst, tax.sgst, tax.igst]),
    };
  });

  const t = sum(items.map((l) => l.line_total));
  // A shop without a GSTIN "totals exactly as in v1" (contract), so only a registered shop rounds.
  const round_off = input.shop.round_off && input.shop.gstin ? roundOffToRupee(t) : 0;
  const total = t + round_off;
  const exchange = priceOldGold(input.exchange, 'exchange');
  if (!exchange.ok) return exchange;
  if (exchange.value.total > total) {
    return {
      ok: false,
      refusal: refuse(422, 'EXCHANGE_EXCEEDS_TOTAL', 'The old gold is worth more than the sale', [
        { path: 'exchange', message: `exchange_total ${exchange.value.total} > total ${total}` },
      ]),
    };
  }
  return {
    ok: true,
    value: {
      items,
      subtotal,
      discount: input.discount,
      taxable: sum(items.map((l) => l.taxable)),
      cgst: sum(items.map((l) => l.cgst)),
      sgst: sum(items.map((l) => l.sgst)),
      igst: sum(items.map((l) => l.igst)),
      round_off,
      total,
      exchange: exchange.value.lines,
      exchange_total: exchange.value.total,
      place_of_supply,
      document_type,
    },
  };
}

/** The invoice's tax totals by rate (CGST Rule 46(l)–(m): rate and amount of each tax), lowest rate first. */
export function taxesByRate(lines: readonly TaxByRate[]): TaxByRate[] {
  const byRate = new Map<number, TaxByRate>();
  for (const l of lines) {
    const t = byRate.get(l.gst_rate_bp) ?? { gst_rate_bp: l.gst_rate_bp, taxable: 0, cgst: 0, sgst: 0, igst: 0 };
    byRate.set(l.gst_rate_bp, {
      gst_rate_bp: l.gst_rate_bp,
      taxable: sum([t.taxable, l.taxable]),
      cgst: sum([t.cgst, l.cgst]),
      sgst: sum([t.sgst, l.sgst]),
      igst: sum([t.igst, l.igst]),
    });
  }
  return [...byRate.values()].sort((a, b) => a.gst_rate_bp - b.gst_rate_bp);
}
