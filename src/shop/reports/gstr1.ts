// GSTR-1 (CGST Rule 59, FORM GSTR-1) in the JSON the GST portal's offline tool uploads: the format,
// as a zod schema, and a pure builder from a month's tax invoices. No I/O.
//
// Sources (field names and shapes; GSTN publishes the offline tool, not a machine-readable schema):
// - GSTN, "GSTR-1 Offline Utility" JSON (version tag `GST3.2.4`, the one the portal's offline
//   upload accepts since the Table 12 B2B/B2C split); sections b2b (Table 4A), b2cl (Table 5),
//   b2cs (Table 7), hsn.hsn_b2b / hsn.hsn_b2c (Table 12, split from the May 2025 return period,
//   GSTN advisory of 25 May 2025 on Phase-III of Table 12) and doc_issue (Table 13);
// - the open-source mapping of that JSON in resilient-tech/india-compliance
//   (india_compliance/gst_india/utils/gstr_1/sections/{b2b,b2cl,b2cs,hsn,doc_issue}.py), which
//   ERPNext uses to file with the portal;
// - B2CL threshold: CGST Rule 59(4)(a)(ii) as amended by Notification 12/2024-Central Tax of
//   10 July 2024, from 1 August 2024 inter-State invoices to unregistered persons with an invoice
//   value above ₹1,00,000 (before: ₹2,50,000) are reported invoice by invoice.
// Amounts are rupees with two decimals (paise ÷ 100, summed in paise first, so exact); `rt` is the
// GST rate in percent; HSN quantity is the net weight in grams (UQC `GMS`) to two decimals.
// Cancelled (voided) invoices are not supplies: they appear only in doc_issue, as `cancel`
// (the portal's own rule for Table 13: "net issued" = total − cancelled).
import { z } from '@hono/zod-openapi';
import { mulDivRound, sum } from '../../pricing/money';

const rupees = z.number().multipleOf(0.01);
const stateCode = z.string().regex(/^\d{2}$/);
const gstinFormat = z.string().regex(/^\d{2}[0-9A-Z]{10}[0-9A-Z]Z[0-9A-Z]$/);
/** DD-MM-YYYY, the portal's date. */
const portalDate = z.string().regex(/^\d{2}-\d{2}-\d{4}$/);
const rate = z.number().min(0).max(100);
/** The rate, taxable value and taxes of a row: IGST, CGST, SGST (UTGST) and cess. */
const taxed = { rt: rate, txval: rupees, iamt: rupees, camt: rupees, samt: rupees, csamt: rupees };

const B2bItem = z.strictObject({
  num: z.number().int().min(1),
  itm_det: z.strictObject(taxed),
});
const B2clItem = z.strictObject({
  num: z.number().int().min(1),
  itm_det: z.strictObject({ rt: rate, txval: rupees, iamt: rupees, csamt: rupees }),
});
const HsnRow = z.strictObject({
  num: z.number().int().min(1),
  hsn_sc: z.string().regex(/^\d{4,8}$/),
  desc: z.string().max(30),
  uqc: z.literal('GMS'),
  qty: z.number().multipleOf(0.01).min(0),
  ...taxed,
});

/** The GSTR-1 offline JSON, as much of it as a jeweller's month fills. */
export const Gstr1Schema = z
  .strictObject({
    gstin: gstinFormat,
    fp: z.string().regex(/^(0[1-9]|1[0-2])\d{4}$/),
    version: z.literal('GST3.2.4'),
    hash: z.literal('hash'),
    b2b: z.array(
      z.strictObject({
        ctin: gstinFormat,
        inv: z.array(
          z.strictObject({
            inum: z.string().min(1).max(16),
            idt: portalDate,
            val: rupees,
            pos: stateCode,
            rchrg: z.enum(['Y', 'N']),
            inv_typ: z.enum(['R', 'SEWP', 'SEWOP', 'DE', 'CBW']),
            itms: z.array(B2bItem).min(1),
          }),
        ),
      }),
    ),
    b2cl: z.array(
      z.strictObject({
        pos: stateCode,
        inv: z.array(
          z.strictObject({
            inum: z.string().min(1).max(16),
            idt: portalDate,
            val: rupees,
            itms: z.array(B2clItem).min(1),
          }),
        ),
      }),
    ),
    b2cs: z.array(
      z.strictObject({
        sply_ty: z.enum(['INTRA', 'INTER']),
        pos: stateCode,
        typ: z.literal('OE'),
        ...taxed,
      }),
    ),
    hsn: z.strictObject({ hsn_b2b: z.array(HsnRow), hsn_b2c: z.array(HsnRow) }),
    doc_issue: z.strictObject({
      doc_det: z.array(
        z.strictObject({
          doc_num: z.number().int().min(1).max(12),
          doc_typ: z.string(),
          docs: z.array(
            z.strictObject({
              num: z.number().int().min(1),
              from: z.string().min(1).max(16),
              to: z.string().min(1).max(16),
              totnum: z.number().int().min(0),
              cancel: z.number().int().min(0),
              net_issue: z.number().int().min(0),
            }),
          ),
        }),
      ),
    }),
  })
  .openapi('Gstr1');
