// How a sale is paid and the legal limits on it (contract: Payments, exchange and compliance on a
// sale). Pure checks over amounts the caller gathered; each returns the contract's refusal or null.
// The sale route runs them when selling — a quote skips the compliance rules.
import { sum } from './money';
import { type Outcome, type Refusal, refuse } from './refusal';

export type TenderMethod = 'cash' | 'card' | 'upi' | 'bank' | 'khata';

export interface Tender {
  method: TenderMethod;
  amount: number;
}

/**
 * The sale's tenders: `payments` as given, or `payment_method` as one tender of what is due after
 * the old gold. Exactly one of the two (422 PAYMENT_INVALID otherwise).
 */
export function tendersOf(
  body: { payment_method?: TenderMethod; payments?: readonly Tender[] },
  amountDue: number,
): Outcome<Tender[]> {
  if ((body.payment_method === undefined) === (body.payments === undefined)) {
    return {
      ok: false,
      refusal: refuse(422, 'PAYMENT_INVALID', 'Send exactly one of payment_method and payments', [
        { path: 'payments', message: 'exactly one of payment_method and payments is required' },
      ]),
    };
  }
  const tenders = body.payments
    ? [...body.payments]
    : [{ method: body.payment_method as TenderMethod, amount: amountDue }];
  return { ok: true, value: tenders };
}

/** The sale's v1 `payment_method`: its single tender's method, or `split`. */
export function paymentMethodOf(tenders: readonly Tender[]): TenderMethod | 'split' {
  const [only, ...rest] = tenders;
  return only && rest.length === 0 ? only.method : 'split';
}

/** Cash received in these tenders. */
export function cashIn(tenders: readonly Tender[]): number {
  return sum(tenders.filter((t) => t.method === 'cash').map((t) => t.amount));
}

/** Σ payments + exchange_total must equal total (422 PAYMENT_MISMATCH). */
export function checkPaymentsCover(
  due: { total: number; exchange_total: number },
  tenders: readonly Tender[],
): Refusal | null {
  const paid = sum(tenders.map((t) => t.amount));
  if (paid + due.exchange_total === due.total) return null;
  return refuse(422, 'PAYMENT_MISMATCH', 'The payments and the old gold must add up to the total', [
    { path: 'payments', message: `payments ${paid} + exchange ${due.exchange_total} ≠ total ${due.total}` },
  ]);
}

/** A purchase voucher pays out exactly what its old gold is worth (422 PAYMENT_MISMATCH). */
export function checkPayoutCovers(value: number, tenders: readonly Tender[]): Refusal | null {
  const paid = sum(tenders.map((t) => t.amount));
  if (paid === value) return null;
  return refuse(422, 'PAYMENT_MISMATCH', 'The payments must add up to the value of the old gold', [
    { path: 'payments', message: `payments ${paid} ≠ value ${value}` },
  ]);
}

/**
 * Income-tax Act s.269ST: no one may receive two lakh rupees or more in cash from a person in a
 * day, or in respect of a single transaction. So this sale's cash, plus the named customer's cash
 * already received on the shop-local day (`cash_today`, 0 for a walk-in), must stay below the
 * limit. A sale that takes no cash adds nothing and is not refused.
 */
export function checkCashLimit(c: { cash: number; cash_today: number; cash_limit_paise: number }): Refusal | null {
  if (c.cash === 0 || c.cash + c.cash_today < c.cash_limit_paise) return null;
  return refuse(422, 'CASH_LIMIT_EXCEEDED', 'Cash from one person must stay below the legal limit', [
    {
      path: 'payments',
      message: `cash ${c.cash} + earlier today ${c.cash_today} reaches the limit ${c.cash_limit_paise}`,
    },
  ]);
}

/**
 * Cash paid to one person in a day above `cash_payout_limit_paise` (Income-tax Act s.40A(3): a
 * payment "exceeds ten thousand rupees") needs a manager, and is audited when allowed.
 */
export function payoutNeedsManager(c: { cash: number; cash_today: number; cash_payout_limit_paise: number }): boolean {
  return c.cash > 0 && c.cash + c.cash_today > c.cash_payout_limit_paise;
}

/**
 * Income-tax Rule 114B: a sale or purchase of goods above two lakh rupees per transaction carries
 * the other party's PAN, or a Form 60 declaration when they have none. `pan_field` names the body's
 * field for that party's PAN: `customer_pan` on a sale, `seller_pan` on a purchase voucher.
 */
export function checkPan(c: {
  total: number;
  pan_threshold_paise: number;
  pan?: string | null;
  form60_ref?: string | null;
  pan_field?: 'customer_pan' | 'seller_pan';
}): Refusal | null {
  if (c.total <= c.pan_threshold_paise || c.pan || c.form60_ref) return null;
  const field = c.pan_field ?? 'customer_pan';
  const party = field === 'seller_pan' ? "seller's" : "buyer's";
  return refuse(422, 'PAN_REQUIRED', `A total above the threshold needs the ${party} PAN or a Form 60 reference`, [
    { path: field, message: `total ${c.total} > ${c.pan_threshold_paise}: give ${field} or form60_ref` },
  ]);
}

export interface BuyerDetails {
  gstin?: string | null;
  name?: string | null;
  address?: string | null;
  state_code?: string | null;
}

/**
 * CGST Rule 46(e): a tax invoice to an unregistered recipient with a taxable value of fifty
 * thousand rupees or more carries the recipient's name, address and State.
 */
export function checkBuyerDetails(c: {
  document_type: 'tax_invoice' | 'bill_of_supply';
  taxable: number;
  buyer_details_threshold_paise: number;
  buyer: BuyerDetails;
}): Refusal | null {
  if (c.document_type !== 'tax_invoice' || c.taxable < c.buyer_details_threshold_paise || c.buyer.gstin) return null;
  const missing = (['name', 'address', 'state_code'] as const).filter((f) => !c.buyer[f]);
  if (missing.length === 0) return null;
  return refuse(
    422,
    'BUYER_DETAILS_REQUIRED',
    "This tax invoice needs the buyer's name, address and state",
    missing.map((f) => ({ path: `buyer.${f}`, message: `required at a taxable value of ${c.taxable} paise` })),
  );
}
