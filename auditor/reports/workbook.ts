// iam_audit_<ts>.xlsx: every CSV report as a sheet of one workbook, for the people who open reports
// in a spreadsheet. The sheets come from the reports' declarations (csv-report.ts: each CSV report
// names its sheet), so this file writes whatever sheets it is given and lists none itself. A CSV opened there loses what matters in an audit: `015197090613` becomes
// `15197090613`, CIS `1.10` becomes `1.1`, dates become text in the reader's locale. Here every
// cell is typed from its column's kind (declared once, beside the CSV header): ids and text are
// text cells with the text format `@` (so an edit keeps them text), dates are date cells.
//
// The workbook is written in pieces like the CSVs: each sheet's XML is produced a row at a time
// and compressed into the zip as the bytes are read (zip.ts), with a fixed style per column
// (styles.xml is the same for every workbook: each kind's format, plain, in the header and muted)
// and strings in the cells (no shared-strings table growing with the rows), so a workbook of
// hundreds of thousands of rows never sits in memory. It is the layout exceljs's streaming writer
// gave, cell for cell (test/auditor/reports/workbook-exceljs.test.ts compares the two read back).
import { Readable } from 'node:stream';
import type { ColumnKind, ColumnKinds } from './column-kinds';
import { zipBytes, type ZipEntry } from './zip';

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

/** A report's columns: its CSV header, each column with its declared kind. */
export function columnsOf<Header extends readonly string[]>(header: Header, kinds: ColumnKinds<Header>): WorkbookColumn[] {
  const kindOf: Partial<Record<string, ColumnKind>> = kinds;
  return header.map((name) => ({ header: name, kind: kindOf[name] ?? 'text' }));
}

/** A column's formats, in the order of STYLES_XML's cell formats: plain, header, muted. */
const KINDS_FORMATS: readonly string[] = [TEXT_FORMAT, DATE_TIME_FORMAT, DAY_FORMAT];
/** The cell format of the header row itself (bold); each header cell has its column's. */
const HEADER_ROW_STYLE = 1;
const STYLE_OF: Readonly<Record<'plain' | 'header' | 'muted', number>> = { plain: 0, header: 1, muted: 2 };

function styleIndex(kind: ColumnKind, use: keyof typeof STYLE_OF): number {
  return 2 + 3 * KINDS_FORMATS.indexOf(KIND_FORMAT[kind]) + STYLE_OF[use];
}