export type Gstr1 = z.infer<typeof Gstr1Schema>;

/** One HSN and rate of an invoice, summed in paise and milligrams. */
export interface Gstr1Line {
  hsn_code: string;
  gst_rate_bp: number;
  taxable: number;
  cgst: number;
  sgst: number;
  igst: number;
  net_weight_mg: number;
}

export interface Gstr1Invoice {
  invoice_number: string;
  invoice_serial: number;
  business_date: string;
  status: 'completed' | 'voided';
  total: number;
  place_of_supply: string | null;
  buyer_gstin: string | null;
  lines: Gstr1Line[];
}

/** Rule 59(4)(a)(ii): the invoice value above which an inter-State B2C invoice is reported alone. */
export const b2clThresholdPaise = (invoiceDate: string) => (invoiceDate >= '2024-08-01' ? 10_000_000 : 25_000_000);

const rs = (paise: number) => paise / 100;
const pct = (bp: number) => bp / 100;
/** Grams to two decimals from milligrams, half away from zero. */
const grams = (mg: number) => mulDivRound(mg, 1, 10) / 100;
const portal = (date: string) => `${date.slice(8, 10)}-${date.slice(5, 7)}-${date.slice(0, 4)}`;

const HSN_DESCRIPTIONS: Record<string, string> = {
  '7113': 'Articles of jewellery',
  '7114': 'Articles of goldsmiths wares',
  '7117': 'Imitation jewellery',
  '7118': 'Coin',
};

type Amounts = Pick<Gstr1Line, 'taxable' | 'cgst' | 'sgst' | 'igst' | 'net_weight_mg'>;
const ZERO: Amounts = { taxable: 0, cgst: 0, sgst: 0, igst: 0, net_weight_mg: 0 };
const add = (a: Amounts, b: Amounts): Amounts => ({
  taxable: sum([a.taxable, b.taxable]),
  cgst: sum([a.cgst, b.cgst]),
  sgst: sum([a.sgst, b.sgst]),
  igst: sum([a.igst, b.igst]),
  net_weight_mg: sum([a.net_weight_mg, b.net_weight_mg]),
});

/** Sums rows into buckets by key, keeping the first row's facts beside the running amounts. */
function bucket<T extends Amounts>(rows: Iterable<T>, key: (row: T) => string) {
  const out = new Map<string, { first: T; total: Amounts }>();
  for (const row of rows) {
    const k = key(row);
    const hit = out.get(k);
    out.set(k, { first: hit?.first ?? row, total: add(hit?.total ?? ZERO, row) });
  }
  return [...out.values()];
}

/** A row's rate, taxable value and taxes in the portal's units; no cess on jewellery. */
const taxedRow = (gstRateBp: number, t: Amounts) => ({
  rt: pct(gstRateBp),
  txval: rs(t.taxable),
  iamt: rs(t.igst),
  camt: rs(t.cgst),
  samt: rs(t.sgst),
  csamt: 0,
});
const invoiceHead = (i: Gstr1Invoice) => ({ inum: i.invoice_number, idt: portal(i.business_date), val: rs(i.total) });

const byRate = (lines: readonly Gstr1Line[]) =>
  bucket(lines, (l) => String(l.gst_rate_bp)).sort((a, b) => a.first.gst_rate_bp - b.first.gst_rate_bp);

export interface Gstr1Input {
  gstin: string;
  /** The shop's state: a place of supply equal to it is intra-State. */
  state_code: string;
  /** `YYYY-MM`. */
  period: string;
  /** The period's tax invoices, voided ones included, in serial order. */
  invoices: readonly Gstr1Invoice[];
}

