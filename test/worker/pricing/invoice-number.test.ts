// Document numbers: per-series prefix, financial-year label, and never more than 16 characters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DocumentSeries, documentNumber, maxSerial } from '../../../src/pricing/invoice-number';
import { RUNS } from './runs';

describe('document numbers', () => {
  it('are {prefix}/{YYYY}/{n}, with B for bills of supply and P for purchase vouchers', () => {
    expect(documentNumber('INV', 'tax_invoice', '2627', 1)).toBe('INV/2627/1');
    expect(documentNumber('INV', 'bill_of_supply', '2627', 42)).toBe('INVB/2627/42');
    expect(documentNumber('INV', 'purchase_voucher', '2728', 7)).toBe('INVP/2728/7');
  });

  it('leave room for at least 99,999 a year in every series of every allowed prefix', () => {
    expect(maxSerial('INV', 'tax_invoice')).toBe(9_999_999);
    expect(maxSerial('INV', 'bill_of_supply')).toBe(999_999);
    expect(maxSerial('ABCD', 'purchase_voucher')).toBe(99_999);
    expect(documentNumber('ABCD', 'purchase_voucher', '2627', 99_999)).toBe('ABCDP/2627/99999');
    expect(() => documentNumber('ABCD', 'purchase_voucher', '2627', 100_000)).toThrow(RangeError);
  });

  it('never exceed 16 characters (CGST Rule 46(b))', () => {
    const series = fc.constantFrom<DocumentSeries>('tax_invoice', 'bill_of_supply', 'purchase_voucher');
    const prefix = fc.stringMatching(/^[A-Z0-9]{1,4}$/);
    fc.assert(
      fc.property(prefix, series, fc.double({ min: 0, max: 1, noNaN: true }), (p, s, at) => {
        const n = Math.max(1, Math.floor(at * maxSerial(p, s)));
        expect(documentNumber(p, s, '2627', n).length).toBeLessThanOrEqual(16);
        expect(documentNumber(p, s, '2627', maxSerial(p, s)).length).toBe(16);
      }),
      RUNS,
    );
  });

  it('refuse a prefix, year label or serial outside the contract', () => {
    expect(() => documentNumber('inv', 'tax_invoice', '2627', 1)).toThrow(RangeError);
    expect(() => documentNumber('INVOI', 'tax_invoice', '2627', 1)).toThrow(RangeError);
    expect(() => documentNumber('INV', 'tax_invoice', '26-27', 1)).toThrow(RangeError);
    expect(() => documentNumber('INV', 'tax_invoice', '2627', 0)).toThrow(RangeError);
  });
});
