// Tenders and the legal limits on a sale, each refusal with the contract's code.
import { describe, expect, it } from 'vitest';
import {
  cashIn,
  checkBuyerDetails,
  checkCashLimit,
  checkPan,
  checkPaymentsCover,
  checkPayoutCovers,
  paymentMethodOf,
  payoutNeedsManager,
  tendersOf,
} from '../../../src/pricing/payments';

const LAKH = 100_000 * 100;

describe('tenders', () => {
  it('payment_method is one tender of what the old gold leaves due; payments are taken as given', () => {
    expect(tendersOf({ payment_method: 'upi' }, 5_244_340)).toEqual({
      ok: true,
      value: [{ method: 'upi', amount: 5_244_340 }],
    });
    const split = [
      { method: 'cash' as const, amount: 100 },
      { method: 'card' as const, amount: 200 },
      { method: 'cash' as const, amount: 50 },
    ];
    expect(tendersOf({ payments: split }, 350)).toEqual({ ok: true, value: split });
    expect(paymentMethodOf(split)).toBe('split');
    expect(paymentMethodOf([{ method: 'khata', amount: 1 }])).toBe('khata');
    expect(cashIn(split)).toBe(150);
  });

  it('both or neither of payment_method and payments is the 422 PAYMENT_INVALID', () => {
    for (const body of [{}, { payment_method: 'cash' as const, payments: [] }]) {
      expect(tendersOf(body, 1)).toMatchObject({ ok: false, refusal: { status: 422, code: 'PAYMENT_INVALID' } });
    }
  });

  it('Σ payments + exchange_total must equal the total (PAYMENT_MISMATCH)', () => {
    const due = { total: 8_254_900, exchange_total: 3_010_560 };
    expect(checkPaymentsCover(due, [{ method: 'card', amount: 5_244_340 }])).toBeNull();
    expect(checkPaymentsCover(due, [{ method: 'card', amount: 5_244_339 }])).toMatchObject({
      status: 422,
      code: 'PAYMENT_MISMATCH',
      details: [{ path: 'payments' }],
    });
  });
});

describe('s.269ST cash limit', () => {
  const limit = { cash_limit_paise: 2 * LAKH };
  it('refuses cash that reaches ₹2,00,000 in the sale or with the day’s earlier cash', () => {
    expect(checkCashLimit({ ...limit, cash: 2 * LAKH - 1, cash_today: 0 })).toBeNull();
    expect(checkCashLimit({ ...limit, cash: 2 * LAKH, cash_today: 0 })).toMatchObject({
      status: 422,
      code: 'CASH_LIMIT_EXCEEDED',
    });
    expect(checkCashLimit({ ...limit, cash: LAKH, cash_today: LAKH - 1 })).toBeNull();
    expect(checkCashLimit({ ...limit, cash: LAKH, cash_today: LAKH })).toMatchObject({ code: 'CASH_LIMIT_EXCEEDED' });
  });
  it('does not refuse a sale that takes no cash', () => {
    expect(checkCashLimit({ ...limit, cash: 0, cash_today: 5 * LAKH })).toBeNull();
  });
  it('cash paid out above ₹10,000 in a day (s.40A(3)) needs a manager', () => {
    const payout = { cash_payout_limit_paise: 1_000_000 };
    expect(payoutNeedsManager({ ...payout, cash: 1_000_000, cash_today: 0 })).toBe(false);
    expect(payoutNeedsManager({ ...payout, cash: 600_000, cash_today: 400_001 })).toBe(true);
    expect(payoutNeedsManager({ ...payout, cash: 0, cash_today: 2_000_000 })).toBe(false);
  });
});

describe('Rule 114B PAN', () => {
  const t = { pan_threshold_paise: 2 * LAKH };
  it('a total above the threshold needs a PAN or Form 60 reference', () => {
    expect(checkPan({ ...t, total: 2 * LAKH })).toBeNull();
    expect(checkPan({ ...t, total: 2 * LAKH + 1 })).toMatchObject({ status: 422, code: 'PAN_REQUIRED' });
    expect(checkPan({ ...t, total: 2 * LAKH + 1, pan: 'ABCDE1234F' })).toBeNull();
    expect(checkPan({ ...t, total: 2 * LAKH + 1, pan: null, form60_ref: 'F60-17' })).toBeNull();
  });
  it('names the field of the party it asks: the buyer on a sale, the seller on a purchase voucher', () => {
    expect(checkPan({ ...t, total: 2 * LAKH + 1 })?.details).toEqual([
      { path: 'customer_pan', message: expect.any(String) },
    ]);
    expect(checkPan({ ...t, total: 2 * LAKH + 1, pan_field: 'seller_pan' })).toMatchObject({
      message: expect.stringContaining("seller's PAN"),
      details: [{ path: 'seller_pan' }],
    });
  });
});

describe('a purchase voucher pays out its value', () => {
  it('Σ payments must equal the value of the old gold, to the paisa', () => {
    const tenders = [
      { method: 'cash' as const, amount: 900_000 },
      { method: 'bank' as const, amount: 100 },
    ];
    expect(checkPayoutCovers(900_100, tenders)).toBeNull();
    for (const value of [900_099, 900_101]) {
      expect(checkPayoutCovers(value, tenders)).toMatchObject({
        status: 422,
        code: 'PAYMENT_MISMATCH',
        details: [{ path: 'payments', message: `payments 900100 ≠ value ${value}` }],
      });
    }
  });
});

describe('CGST Rule 46(e) buyer details', () => {
  const base = { document_type: 'tax_invoice' as const, buyer_details_threshold_paise: 50_000 * 100 };
  it('a tax invoice of ₹50,000 taxable or more to a buyer without GSTIN needs name, address and state', () => {
    expect(checkBuyerDetails({ ...base, taxable: 4_999_999, buyer: {} })).toBeNull();
    expect(checkBuyerDetails({ ...base, taxable: 5_000_000, buyer: { name: 'Asha' } })).toMatchObject({
      status: 422,
      code: 'BUYER_DETAILS_REQUIRED',
      details: [{ path: 'buyer.address' }, { path: 'buyer.state_code' }],
    });
    expect(
      checkBuyerDetails({ ...base, taxable: 5_000_000, buyer: { name: 'Asha', address: 'Pune', state_code: '27' } }),
    ).toBeNull();
  });
  it('a registered buyer or a bill of supply needs none', () => {
    expect(checkBuyerDetails({ ...base, taxable: 9 * LAKH, buyer: { gstin: '29AAGCB7383J1Z4' } })).toBeNull();
    expect(checkBuyerDetails({ ...base, document_type: 'bill_of_supply', taxable: 9 * LAKH, buyer: {} })).toBeNull();
  });
});
