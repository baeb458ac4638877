// The accounting export's vouchers, pure: a sale or an old gold purchase as balanced ledger entries,
// then as a CSV row or as the XML Tally imports.
//
// Tally's import format (TallyPrime Developer Reference, "Case Study I – XML Request and Response
// Formats" → Import, https://help.tallysolutions.com/developer-reference/integration-capabilities/case-study-1/,
// and "Significance of Tags", https://help.tallysolutions.com/article/DeveloperReference/integration-capabilities/significance_of_tags.htm):
// ENVELOPE / HEADER / TALLYREQUEST `Import Data`, BODY / IMPORTDATA / REQUESTDESC / REPORTNAME
// `Vouchers`, REQUESTDATA / TALLYMESSAGE / VOUCHER with one ALLLEDGERENTRIES.LIST per ledger.
// Tally's sign convention: a debit is a negative AMOUNT with ISDEEMEDPOSITIVE `Yes`, a credit a
// positive AMOUNT with `No`; a voucher's amounts sum to zero.
import type { Quote } from '../../pricing/engine';
import { sum } from '../../pricing/money';
import type { Cell } from './csv';

export const LEDGER_TENDERS = ['cash', 'card', 'upi', 'bank', 'khata'] as const;
export type LedgerTender = (typeof LEDGER_TENDERS)[number];

/**
 * The ledgers vouchers post to. Tally matches ledgers by name, so these are the names an
 * accountant creates once (or renames in Tally to theirs); the shop does not store its own yet.
 */
export const LEDGERS = {
  sales: 'Sales - Jewellery',
  cgst: 'Output CGST',
  sgst: 'Output SGST',
  igst: 'Output IGST',
  round_off: 'Round Off',
  old_gold: 'Old Gold Purchase',
  cash: 'Cash',
  card: 'Card Receipts',
  upi: 'UPI Receipts',
  bank: 'Bank',
  khata: 'Sundry Debtors - Khata',
} as const;

/** A voucher's amounts are a sale's (0 taxes on a purchase), in paise. */
export interface VoucherFacts extends Pick<Quote, 'taxable' | 'cgst' | 'sgst' | 'igst' | 'round_off' | 'total'> {
  type: 'sales' | 'purchase';
  date: string;
  number: string;
  party: string | null;
  party_gstin: string | null;
  /** Paise per tender: received on a sale, paid on a purchase. */
  tenders: Record<LedgerTender, number>;
  /** Old gold taken in exchange on a sale, or bought on a purchase voucher. */
  old_gold: number;
}

export interface LedgerEntry {
  ledger: string;
  /** Paise; positive debit, negative credit. */
  debit: number;
}

/** The voucher's ledger entries; they sum to zero. */
export function ledgerEntries(v: VoucherFacts): LedgerEntry[] {
  const tenders = LEDGER_TENDERS.map((t) => ({ ledger: LEDGERS[t], debit: v.tenders[t] }));
  const entries: LedgerEntry[] =
    v.type === 'sales'
      ? [
          ...tenders,
          { ledger: LEDGERS.old_gold, debit: v.old_gold },
          { ledger: LEDGERS.sales, debit: -v.taxable },
          { ledger: LEDGERS.cgst, debit: -v.cgst },
          { ledger: LEDGERS.sgst, debit: -v.sgst },
          { ledger: LEDGERS.igst, debit: -v.igst },
          { ledger: LEDGERS.round_off, debit: -v.round_off },
        ]
      : [{ ledger: LEDGERS.old_gold, debit: v.old_gold }, ...tenders.map((e) => ({ ...e, debit: -e.debit }))];
  return entries.filter((e) => e.debit !== 0);
}

export const VOUCHER_CSV_HEADER = [
  'voucher_type',
  'date',
  'number',
  'party',
  'party_gstin',
  'taxable',
  'cgst',
  'sgst',
  'igst',
  'round_off',
  'total',
  ...LEDGER_TENDERS,
  'old_gold',
] as const;

/** Amounts as rupees with two decimals, as accountants' spreadsheets and Tally read them. */
export const rupeeText = (paise: number) => {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(paise);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
};

export const voucherCsvRow = (v: VoucherFacts): Cell[] => [
  v.type,
  v.date,
  v.number,
  v.party,
  v.party_gstin,
  ...[v.taxable, v.cgst, v.sgst, v.igst, v.round_off, v.total].map(rupeeText),
  ...LEDGER_TENDERS.map((t) => rupeeText(v.tenders[t])),
  rupeeText(v.old_gold),
];

const xml = (s: string) =>
  s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
    // XML 1.0 allows no other control characters, even escaped.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

export const tallyHead = (company: string) =>
  '<ENVELOPE>\n<HEADER>\n<TALLYREQUEST>Import Data</TALLYREQUEST>\n</HEADER>\n<BODY>\n<IMPORTDATA>\n' +
  '<REQUESTDESC>\n<REPORTNAME>Vouchers</REPORTNAME>\n<STATICVARIABLES>\n' +
  `<SVCURRENTCOMPANY>${xml(company)}</SVCURRENTCOMPANY>\n</STATICVARIABLES>\n</REQUESTDESC>\n<REQUESTDATA>\n`;

export const TALLY_TAIL = '</REQUESTDATA>\n</IMPORTDATA>\n</BODY>\n</ENVELOPE>\n';

export function tallyVoucher(v: VoucherFacts): string {
  const entries = ledgerEntries(v);
  if (sum(entries.map((e) => e.debit)) !== 0) throw new Error(`voucher ${v.number} does not balance`);
  const type = v.type === 'sales' ? 'Sales' : 'Purchase';
  // The party is the ledger that carries most of the money on the voucher's other side.
  const party = [...entries].sort((a, b) => Math.abs(b.debit) - Math.abs(a.debit))[0]?.ledger ?? LEDGERS.cash;
  const narration = [v.party, v.party_gstin].filter(Boolean).join(', ');
  return (
    '<TALLYMESSAGE xmlns:UDF="TallyUDF">\n' +
    `<VOUCHER VCHTYPE="${type}" ACTION="Create" OBJVIEW="Accounting Voucher View">\n` +
    `<DATE>${v.date.replaceAll('-', '')}</DATE>\n` +
    `<VOUCHERTYPENAME>${type}</VOUCHERTYPENAME>\n` +
    `<VOUCHERNUMBER>${xml(v.number)}</VOUCHERNUMBER>\n` +
    `<PARTYLEDGERNAME>${xml(party)}</PARTYLEDGERNAME>\n` +
    `<PERSISTEDVIEW>Accounting Voucher View</PERSISTEDVIEW>\n` +
    (narration ? `<NARRATION>${xml(narration)}</NARRATION>\n` : '') +
    entries
      .map(
        (e) =>
          '<ALLLEDGERENTRIES.LIST>\n' +
          `<LEDGERNAME>${xml(e.ledger)}</LEDGERNAME>\n` +
          `<ISDEEMEDPOSITIVE>${e.debit > 0 ? 'Yes' : 'No'}</ISDEEMEDPOSITIVE>\n` +
          `<AMOUNT>${rupeeText(-e.debit)}</AMOUNT>\n` +
          '</ALLLEDGERENTRIES.LIST>\n',
      )
      .join('') +
    '</VOUCHER>\n</TALLYMESSAGE>\n'
  );
}
