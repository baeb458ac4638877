// Document numbers: `{prefix}/{YYYY}/{n}` for tax invoices, `{prefix}B/…` for bills of supply and
// `{prefix}P/…` for old gold purchase vouchers, each series counting from 1 per financial year.
// CGST Rule 46(b): "a consecutive serial number not exceeding sixteen characters, in one or
// multiple series, containing alphabets or numerals or special characters — hyphen or dash and
// slash ... unique for a financial year"; Rule 49 asks the same of a bill of supply.
//
// Room for n: 16 − (series code + two slashes + 4-digit year). With the longest prefix the contract
// allows (4 characters) a B or P series has 5 digits, so every series of every shop can number at
// least 99,999 documents a year; the default `INV` has 7 digits (9,999,999), `INVB` 6 (999,999).

export type DocumentSeries = 'tax_invoice' | 'bill_of_supply' | 'purchase_voucher';

export const MAX_DOCUMENT_NUMBER_LENGTH = 16;

const SUFFIX: Record<DocumentSeries, string> = { tax_invoice: '', bill_of_supply: 'B', purchase_voucher: 'P' };

const PREFIX = /^[A-Z0-9]{1,4}$/;
const FY_LABEL = /^\d{4}$/;

/** What a series adds to the shop's prefix: nothing, `B` or `P`. */
export const seriesSuffix = (series: DocumentSeries): string => SUFFIX[series];

/** The series' own prefix: `INV`, `INVB`, `INVP`. */
export function seriesCode(prefix: string, series: DocumentSeries): string {
  if (!PREFIX.test(prefix)) throw new RangeError(`invoice prefix ${JSON.stringify(prefix)} is not 1–4 of A–Z 0–9`);
  return prefix + SUFFIX[series];
}

/** The largest n whose number still fits in 16 characters. */
export function maxSerial(prefix: string, series: DocumentSeries): number {
  const digits = MAX_DOCUMENT_NUMBER_LENGTH - seriesCode(prefix, series).length - '//'.length - 'YYYY'.length;
  return 10 ** digits - 1;
}

/** `{series code}/{YYYY}/{n}`; n must be 1 … maxSerial (the caller's sequence guards the bound). */
export function documentNumber(prefix: string, series: DocumentSeries, fyLabel: string, n: number): string {
  if (!FY_LABEL.test(fyLabel)) throw new RangeError(`financial year label ${JSON.stringify(fyLabel)} is not YYYY`);
  if (!Number.isSafeInteger(n) || n < 1 || n > maxSerial(prefix, series)) {
    throw new RangeError(`serial ${n} does not fit the ${seriesCode(prefix, series)} series`);
  }
  return `${seriesCode(prefix, series)}/${fyLabel}/${n}`;
}
