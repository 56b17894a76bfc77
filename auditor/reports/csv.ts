// CSV text for every report. Spreadsheets run a cell that begins with = + - @ (or a tab or carriage
// return, which some strip before looking) as a formula; account names, user names and CloudTrail
// fields are chosen by whoever controls the account, so every cell is neutralised (OWASP CSV
// injection guidance: prefix a single quote). Quoting of commas, quotes and newlines is the
// library's job.
import { stringify } from 'csv-stringify/sync';

const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_TRIGGER.test(cell) ? `'${cell}` : cell;
}

/** `header` is written as is; every row must have one cell per header column. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) {
    if (row.length !== header.length) throw new Error(`CSV row has ${row.length} cells, the header ${header.length}`);
  }
  return stringify([header as string[], ...rows.map((row) => row.map(neutraliseFormula))], { eof: true, quoted_string: false });
}
