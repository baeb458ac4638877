// Money arithmetic for the contract's one rounding rule: "round is half away from zero, to the
// paisa, everywhere". Every product that can leave 2^53 (N × R / 1000, a × bp / 10000,
// discount × gross / subtotal) is formed in bigint, so the result is exact for ANY safe-integer
// inputs; a result that would not be a safe integer throws RangeError instead of returning an
// inexact number.
//
// Magnitudes: inputs and results are safe integers (|x| ≤ 2^53 − 1 ≈ 9.007 × 10^15 paise,
// ₹90 lakh crore); intermediates are unbounded. Sales are capped at MAX_AMOUNT_PAISE, so with a
// GST rate ≤ 100% no amount of a sale exceeds 2 × 10^12 — three orders of magnitude inside the
// safe range. A weight line's N × R / 1000 stays safe up to, e.g., 10^9 mg (a tonne) at
// 10^9 paise/g (₹1 crore a gram).

/** Largest subtotal a sale may have (paise): ₹100 crore, the cap the v1 sales route already enforces. */
export const MAX_AMOUNT_PAISE = 1_000_000_000_000;

const MAX = BigInt(Number.MAX_SAFE_INTEGER);

function big(n: number): bigint {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not a safe integer`);
  return BigInt(n);
}

function safe(n: bigint): number {
  if (n > MAX || n < -MAX) throw new RangeError(`${n} is outside the safe integer range`);
  return Number(n);
}

/** numerator ÷ denominator rounded half away from zero (denominator > 0). */
export function roundDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('the denominator must be positive');
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator; // carries the numerator's sign
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice < denominator) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

/** round(a × b ÷ d), half away from zero, exact: the contract's `round(N × R / 1000)` and kin. */
export function mulDivRound(a: number, b: number, d: number): number {
  return safe(roundDiv(big(a) * big(b), big(d)));
}

/** floor(a × b ÷ d) and the remainder (0 ≤ remainder < d), for a, b ≥ 0 and d > 0. */
export function mulDivFloor(a: number, b: number, d: number): { quotient: number; remainder: number } {
  const product = big(a) * big(b);
  const divisor = big(d);
  if (product < 0n || divisor <= 0n) throw new RangeError('mulDivFloor takes a, b ≥ 0 and d > 0');
  return { quotient: safe(product / divisor), remainder: safe(product % divisor) };
}

/** a × b, exact or RangeError. */
export function multiply(a: number, b: number): number {
  return safe(big(a) * big(b));
}

/** Σ values, exact or RangeError. */
export function sum(values: readonly number[]): number {
  return safe(values.reduce((acc, v) => acc + big(v), 0n));
}

/**
 * What rounding an amount to the whole rupee adds: round(T / 100) × 100 − T, so ₹x.50 rounds up
 * (CGST Act s.170 rounds tax the same way: "fifty paise or more ... increased to one rupee").
 */
export function roundOffToRupee(paise: number): number {
  return multiply(mulDivRound(paise, 1, 100), 100) - paise;
}