function xmlText(value: string): string {
  // What XML 1.0 cannot hold (control characters other than tab and line breaks) is left out.
  return value.replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (character) => XML_ESCAPES[character] ?? '');
}
const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Every workbook's styles: the default, the bold header row, then plain, header and muted cells of each kind's format. */
const STYLES_XML = (() => {
  const numberFormatId: Readonly<Record<string, number>> = { [TEXT_FORMAT]: 49, [DATE_TIME_FORMAT]: 164, [DAY_FORMAT]: 165 };
  const xf = (format: string, fontId: number, fillId: number) => {
    const id = numberFormatId[format];
    return `<xf numFmtId="${id}" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0" applyNumberFormat="1"${fontId > 0 ? ' applyFont="1"' : ''}${fillId > 0 ? ' applyFill="1"' : ''}/>`;
  };
  const cellFormats = [
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
    ...KINDS_FORMATS.flatMap((format) => [xf(format, 0, 0), xf(format, 1, 0), xf(format, 2, 2)]),
  ];
  return (
    `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
    `<numFmts count="2"><numFmt numFmtId="164" formatCode="${xmlText(DATE_TIME_FORMAT)}"/><numFmt numFmtId="165" formatCode="${xmlText(DAY_FORMAT)}"/></numFmts>` +
    '<fonts count="3"><font><color theme="1"/><family val="2"/><scheme val="minor"/><sz val="11"/><name val="Calibri"/></font><font><b/></font><font><i/><color rgb="FF7F7F7F"/></font></fonts>' +
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFEDEDED"/></patternFill></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${cellFormats.length}">${cellFormats.join('')}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0"/></styleSheet>'
  );
})();

/** Excel's column letters: A..Z, AA... */
function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function textCell(value: string): string {
  return value.length <= SPREADSHEET_MAX_CELL_CHARS ? value : value.slice(0, SPREADSHEET_MAX_CELL_CHARS - TRUNCATED_MARK.length) + TRUNCATED_MARK;
}

/** Excel's serial day number of a time: days since 1899-12-30, the fraction the time of day. */
function excelSerial(date: Date): number {
  return 25569 + date.getTime() / 86_400_000;
}

/** One cell's XML: empty stays an empty styled cell, a date its serial number, anything else (`Never`) text. */
function cellXml(reference: string, style: number, kind: ColumnKind, value: string): string {
  if (value === '') return `<c r="${reference}" s="${style}"/>`;
  if ((kind === 'date' && ISO_TIME.test(value)) || (kind === 'day' && ISO_DAY.test(value))) {
    const date = new Date(kind === 'day' ? `${value}T00:00:00.000Z` : value);
    if (!Number.isNaN(date.getTime())) return `<c r="${reference}" s="${style}"><v>${excelSerial(date)}</v></c>`;
  }
  return `<c r="${reference}" s="${style}" t="str"><v>${xmlText(textCell(value))}</v></c>`;
}

/** The name of the n-th sheet of a report too long for one (`Users`, `Users (2)`...). */
function partName(name: string, part: number): string {
  return part === 1 ? name : `${name} (${part})`;
}

/** A sheet as written to the archive: its name and part number, known once its XML has been produced. */
interface WrittenSheet {
  name: string;
}

/**
 * The XML of one part of a sheet: at most `maxRows` rows with the header, from `rows`, which it
 * leaves where the part ended. `more` is set when rows remain for another part.
 */
function* sheetPartXml(sheet: WorkbookSheet, rows: Iterator<WorkbookRow>, maxRows: number, state: { more: boolean; first: IteratorResult<WorkbookRow> }): Generator<string> {
  const { columns } = sheet;
  const letters = columns.map((_column, index) => columnLetters(index));
  const last = letters[letters.length - 1] ?? 'A';
  const widths = columns
    .map((column, index) => `<col min="${index + 1}" max="${index + 1}" width="${Math.max(column.header.length + 2, KIND_WIDTH[column.kind])}" style="${styleIndex(column.kind, 'plain')}" customWidth="1"/>`)
    .join('');
  yield `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${RELATIONSHIPS_NS}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`;
  yield `${widths.length > 0 ? `<cols>${widths}</cols>` : ''}<sheetData>`;
  yield `<row r="1" s="${HEADER_ROW_STYLE}" customFormat="1">${columns.map((column, index) => cellXml(`${letters[index]}1`, styleIndex(column.kind, 'header'), 'text', column.header)).join('')}</row>`;
  let rowNumber = 1;
  let next = state.first;
  state.more = false;
  while (!next.done) {
    if (rowNumber >= maxRows) {
      state.more = true;
      break;
    }
    const row = next.value;
    if (row.cells.length !== columns.length) throw new Error(`${sheet.name} sheet: a row has ${row.cells.length} cells, the header ${columns.length}`);
    rowNumber += 1;
    const use = row.muted === true ? 'muted' : 'plain';
    let xml = `<row r="${rowNumber}">`;
    for (let index = 0; index < columns.length; index += 1) xml += cellXml(`${letters[index]}${rowNumber}`, styleIndex(columns[index].kind, use), columns[index].kind, row.cells[index]);
    yield `${xml}</row>`;
    next = rows.next();
  }
  state.first = next;
  // The filter covers the header and every row of the part, as a spreadsheet sets it itself.
  yield `</sheetData><autoFilter ref="A1:${last}${rowNumber}"/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
}

/** The worksheets' entries, then the workbook, its relationships and the package's parts that list them. */
function* workbookEntries(sheets: Iterable<WorkbookSheet>, maxRows: number): Generator<ZipEntry> {
  if (maxRows < 2) throw new Error('a sheet must hold its header and at least one row');
  const written: WrittenSheet[] = [];
  for (const sheet of sheets) {
    const rows = sheet.rows[Symbol.iterator]();
    const state = { more: true, first: rows.next() };
    for (let part = 1; state.more; part += 1) {
      written.push({ name: partName(sheet.name, part) });
      yield { name: `xl/worksheets/sheet${written.length}.xml`, text: sheetPartXml(sheet, rows, maxRows, state) };
    }
  }
  const numbers = written.map((_sheet, index) => index + 1);
  yield { name: 'xl/styles.xml', text: [STYLES_XML] };
  yield {
    name: 'xl/workbook.xml',
    text: [`${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${RELATIONSHIPS_NS}"><sheets>${written.map((sheet, index) => `<sheet name="${xmlText(sheet.name)}" sheetId="${index + 1}" r:id="rId${index + 2}"/>`).join('')}</sheets></workbook>`],
  };
  yield {
    name: 'xl/_rels/workbook.xml.rels',
    text: [
      `${XML_HEAD}<Relationships xmlns="${PACKAGE_RELATIONSHIPS_NS}"><Relationship Id="rId1" Type="${RELATIONSHIPS_NS}/styles" Target="styles.xml"/>` +
        `${numbers.map((number) => `<Relationship Id="rId${number + 1}" Type="${RELATIONSHIPS_NS}/worksheet" Target="worksheets/sheet${number}.xml"/>`).join('')}</Relationships>`,
    ],
  };
  yield {
    name: '_rels/.rels',
    text: [`${XML_HEAD}<Relationships xmlns="${PACKAGE_RELATIONSHIPS_NS}"><Relationship Id="rId1" Type="${RELATIONSHIPS_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
  };
  const sheetType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
  yield {
    name: '[Content_Types].xml',
    text: [
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
        `${numbers.map((number) => `<Override PartName="/xl/worksheets/sheet${number}.xml" ContentType="${sheetType}"/>`).join('')}</Types>`,
    ],
  };
}

export interface WorkbookOptions {
  /** Rows of a sheet, the header included, before the report goes on in a sheet of its own. */
  maxRowsPerSheet?: number;
}

/**
 * The workbook's bytes, produced as they are read (a reader that stops reading stops the writing);
 * an error while writing destroys the stream with it.
 */
export function workbookStream(sheets: Iterable<WorkbookSheet>, options: WorkbookOptions = {}): Readable {
  return Readable.from(zipBytes(workbookEntries(sheets, options.maxRowsPerSheet ?? SPREADSHEET_MAX_ROWS)));
}
