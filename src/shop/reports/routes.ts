// /api/v1/reports (owner, manager): the day book, the sales summary, stock by weight, GSTR-1 and the
// accounting export. Each answers JSON, or CSV for `?format=csv` or `Accept: text/csv` (amounts
// there in rupees with two decimals, weights in mg); the export also answers Tally XML.
import type { Context } from 'hono';
import { signedIn } from '../../auth/guard';
import { createRouter, dataOf, defineRoute, ok, z } from '../../http/openapi';
import type { AppEnv } from '../../http/types';
import { type Cell, csvOf } from './csv';
import { CSV_TYPE, type ExportFile, voucherExport } from './export';
import { type Gstr1, Gstr1Schema } from './gstr1';
import {
  type DayBook,
  DayBookQuery,
  DayBookSchema,
  ExportQuery,
  Gstr1Query,
  type SalesSummary,
  SalesSummaryQuery,
  SalesSummarySchema,
  StockQuery,
  type StockReport,
  StockReportSchema,
  VoucherSchema,
} from './schemas';
import { dayBook, gstr1, salesSummary, stockReport } from './service';
import { rupeeText } from './vouchers';

type C = Context<AppEnv>;
const tags = ['Reports'];

const jsonOrCsv = <T extends z.ZodType>(schema: T, description: string) => ({
  content: {
    'application/json': { schema: dataOf(schema) },
    'text/csv': { schema: z.string().openapi({ description: "RFC 4180, CRLF; formula-like cells prefixed with '" }) },
  },
  description,
});

/** A streamed body; with a file name it is an attachment. */
function download(c: C, { body, type, filename }: ExportFile) {
  c.header('Content-Type', type);
  if (filename) c.header('Content-Disposition', `attachment; filename="${filename}"`);
  return c.body(body, 200);
}

const wantsCsv = (c: C, format: 'json' | 'csv' | undefined) =>
  format === 'csv' || (format === undefined && (c.req.header('Accept') ?? '').includes('text/csv'));

/** The report as JSON, or its rows as CSV. */
function answer<T>(
  c: C,
  format: 'json' | 'csv' | undefined,
  data: T,
  name: string,
  csv: (d: T) => [string[], Cell[][]],
) {
  if (!wantsCsv(c, format)) return ok(c, data);
  const [header, rows] = csv(data);
  // Typed routes know only c.json() results; the CSV is declared beside the JSON in the route.
  return download(c, { body: csvOf(header, rows), type: CSV_TYPE, filename: `${name}.csv` }) as unknown as ReturnType<
    typeof ok<T>
  >;
}

const rs = (paise: number | null) => (paise === null ? null : rupeeText(paise));

const dayBookCsv = (d: DayBook): [string[], Cell[][]] => [
  ['at', 'kind', 'document', 'party', 'tender', 'amount_in', 'amount_out'],
  d.entries.map((e) => [e.at, e.kind, e.document, e.party, e.tender, rs(e.amount_in), rs(e.amount_out)]),
];

const salesCsv = (s: SalesSummary): [string[], Cell[][]] => [
  [
    'status',
    'key',
    'label',
    'invoices',
    'pieces',
    'net_weight_mg',
    'taxable',
    'cgst',
    'sgst',
    'igst',
    'line_total',
    'round_off',
    'total',
  ],
  (
    [
      ['completed', s.groups],
      ['voided', s.voided],
    ] as const
  ).flatMap(([status, rows]) =>
    rows.map((r) => [
      status,
      r.key,
      r.label,
      r.invoices,
      r.pieces,
      r.net_weight_mg,
      rs(r.taxable),
      rs(r.cgst),
      rs(r.sgst),
      rs(r.igst),
      rs(r.line_total),
      rs(r.round_off),
      rs(r.total),
    ]),
  ),
];

