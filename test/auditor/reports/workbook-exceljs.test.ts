// The workbook writer against exceljs's streaming writer, the one it replaced: the same sheets
// written both ways and read back with exceljs must have the same sheets, cells (type, value),
// formats, fonts, fills, column widths, frozen header and filter. The reference below is the
// former writer, kept here as the definition of the layout.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { DEFAULT_THRESHOLDS } from '../../../auditor/analysis/findings';
import { analyseRun } from '../../../auditor/analysis/run-analysis';
import { workbookSheets } from '../../../auditor/reports';
import type { ColumnKind } from '../../../auditor/reports/column-kinds';
import { DATE_TIME_FORMAT, DAY_FORMAT, SPREADSHEET_MAX_CELL_CHARS, TEXT_FORMAT, workbookStream, type WorkbookSheet } from '../../../auditor/reports/workbook';
import { auditRunFixture } from '../../support/audit-run-fixture';
import { loadWorkbook, readAll } from '../../support/report-files';

const KIND_FORMAT: Readonly<Record<ColumnKind, string>> = { id: TEXT_FORMAT, text: TEXT_FORMAT, prose: TEXT_FORMAT, date: DATE_TIME_FORMAT, day: DAY_FORMAT };
const KIND_WIDTH: Readonly<Record<ColumnKind, number>> = { id: 22, date: 25, day: 12, text: 16, prose: 60 };
const TRUNCATED_MARK = ' [cut at the spreadsheet limit of 32,767 characters; the CSV report has the whole text]';

function referenceValue(kind: ColumnKind, value: string): ExcelJS.CellValue {
  if (value === '') return null;
  if ((kind === 'date' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value)) || (kind === 'day' && /^\d{4}-\d{2}-\d{2}$/.test(value))) {
    const date = new Date(kind === 'day' ? `${value}T00:00:00.000Z` : value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return value.length <= SPREADSHEET_MAX_CELL_CHARS ? value : value.slice(0, SPREADSHEET_MAX_CELL_CHARS - TRUNCATED_MARK.length) + TRUNCATED_MARK;
}

/** The former writer: exceljs's streaming WorkbookWriter, a style per column and per muted cell. */
async function referenceWorkbook(sheets: readonly WorkbookSheet[], maxRows: number): Promise<Buffer> {
  const output = new PassThrough();
  const bytes = readAll(output);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  for (const sheet of sheets) {
    let part = 1;
    let rowsInPart = 0;
    let worksheet!: ExcelJS.Worksheet;
    const start = () => {
      worksheet = workbook.addWorksheet(part === 1 ? sheet.name : `${sheet.name} (${part})`, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
      worksheet.columns = sheet.columns.map((column) => ({ width: Math.max(column.header.length + 2, KIND_WIDTH[column.kind]), style: { numFmt: KIND_FORMAT[column.kind] } }));
      const header = worksheet.addRow(sheet.columns.map((column) => column.header));
      header.font = { bold: true };
      header.commit();
      rowsInPart = 1;
    };
    const finish = () => {
      worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: rowsInPart, column: sheet.columns.length } };
      worksheet.commit();
    };
    start();
    for (const row of sheet.rows) {
      if (rowsInPart >= maxRows) {
        finish();
        part += 1;
        start();
      }
      const written = worksheet.addRow(row.cells.map((value, index) => referenceValue(sheet.columns[index].kind, value)));
      if (row.muted === true) {
        for (let column = 1; column <= sheet.columns.length; column += 1) {
          written.getCell(column).font = { italic: true, color: { argb: 'FF7F7F7F' } };
          written.getCell(column).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
        }
      }
      written.commit();
      rowsInPart += 1;
    }
    finish();
  }
  await workbook.commit();
  return bytes;
}

/** What a reader sees of a workbook: per sheet, its name, views, filter, columns and every cell with its format. */
function readBack(workbook: ExcelJS.Workbook): unknown[] {
  return workbook.worksheets.map((sheet) => {
    const cells: unknown[] = [];
    sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells.push([rowNumber, column, cell.type, cell.value instanceof Date ? cell.value.toISOString() : cell.value, cell.numFmt ?? null, JSON.stringify(cell.font ?? null), JSON.stringify(cell.fill ?? null)]);
      });
    });
    const columns = (sheet.columns ?? []).map((column) => [column.width, column.numFmt ?? null]);
    const views = sheet.views.map((view) => [view.state, (view as ExcelJS.WorksheetViewFrozen).ySplit ?? null, (view as ExcelJS.WorksheetViewFrozen).topLeftCell ?? null]);
    return { name: sheet.name, rowCount: sheet.rowCount, columnCount: sheet.columnCount, views, autoFilter: sheet.autoFilter ?? null, columns, cells };
  });
}

function fixtureSheets(): WorkbookSheet[] {
  const run = auditRunFixture();
  const analysis = analyseRun(run, { ...DEFAULT_THRESHOLDS });
  const [first] = analysis.findings;
  first.muted = { reason: 'break-glass, <sealed> & "rotated"', expires: '2027-06-30' };
  return workbookSheets(run, analysis).map((sheet) => ({ ...sheet, rows: [...sheet.rows] }));
}

describe('workbook, against exceljs\'s writer', () => {
  it('reads back the same as exceljs\'s output: sheets, cells, formats, fonts, fills, widths, frozen header and filter', async () => {
    const sheets = fixtureSheets();
    const ours = readBack(await loadWorkbook(await readAll(workbookStream(sheets))));
    const reference = readBack(await loadWorkbook(await referenceWorkbook(sheets, 1_048_576)));
    assert.deepEqual(ours, reference);
    assert.ok(JSON.stringify(ours).includes('italic'), 'the comparison covers a muted row');
  });

  it('splits a long report into the same parts, and keeps odd text (control characters, a cell past the limit, a formula) as exceljs did', async () => {
    const odd = ['=HYPERLINK("http://x","y")', 'tab\there, bell\u0007 and\r\nbreak', 'x'.repeat(SPREADSHEET_MAX_CELL_CHARS + 5), ''];
    const sheet: WorkbookSheet = {
      name: 'Odd',
      columns: [{ header: 'text', kind: 'text' }, { header: 'when', kind: 'date' }, { header: 'day', kind: 'day' }],
      rows: Array.from({ length: 7 }, (_value, index) => ({ cells: [odd[index % odd.length], index % 2 === 0 ? '2024-01-31T12:00:00.000Z' : 'Never', index % 3 === 0 ? '2027-06-30' : ''], muted: index === 5 })),
    };
    const ours = readBack(await loadWorkbook(await readAll(workbookStream([sheet], { maxRowsPerSheet: 3 }))));
    const reference = readBack(await loadWorkbook(await referenceWorkbook([sheet], 3)));
    assert.deepEqual(ours, reference);
    assert.deepEqual((ours as { name: string }[]).map((part) => part.name), ['Odd', 'Odd (2)', 'Odd (3)', 'Odd (4)']);
  });
});
