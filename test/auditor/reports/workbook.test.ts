// The workbook read back with exceljs's reader, as a spreadsheet program opens it: ids stay text,
// dates are dates, the header is frozen and filtered, muted findings stand apart.
import { ACCESS_HEADER, accessRows } from '../../../auditor/reports/access-report';
import { toCsv } from '../../../auditor/reports/csv';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { DEFAULT_THRESHOLDS, type Finding } from '../../../auditor/analysis/findings';
import { analyseRun, type RunAnalysis } from '../../../auditor/analysis/run-analysis';
import type { AuditRun } from '../../../auditor/model';
import { writeReportsToDirectory } from '../../../auditor/publish/sinks/local';
import { buildReportFiles, CSV_REPORTS, workbookSheets } from '../../../auditor/reports';
import { isByteStreamReport } from '../../../auditor/reports/report-file';
import { defineCsvReport, plainRows, workbookSheetsOf } from '../../../auditor/reports/csv-report';
import { cloudTrailEventsCsvChunks } from '../../../auditor/reports/cloudtrail-events-report';
import { coverageCsv } from '../../../auditor/reports/coverage-report';
import { findingsCsvChunks } from '../../../auditor/reports/findings-csv';
import { iamUsersCsvChunks } from '../../../auditor/reports/iam-users-report';
import { reportText } from '../../support/report-text';
import { rootCsv } from '../../../auditor/reports/root-report';
import {
  DATE_TIME_FORMAT,
  SPREADSHEET_MAX_CELL_CHARS,
  TEXT_FORMAT,
  workbookStream,
  XLSX_CONTENT_TYPE,
  type WorkbookSheet,
} from '../../../auditor/reports/workbook';
import { auditRunFixture, HOSTILE_ACCOUNT_NAME, RUN_TIMESTAMP } from '../../support/audit-run-fixture';
import { loadWorkbook, readAll } from '../../support/report-files';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** An account id with a leading zero, the one a spreadsheet reading a CSV turns into a number. */
const LEADING_ZERO_ACCOUNT = '015197090613';

/** The fixture with its management account given a leading-zero id everywhere the run holds it. */
function runWithLeadingZeroAccount(): AuditRun {
  const run = auditRunFixture();
  const [management] = run.accounts;
  const formerId = management.account.id;
  management.account.id = LEADING_ZERO_ACCOUNT;
  management.coverage.accountId = LEADING_ZERO_ACCOUNT;
  for (const event of management.events) event.accountId = LEADING_ZERO_ACCOUNT;
  assert.notEqual(formerId, LEADING_ZERO_ACCOUNT);
  return run;
}

const MUTE = { reason: 'Sealed break-glass user, rotated by the platform team', expires: '2027-06-30' };

function findingsWithOneMuted(run: AuditRun): { analysis: RunAnalysis; findings: Finding[]; muted: Finding } {
  const analysis = analyseRun(run, { ...DEFAULT_THRESHOLDS });
  const { findings } = analysis;
  const muted = findings.find((finding) => finding.controls.cisV7.includes('2.10') && finding.accountId === LEADING_ZERO_ACCOUNT);
  assert.ok(muted, 'the fixture has a console user without MFA in the leading-zero account');
  muted.muted = MUTE;
  return { analysis, findings, muted };
}

async function workbookOf(sheets: WorkbookSheet[], options = {}): Promise<ExcelJS.Workbook> {
  return loadWorkbook(await readAll(workbookStream(sheets, options)));
}

function headerOf(sheet: ExcelJS.Worksheet): string[] {
  const values: string[] = [];
  sheet.getRow(1).eachCell((cell) => values.push(String(cell.value)));
  return values;
}

/** The row whose cell in `column` (1-based) holds `value`. */
function rowWhere(sheet: ExcelJS.Worksheet, column: number, value: string): ExcelJS.Row {
  for (let index = 2; index <= sheet.rowCount; index += 1) if (sheet.getRow(index).getCell(column).value === value) return sheet.getRow(index);
  assert.fail(`${sheet.name}: no row with ${value} in column ${column}`);
}

