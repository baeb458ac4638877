// The printable documents' shell: amounts in Indian grouping, weights in grams, escaping, one page.
import { describe, expect, it } from 'vitest';
import { documentPage, escapeHtml, grams, headerBlock, percent, rupees } from '../../../src/shop/documents/page';

describe('document page helpers', () => {
  it('rupees groups the Indian way (thousand, then lakh and crore by twos) and keeps every paisa', () => {
    expect(rupees(10_230_450)).toBe('₹1,02,304.50');
    expect(rupees(0)).toBe('₹0.00');
    expect(rupees(5)).toBe('₹0.05');
    expect(rupees(99_999)).toBe('₹999.99');
    expect(rupees(100_000)).toBe('₹1,000.00');
    expect(rupees(123_456_789_012)).toBe('₹1,23,45,67,890.12');
    expect(rupees(-36)).toBe('−₹0.36');
    expect(() => rupees(1.5)).toThrow(RangeError);
  });

  it('grams shows milligrams exactly, percent shows basis points', () => {
    expect(grams(8_540)).toBe('8.540 g');
    expect(grams(5)).toBe('0.005 g');
    expect(grams(1_234_567)).toBe('1,234.567 g');
    expect(percent(150)).toBe('1.50%');
    expect(percent(10_000)).toBe('100.00%');
    expect(percent(5)).toBe('0.05%');
  });

  it('escapes what a person typed, in text and in attributes', () => {
    expect(escapeHtml(`<b onclick="x">D'Souza & Sons</b>`)).toBe(
      '&lt;b onclick=&quot;x&quot;&gt;D&#39;Souza &amp; Sons&lt;/b&gt;',
    );
  });

  it('a page is one self-contained document: its own styles, no script, no link, no image', () => {
    const html = documentPage(
      'A <title>',
      headerBlock(
        { legal_name: 'A & B Jewellers', address: null, gstin: '27AAPFU0939F1ZV', state_code: '27' },
        { title: 'Purchase voucher', number: 'INVP/2627/7', date: '2026-11-30' },
      ),
    );
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>A &lt;title&gt;</title>');
    expect(html).toContain('A &amp; B Jewellers');
    expect(html).toContain('@page { size: A4;');
    expect(html).not.toMatch(/<script|<link|<img|src=|href=|url\(|@import/i);
  });
});
