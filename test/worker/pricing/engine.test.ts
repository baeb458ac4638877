// The pricing engine against the contract's formulas: worked examples computed by hand (the same
// numbers as the README's "Pricing and invoices") and fast-check properties over random sales.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateDiscount,
  type Quote,
  type QuoteInput,
  quote,
  type ShopTaxSettings,
  taxesByRate,
  unitPrice,
} from '../../../src/pricing/engine';
import type { Outcome } from '../../../src/pricing/refusal';
import { CHAIN, fixed, REGISTERED, sale } from './arbitraries';
import { RUNS } from './runs';

function priced(input: Partial<QuoteInput>): Quote {
  const q = quote({ shop: REGISTERED, items: [CHAIN], discount: 0, exchange: [], ...input });
  if (!q.ok) throw new Error(`refused: ${q.refusal.code}`);
  return q.value;
}

const refusalOf = <T>(o: Outcome<T>) => (o.ok ? null : o.refusal);

describe('worked example: a 22K chain, net 10,000 mg at ₹7,000/g', () => {
  // metal_value = round(10000 × 700000 / 1000)       = 7,000,000
  // wastage     = round(7,000,000 × 800 / 10000)     =   560,000
  // making      = per_gram round(10000 × 45000/1000) =   450,000
  // stones      = 0, other_charge (hallmarking)      =     4,500
  // gross                                            = 8,014,500 (₹80,145.00)
  const breakdown = { metal_value: 7_000_000, wastage: 560_000, making: 450_000, stones: 0, other_charge: 4_500 };

  it('intra-State: CGST and SGST 1.5% each, half-paisa rounded up on each, round-off to the rupee', () => {
    const q = priced({});
    // CGST = SGST = round(8,014,500 × 300 / 2 / 10000) = round(120,217.5) = 120,218
    // line_total = 8,014,500 + 2 × 120,218 = 8,254,936; round_off = 8,254,900 − 8,254,936 = −36
    expect(q.items[0]).toMatchObject({
      ...breakdown,
      gross: 8_014_500,
      unit_price: 8_014_500,
      discount: 0,
      taxable: 8_014_500,
      cgst: 120_218,
      sgst: 120_218,
      igst: 0,
      line_total: 8_254_936,
      rate_per_gram: 700_000,
      rate_date: '2026-11-30',
      rate_source: 'exact',
    });
    expect(q).toMatchObject({
      subtotal: 8_014_500,
      discount: 0,
      taxable: 8_014_500,
      cgst: 120_218,
      sgst: 120_218,
      igst: 0,
      round_off: -36,
      total: 8_254_900,
      exchange: [],
      exchange_total: 0,
      place_of_supply: '27',
      document_type: 'tax_invoice',
    });
  });

  it('inter-State: IGST 3% rounded once, so one paisa less tax than CGST + SGST', () => {
    const q = priced({ place_of_supply: '29' });
    // IGST = round(8,014,500 × 300 / 10000) = round(240,435) = 240,435; T = 8,254,935; round_off −35
    expect(q.items[0]).toMatchObject({ ...breakdown, cgst: 0, sgst: 0, igst: 240_435, line_total: 8_254_935 });
    expect(q).toMatchObject({
      cgst: 0,
      sgst: 0,
      igst: 240_435,
      round_off: -35,
      total: 8_254_900,
      place_of_supply: '29',
    });
  });

  it('making as percent or flat, stones per unit, and quantity multiplies every component', () => {
    const ring = {
      ...CHAIN,
      quantity: 3,
      net_weight_mg: 3_333,
      making_charge_type: 'percent' as const,
      making_charge_bp: 1_250,
      stones: [{ value_paise: 150_000 }, { value_paise: 25_001 }],
      other_charge_paise: 0,
    };
    // metal round(3333 × 700000 / 1000) = 2,333,100; wastage round(2,333,100 × 0.08) = 186,648;
    // making round(2,333,100 × 0.125) = round(291,637.5) = 291,638; stones 175,001
    expect(unitPrice(ring)).toEqual({
      metal_value: 2_333_100,
      wastage: 186_648,
      making: 291_638,
      stones: 175_001,
      other_charge: 0,
      gross: 2_986_387,
    });
    expect(priced({ items: [ring] }).items[0]).toMatchObject({
      metal_value: 6_999_300,
      wastage: 559_944,
      making: 874_914,
      stones: 525_003,
      other_charge: 0,
      unit_price: 2_986_387,
      gross: 8_959_161,
    });
    expect(unitPrice({ ...ring, making_charge_type: 'flat', making_charge_paise: 99_999 }).making).toBe(99_999);
  });

  it('a fixed product is its base_price; a manager override replaces the unit gross and drops the breakdown', () => {
    const q = priced({ items: [fixed(1_250_000, 2), { ...CHAIN, unit_price: 8_000_000 }] });
    expect(q.items.map((l) => [l.unit_price, l.gross, l.metal_value, l.rate_per_gram])).toEqual([
      [1_250_000, 2_500_000, null, null],
      [8_000_000, 8_000_000, null, 700_000],
    ]);
  });
});

