import { describe, expect, it } from 'vitest';
import { GST_STATE_CODES, GST_STATES, gstinCheckChar, gstinProblem, isUtgstState } from '../../../src/lib/gstin';

// Published GSTINs and their check characters: python-stdnum's doctest, Reliance Industries'
// Maharashtra registration, a published validator example (sources in src/lib/gstin.ts).
const PUBLISHED = ['27AAPFU0939F1ZV', '27AAACR5055K1Z7', '29AAGCB7383J1Z4'];

describe('GSTIN', () => {
  it('computes the published check characters (Luhn mod 36)', () => {
    for (const g of PUBLISHED) {
      expect(gstinCheckChar(g.slice(0, 14)), g).toBe(g[14]);
      expect(gstinProblem(g), g).toBeNull();
    }
  });

  it('catches every single-character typo and every adjacent swap of a published GSTIN', () => {
    const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const g = '27AAPFU0939F1ZV';
    for (let i = 0; i < 15; i++) {
      for (const ch of chars) {
        if (ch === g[i]) continue;
        const typo = g.slice(0, i) + ch + g.slice(i + 1);
        expect(gstinProblem(typo), typo).not.toBeNull();
      }
    }
    for (let i = 0; i < 14; i++) {
      if (g[i] === g[i + 1]) continue;
      const swapped = g.slice(0, i) + g[i + 1] + g[i] + g.slice(i + 2);
      expect(gstinProblem(swapped), swapped).not.toBeNull();
    }
  });

  it('refuses the wrong length, a broken layout, an unknown state code and a 14th character other than Z', () => {
    expect(gstinProblem('27AAPFU0939F1Z')).toMatch(/15 characters/);
    for (const bad of ['2AAAPFU0939F1ZV', '27AAPF10939F1ZV', '27AAPFU0939F0ZV', '27AAPFU0939F1YV', '27aapfu0939f1zv']) {
      expect(gstinProblem(bad), bad).toMatch(/not a GSTIN/);
    }
    const unknownState = `40AAPFU0939F1Z`;
    expect(gstinProblem(unknownState + gstinCheckChar(unknownState))).toMatch(/not a GST state code/);
    expect(gstinProblem('27AAPFU0939F1ZW')).toMatch(/check character/);
  });

  it('knows 01–38, 97 and 99, and which territories charge UTGST (UTGST Act s.2(8))', () => {
    const codes = GST_STATE_CODES;
    expect(codes).toEqual([...Array.from({ length: 38 }, (_, i) => String(i + 1).padStart(2, '0')), '97', '99']);
    expect(codes.filter(isUtgstState)).toEqual(['04', '25', '26', '31', '35', '38', '97']);
    expect(isUtgstState('07')).toBe(false); // Delhi has a legislature: SGST
    expect(GST_STATES['27']?.name).toBe('Maharashtra');
  });
});
