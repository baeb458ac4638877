// Reports as CSV (RFC 4180), written as a stream of pages so a long period never sits in memory.
//
// Formula injection: a spreadsheet treats a cell beginning with = + - @ (and a tab or carriage
// return, which some strip before parsing) as a formula, so a customer named `=HYPERLINK(...)`
// would run in the accountant's Excel. OWASP's advice
// (https://owasp.org/www-community/attacks/CSV_Injection) is to prefix such a cell with a single
// quote and to quote every cell that holds the delimiter, a quote or a line break. Numbers are
// written by us (never a user's text), so a negative amount stays a number: only strings are
// prefixed.

export type Cell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: text that could start a formula gets a leading `'`; text with `,` `"` or a line break is quoted. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvCell).join(',')}\r\n`;

/**
 * A streamed text body: `head`, then each chunk `pages` yields as it is read (one D1 page at a
 * time, pulled only when the client has taken the previous one), then `tail`.
 */
export function textStream(head: string, pages: AsyncIterable<string>, tail = ''): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = pages[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (head) {
          controller.enqueue(encoder.encode(head));
          return;
        }
      }
      // A pull that enqueues nothing is not called again (the Streams spec pulls again only when
      // asked during the pull), so an empty page must not end a pull: read on until text or the end.
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          if (tail) controller.enqueue(encoder.encode(tail));
          controller.close();
          return;
        }
        if (next.value) {
          controller.enqueue(encoder.encode(next.value));
          return;
        }
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** Header and rows as one CSV stream, rows arriving in pages. */
export function csvStream(header: readonly string[], pages: AsyncIterable<readonly Cell[][]>) {
  async function* lines() {
    for await (const rows of pages) yield rows.map(csvLine).join('');
  }
  return textStream(csvLine(header), lines());
}

/** Rows already in memory (a day, a month's summary) as the same CSV. */
export function csvOf(header: readonly string[], rows: readonly Cell[][]) {
  async function* one() {
    yield rows as Cell[][];
  }
  return csvStream(header, one());
}
