// "Today" is the shop's local date: the hour after UTC midnight is already tomorrow in India, and
// 31 March 18:30 UTC is 1 April there — a new financial year.
import { describe, expect, it } from 'vitest';
import { financialYearOf, shopDate, shopDay } from '../../../src/pricing/shop-day';

describe('the shop day', () => {
  it('is the local date, not the UTC date', () => {
    expect(shopDate(new Date('2026-11-30T18:29:59.999Z'), 'Asia/Kolkata')).toBe('2026-11-30');
    expect(shopDate(new Date('2026-11-30T18:30:00.000Z'), 'Asia/Kolkata')).toBe('2026-12-01');
    expect(shopDate(new Date('2026-11-30T19:00:00.000Z'), 'Asia/Kolkata')).toBe('2026-12-01');
    // The hour after UTC midnight: still yesterday west of UTC.
    expect(shopDate(new Date('2026-12-01T00:30:00.000Z'), 'Asia/Kolkata')).toBe('2026-12-01');
    expect(shopDate(new Date('2026-12-01T00:30:00.000Z'), 'America/New_York')).toBe('2026-11-30');
    expect(shopDate(new Date('2026-12-01T00:30:00.000Z'), 'UTC')).toBe('2026-12-01');
  });

  it('turns the financial year at local midnight on 1 April', () => {
    expect(shopDay(new Date('2027-03-31T18:29:59.999Z'), 'Asia/Kolkata')).toEqual({
      date: '2027-03-31',
      financial_year: { label: '2627', first_day: '2026-04-01', last_day: '2027-03-31' },
    });
    expect(shopDay(new Date('2027-03-31T18:30:00.000Z'), 'Asia/Kolkata')).toEqual({
      date: '2027-04-01',
      financial_year: { label: '2728', first_day: '2027-04-01', last_day: '2028-03-31' },
    });
  });

  it('labels each financial year by its two 2-digit years', () => {
    expect(financialYearOf('2026-04-01').label).toBe('2627');
    expect(financialYearOf('2026-03-31').label).toBe('2526');
    expect(financialYearOf('2027-01-15').label).toBe('2627');
    expect(financialYearOf('2099-12-31').label).toBe('9900');
    expect(financialYearOf('2000-02-29')).toEqual({ label: '9900', first_day: '1999-04-01', last_day: '2000-03-31' });
  });

  it('refuses a name that is not an IANA zone', () => {
    expect(() => shopDate(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});