const stockCsv = (s: StockReport): [string[], Cell[][]] => [
  [
    'section',
    'metal',
    'purity',
    'pieces',
    'units',
    'gross_weight_mg',
    'net_weight_mg',
    'fine_weight_mg',
    'rate_per_gram',
    'value',
  ],
  [
    ...s.groups.map((g): Cell[] => [
      'stock',
      g.metal,
      g.purity,
      g.pieces,
      g.units,
      g.gross_weight_mg,
      g.net_weight_mg,
      g.fine_weight_mg,
      rs(g.rate_per_gram),
      rs(g.value),
    ]),
    ...s.old_gold.flatMap((g) =>
      (['purchased', 'exchanged'] as const).map((from): Cell[] => [
        `old_gold_${from}`,
        g.metal,
        null,
        null,
        null,
        null,
        g[from].net_weight_mg,
        g[from].fine_weight_mg,
        null,
        null,
      ]),
    ),
  ],
];

const GSTR1_CSV = [
  'section',
  'ctin',
  'inum',
  'idt',
  'val',
  'pos',
  'sply_ty',
  'hsn_sc',
  'uqc',
  'qty',
  'rt',
  'txval',
  'iamt',
  'camt',
  'samt',
  'csamt',
  'from',
  'to',
  'totnum',
  'cancel',
  'net_issue',
] as const;
type Gstr1Cells = Partial<Record<(typeof GSTR1_CSV)[number], string | number>>;
const two = (n: number) => n.toFixed(2);

const gstr1Csv = (g: Gstr1): [string[], Cell[][]] => {
  const item = (d: { rt: number; txval: number; iamt: number; camt?: number; samt?: number; csamt: number }) => ({
    rt: d.rt,
    txval: two(d.txval),
    iamt: two(d.iamt),
    camt: two(d.camt ?? 0),
    samt: two(d.samt ?? 0),
    csamt: two(d.csamt),
  });
  const rows: Gstr1Cells[] = [
    ...g.b2b.flatMap((b) =>
      b.inv.flatMap((i) =>
        i.itms.map((t) => ({
          section: 'b2b',
          ctin: b.ctin,
          inum: i.inum,
          idt: i.idt,
          val: two(i.val),
          pos: i.pos,
          ...item(t.itm_det),
        })),
      ),
    ),
    ...g.b2cl.flatMap((b) =>
      b.inv.flatMap((i) =>
        i.itms.map((t) => ({
          section: 'b2cl',
          inum: i.inum,
          idt: i.idt,
          val: two(i.val),
          pos: b.pos,
          ...item(t.itm_det),
        })),
      ),
    ),
    ...g.b2cs.map((b) => ({ section: 'b2cs', pos: b.pos, sply_ty: b.sply_ty, ...item(b) })),
    ...(['hsn_b2b', 'hsn_b2c'] as const).flatMap((section) =>
      g.hsn[section].map((h) => ({ section, hsn_sc: h.hsn_sc, uqc: h.uqc, qty: two(h.qty), ...item(h) })),
    ),
    ...g.doc_issue.doc_det.flatMap((d) =>
      d.docs.map((x) => ({
        section: 'doc_issue',
        from: x.from,
        to: x.to,
        totnum: x.totnum,
        cancel: x.cancel,
        net_issue: x.net_issue,
      })),
    ),
  ];
  return [[...GSTR1_CSV], rows.map((r) => GSTR1_CSV.map((k) => r[k]))];
};

