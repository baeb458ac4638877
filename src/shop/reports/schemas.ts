// Request and response schemas of /api/v1/reports. Money is paise and weights milligrams, as
// everywhere in the API; only the GSTR-1 document is in the portal's rupees.

import { METALS } from '../../db/schema';
import { isoDate, period, periodInOrder } from '../../http/fields';
import { z } from '../../http/openapi';
import { StockSchema as OldGoldStockSchema } from '../old-gold/schemas';
import { LEDGER_TENDERS } from './vouchers';

export const DAY_BOOK_TENDERS = [...LEDGER_TENDERS, 'old_gold', 'unrecorded'] as const;
const DAY_BOOK_KINDS = ['sale', 'void', 'khata_payment', 'purchase'] as const;
const SUMMARY_GROUPS = ['day', 'category', 'cashier', 'metal'] as const;

const paise = z.number().int();
const mg = z.number().int();

/** `json` (default) or `csv`; `Accept: text/csv` asks for CSV too. */
export const formatParam = z
  .enum(['json', 'csv'])
  .optional()
  .openapi({ description: 'Default json; `Accept: text/csv` also selects csv' });

export const DayBookQuery = z.strictObject({
  date: isoDate.optional().openapi({ description: 'The shop-local day; default today in the shop’s timezone' }),
  format: formatParam,
});

export const SalesSummaryQuery = z
  .strictObject({
    ...period,
    group: z.enum(SUMMARY_GROUPS).default('day'),
    format: formatParam,
  })
  .superRefine(periodInOrder);

export const StockQuery = z.strictObject({ format: formatParam });

export const Gstr1Query = z.strictObject({
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM')
    .openapi({ example: '2026-11' }),
  format: formatParam,
});

export const ExportQuery = z
  .strictObject({
    ...period,
    format: z
      .enum(['json', 'csv', 'tally'])
      .optional()
      .openapi({ description: 'Default json; `Accept: text/csv` also selects csv' }),
  })
  .superRefine(periodInOrder);

const tender = z.enum(DAY_BOOK_TENDERS);

const DayBookEntrySchema = z.object({
  at: z.string(),
  kind: z.enum(DAY_BOOK_KINDS),
  document: z.string().nullable(),
  party: z.string().nullable(),
  tender,
  amount_in: paise,
  amount_out: paise,
});

export const DayBookSchema = z
  .object({
    date: z.string(),
    timezone: z.string(),
    tenders: z.array(z.object({ tender, amount_in: paise, amount_out: paise, net: paise })),
    totals: z.object({ amount_in: paise, amount_out: paise, net: paise }),
    entries: z.array(DayBookEntrySchema),
  })
  .openapi('DayBook');

export type DayBook = z.infer<typeof DayBookSchema>;
export type DayBookEntry = z.infer<typeof DayBookEntrySchema>;
export type DayBookTender = DayBookEntry['tender'];
export type DayBookKind = DayBookEntry['kind'];

const SummaryRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  invoices: z.number().int(),
  pieces: z.number().int(),
  net_weight_mg: mg,
  taxable: paise,
  cgst: paise,
  sgst: paise,
  igst: paise,
  line_total: paise,
  /** Sale-level amounts: only for groups a whole sale falls in (day, cashier); null by category or metal. */
  round_off: paise.nullable(),
  total: paise.nullable(),
});

export const SalesSummarySchema = z
  .object({
    from: z.string(),
    to: z.string(),
    group: z.enum(SUMMARY_GROUPS),
    groups: z.array(SummaryRowSchema),
    voided: z.array(SummaryRowSchema),
    totals: z.object({ completed: SummaryRowSchema, voided: SummaryRowSchema }),
  })
  .openapi('SalesSummary');

export type SummaryGroup = (typeof SUMMARY_GROUPS)[number];
export type SummaryRow = z.infer<typeof SummaryRowSchema>;
export type SalesSummary = z.infer<typeof SalesSummarySchema>;

const metal = z.enum(METALS);

export const StockReportSchema = z
  .object({
    date: z.string(),
    groups: z.array(
      z.object({
        metal,
        purity: z.number().int(),
        /** Tagged pieces in stock. */
        pieces: z.number().int(),
        /** Units of products sold by count. */
        units: z.number().int(),
        gross_weight_mg: mg,
        net_weight_mg: mg,
        /** net × purity / 1000, rounded half away from zero. */
        fine_weight_mg: mg,
        /** Today's sell rate for this metal and purity (API.md "Rates"), or null when none is recorded. */
        rate_per_gram: paise.nullable(),
        rate_source: z.string().nullable(),
        /** round(net × rate / 1000): the metal's value at today's rate, before any charges. */
        value: paise.nullable(),
      }),
    ),
    metals: z.array(
      z.object({
        metal,
        pieces: z.number().int(),
        units: z.number().int(),
        gross_weight_mg: mg,
        net_weight_mg: mg,
        fine_weight_mg: mg,
        value: paise,
        unvalued_net_weight_mg: mg,
      }),
    ),
    old_gold: OldGoldStockSchema,
  })
  .openapi('StockReport');

export type StockReport = z.infer<typeof StockReportSchema>;
export type StockRow = StockReport['groups'][number];

export const VoucherSchema = z
  .object({
    type: z.enum(['sales', 'purchase']),
    date: z.string(),
    number: z.string(),
    party: z.string().nullable(),
    party_gstin: z.string().nullable(),
    taxable: paise,
    cgst: paise,
    sgst: paise,
    igst: paise,
    round_off: paise,
    total: paise,
    tenders: z.object({ cash: paise, card: paise, upi: paise, bank: paise, khata: paise }),
    old_gold: paise,
    entries: z.array(z.object({ ledger: z.string(), debit: paise })),
  })
  .openapi('Voucher');
