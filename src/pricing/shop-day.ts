// "Today" for rates, invoices, limits and the financial year is the shop's local date, never the
// UTC date (contract: Shop profile → timezone). Between 18:30 and 24:00 UTC it is already tomorrow
// in India; a shop in a zone west of UTC is behind instead. Intl carries the IANA zone database in
// workerd as in Node, so the answer follows each zone's own offsets and DST rules.

export interface FinancialYear {
  /** The two 2-digit years, `2627` for 1 April 2026 – 31 March 2027: the invoice number's `YYYY`. */
  label: string;
  first_day: string;
  last_day: string;
}

export interface ShopDay {
  date: string;
  financial_year: FinancialYear;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // Throws RangeError for a name that is not an IANA zone: the shop profile validates it first.
    format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(timeZone, format);
  }
  return format;
}

/** The shop-local calendar date, `YYYY-MM-DD`, of an instant. */
export function shopDate(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    formatIn(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const twoDigits = (year: number) => String(year % 100).padStart(2, '0');

/**
 * The financial year (1 April – 31 March) holding a date: invoice series are "unique for a
 * financial year" (CGST Rule 46(b)), so each starts again at 1 on 1 April.
 */
export function financialYearOf(date: string): FinancialYear {
  const year = Number(date.slice(0, 4));
  const start = date.slice(5) >= '04-01' ? year : year - 1;
  return {
    label: `${twoDigits(start)}${twoDigits(start + 1)}`,
    first_day: `${start}-04-01`,
    last_day: `${start + 1}-03-31`,
  };
}

/** The shop's day and financial year at an instant. */
export function shopDay(at: Date, timeZone: string): ShopDay {
  const date = shopDate(at, timeZone);
  return { date, financial_year: financialYearOf(date) };
}

/** The shop-local date `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const offsets = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetAt(at: number, timeZone: string): number {
  let format = offsets.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsets.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, Number(x.value)]));
  const local = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return local - Math.floor(at / 1000) * 1000;
}

/**
 * The UTC instant (ISO) at which a shop-local date begins: the bound of "the shop-local day" for
 * rows that carry only an instant (khata entries), and when a financial year ends. Two passes settle
 * a DST change between the guess and the answer.
 */
export function startOfShopDate(date: string, timeZone: string): string {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  let at = midnightUtc - offsetAt(midnightUtc, timeZone);
  at = midnightUtc - offsetAt(at, timeZone);
  return new Date(at).toISOString();
}
