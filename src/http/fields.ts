// Field schemas shared by every resource, so one rule (trim, strip tags, lower-case email) is written once.
import { z } from '@hono/zod-openapi';
import { CLARITIES, COLORS, CUTS, DIAMOND_RANGES } from '../lib/diamond';
import { GST_STATE_CODES, GST_STATES, gstinProblem, PAN_PATTERN } from '../lib/gstin';

// Control characters (but tab and newlines) never belong in a name, note or address: they print as
// nothing on an invoice, and the sale's stored response uses a NUL as its invoice number's placeholder.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const stripTags = (s: string) =>
  s
    .replace(/<[^>]*>/g, '')
    .replace(CONTROL, '')
    .trim();

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

/** A path segment naming one thing (an id, a slug): 1–64 characters. */
export const pathParam = (name: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name, in: 'path' } });

export const idParam = z.object({ id: pathParam('id') });

/** `If-None-Match` of a cacheable public GET (compared by etagMatches). */
export const IfNoneMatch = z.object({ 'if-none-match': z.string().max(1024).optional() });

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

const DAY_MS = 86_400_000;
/** The first instant after all that `s` names: a date's next midnight (UTC), a timestamp's next millisecond (times are stored to the millisecond). */
const endOf = (s: string) => new Date(startOf(s).getTime() + (DATE.test(s) ? DAY_MS : 1)).toISOString();
const dayAfter = (day: string) => endOf(day).slice(0, 10);

/**
 * `from`/`to` of a list over times, both included: each a date (a whole UTC day) or a timestamp. Parsed
 * into the half-open range [from, to) of ISO timestamps that `inRange` (src/db/conditions.ts) reads.
 * Spread into a list's query schema, which ends with `.superRefine(rangeInOrder)`.
 */
export const timeRange = {
  from: instant
    .transform((s) => startOf(s).toISOString())
    .optional()
    .openapi({ description: 'On or after; a date means from its start (UTC)' }),
  to: instant.transform(endOf).optional().openapi({ description: 'On or before; a date means through its end (UTC)' }),
};

/** The same over days (`YYYY-MM-DD`, a column that holds a date), both included; parsed into [from, the day after to). */
export const dayRange = (what: string) => ({
  from: isoDate.optional().openapi({ description: `${what} on or after this date` }),
  to: isoDate
    .transform(dayAfter)
    .optional()
    .openapi({ description: `${what} on or before this date` }),
});

const fromAfterTo = (ctx: z.RefinementCtx) =>
  ctx.addIssue({ code: 'custom', path: ['from'], message: 'from is after to' });

/** A range that ends before it starts is refused with the rest of the query, not answered with an empty page. */
export const rangeInOrder = (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  // Both ends parsed: `to` is already past the last instant it names, so an empty range is out of order.
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) fromAfterTo(ctx);
};

/**
 * A report's period: shop-local days (`YYYY-MM-DD`), both required and both included, as the services
 * read them; spread into the query schema, which ends with `.superRefine(periodInOrder)`.
 */
export const period = {
  from: isoDate.openapi({ description: 'First shop-local day, inclusive' }),
  to: isoDate.openapi({ description: 'Last shop-local day, inclusive' }),
};

/** A period whose last day is before its first is refused like any other query error. */
export const periodInOrder = (q: { from: string; to: string }, ctx: z.RefinementCtx) => {
  if (q.from > q.to) fromAfterTo(ctx);
};

/** 100 kg: far beyond any piece, small enough to catch a unit mix-up. */
export const MAX_WEIGHT_MG = 100_000_000;
/** Integer milligrams, up to MAX_WEIGHT_MG. */
export const weightMg = z.number().int().min(0).max(MAX_WEIGHT_MG);

/** A measurement the diamond model may be given: positive and within the training data's range. */
const measurement = (k: keyof typeof DIAMOND_RANGES, unit: string) =>
  z
    .number()
    .min(DIAMOND_RANGES[k][0])
    .max(DIAMOND_RANGES[k][1])
    .optional()
    .openapi({ description: `${unit}, ${DIAMOND_RANGES[k][0]}–${DIAMOND_RANGES[k][1]} (the training data's range)` });
/** x, y, z: also 0, which the data uses for a dimension nobody measured (treated as missing). */
const dimension = (k: 'x' | 'y' | 'z') => z.union([z.literal(0), measurement(k, 'mm').unwrap()]).optional();

/** One round-cut diamond as the diamond model takes it: the 4Cs and, when known, its measurements. */
export const diamondItem = z
  .strictObject({
    carat: z.number().min(DIAMOND_RANGES.carat[0]).max(DIAMOND_RANGES.carat[1]).openapi({ example: 0.7 }),
    cut: z.enum(CUTS),
    color: z.enum(COLORS),
    clarity: z.enum(CLARITIES),
    depth: measurement('depth', 'total depth %'),
    table: measurement('table', 'table width %'),
    x: dimension('x'),
    y: dimension('y'),
    z: dimension('z'),
  })
  .openapi('DiamondItem');

/**
 * Stone lines as the contract gives them on products and pieces: `value_paise` is the value of all
 * stones of that line in one unit, given, or computed from `diamond` by the diamond model when the
 * product or piece is written (src/shop/predictions/stones.ts).
 */
export const stoneLines = z
  .array(
    z
      .strictObject({
        kind: cleanText(1, 50).openapi({ example: 'diamond' }),
        count: z.number().int().min(1).max(10_000),
        weight_mg: weightMg.openapi({ description: 'Each stone' }),
        value_paise: money.optional().openapi({ description: 'All `count` stones of one unit together' }),
        diamond: diamondItem.optional().openapi({
          description:
            'Instead of `value_paise`: one stone of the line, valued by the diamond model when this is written ' +
            '(`count` × its `value_paise` from POST /predictions/diamond), and stored with the model’s name and version',
        }),
      })
      .superRefine((line, ctx) => {
        if ((line.value_paise === undefined) === (line.diamond === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: ['value_paise'],
            message: 'give either value_paise or diamond (valued by the model), not both',
          });
        }
      }),
  )
  .max(50);

export type StoneLineInput = z.infer<typeof stoneLines>[number];
