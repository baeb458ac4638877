// A rule of the contract said no. Pure modules cannot throw the HTTP layer's ApiError (they import
// nothing from http/), so they return this instead; a route turns it into the error envelope with
// `new ApiError(r.status, r.code, r.message, r.details)`.

export type RefusalCode =
  | 'VALIDATION_FAILED'
  | 'INVALID_DISCOUNT'
  | 'AMOUNT_TOO_LARGE'
  | 'EXCHANGE_EXCEEDS_TOTAL'
  | 'PAYMENT_INVALID'
  | 'PAYMENT_MISMATCH'
  | 'CASH_LIMIT_EXCEEDED'
  | 'PAN_REQUIRED'
  | 'BUYER_DETAILS_REQUIRED'
  | 'HUID_MISSING';

export interface Refusal {
  status: 400 | 422;
  code: RefusalCode;
  message: string;
  details: { path?: string; message: string }[];
}

/** The value, or why the contract refuses to compute it. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export const refuse = (
  status: Refusal['status'],
  code: RefusalCode,
  message: string,
  details: Refusal['details'] = [],
): Refusal => ({ status, code, message, details });
