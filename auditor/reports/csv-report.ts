// What a CSV report declares: its file's stem, its header with each column's kind, its rows, and
// the workbook sheet it is shown in. index.ts turns each declaration into the CSV file and, for a
// report that names a sheet, into that sheet of the workbook: a new CSV report is its module's
// declaration plus its entry in index.ts's list, and nothing in workbook.ts.
import type { RunAnalysis } from '../analysis/run-analysis';
import type { AuditRun } from '../model';
import type { ColumnKinds } from './column-kinds';
import { csvChunks } from './csv';
import { columnsOf, type WorkbookRow, type WorkbookSheet } from './workbook';

interface CsvReportBase<Header extends readonly string[]> {
  /** The file is `<stem>_<runTimestamp>.csv`. */
  stem: string;
  header: Header;
  /** Each column's kind (a column not named is `text`): how the workbook types its cells. */
  kinds: ColumnKinds<Header>;
  /** The report's sheet in the workbook (`Users`); without one the report is not in the workbook. */
  sheet?: string;
}

/**
 * A CSV report. Its rows are built as they are read, one `WorkbookRow` each: the cells are the CSV's
 * (before its formula guard) and `muted` greys the row in the workbook. A report that reads the
 * run's analysis (the findings) says `needsAnalysis` and is built only when there is one.
 */
export type CsvReport<Header extends readonly string[] = readonly string[]> =
  | (CsvReportBase<Header> & { needsAnalysis?: false; rows(run: AuditRun): Iterable<WorkbookRow> })
  | (CsvReportBase<Header> & { needsAnalysis: true; rows(run: AuditRun, analysis: RunAnalysis): Iterable<WorkbookRow> });

/** Excel's rules for a sheet's name; a report that goes on in more sheets adds ` (2)`, hence 27. */
const SHEET_NAME_MAX_CHARS = 27;
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/;

/** A report's declaration, its kinds checked against its header and its sheet's name against Excel's rules. */
export function defineCsvReport<const Header extends readonly string[]>(report: CsvReport<Header>): CsvReport {
  const { sheet } = report;
  if (sheet !== undefined && (sheet.trim() === '' || sheet.length > SHEET_NAME_MAX_CHARS || SHEET_NAME_FORBIDDEN.test(sheet))) {
    throw new Error(`the ${report.stem} report's sheet name ${JSON.stringify(sheet)} is not one Excel accepts (1 to ${SHEET_NAME_MAX_CHARS} characters, none of [ ] : * ? / \\)`);
  }
  return report;
}

/** Each row of `rows` as a workbook row with nothing greyed. */
export function* plainRows(rows: Iterable<readonly string[]>): Generator<WorkbookRow> {
  for (const cells of rows) yield { cells };
}

function* cellsOf(rows: Iterable<WorkbookRow>): Generator<readonly string[]> {
  for (const row of rows) yield row.cells;
}

function rowsOf(report: CsvReport, run: AuditRun, analysis: RunAnalysis | undefined): Iterable<WorkbookRow> {
  if (report.needsAnalysis !== true) return report.rows(run);
  if (analysis === undefined) throw new Error(`the ${report.stem} report needs the run analysis`);
  return report.rows(run, analysis);
}

/** The report's CSV text in pieces, its rows built as they are written. */
export function csvReportChunks(report: CsvReport, run: AuditRun, analysis?: RunAnalysis): Generator<string> {
  return csvChunks(report.header, cellsOf(rowsOf(report, run, analysis)));
}

/**
 * The workbook's sheets: one per report that names a sheet, in the reports' order, each with the
 * report's header and kinds; rows are built as they are read.
 */
export function workbookSheetsOf(reports: readonly CsvReport[], run: AuditRun, analysis: RunAnalysis): WorkbookSheet[] {
  const sheets: WorkbookSheet[] = [];
  for (const report of reports) {
    if (report.sheet === undefined) continue;
    if (sheets.some((sheet) => sheet.name === report.sheet)) throw new Error(`two reports declare the workbook sheet ${report.sheet}`);
    sheets.push({ name: report.sheet, columns: columnsOf(report.header, report.kinds), rows: rowsOf(report, run, analysis) });
  }
  return sheets;
}
