// iam_audit_<ts>.xlsx: every CSV report as a sheet of one workbook, for the people who open reports
// in a spreadsheet. The sheets come from the reports' declarations (csv-report.ts: each CSV report
// names its sheet), so this file writes whatever sheets it is given and lists none itself. A CSV opened there loses what matters in an audit: `015197090613` becomes
// `15197090613`, CIS `1.10` becomes `1.1`, dates become text in the reader's locale. Here every
// cell is typed from its column's kind (declared once, beside the CSV header): ids and text are
// text cells with the text format `@` (so an edit keeps them text), dates are date cells.
//
// The workbook is written in pieces like the CSVs: exceljs's streaming writer commits each row to
// the zip as it is written, with inline strings (no shared-strings table growing with the rows),
// and the writer waits whenever the reader of the bytes falls behind, so a workbook of hundreds of
// thousands of rows never sits in memory.
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ColumnKind, ColumnKinds } from './column-kinds';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface WorkbookColumn {
  header: string;
  kind: ColumnKind;
}

export interface WorkbookRow {
  /** The same strings the CSV report holds, before its formula guard (a typed cell is never a formula). */
  cells: readonly string[];
  /** Shown apart (grey, italic): an exemption mutes the finding. */
  muted?: boolean;
}

export interface WorkbookSheet {
  name: string;
  columns: readonly WorkbookColumn[];
  rows: Iterable<WorkbookRow>;
}

/** Excel's limits: rows in a sheet (the header included) and characters in a cell. */
export const SPREADSHEET_MAX_ROWS = 1_048_576;
export const SPREADSHEET_MAX_CELL_CHARS = 32_767;

export const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"';
export const DAY_FORMAT = 'yyyy-mm-dd';
export const TEXT_FORMAT = '@';

const TRUNCATED_MARK = ' [cut at the spreadsheet limit of 32,767 characters; the CSV report has the whole text]';

/** The model's times (`2024-01-31T12:00:00.000Z`) and the exemptions' days (`2027-06-30`). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const KIND_FORMAT: Readonly<Record<ColumnKind, string>> = { id: TEXT_FORMAT, text: TEXT_FORMAT, prose: TEXT_FORMAT, date: DATE_TIME_FORMAT, day: DAY_FORMAT };

// Widths in characters. Rows are committed as they are written and a sheet's widths come before
// its rows in the file, so they follow from what a column holds, not from its longest value:
// an access key id is 20 characters, a date-time with its format 23.
const KIND_WIDTH: Readonly<Record<ColumnKind, number>> = { id: 22, date: 25, day: 12, text: 16, prose: 60 };

const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true };
const MUTED_FONT: Partial<ExcelJS.Font> = { italic: true, color: { argb: 'FF7F7F7F' } };
const MUTED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };

/** Rows written between two looks at whether the reader keeps up. */
const ROWS_BETWEEN_WAITS = 500;

/** A report's columns: its CSV header, each column with its declared kind. */
export function columnsOf<Header extends readonly string[]>(header: Header, kinds: ColumnKinds<Header>): WorkbookColumn[] {
  const kindOf: Partial<Record<string, ColumnKind>> = kinds;
  return header.map((name) => ({ header: name, kind: kindOf[name] ?? 'text' }));
}

function textCell(value: string): string {
  return value.length <= SPREADSHEET_MAX_CELL_CHARS ? value : value.slice(0, SPREADSHEET_MAX_CELL_CHARS - TRUNCATED_MARK.length) + TRUNCATED_MARK;
}

