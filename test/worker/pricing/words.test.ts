// Amounts in words, Indian system.
import { describe, expect, it } from 'vitest';
import { amountInWords } from '../../../src/pricing/words';

describe('amountInWords', () => {
  it("reads the contract's example and its edges", () => {
    expect(amountInWords(10_230_450)).toBe('Rupees One Lakh Two Thousand Three Hundred Four and Fifty Paise Only');
    expect(amountInWords(10_230_400)).toBe('Rupees One Lakh Two Thousand Three Hundred Four Only');
    expect(amountInWords(0)).toBe('Rupees Zero Only');
    expect(amountInWords(1)).toBe('Rupees Zero and One Paisa Only');
    expect(amountInWords(1_999)).toBe('Rupees Nineteen and Ninety Nine Paise Only');
    expect(amountInWords(8_254_900)).toBe('Rupees Eighty Two Thousand Five Hundred Forty Nine Only');
  });

  it('counts lakhs and crores, and crores of crores', () => {
    expect(amountInWords(9_999_999_999)).toBe(
      'Rupees Nine Crore Ninety Nine Lakh Ninety Nine Thousand Nine Hundred Ninety Nine and Ninety Nine Paise Only',
    );
    expect(amountInWords(1_000_000_000_000)).toBe('Rupees One Thousand Crore Only'); // 10^12 paise
    expect(amountInWords(1_234_567_890_123)).toBe(
      'Rupees One Thousand Two Hundred Thirty Four Crore Fifty Six Lakh Seventy Eight Thousand Nine Hundred One and Twenty Three Paise Only',
    );
    expect(amountInWords(100_000_000_000_000)).toBe('Rupees One Lakh Crore Only');
    expect(amountInWords(1_000_000_110)).toBe('Rupees One Crore One and Ten Paise Only');
  });

  it('refuses negative and fractional amounts', () => {
    expect(() => amountInWords(-1)).toThrow(RangeError);
    expect(() => amountInWords(1.5)).toThrow(RangeError);
  });
});