export const reportRoutes = createRouter()
  .openapi(
    defineRoute({
      method: 'get',
      path: '/day-book',
      operationId: 'getDayBook',
      tags,
      ...signedIn('manager'),
      summary: 'Every money movement of a shop-local day, by tender',
      description:
        'Sales’ tenders and the old gold they took in exchange, voids (whenever the sale was made: its ' +
        'tenders and old gold handed back, as `amount_out`), khata collections (under the tender they were ' +
        'paid in), and purchase vouchers (payouts out, the old gold bought in). The `khata` tender is credit ' +
        'given on sales. No opening float is recorded, so `net` is the day’s change per tender, not a closing ' +
        'balance.',
      request: { query: DayBookQuery },
      responses: { 200: jsonOrCsv(DayBookSchema, 'The day book') },
    }),
    async (c) => {
      const { date, format } = c.req.valid('query');
      const book = await dayBook(c, date);
      return answer(c, format, book, `day-book-${book.date}`, dayBookCsv);
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/sales',
      operationId: 'getSalesSummary',
      tags,
      ...signedIn('manager'),
      summary: 'Sales of a period by day, category, cashier or metal; voids apart',
      description:
        'Per group: invoices, pieces (quantity), net weight, taxable value, taxes and line totals of completed ' +
        'sales; by day or cashier also round-off and total. Voided sales are summed the same way in `voided`. ' +
        '`totals` count each invoice once (a sale of two categories is one invoice).',
      request: { query: SalesSummaryQuery },
      responses: { 200: jsonOrCsv(SalesSummarySchema, 'The summary') },
    }),
    async (c) => {
      const { from, to, group, format } = c.req.valid('query');
      const summary = await salesSummary(c, from, to, group);
      return answer(c, format, summary, `sales-${from}-${to}-${group}`, salesCsv);
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/stock',
      operationId: 'getStockReport',
      tags,
      ...signedIn('manager'),
      summary: 'Stock by metal and purity: pieces, units, gross/net/fine weight and value at today’s rate',
      description:
        'Fine weight is `round(net × purity / 1000)` mg. Value is the metal at today’s sell rate ' +
        '(`round(net × rate / 1000)`, the rate chosen as a sale would choose it), before making and stones; ' +
        'null when no rate is recorded. Old gold held: what completed exchanges and purchase vouchers took in.',
      request: { query: StockQuery },
      responses: { 200: jsonOrCsv(StockReportSchema, 'The stock report') },
    }),
    async (c) => {
      const { format } = c.req.valid('query');
      const stock = await stockReport(c);
      return answer(c, format, stock, `stock-${stock.date}`, stockCsv);
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/gstr1',
      operationId: 'getGstr1',
      errors: ['NOT_GST_REGISTERED'],
      tags,
      ...signedIn('manager'),
      summary: 'GSTR-1 of a month in the GST portal’s offline-tool JSON',
      description:
        'Sections b2b, b2cl (inter-State to unregistered buyers above ₹1,00,000; ₹2,50,000 before August ' +
        '2024), b2cs, hsn (hsn_b2b / hsn_b2c, quantity in grams) and doc_issue; amounts in rupees with two ' +
        'decimals. Voided invoices are reported only as cancelled documents. Sources: README "Reports".',
      request: { query: Gstr1Query },
      responses: { 200: jsonOrCsv(Gstr1Schema, 'The GSTR-1 JSON (its `data`)') },
    }),
    async (c) => {
      const { period, format } = c.req.valid('query');
      return answer(c, format, await gstr1(c, period), `gstr1-${period}`, gstr1Csv);
    },
  )
  .openapi(
    defineRoute({
      method: 'get',
      path: '/export',
      operationId: 'exportVouchers',
      tags,
      ...signedIn('manager'),
      summary: 'Sales and purchase vouchers of a period as JSON, CSV or Tally XML (streamed)',
      description:
        'Issued sales (voided ones carry no accounting entries) and old gold purchase vouchers, each with ' +
        'balanced ledger entries (README "Reports" names the ledgers). `format=tally` is the XML TallyPrime ' +
        'imports (Import Data → Vouchers). Streamed a page of 500 vouchers at a time.',
      request: { query: ExportQuery },
      responses: {
        200: {
          content: {
            'application/json': { schema: dataOf(z.array(VoucherSchema)) },
            'text/csv': { schema: z.string() },
            'application/xml': { schema: z.string().openapi({ description: 'Tally ENVELOPE' }) },
          },
          description: 'The vouchers',
        },
      },
    }),
    async (c) => {
      const { from, to, format } = c.req.valid('query');
      const file = await voucherExport(c, from, to, format ?? (wantsCsv(c, undefined) ? 'csv' : 'json'));
      // Typed routes know only c.json() results; the three formats are declared in the route.
      return download(c, file) as unknown as ReturnType<typeof ok<never>>;
    },
  );