export function buildGstr1({ gstin, state_code, period, invoices }: Gstr1Input): Gstr1 {
  const issued = invoices.filter((i) => i.status === 'completed');
  const posOf = (i: Gstr1Invoice) => i.place_of_supply ?? state_code;
  const kind = (i: Gstr1Invoice) =>
    i.buyer_gstin ? 'b2b' : posOf(i) !== state_code && i.total > b2clThresholdPaise(i.business_date) ? 'b2cl' : 'b2cs';

  const b2bByBuyer = new Map<string, Gstr1Invoice[]>();
  const b2clByPos = new Map<string, Gstr1Invoice[]>();
  const b2csLines: (Gstr1Line & { pos: string })[] = [];
  const into = (map: Map<string, Gstr1Invoice[]>, key: string, inv: Gstr1Invoice) => {
    const list = map.get(key);
    if (list) list.push(inv);
    else map.set(key, [inv]);
  };
  for (const inv of issued) {
    const k = kind(inv);
    if (k === 'b2b') into(b2bByBuyer, inv.buyer_gstin ?? '', inv);
    else if (k === 'b2cl') into(b2clByPos, posOf(inv), inv);
    else for (const l of inv.lines) b2csLines.push({ ...l, pos: posOf(inv) });
  }

  const hsnRows = (lines: Gstr1Line[]) =>
    bucket(lines, (l) => `${l.hsn_code}|${l.gst_rate_bp}`)
      .sort((a, b) => a.first.hsn_code.localeCompare(b.first.hsn_code) || a.first.gst_rate_bp - b.first.gst_rate_bp)
      .map(({ first, total }, i) => ({
        num: i + 1,
        hsn_sc: first.hsn_code,
        desc: HSN_DESCRIPTIONS[first.hsn_code.slice(0, 4)] ?? '',
        uqc: 'GMS' as const,
        qty: grams(total.net_weight_mg),
        ...taxedRow(first.gst_rate_bp, total),
      }));

  const serials = [...invoices].sort((a, b) => a.invoice_serial - b.invoice_serial);
  const first = serials[0];
  const last = serials[serials.length - 1];
  const cancelled = invoices.length - issued.length;

  return {
    gstin,
    fp: `${period.slice(5, 7)}${period.slice(0, 4)}`,
    version: 'GST3.2.4',
    hash: 'hash',
    b2b: [...b2bByBuyer].map(([ctin, list]) => ({
      ctin,
      inv: list.map((i) => ({
        ...invoiceHead(i),
        pos: posOf(i),
        rchrg: 'N' as const,
        inv_typ: 'R' as const,
        itms: byRate(i.lines).map(({ first: l, total }, n) => ({
          num: n + 1,
          itm_det: taxedRow(l.gst_rate_bp, total),
        })),
      })),
    })),
    b2cl: [...b2clByPos].map(([pos, list]) => ({
      pos,
      inv: list.map((i) => ({
        ...invoiceHead(i),
        itms: byRate(i.lines).map(({ first: l, total }, n) => {
          const { rt, txval, iamt, csamt } = taxedRow(l.gst_rate_bp, total);
          return { num: n + 1, itm_det: { rt, txval, iamt, csamt } };
        }),
      })),
    })),
    b2cs: bucket(b2csLines, (l) => `${l.pos}|${l.gst_rate_bp}`)
      .sort((a, b) => a.first.pos.localeCompare(b.first.pos) || a.first.gst_rate_bp - b.first.gst_rate_bp)
      .map(({ first: l, total }) => ({
        sply_ty: l.pos === state_code ? ('INTRA' as const) : ('INTER' as const),
        pos: l.pos,
        typ: 'OE' as const,
        ...taxedRow(l.gst_rate_bp, total),
      })),
    hsn: {
      hsn_b2b: hsnRows(issued.filter((i) => kind(i) === 'b2b').flatMap((i) => i.lines)),
      hsn_b2c: hsnRows(issued.filter((i) => kind(i) !== 'b2b').flatMap((i) => i.lines)),
    },
    doc_issue: {
      doc_det:
        first && last
          ? [
              {
                doc_num: 1,
                doc_typ: 'Invoices for outward supply',
                docs: [
                  {
                    num: 1,
                    from: first.invoice_number,
                    to: last.invoice_number,
                    totnum: invoices.length,
                    cancel: cancelled,
                    net_issue: invoices.length - cancelled,
                  },
                ],
              },
            ]
          : [],
    },
  };
}