describe('discount allocation', () => {
  it('floors, then gives the leftover paise to the largest fractional parts, ties to the earlier line', () => {
    // 100 × 1/3 = 33⅓ each: one paisa left, all fractions equal → the first line.
    expect(allocateDiscount(100, [500, 500, 500])).toEqual([34, 33, 33]);
    // 5 × 3/10 = 1.5, 1.5, 2.0: one paisa left, tie between lines 0 and 1 → line 0.
    expect(allocateDiscount(5, [3, 3, 4])).toEqual([2, 1, 2]);
    // 7 × (1, 5, 4)/10 = 0.7, 3.5, 2.8: two paise left → 0.8 (line 2), then 0.7 (line 0).
    expect(allocateDiscount(7, [1, 5, 4])).toEqual([1, 3, 3]);
    expect(allocateDiscount(0, [0, 0])).toEqual([0, 0]);
  });

  it('follows the rule on lines with many equal fractions (small grosses, so ties are common)', () => {
    const grosses = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(grosses, fc.double({ min: 0, max: 1, noNaN: true }), (g, at) => {
        const subtotal = g.reduce((a, b) => a + b, 0);
        const discount = Math.floor(at * subtotal);
        const shares = allocateDiscount(discount, g);
        expect(shares.reduce((a, b) => a + b, 0)).toBe(discount);
        // Reference: hand out the leftover paise by scanning fractions from largest to smallest, earliest first.
        const floors = g.map((x) => (subtotal ? Math.floor((discount * x) / subtotal) : 0));
        const rems = g.map((x) => (subtotal ? (discount * x) % subtotal : 0));
        let left = discount - floors.reduce((a, b) => a + b, 0);
        for (let r = subtotal - 1; r > 0 && left > 0; r--) {
          for (let i = 0; i < g.length && left > 0; i++) {
            if (rems[i] === r) {
              floors[i] = (floors[i] ?? 0) + 1;
              left--;
            }
          }
        }
        expect(shares).toEqual(floors);
      }),
      RUNS,
    );
  });

  it('is exact where float proportions are not: ₹99 crore over three equal lines', () => {
    const third = 333_333_333_333;
    const shares = allocateDiscount(999_999_999_998, [third, third, third + 1]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(999_999_999_998);
    // Fractions .333333333334, .333333333334, .333333333332: the one leftover paisa goes to line 0.
    expect(shares).toEqual([333_333_333_333, 333_333_333_332, 333_333_333_333]);
  });

  it('a discount above the subtotal is the 422 INVALID_DISCOUNT, and an oversized sale AMOUNT_TOO_LARGE', () => {
    const over = quote({ shop: REGISTERED, items: [fixed(100)], discount: 101, exchange: [] });
    expect(refusalOf(over)).toMatchObject({ status: 422, code: 'INVALID_DISCOUNT', details: [{ path: 'discount' }] });
    const huge = quote({ shop: REGISTERED, items: [fixed(500_000_000_001, 2)], discount: 0, exchange: [] });
    expect(refusalOf(huge)).toMatchObject({ status: 422, code: 'AMOUNT_TOO_LARGE' });
  });
});

describe('unregistered and composition shops', () => {
  it('charge no tax, issue bills of supply; an unregistered shop totals as in v1 (no round-off)', () => {
    const unregistered = priced({ shop: { ...REGISTERED, gstin: null }, discount: 14_499 });
    expect(unregistered).toMatchObject({ cgst: 0, sgst: 0, igst: 0, round_off: 0, document_type: 'bill_of_supply' });
    expect(unregistered.total).toBe(8_014_500 - 14_499);
    const composition = priced({ shop: { ...REGISTERED, gst_scheme: 'composition' }, place_of_supply: '29' });
    expect(composition).toMatchObject({ igst: 0, round_off: 0, total: 8_014_500, document_type: 'bill_of_supply' });
  });
});

