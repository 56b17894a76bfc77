// CSV text for every report. Spreadsheets run a cell that begins with = + - @ (or a tab or carriage
// return, which some strip before looking) as a formula; account names, user names and CloudTrail
// fields are chosen by whoever controls the account, so every cell is neutralised (OWASP CSV
// injection guidance: prefix a single quote). Quoting of commas, quotes and newlines is the
// library's job.
import { stringify } from 'csv-stringify/sync';

const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/**
 * Rows stringified at a time by `csvChunks`: a chunk stays around a hundred kilobytes, so a report
 * of hundreds of thousands of rows is written without ever being one string.
 */
export const CSV_ROWS_PER_CHUNK = 1000;

export function neutraliseFormula(cell: string): string {
  return FORMULA_TRIGGER.test(cell) ? `'${cell}` : cell;
}

function checkRow(header: readonly string[], row: readonly string[]): void {
  if (row.length !== header.length) throw new Error(`CSV row has ${row.length} cells, the header ${header.length}`);
}

function stringifyRows(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { eof: true, quoted_string: false });
}

/**
 * The CSV text in pieces: the header, then the rows a chunk at a time. Every record ends with its
 * own delimiter, so the pieces joined are exactly `toCsv` of the same rows.
 */
export function* csvChunks(header: readonly string[], rows: Iterable<readonly string[]>): Generator<string> {
  yield stringifyRows([header]);
  let batch: string[][] = [];
  for (const row of rows) {
    checkRow(header, row);
    batch.push(row.map(neutraliseFormula));
    if (batch.length >= CSV_ROWS_PER_CHUNK) {
      yield stringifyRows(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield stringifyRows(batch);
}

/** `header` is written as is; every row must have one cell per header column. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [...csvChunks(header, rows)].join('');
}
