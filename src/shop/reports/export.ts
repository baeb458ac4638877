// The accounting export as a streamed file: the period's vouchers, a page of 500 at a time, as JSON in
// the envelope, CSV (one row per voucher) or the XML TallyPrime imports.
import type { Context } from 'hono';
import type { AppEnv } from '../../http/types';
import { csvStream, textStream } from './csv';
import { companyName, exportVouchers } from './service';
import { ledgerEntries, TALLY_TAIL, tallyHead, tallyVoucher, VOUCHER_CSV_HEADER, voucherCsvRow } from './vouchers';

export const CSV_TYPE = 'text/csv; charset=utf-8';

/** A body to stream, its Content-Type and, for a download, its file name. */
export interface ExportFile {
  body: ReadableStream<Uint8Array>;
  type: string;
  filename?: string;
}

export async function voucherExport(
  c: Context<AppEnv>,
  from: string,
  to: string,
  format: 'json' | 'csv' | 'tally',
): Promise<ExportFile> {
  const pages = exportVouchers(c, from, to);
  const name = `vouchers-${from}-${to}`;
  if (format === 'csv') {
    const body = csvStream(
      [...VOUCHER_CSV_HEADER],
      (async function* () {
        for await (const page of pages) yield page.map(voucherCsvRow);
      })(),
    );
    return { body, type: CSV_TYPE, filename: `${name}.csv` };
  }
  if (format === 'tally') {
    const body = textStream(
      tallyHead(await companyName(c)),
      (async function* () {
        for await (const page of pages) yield page.map(tallyVoucher).join('');
      })(),
      TALLY_TAIL,
    );
    return { body, type: 'application/xml; charset=utf-8', filename: `${name}.xml` };
  }
  let first = true;
  const body = textStream(
    '{"success":true,"data":[',
    (async function* () {
      for await (const page of pages) {
        const json = page.map((v) => JSON.stringify({ ...v, entries: ledgerEntries(v) })).join(',');
        if (!json) continue;
        yield `${first ? '' : ','}${json}`;
        first = false;
      }
    })(),
    ']}',
  );
  return { body, type: 'application/json' };
}