/** The typed value of one cell: empty stays empty, a date a Date, anything else (`Never`) text. */
export function cellValue(kind: ColumnKind, value: string): ExcelJS.CellValue {
  if (value === '') return null;
  if ((kind === 'date' && ISO_TIME.test(value)) || (kind === 'day' && ISO_DAY.test(value))) {
    const date = new Date(kind === 'day' ? `${value}T00:00:00.000Z` : value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return textCell(value);
}

/** Waits until the reader has taken what was written; fails if it went away. */
async function readerCaughtUp(output: PassThrough): Promise<void> {
  // The zip stream compresses in the background: let it move what the last rows produced first.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (output.destroyed) throw new Error('the workbook\'s reader stopped');
  if (!output.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const settle = () => {
      output.off('drain', settle);
      output.off('close', settle);
      if (output.destroyed) reject(new Error('the workbook\'s reader stopped'));
      else resolve();
    };
    output.on('drain', settle);
    output.on('close', settle);
  });
}

/** The name of the n-th sheet of a report too long for one (`Users`, `Users (2)`...). */
function partName(name: string, part: number): string {
  return part === 1 ? name : `${name} (${part})`;
}

class SheetWriter {
  private worksheet: ExcelJS.Worksheet;
  private part = 1;
  private rowsInPart = 0;

  constructor(
    private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    private readonly sheet: WorkbookSheet,
    private readonly maxRows: number,
  ) {
    this.worksheet = this.start();
  }

  private start(): ExcelJS.Worksheet {
    const { columns } = this.sheet;
    const worksheet = this.workbook.addWorksheet(partName(this.sheet.name, this.part), { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    worksheet.columns = columns.map((column) => ({ width: Math.max(column.header.length + 2, KIND_WIDTH[column.kind]), style: { numFmt: KIND_FORMAT[column.kind] } }));
    const header = worksheet.addRow(columns.map((column) => column.header));
    header.font = HEADER_FONT;
    header.commit();
    this.rowsInPart = 1;
    return worksheet;
  }

  add(row: WorkbookRow): void {
    const { columns } = this.sheet;
    if (row.cells.length !== columns.length) throw new Error(`${this.sheet.name} sheet: a row has ${row.cells.length} cells, the header ${columns.length}`);
    if (this.rowsInPart >= this.maxRows) {
      this.finish();
      this.part += 1;
      this.worksheet = this.start();
    }
    const written = this.worksheet.addRow(row.cells.map((value, index) => cellValue(columns[index].kind, value)));
    if (row.muted === true) {
      for (let column = 1; column <= columns.length; column += 1) {
        const cell = written.getCell(column);
        cell.font = MUTED_FONT;
        cell.fill = MUTED_FILL;
      }
    }
    written.commit();
    this.rowsInPart += 1;
  }

  finish(): void {
    // The filter covers the header and every row of the part, as a spreadsheet sets it itself.
    this.worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: this.rowsInPart, column: this.sheet.columns.length } };
    this.worksheet.commit();
  }
}

export interface WorkbookOptions {
  /** Rows of a sheet, the header included, before the report goes on in a sheet of its own. */
  maxRowsPerSheet?: number;
}

/** Writes the workbook to `output` and ends it; throws (leaving `output` to the caller) on failure. */
export async function writeWorkbook(sheets: Iterable<WorkbookSheet>, output: PassThrough, options: WorkbookOptions = {}): Promise<void> {
  const maxRows = options.maxRowsPerSheet ?? SPREADSHEET_MAX_ROWS;
  if (maxRows < 2) throw new Error('a sheet must hold its header and at least one row');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  let rowsWritten = 0;
  for (const sheet of sheets) {
    const writer = new SheetWriter(workbook, sheet, maxRows);
    for (const row of sheet.rows) {
      writer.add(row);
      rowsWritten += 1;
      if (rowsWritten % ROWS_BETWEEN_WAITS === 0) await readerCaughtUp(output);
    }
    writer.finish();
  }
  await workbook.commit();
}

/** The workbook's bytes as they are written; an error while writing destroys the stream with it. */
export function workbookStream(sheets: Iterable<WorkbookSheet>, options: WorkbookOptions = {}): Readable {
  const output = new PassThrough();
  writeWorkbook(sheets, output, options).catch((error: unknown) => output.destroy(error instanceof Error ? error : new Error(String(error))));
  return output;
}