describe('old gold exchange', () => {
  const oldGold = {
    metal: 'gold',
    purity: 916,
    gross_weight_mg: 5_000,
    less_weight_mg: 200,
    deduction_bp: 200,
    rate: { rate_per_gram: 640_000, rate_date: '2026-11-30', rate_source: 'exact' as const },
  };

  it('is valued round(round(net × B / 1000) × (10000 − deduction) / 10000), after tax on the full sale', () => {
    // net 4,800 mg; round(4800 × 640000 / 1000) = 3,072,000; × 9800 / 10000 = 3,010,560
    const q = priced({ exchange: [oldGold] });
    expect(q.exchange).toEqual([
      {
        metal: 'gold',
        purity: 916,
        gross_weight_mg: 5_000,
        less_weight_mg: 200,
        net_weight_mg: 4_800,
        deduction_bp: 200,
        rate_per_gram: 640_000,
        rate_date: '2026-11-30',
        rate_source: 'exact',
        value: 3_010_560,
      },
    ]);
    expect(q).toMatchObject({ exchange_total: 3_010_560, cgst: 120_218, total: 8_254_900 });
    // round(1234 × 612345 / 1000) = round(755,633.73) = 755,634; × 9850 / 10000 = round(744,299.49) = 744,299
    const odd = { ...oldGold, gross_weight_mg: 1_234, less_weight_mg: 0, deduction_bp: 150 };
    const given = { rate_per_gram: 612_345, rate_date: null, rate_source: 'given' as const };
    expect(priced({ exchange: [{ ...odd, rate: given }] }).exchange[0]).toMatchObject({
      value: 744_299,
      rate_source: 'given',
    });
  });

  it('refuses old gold worth more than the sale (422) and a less weight above the gross (400)', () => {
    const big = { ...oldGold, gross_weight_mg: 20_000, less_weight_mg: 0, deduction_bp: 0 };
    const more = quote({ shop: REGISTERED, items: [CHAIN], discount: 0, exchange: [big] });
    expect(refusalOf(more)).toMatchObject({ status: 422, code: 'EXCHANGE_EXCEEDS_TOTAL' });
    const bad = quote({
      shop: REGISTERED,
      items: [CHAIN],
      discount: 0,
      exchange: [oldGold, { ...oldGold, less_weight_mg: 5_001 }],
    });
    expect(refusalOf(bad)).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [{ path: 'exchange.1.less_weight_mg' }],
    });
  });
});

describe('taxes by rate', () => {
  it('sums each rate once, lowest first', () => {
    const q = priced({ items: [CHAIN, { ...fixed(100_000), gst_rate_bp: 500 }, fixed(1_000)] });
    expect(taxesByRate(q.items)).toEqual([
      { gst_rate_bp: 300, taxable: 8_015_500, cgst: 120_233, sgst: 120_233, igst: 0 },
      { gst_rate_bp: 500, taxable: 100_000, cgst: 2_500, sgst: 2_500, igst: 0 },
    ]);
  });
});

