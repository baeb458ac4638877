// Field schemas shared by every resource, so one rule (trim, strip tags, lower-case email) is written once.
import { z } from '@hono/zod-openapi';
import { GST_STATE_CODES, GST_STATES, gstinProblem, PAN_PATTERN } from '../lib/gstin';

// Control characters (but tab and newlines) never belong in a name, note or address: they print as
// nothing on an invoice, and the sale's stored response uses a NUL as its invoice number's placeholder.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const stripTags = (s: string) => s.replace(/<[^>]*>/g, '').replace(CONTROL, '').trim();

/**
 * Free text: trimmed and stripped of HTML tags and control characters before validation and storage. The document states
 * the bounds the cleaned text must meet (the raw string may be up to twice as long, for tags).
 */
export const cleanText = (min: number, max: number) =>
  z
    .string()
    .max(max * 2)
    .transform(stripTags)
    .pipe(z.string().min(min).max(max))
    .openapi({ minLength: min, maxLength: max });

export const email = z
  .string()
  .max(254)
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.email())
  .openapi({ format: 'email', example: 'owner@demo.tijori.app' });

export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

/** Integer minor units (paise); never floats. */
export const money = z.number().int().min(0).max(1_000_000_000_000);

/** A query-string boolean: exactly `true` or `false`. */
export const queryBool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A query-string non-negative integer (digits only: no signs, exponents or blanks). */
export const queryInt = z
  .string()
  .regex(/^\d{1,15}$/, 'a non-negative integer')
  .transform(Number);

/** `YYYY-MM-DD` names a day that exists (Date would roll 2026-02-30 over to March 2). */
export const isCalendarDate = (s: string) => {
  const d = new Date(`${s}T00:00:00.000Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
};

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date')
  .openapi({ format: 'date', example: '2026-11-22' });

/** A GSTIN: format, state code and GSTN's check character (src/lib/gstin.ts); trimmed, stored uppercase. */
export const gstin = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((s, ctx) => {
    const problem = gstinProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .openapi({
    description: '15 characters: GST state code, PAN, entity number, `Z`, GSTN check character',
    minLength: 15,
    maxLength: 15,
    example: '27AAPFU0939F1ZV',
  });

/** A PAN, `AAAAA9999A`; trimmed, stored uppercase. */
export const pan = z
  .string()
  .trim()
  .toUpperCase()
  .regex(PAN_PATTERN, 'a PAN: five letters, four digits, a letter (AAAAA9999A)')
  .openapi({ example: 'ABCPS1234K' });

/** A 2-digit GST state code. Not z.enum: its object keys would list "10"–"99" before "01"–"09". */
export const gstStateCode = z
  .string()
  .refine((s) => Object.hasOwn(GST_STATES, s), 'a GST state code: 01–38, 97 (Other Territory) or 99')
  .openapi({ enum: GST_STATE_CODES, example: '27' });

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A date (`YYYY-MM-DD`, a whole UTC day) or an ISO 8601 timestamp with its offset, on a real day. */
export const instant = z
  .string()
  .refine(
    (s) => (DATE.test(s) || TIMESTAMP.test(s)) && isCalendarDate(s.slice(0, 10)) && !Number.isNaN(Date.parse(s)),
    'a date (YYYY-MM-DD) or an ISO 8601 timestamp with offset',
  )
  .openapi({
    pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2}))?$',
    example: '2026-11-22',
  });

/** Where an instant starts: a date's first millisecond (UTC), else the timestamp itself. */
export const startOf = (s: string) => new Date(DATE.test(s) ? `${s}T00:00:00.000Z` : s);

/** 100 kg: far beyond any piece, small enough to catch a unit mix-up. */
export const MAX_WEIGHT_MG = 100_000_000;
/** Integer milligrams, up to MAX_WEIGHT_MG. */
export const weightMg = z.number().int().min(0).max(MAX_WEIGHT_MG);

/**
 * Stone lines as the contract gives them on products and pieces: `value_paise` is the value of all
 * stones of that line in one unit.
 */
export const stoneLines = z
  .array(
    z.strictObject({
      kind: cleanText(1, 50).openapi({ example: 'diamond' }),
      count: z.number().int().min(1).max(10_000),
      weight_mg: weightMg.openapi({ description: 'Each stone' }),
      value_paise: money.openapi({ description: 'All `count` stones of one unit together' }),
    }),
  )
  .max(50);