function columnOf(sheet: ExcelJS.Worksheet, header: string): number {
  const index = headerOf(sheet).indexOf(header);
  assert.ok(index >= 0, `${sheet.name} has a ${header} column`);
  return index + 1;
}

function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  assert.ok(found, `the ${name} sheet`);
  return found;
}

describe('workbook', () => {
  let run: AuditRun;
  let analysis: RunAnalysis;
  let findings: Finding[];
  let muted: Finding;
  let workbook: ExcelJS.Workbook;
  before(async () => {
    run = runWithLeadingZeroAccount();
    ({ analysis, findings, muted } = findingsWithOneMuted(run));
    workbook = await workbookOf(workbookSheets(run, analysis));
  });

  it('has the sheets the CSV reports declare, in their order, and lists none of its own', () => {
    assert.deepEqual(workbook.worksheets.map((worksheet) => worksheet.name), CSV_REPORTS.map((report) => report.sheet));
    const extra = defineCsvReport({
      stem: 'extra',
      header: ['account_id', 'note'],
      kinds: { account_id: 'id' },
      sheet: 'Extra',
      rows: (audited) => plainRows(audited.accounts.map((account) => [account.account.id, 'declared'])),
    });
    const sheets = workbookSheetsOf([...CSV_REPORTS, extra, defineCsvReport({ ...extra, stem: 'hidden', sheet: undefined })], run, analysis);
    assert.deepEqual(sheets.map((declared) => declared.name), [...CSV_REPORTS.map((report) => report.sheet), 'Extra']);
    const added = sheets[sheets.length - 1];
    assert.deepEqual(added.columns, [{ header: 'account_id', kind: 'id' }, { header: 'note', kind: 'text' }]);
    assert.deepEqual([...added.rows].map((row) => row.cells), run.accounts.map((account) => [account.account.id, 'declared']));
  });

  it('refuses a sheet name Excel does not accept, and two reports on one sheet', () => {
    const declaration = { stem: 'extra', header: ['note'], kinds: {}, rows: () => plainRows([['x']]) } as const;
    for (const sheetName of ['', 'a/b', 'Users [all]', 'x'.repeat(28)]) {
      assert.throws(() => defineCsvReport({ ...declaration, sheet: sheetName }), /the extra report's sheet name .* is not one Excel accepts/, sheetName);
    }
    const twin = defineCsvReport({ ...declaration, sheet: CSV_REPORTS[0].sheet });
    assert.throws(() => workbookSheetsOf([...CSV_REPORTS, twin], run, analysis), new RegExp(`two reports declare the workbook sheet ${CSV_REPORTS[0].sheet}`));
  });

  it('has one sheet per CSV report, with the CSV\'s header and as many rows', () => {
    const csvs: [string, string][] = [
      ['Users', reportText(iamUsersCsvChunks(run))],
      ['Root', rootCsv(run)],
      ['Access', toCsv(ACCESS_HEADER, [...accessRows(run)])],
      ['CloudTrail events', reportText(cloudTrailEventsCsvChunks(run))],
      ['Coverage', coverageCsv(run)],
      ['Findings', reportText(findingsCsvChunks(findings))],
    ];
    assert.deepEqual(workbook.worksheets.map((worksheet) => worksheet.name), csvs.map(([name]) => name));
    for (const [name, csv] of csvs) {
      const [header, ...rows] = parse(csv) as string[][];
      const worksheet = sheet(workbook, name);
      assert.deepEqual(headerOf(worksheet), header, name);
      assert.equal(worksheet.rowCount, rows.length + 1, name);
    }
  });

  it('keeps account ids, key ids and control ids as text, with the text format', () => {
    const users = sheet(workbook, 'Users');
    const alice = rowWhere(users, columnOf(users, 'access_key_id'), 'AKIAALICE0000000001');
    const accountCell = alice.getCell(columnOf(users, 'account_id'));
    assert.equal(accountCell.value, LEADING_ZERO_ACCOUNT);
    assert.equal(accountCell.type, ExcelJS.ValueType.String);
    assert.equal(accountCell.numFmt, TEXT_FORMAT);
    assert.equal(alice.getCell(columnOf(users, 'access_key_id')).numFmt, TEXT_FORMAT);

    const findingsSheet = sheet(workbook, 'Findings');
    const cis = rowWhere(findingsSheet, columnOf(findingsSheet, 'cis_v7'), '2.10').getCell(columnOf(findingsSheet, 'cis_v7'));
    assert.equal(cis.type, ExcelJS.ValueType.String);
    assert.equal(cis.numFmt, TEXT_FORMAT);
    const coverage = sheet(workbook, 'Coverage');
    assert.equal(rowWhere(coverage, 1, LEADING_ZERO_ACCOUNT).getCell(1).type, ExcelJS.ValueType.String);
  });

  it('writes dates as dates with a date-time format, and Never as text', () => {
    const users = sheet(workbook, 'Users');
    const lastUsed = columnOf(users, 'password_last_used');
    const alice = rowWhere(users, columnOf(users, 'access_key_id'), 'AKIAALICE0000000001');
    const date = alice.getCell(lastUsed);
    assert.equal(date.type, ExcelJS.ValueType.Date);
    assert.deepEqual(date.value, new Date('2024-01-29T10:00:00.000Z'));
    assert.equal(date.numFmt, DATE_TIME_FORMAT);
    assert.deepEqual(alice.getCell(columnOf(users, 'created_date')).value, new Date('2023-01-01T00:00:00.000Z'));
    const carol = rowWhere(users, columnOf(users, 'access_key_id'), 'AKIACAROL0000000001');
    assert.equal(carol.getCell(lastUsed).value, 'Never');
    assert.equal(carol.getCell(columnOf(users, 'last_used_date')).value, 'Never');
    const events = sheet(workbook, 'CloudTrail events');
    assert.deepEqual(events.getRow(2).getCell(columnOf(events, 'eventTime')).value, new Date('2024-01-05T00:00:00.000Z'));
  });

  it('freezes the header row and turns the filter on over every row, in every sheet', () => {
    for (const worksheet of workbook.worksheets) {
      assert.deepEqual(
        worksheet.views.map((view) => [view.state, 'ySplit' in view ? view.ySplit : undefined]),
        [['frozen', 1]],
        worksheet.name,
      );
      const lastColumn = worksheet.getRow(1).cellCount;
      assert.equal(worksheet.autoFilter, `A1:${worksheet.getColumn(lastColumn).letter}${worksheet.rowCount}`, worksheet.name);
      assert.equal(worksheet.getRow(1).font?.bold, true, worksheet.name);
      for (let column = 1; column <= lastColumn; column += 1) assert.ok((worksheet.getColumn(column).width ?? 0) >= 10, `${worksheet.name} column ${column} is sized`);
    }
  });

  it('marks a muted finding, with the exemption\'s reason and expiry', () => {
    const findingsSheet = sheet(workbook, 'Findings');
    const keyOf = (row: ExcelJS.Row) => ['account_id', 'rule_id', 'resource'].map((header) => row.getCell(columnOf(findingsSheet, header)).value).join('|');
    const mutedKey = [muted.accountId, muted.ruleId, muted.resource].join('|');
    let seen = 0;
    for (let index = 2; index <= findingsSheet.rowCount; index += 1) {
      const row = findingsSheet.getRow(index);
      const isMuted = keyOf(row) === mutedKey;
      const title = row.getCell(columnOf(findingsSheet, 'title'));
      assert.equal(row.getCell(columnOf(findingsSheet, 'muted')).value, isMuted ? 'yes' : 'no');
      assert.equal(title.font?.italic === true, isMuted, keyOf(row));
      assert.equal(title.fill?.type === 'pattern' && title.fill.pattern === 'solid', isMuted, keyOf(row));
      if (!isMuted) continue;
      seen += 1;
      assert.equal(row.getCell(columnOf(findingsSheet, 'muted_reason')).value, MUTE.reason);
      const expires = row.getCell(columnOf(findingsSheet, 'muted_expires'));
      assert.deepEqual(expires.value, new Date('2027-06-30T00:00:00.000Z'));
      assert.equal(expires.type, ExcelJS.ValueType.Date);
    }
    assert.equal(seen, 1);
  });

  it('writes what an account chose, formula-like names included, as plain text and never as a formula', () => {
    const coverage = sheet(workbook, 'Coverage');
    const hostile = rowWhere(coverage, columnOf(coverage, 'account_name'), HOSTILE_ACCOUNT_NAME).getCell(columnOf(coverage, 'account_name'));
    assert.equal(hostile.type, ExcelJS.ValueType.String);
    const events = sheet(workbook, 'CloudTrail events');
    assert.ok(rowWhere(events, columnOf(events, 'username'), '@attacker'));
  });

  it('goes on in a sheet of its own when a report passes a sheet\'s row limit', async () => {
    const [users] = workbookSheets(run, analysis);
    const rows = parse(reportText(iamUsersCsvChunks(run))) as string[][];
    const split = await workbookOf([users], { maxRowsPerSheet: 4 });
    const parts = split.worksheets.map((worksheet) => worksheet.name);
    assert.deepEqual(parts, ['Users', 'Users (2)', 'Users (3)'].slice(0, Math.ceil((rows.length - 1) / 3)));
    const keyColumn = columnOf(sheet(split, 'Users'), 'access_key_id');
    const keysSeen = split.worksheets.flatMap((worksheet) => {
      assert.deepEqual(headerOf(worksheet), rows[0], `${worksheet.name} has the header`);
      return worksheet.getRows(2, worksheet.rowCount - 1)?.map((row) => String(row.getCell(keyColumn).value ?? '')) ?? [];
    });
    assert.deepEqual(keysSeen, rows.slice(1).map((row) => row[keyColumn - 1]));
  });

  it('cuts a cell at the spreadsheet limit and says so', async () => {
    const long = 'x'.repeat(SPREADSHEET_MAX_CELL_CHARS + 10);
    const cut = await workbookOf([{ name: 'Long', columns: [{ header: 'error', kind: 'prose' }], rows: [{ cells: [long] }] }]);
    const value = String(sheet(cut, 'Long').getRow(2).getCell(1).value);
    assert.equal(value.length, SPREADSHEET_MAX_CELL_CHARS);
    assert.match(value, /the CSV report has the whole text\]$/);
  });

  it('is one of the run\'s reports, and a workbook that cannot be built fails alone', async () => {
    const files = buildReportFiles(run, analyseRun(run, { ...DEFAULT_THRESHOLDS }));
    const file = files.find((candidate) => candidate.fileName === `iam_audit_${RUN_TIMESTAMP}.xlsx`);
    assert.ok(file && isByteStreamReport(file));
    assert.equal(file.contentType, XLSX_CONTENT_TYPE);

    const broken = { ...file, stream: () => workbookStream([{ name: 'Broken', columns: [{ header: 'a', kind: 'text' }], rows: [{ cells: ['one', 'two'] }] }]) };
    const directory = await mkdtemp(path.join(os.tmpdir(), 'workbook-'));
    try {
      const outcome = await writeReportsToDirectory(directory, [broken, ...files.filter((candidate) => candidate !== file)]);
      assert.deepEqual(outcome.failed.map((failure) => failure.fileName), [file.fileName]);
      assert.match(outcome.failed[0].reason, /Broken sheet: a row has 2 cells, the header 1/);
      const written = await readdir(directory);
      assert.equal(written.length, files.length - 1);
      assert.ok(written.every((name) => !name.endsWith('.tmp')));
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