describe('properties over random sales', () => {
  const quoted = sale.map(({ items, discountPermille, discountOffset, shop, place_of_supply }) => {
    const base = quote({ shop, items, discount: 0, exchange: [] });
    if (!base.ok) throw new Error(base.refusal.code);
    const subtotal = base.value.subtotal;
    const discount = Math.min(subtotal, Math.floor((subtotal * discountPermille) / 1000) + discountOffset);
    const input: QuoteInput = { shop, items, discount, exchange: [], ...(place_of_supply ? { place_of_supply } : {}) };
    const q = quote(input);
    if (!q.ok) throw new Error(q.refusal.code);
    return { input, q: q.value };
  });

  const taxed = (shop: ShopTaxSettings) => shop.gstin !== null && shop.gst_scheme === 'regular';

  it('components sum to the unit gross and the line carries quantity × each', () => {
    fc.assert(
      fc.property(quoted, ({ input, q }) => {
        q.items.forEach((line, i) => {
          const item = input.items[i];
          if (!item) throw new Error('line without item');
          const parts = [line.metal_value, line.wastage, line.making, line.stones, line.other_charge];
          if (item.pricing_mode === 'weight' && item.unit_price === undefined) {
            const unit = unitPrice(item);
            expect(unit.gross).toBe(
              [unit.metal_value, unit.wastage, unit.making, unit.stones, unit.other_charge].reduce<number>(
                (a, b) => a + (b ?? Number.NaN),
                0,
              ),
            );
            expect(parts.reduce<number>((a, b) => a + (b ?? Number.NaN), 0)).toBe(line.gross);
          } else {
            expect(parts).toEqual([null, null, null, null, null]);
          }
          expect(line.gross).toBe(line.unit_price * line.quantity);
        });
      }),
      RUNS,
    );
  });

  it('grosses sum to the subtotal; discount shares sum exactly, each between 0 and its gross, by the rule', () => {
    fc.assert(
      fc.property(quoted, ({ q }) => {
        expect(q.items.reduce((a, l) => a + l.gross, 0)).toBe(q.subtotal);
        expect(q.items.reduce((a, l) => a + l.discount, 0)).toBe(q.discount);
        const fractions = q.items.map((l) => {
          expect(l.discount).toBeGreaterThanOrEqual(0);
          expect(l.discount).toBeLessThanOrEqual(l.gross);
          const exact = BigInt(q.discount) * BigInt(l.gross);
          const floor = q.subtotal === 0 ? 0n : exact / BigInt(q.subtotal);
          const extra = BigInt(l.discount) - floor;
          expect(extra === 0n || extra === 1n).toBe(true);
          return { extra, remainder: q.subtotal === 0 ? 0n : exact % BigInt(q.subtotal) };
        });
        // A line given an extra paisa has a larger fraction than any line not given one, or an equal one and comes first.
        fractions.forEach((a, i) => {
          fractions.forEach((b, j) => {
            if (a.extra === 1n && b.extra === 0n)
              expect(a.remainder > b.remainder || (a.remainder === b.remainder && i < j)).toBe(true);
          });
        });
      }),
      RUNS,
    );
  });

  it('CGST = SGST within the State, only IGST across States, no tax without a regular GSTIN', () => {
    fc.assert(
      fc.property(quoted, ({ input, q }) => {
        const pos = input.place_of_supply ?? input.shop.state_code;
        for (const l of q.items) {
          expect(l.taxable).toBe(l.gross - l.discount);
          expect(l.line_total).toBe(l.taxable + l.cgst + l.sgst + l.igst);
          expect(l.cgst).toBe(l.sgst);
          if (!taxed(input.shop)) expect([l.cgst, l.sgst, l.igst]).toEqual([0, 0, 0]);
          else if (pos === input.shop.state_code) expect(l.igst).toBe(0);
          else expect([l.cgst, l.sgst]).toEqual([0, 0]);
          // Rounding each half on its own is at most one paisa from rounding the whole.
          if (taxed(input.shop)) {
            const whole = Number((BigInt(l.taxable) * BigInt(l.gst_rate_bp) * 2n + 10000n) / 20000n);
            expect(Math.abs(l.cgst + l.sgst + l.igst - whole)).toBeLessThanOrEqual(1);
          }
        }
        expect(q.document_type).toBe(taxed(input.shop) ? 'tax_invoice' : 'bill_of_supply');
        expect([q.taxable, q.cgst, q.sgst, q.igst]).toEqual(
          (['taxable', 'cgst', 'sgst', 'igst'] as const).map((k) => q.items.reduce((a, l) => a + l[k], 0)),
        );
      }),
      RUNS,
    );
  });

  it('|round_off| ≤ 50 paise and total = T + round_off, a whole rupee when the shop rounds', () => {
    fc.assert(
      fc.property(quoted, ({ input, q }) => {
        const t = q.items.reduce((a, l) => a + l.line_total, 0);
        expect(q.total).toBe(t + q.round_off);
        expect(Math.abs(q.round_off)).toBeLessThanOrEqual(50);
        if (input.shop.round_off && input.shop.gstin) {
          expect(q.total % 100).toBe(0);
          if (t % 100 === 50) expect(q.round_off).toBe(50);
        } else {
          expect(q.round_off).toBe(0);
        }
        if (!input.shop.gstin) expect(q.total).toBe(q.subtotal - q.discount);
      }),
      RUNS,
    );
  });
});
